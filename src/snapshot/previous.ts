import type { Entity, Relationship } from '../graph';
import { VOLATILE_PROPERTIES } from './diff';
import { EntityDigest } from './digest';
import type { SnapshotMetadata } from './format';
import { parseSnapshotLine, scanSnapshotLines, type ScanOptions, type SnapshotLineVisitor } from './reader';
import { splitTimestamps } from './timestamps';

/** An (account, region, collector) this run could not refresh; `*` as region or collector matches any. */
export interface UnrefreshedScope {
  accountId: string;
  region: string;
  collector: string;
}

/** What deciding whether to keep an object reads: its type and provenance. */
export type ScopeFields = Pick<Entity, '_type' | '_accountId' | '_region' | '_collector'>;

/** Whether an object was read in a scope (the provenance test of carry-forward). */
export function inScope(object: Pick<Entity, '_accountId' | '_region' | '_collector'>, scope: UnrefreshedScope): boolean {
  return (
    object._accountId === scope.accountId &&
    (scope.region === '*' || object._region === scope.region) &&
    (scope.collector === '*' || object._collector === scope.collector)
  );
}

export interface PreviousSnapshotOptions {
  /** Scopes of this run that failed: their objects may be carried forward. */
  failedScopes: readonly UnrefreshedScope[];
  /** Types that are never deleted (findings): their objects may be carried forward. */
  everGrowingTypes: ReadonlySet<string>;
  /**
   * Per account, types of entities that a failed or partly failed collector enriches (see
   * `CollectorDeclaration.enriches`): kept, so that carry-forward can put the enriched properties back.
   */
  enrichedTypes?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Objects outside a narrowed run's scope (`--services`, `--accounts`, `--regions`): kept, to be
   * carried into the new snapshot unchanged. Called with their type and provenance.
   */
  outsideScope?: (object: ScopeFields) => boolean;
}

/**
 * The part of the previous snapshot a run needs, read without holding the whole of it: at a
 * million entities the previous graph would double the run's memory.
 */
export interface PreviousSnapshot {
  metadata: SnapshotMetadata;
  /**
   * What carry-forward can use, in the snapshot's order: entities of failed scopes or ever-growing
   * types, entities that failed collectors enrich, and every `_source: 'system-mapper'` entity
   * (carried edges bring the mapped entities they point at); relationships of failed scopes or
   * ever-growing types, and those that start from an entity of a failed scope. Carrying forward from
   * these gives the same graph as carrying forward from the whole snapshot.
   */
  entities: Entity[];
  relationships: Relationship[];
  /** Every previous entity's key, content fingerprint and timestamps, for the change counts and `_createdOn`. */
  digest: EntityDigest;
  /** The same for every previous relationship. */
  relationshipDigest: EntityDigest;
  /** Whether the content still matches the `graphSha256` it was written with (not damaged or edited since). */
  contentMatches: boolean;
}

/**
 * What the write compares the new snapshot with: all a run keeps of the previous snapshot once
 * carry-forward is done. Not its metadata's lists (at 1,000 accounts, 700,000 collector records)
 * nor the objects carry-forward read.
 */
export interface ComparedSnapshot {
  metadata: Pick<SnapshotMetadata, 'graphSha256' | 'startedAt'>;
  digest: EntityDigest;
  relationshipDigest: EntityDigest;
}

/** The part of `previous` that {@link ComparedSnapshot} says. */
export function comparedSnapshot(previous: PreviousSnapshot): ComparedSnapshot {
  const { graphSha256, startedAt } = previous.metadata;
  return { metadata: { graphSha256, startedAt }, digest: previous.digest, relationshipDigest: previous.relationshipDigest };
}

/**
 * Where a top-level property's name starts in a canonical JSON line, searching backwards from
 * `before`: `"name":` right after `{` or `,` can only be a property name (inside a string every
 * quote is escaped), and only a top-level one when the line holds no nested object, which the
 * caller checks. -1 when absent.
 */
function propertyAt(text: string, marker: string, before: number): number {
  let at = text.lastIndexOf(marker, before);
  while (at > 0 && text.charCodeAt(at - 1) !== 0x2c && text.charCodeAt(at - 1) !== 0x7b) at = text.lastIndexOf(marker, at - 1);
  return at;
}

/**
 * The string value of the top-level property whose name `marker` (`"name":"`) starts at `at`, as a
 * fresh string (a slice would keep the whole line alive); undefined when absent.
 */
function stringAt(text: string, at: number, marker: string): string | undefined {
  if (at < 0) return undefined;
  const start = at + marker.length - 1; // the opening quote
  let end = text.indexOf('"', start + 1);
  // A quote preceded by an odd number of backslashes is escaped: look further.
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) break;
    end = text.indexOf('"', end + 1);
  }
  return end < 0 ? undefined : (JSON.parse(text.slice(start, end + 1)) as string);
}

