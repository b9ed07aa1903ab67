import * as path from 'node:path';
import type { Logger } from '../collectors/types';
import type { Entity, Relationship } from '../graph';
import { EntityDigest, readPreviousSnapshot, SnapshotFormatError, type ComparedSnapshot, type PreviousSnapshot, type RunError } from '../snapshot';
import type { GraphStorage, SnapshotRef } from '../store/types';

/** Snapshots read in full, at most, looking for an intact previous one. */
const MAX_PREVIOUS_READS = 3;

/**
 * The previous snapshot, for carry-forward and the change counts: the first of the candidates (best
 * first: the latest, then older ones) that reads whole and matches its `graphSha256`. Those passed
 * over are said in one recorded error of this run, not the end of it. When none is intact, a damaged
 * one whose content still reads is used, and the run says so; when none reads, nothing is carried.
 */
export async function readPrevious(
  store: GraphStorage,
  candidates: readonly SnapshotRef[],
  passedOver: string[],
  options: Parameters<typeof readPreviousSnapshot>[1],
  errors: RunError[],
  logger: Logger,
): Promise<{ previous: PreviousSnapshot; file: string } | undefined> {
  const record = (code: string, message: string) => {
    errors.push({ account: '*', region: '*', service: 'snapshot', code, kind: 'unexpected', message });
    logger.warn(message);
  };
  let damaged: { previous: PreviousSnapshot; file: string } | undefined;
  let chosen: { previous: PreviousSnapshot; file: string } | undefined;
  // Each candidate is a whole read: a few damaged ones are passed over, not the whole history.
  for (const candidate of candidates.slice(0, MAX_PREVIOUS_READS)) {
    const file = candidate.id;
    try {
      const previous = await store.readPrevious(candidate, options);
      if (previous.contentMatches) {
        chosen = { previous, file };
        break;
      }
      damaged ??= { previous, file };
      passedOver.push(`${file}: does not match its graphSha256 (damaged or edited since it was written)`);
    } catch (error) {
      if (!(error instanceof SnapshotFormatError) && !(error as NodeJS.ErrnoException).code) throw error;
      passedOver.push(error instanceof SnapshotFormatError ? error.message : `${file}: cannot be read (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  if (chosen) {
    if (passedOver.length) {
      record(
        'PreviousSnapshotFallback',
        `the latest snapshot could not be used (${passedOver.join('; ')}): compared with the newest intact one instead, ${chosen.file}`,
      );
    }
    return chosen;
  }
  if (damaged) {
    record(
      'PreviousSnapshotDamaged',
      `the previous snapshot ${path.basename(damaged.file)} does not match its graphSha256 (damaged or edited since it was written) and no intact older one exists: what it says was still used for carry-forward and the change counts`,
    );
    return damaged;
  }
  if (passedOver.length) {
    const failed = options.failedScopes.length;
    record(
      'PreviousSnapshotUnreadable',
      `the previous snapshot could not be read (${passedOver.join('; ')}): nothing was carried forward${failed ? ` (${failed} failed scope${failed === 1 ? '' : 's'} lose their previous entities)` : ''}, and every entity counts as created`,
    );
  }
  return undefined;
}

/**
 * Change counts against the previous snapshot, and the change-tracking timestamps set on every
 * object (see `EntityDigest.stamp`); without a previous snapshot everything is created `now`.
 */
export function stampChanges(previous: ComparedSnapshot | undefined, entities: Entity[], relationships: Relationship[], now: number) {
  const knownSince = previous ? Date.parse(previous.metadata.startedAt) || now : now;
  return {
    entities: (previous?.digest ?? new EntityDigest()).stamp(entities, now, knownSince),
    relationships: (previous?.relationshipDigest ?? new EntityDigest()).stamp(relationships, now, knownSince),
  };
}
