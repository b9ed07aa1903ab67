import type { AwsAccess } from '../aws/access';
import type { SkippedAccount } from '../aws/organization';
import { totalLimited } from '../collectors/limits';
import type { AccountInfo, Logger } from '../collectors/types';
import type { IngestConfig } from '../config';
import { SpilledGraph, type GraphStore } from '../graph';
import type { Collection } from '../parallel/pool';
import type { World } from '../sim/types';
import { EntityDigest, KeyOrdered, type CollectorRunRecord, type ComparedSnapshot, type NotRefreshed, type RunError, type SnapshotMetadata } from '../snapshot';
import type { GraphStorage } from '../store/types';
import { TOOL } from '../version';
import { stampChanges } from './previous';
import type { RunScope } from './scope';
import type { IngestOptions, IngestResult, IngestSummary } from './types';

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Counts by name as {@link countBy} orders them. */
function sortedCounts(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The snapshot of the run: change tracking against the previous snapshot, the run's metadata, the
 * write itself, then retention.
 */
export async function writeSnapshot(run: {
  config: IngestConfig;
  store: GraphStorage;
  graph: GraphStore;
  access: AwsAccess;
  options: Pick<IngestOptions, 'onProgress' | 'writeHooks'>;
  logger: Logger;
  clock: () => Date;
  startedAt: Date;
  started: number;
  world?: World;
  read?: { previous: ComparedSnapshot; file: string };
  collected: Awaited<ReturnType<Collection['finish']>>;
  records: CollectorRunRecord[];
  errors: RunError[];
  notRefreshed: NotRefreshed[];
  scope?: RunScope;
  reachable: readonly AccountInfo[];
  regions: Map<string, string[]>;
  skippedAccounts: SkippedAccount[];
  skippedRegions: SnapshotMetadata['skippedRegions'];
}): Promise<IngestResult> {
  const { config, store, graph, access, options, logger, clock, startedAt, started, world, read, collected, records, errors, notRefreshed, scope } = run;
  const { reachable, regions, skippedAccounts, skippedRegions } = run;
  const previous = read?.previous;
  const apiCalls = access.totals();
  apiCalls.calls += collected.calls?.calls ?? 0;
  apiCalls.throttled += collected.calls?.throttled ?? 0;
  const endedAt = clock();
  errors.sort((a, b) => `${a.account}|${a.region}|${a.service}|${a.operation}`.localeCompare(`${b.account}|${b.region}|${b.service}|${b.operation}`));
  const describe = (
    counts: SnapshotMetadata['counts'],
    changes: SnapshotMetadata['changes'],
    relationshipChanges: SnapshotMetadata['relationshipChanges'],
  ): Omit<SnapshotMetadata, 'graphSha256'> => ({
    format: 'aws-org-graph.snapshot/1',
    tool: TOOL,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    mode: world ? 'simulated' : 'aws',
    accounts: reachable.map((a) => ({ accountId: a.accountId, name: a.name })),
    skippedAccounts,
    regions: [...new Set([...regions.values()].flat())].sort(),
    skippedRegions,
    collectors: records,
    errors,
    notRefreshed,
    counts,
    apiCalls,
    scope,
    previous: read ? { path: read.file, graphSha256: read.previous.metadata.graphSha256 } : undefined,
    changes,
    relationshipChanges,
  });
  const now = startedAt.getTime();
  const knownSince = previous ? Date.parse(previous.metadata.startedAt) || now : now;
  let metadata: Omit<SnapshotMetadata, 'graphSha256'>;
  let written: Awaited<ReturnType<GraphStorage['write']>>;
  let changedKeys: NonNullable<IngestSummary['changedKeys']>;
  options.onProgress?.({ phase: 'write', done: 0, total: 1 });
  const onDisk = graph instanceof SpilledGraph && store.writeOrdered !== undefined;
  if (onDisk && store.writeOrdered) {
    // The graph is on disk: objects are stamped, counted and written one at a time, in key order.
    // The metadata is written after them, so its counts are filled in as they stream.
    const entityStamps = (previous?.digest ?? new EntityDigest()).stamper(now, knownSince);
    const relationshipStamps = (previous?.relationshipDigest ?? new EntityDigest()).stamper(now, knownSince);
    const entityTypes = new Map<string, number>();
    const relationshipTypes = new Map<string, number>();
    const counts = { entities: {}, relationships: {}, totalEntities: 0, totalRelationships: 0, staleEntities: 0 };
    const noChanges = { created: 0, updated: 0, deleted: 0 };
    metadata = describe(counts, noChanges, noChanges);
    const entities = function* () {
      for (const entity of graph.sortedEntities()) {
        entityStamps.stamp(entity);
        entityTypes.set(entity._type, (entityTypes.get(entity._type) ?? 0) + 1);
        counts.totalEntities++;
        if (entity._stale) counts.staleEntities++;
        yield entity;
      }
      counts.entities = sortedCounts(entityTypes);
      const stamped = entityStamps.finish();
      metadata.changes = stamped.counts;
      changedKeys = { ...changedKeys, entities: stamped.keys };
    };
    const relationships = function* () {
      for (const relationship of graph.sortedRelationships()) {
        relationshipStamps.stamp(relationship);
        relationshipTypes.set(relationship._type, (relationshipTypes.get(relationship._type) ?? 0) + 1);
        counts.totalRelationships++;
        yield relationship;
      }
      counts.relationships = sortedCounts(relationshipTypes);
      const stamped = relationshipStamps.finish();
      metadata.relationshipChanges = stamped.counts;
      changedKeys = { ...changedKeys, relationships: stamped.keys };
    };
    changedKeys = { entities: { created: [], updated: [], deleted: [] }, relationships: { created: [], updated: [], deleted: [] } };
    written = await store.writeOrdered(new KeyOrdered(entities()), new KeyOrdered(relationships()), metadata, options.writeHooks);
  } else {
    const entities = [...graph.allEntities()];
    const relationships = [...graph.allRelationships()];
    // Change tracking: counts, and `_createdOn`/`_updatedOn` carried from the previous snapshot.
    const stamped = stampChanges(previous, entities, relationships, now);
    metadata = describe(
      {
        entities: countBy(entities, (e) => e._type),
        relationships: countBy(relationships, (r) => r._type),
        totalEntities: entities.length,
        totalRelationships: relationships.length,
        staleEntities: entities.filter((e) => e._stale).length,
      },
      stamped.entities.counts,
      stamped.relationships.counts,
    );
    changedKeys = { entities: stamped.entities.keys, relationships: stamped.relationships.keys };
    written = await store.write(entities, relationships, metadata, options.writeHooks);
  }
  const fullMetadata: SnapshotMetadata = { ...metadata, graphSha256: written.graphSha256 };
  if (config.retention) {
    // Retention is housekeeping: the snapshot is written, and a failure here does not undo that.
    try {
      const pruned = await store.prune(config.retention.keep);
      if (pruned.removed.length) logger.info(`retention: removed ${pruned.removed.length} snapshot(s), kept ${pruned.kept.length}`);
    } catch (error) {
      logger.warn(`retention: could not remove old snapshots: ${(error as Error).message}`);
    }
  }
  const summary = summarize(fullMetadata, written.path);
  summary.changedKeys = changedKeys;
  return { summary, metadata: fullMetadata, graph, graphKept: onDisk ? 'disk' : 'memory' };
}

export function summarize(metadata: SnapshotMetadata, snapshotPath: string): IngestSummary {
  const limited = totalLimited(metadata.collectors);
  return {
    snapshot: { path: snapshotPath, sha256: metadata.graphSha256 },
    counts: { entities: metadata.counts.entities, relationships: metadata.counts.relationships },
    totals: {
      entities: metadata.counts.totalEntities,
      relationships: metadata.counts.totalRelationships,
      staleEntities: metadata.counts.staleEntities,
    },
    accounts: metadata.accounts,
    skippedAccounts: metadata.skippedAccounts,
    regions: metadata.regions,
    errors: metadata.errors.map((e) => ({
      account: e.account,
      region: e.region,
      service: e.service,
      code: e.code,
      message: e.message,
      operation: e.operation,
    })),
    notRefreshed: metadata.notRefreshed,
    ...(metadata.scope ? { scope: metadata.scope } : {}),
    skippedRegions: metadata.skippedRegions,
    changes: metadata.changes ?? { created: 0, updated: 0, deleted: 0 },
    relationshipChanges: metadata.relationshipChanges ?? { created: 0, updated: 0, deleted: 0 },
    startedAt: metadata.startedAt,
    durationMs: metadata.durationMs,
    apiCalls: metadata.apiCalls.calls,
    throttledCalls: metadata.apiCalls.throttled,
    ...(limited.length ? { limited } : {}),
  };
}