const KEY = '"_key":"';
const FROM = '"_fromEntityKey":"';
const TO = '"_toEntityKey":"';
const SOURCE = '"_source":"';
const TYPE = '"_type":';
const TYPE_STRING = '"_type":"';
const ACCOUNT = '"_accountId":"';
const REGION = '"_region":"';
const COLLECTOR = '"_collector":"';
const VOLATILE_MARKERS = VOLATILE_PROPERTIES.map((name) => `"${name}":`);
const MAPPED = '"_source":"system-mapper"';

/** Where the top-level `_type` property starts, searching forwards (it comes early in a line). */
function typeAt(text: string): number {
  let at = text.indexOf(TYPE);
  while (at > 0 && text.charCodeAt(at - 1) !== 0x2c && text.charCodeAt(at - 1) !== 0x7b) at = text.indexOf(TYPE, at + 1);
  return at;
}

/**
 * Where the top-level `_type` of a line that can be read without parsing it starts, or -1 when the
 * line must be parsed (it holds an object, a volatile property, or no string `_type`). Names are
 * sorted in canonical JSON, and `_` sorts after digits and capitals and before small letters, so
 * every property needed here comes before `_type`: searches stop there, not at the end of the line.
 */
function readableUpTo(text: string): number {
  if (text.indexOf('{', 1) >= 0) return -1;
  const at = typeAt(text);
  if (at < 0 || !text.startsWith(TYPE_STRING, at)) return -1;
  return VOLATILE_MARKERS.some((marker) => propertyAt(text, marker, at) >= 0) ? -1 : at;
}

/** Type and provenance of a line that {@link readableUpTo} accepts, its account already read. */
function scopeFields(text: string, upTo: number, accountId: string | undefined): ScopeFields {
  return {
    _type: stringAt(text, upTo, TYPE_STRING) as string,
    _accountId: accountId,
    _region: stringAt(text, propertyAt(text, REGION, upTo), REGION),
    _collector: stringAt(text, propertyAt(text, COLLECTOR, upTo), COLLECTOR),
  };
}

/**
 * Where a snapshot's lines come from when it is not a file (a database store): `scan` hands each
 * object's line to the visitor as the file writer would have written it (canonical JSON, then the
 * timestamps) and resolves to the metadata; `label` names it in messages.
 */
export interface SnapshotLineSource {
  label: string;
  scan(visitor: SnapshotLineVisitor, options: ScanOptions): Promise<SnapshotMetadata>;
}

/**
 * Reads the previous snapshot in one streaming pass, keeping what {@link PreviousSnapshot} says.
 * Lines are parsed only when kept (or when they hold a volatile property or a nested object): the
 * digest hashes each entity line as written, which is its canonical JSON. A line that is not kept
 * is parsed only as far as it is read (its key, type and provenance), but the whole content is
 * checked against its `graphSha256` (`contentMatches`): damage shows, parsed or not.
 */
export async function readPreviousSnapshot(source: string | SnapshotLineSource, options: PreviousSnapshotOptions): Promise<PreviousSnapshot> {
  const file = typeof source === 'string' ? source : source.label;
  const scan = (visitor: SnapshotLineVisitor, scanOptions: ScanOptions) =>
    typeof source === 'string' ? scanSnapshotLines(source, visitor, scanOptions) : source.scan(visitor, scanOptions);
  const { failedScopes, everGrowingTypes, outsideScope } = options;
  const enrichedTypes = options.enrichedTypes ?? new Map<string, ReadonlySet<string>>();
  const carryAny = failedScopes.length > 0 || everGrowingTypes.size > 0 || enrichedTypes.size > 0 || outsideScope !== undefined;
  const inFailedScope = (object: ScopeFields) => failedScopes.some((scope) => inScope(object, scope));
  const enriched = (object: ScopeFields) => object._accountId !== undefined && enrichedTypes.get(object._accountId)?.has(object._type) === true;
  /**
   * Why an entity or relationship is kept: `failed` (in a failed scope: carried if this run did not
   * recreate it), `kept` (an ever-growing type, outside a narrowed run's scope, an entity a failed
   * collector enriches), or undefined.
   */
  const reason = (object: ScopeFields): 'failed' | 'kept' | undefined =>
    everGrowingTypes.has(object._type) || outsideScope?.(object) ? 'kept' : inFailedScope(object) ? 'failed' : enriched(object) ? 'kept' : undefined;
  // The same on a line that `readableUpTo` accepts, reading as little as it can: most lines are of
  // an account with nothing to carry.
  const lineReason = (text: string, upTo: number): 'failed' | 'kept' | undefined => {
    if (everGrowingTypes.size > 0 && everGrowingTypes.has(stringAt(text, upTo, TYPE_STRING) as string)) return 'kept';
    if (failedScopes.length === 0 && enrichedTypes.size === 0 && !outsideScope) return undefined;
    const accountId = stringAt(text, propertyAt(text, ACCOUNT, upTo), ACCOUNT);
    if (outsideScope) return reason(scopeFields(text, upTo, accountId));
    if (accountId === undefined || !(enrichedTypes.has(accountId) || failedScopes.some((scope) => scope.accountId === accountId))) return undefined;
    return reason(scopeFields(text, upTo, accountId));
  };
  // Keys of the entities of failed scopes: the edges that start from them are kept too (an edge
  // drawn from an entity this run could not refresh, by a mapping for instance, could not be drawn again).
  const failedKeys = new Set<string>();
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  const digest = new EntityDigest();
  const relationshipDigest = new EntityDigest();
  let contentMatches = false;
  // Keys of the entities outside a narrowed run's scope: edges that touch them (drawn by a mapping
  // over the whole graph, which this run saw only part of) are kept too.
  const outsideKeys = new Set<string>();
  // Keys of the ever-growing entities (findings): the edges to them are kept too, so a finding
  // keeps its `HAS` from the image or host it was found on while both are in the graph.
  const everGrowingKeys = new Set<string>();
  const keepEntity = (entity: Entity, why: 'failed' | 'kept' | undefined) => {
    if (why === 'failed') failedKeys.add(entity._key);
    if (everGrowingTypes.has(entity._type)) everGrowingKeys.add(entity._key);
    if (why === 'kept' && outsideScope?.(entity)) outsideKeys.add(entity._key);
    if (why || entity._source === 'system-mapper') entities.push(entity);
  };
  const metadata = await scan(
    {
      entity: (line, lineNumber) => {
        // The timestamps after the content are digested on their own; kept entities keep them.
        const { content: text, timestamps } = splitTimestamps(line);
        const upTo = readableUpTo(text);
        const key = upTo < 0 ? undefined : stringAt(text, propertyAt(text, KEY, upTo), KEY);
        if (key === undefined) {
          const entity = parseSnapshotLine<Entity>(file, lineNumber, line);
          digest.add(entity);
          keepEntity(entity, carryAny ? reason(entity) : undefined);
          return;
        }
        digest.addCanonical(key, text, timestamps);
        const sourceAt = propertyAt(text, SOURCE, upTo);
        const mapped = sourceAt >= 0 && text.startsWith(MAPPED, sourceAt);
        const why = carryAny ? lineReason(text, upTo) : undefined;
        if (mapped || why) keepEntity(parseSnapshotLine<Entity>(file, lineNumber, line), why);
      },
      relationship: (line, lineNumber) => {
        const { content: text, timestamps } = splitTimestamps(line);
        const upTo = readableUpTo(text);
        const key = upTo < 0 ? undefined : stringAt(text, propertyAt(text, KEY, upTo), KEY);
        if (key === undefined) {
          const relationship = parseSnapshotLine<Relationship>(file, lineNumber, line);
          relationshipDigest.add(relationship);
          const touchesOutside = outsideKeys.has(relationship._fromEntityKey) || outsideKeys.has(relationship._toEntityKey);
          const toEverGrowing = everGrowingKeys.has(relationship._toEntityKey);
          if (carryAny && (reason(relationship) || failedKeys.has(relationship._fromEntityKey) || touchesOutside || toEverGrowing))
            relationships.push(relationship);
          return;
        }
        relationshipDigest.addCanonical(key, text, timestamps);
        if (!carryAny) return;
        const from = failedKeys.size || outsideKeys.size ? stringAt(text, propertyAt(text, FROM, upTo), FROM) : undefined;
        const to = outsideKeys.size || everGrowingKeys.size ? stringAt(text, propertyAt(text, TO, upTo), TO) : undefined;
        const touchesOutside = (from !== undefined && outsideKeys.has(from)) || (to !== undefined && outsideKeys.has(to));
        const toEverGrowing = to !== undefined && everGrowingKeys.has(to);
        if ((from !== undefined && failedKeys.has(from)) || touchesOutside || toEverGrowing || lineReason(text, upTo))
          relationships.push(parseSnapshotLine<Relationship>(file, lineNumber, line));
      },
    },
    { onContentChecked: (matches) => (contentMatches = matches) },
  );
  return { metadata, entities, relationships, digest, relationshipDigest, contentMatches };
}
