/**
 * What a report shows, extracted from snapshots: plain data, rendered by ./html.ts and, for the
 * explorer, encoded compactly by ./graph-data.ts. Nothing here touches the DOM.
 */
import * as path from 'node:path';
import type { Entity, Relationship } from '../graph';
import { GraphIndex, parseQuery, QueryError, runQuery, type QueryResult } from '../query';
import { diffEntities, type EntityChange } from '../snapshot/diff';
import type { NotRefreshed, RunError, Snapshot, SnapshotMetadata } from '../snapshot/format';
import { readSnapshotMetadata, scanSnapshot } from '../snapshot/reader';
import type { ReportInputs } from './inputs';
import type { SavedQuery } from './saved-queries';

/** Changes listed one by one; beyond this the report gives the counts (a first run "creates" everything). */
export const MAX_LISTED_CHANGES = 2000;

export interface CountRow {
  name: string;
  count: number;
}

export interface TrendPoint {
  endedAt: string;
  file: string;
  entities: number;
  relationships: number;
  errors: number;
  accounts: number;
}

export interface Overview {
  snapshotFile: string;
  startedAt: string;
  endedAt: string;
  mode: SnapshotMetadata['mode'];
  graphSha256: string;
  accounts: Array<{ accountId: string; name?: string; entities: number }>;
  regions: string[];
  totals: { entities: number; relationships: number; stale: number };
  byClass: CountRow[];
  byType: CountRow[];
  relationshipsByVerb: CountRow[];
  /** Retained snapshots, oldest first, this one last. */
  trend: TrendPoint[];
}

export interface Health {
  errors: RunError[];
  /** Errors per code, most frequent first. */
  errorsByCode: CountRow[];
  notRefreshed: NotRefreshed[];
  skippedAccounts: SnapshotMetadata['skippedAccounts'];
  skippedRegions: SnapshotMetadata['skippedRegions'];
  collectors: { succeeded: number; partial: number; failed: number; skipped: number };
  staleEntities: number;
  apiCalls: SnapshotMetadata['apiCalls'];
  durationMs: number;
}

export interface Changes {
  /** The snapshot compared with, absent on the first snapshot. */
  previous?: { file: string; endedAt: string };
  /** Why the previous snapshot could not be compared with (damaged, unreadable): no changes are listed. */
  previousUnreadable?: string;
  entities: { created: number; updated: number; deleted: number };
  relationships: { created: number; deleted: number; updated: number };
  /** Entity changes (up to MAX_LISTED_CHANGES), by key. */
  listed: EntityChange[];
  /** Changes per type, most changed first. */
  byType: Array<{ type: string; created: number; updated: number; deleted: number }>;
}

export interface SavedQueryResult {
  title: string;
  query: string;
  /** `list` and `tree` open as graphs; `table` and `aggregate` as rows. */
  type: QueryResult['type'] | 'error';
  total: number;
  vertexKeys: string[];
  edgeKeys: string[];
  columns?: string[];
  rows?: Array<Record<string, unknown>>;
  error?: string;
}

export interface ReportModel {
  generatedAt: string;
  overview: Overview;
  health: Health;
  changes: Changes;
  inputs: ReportInputs;
  savedQueries: SavedQueryResult[];
}

export interface ModelOptions {
  /** The snapshot reported on, read whole. */
  snapshot: Snapshot;
  snapshotFile: string;
  /** Retained snapshots of the same store, oldest first (the reported one may be among them). */
  retained: string[];
  /** Metadata of retained snapshots that are not files (a database store's), for the trend only. */
  retainedMetadata?: ReadonlyArray<{ name: string; metadata: SnapshotMetadata }>;
  inputs?: ReportInputs;
  savedQueries?: readonly SavedQuery[];
  /** When the report was made (injected by tests). */
  now?: () => Date;
}

function counted(counts: Map<string, number>): CountRow[] {
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
}

function increment(counts: Map<string, number>, name: string, by = 1): void {
  counts.set(name, (counts.get(name) ?? 0) + by);
}

export function overviewOf(snapshot: Snapshot, snapshotFile: string, trend: TrendPoint[]): Overview {
  const { metadata } = snapshot;
  const byClass = new Map<string, number>();
  const byType = new Map<string, number>();
  const byAccount = new Map<string, number>();
  const byVerb = new Map<string, number>();
  let stale = 0;
  for (const entity of snapshot.entities) {
    increment(byType, entity._type);
    for (const name of Array.isArray(entity._class) ? entity._class : [entity._class]) increment(byClass, name);
    if (entity._accountId) increment(byAccount, entity._accountId);
    if (entity._stale) stale++;
  }
  for (const relationship of snapshot.relationships) increment(byVerb, relationship._class);
  return {
    snapshotFile: path.basename(snapshotFile),
    startedAt: metadata.startedAt,
    endedAt: metadata.endedAt,
    mode: metadata.mode,
    graphSha256: metadata.graphSha256,
    accounts: metadata.accounts.map((account) => ({ ...account, entities: byAccount.get(account.accountId) ?? 0 })),
    regions: metadata.regions,
    totals: { entities: snapshot.entities.length, relationships: snapshot.relationships.length, stale },
    byClass: counted(byClass),
    byType: counted(byType),
    relationshipsByVerb: counted(byVerb),
    trend,
  };
}

export function healthOf(metadata: SnapshotMetadata): Health {
  const collectors = { succeeded: 0, partial: 0, failed: 0, skipped: 0 };
  for (const record of metadata.collectors) collectors[record.status]++;
  const byCode = new Map<string, number>();
  for (const error of metadata.errors) increment(byCode, error.code);
  return {
    errors: metadata.errors,
    errorsByCode: counted(byCode),
    notRefreshed: metadata.notRefreshed,
    skippedAccounts: metadata.skippedAccounts,
    skippedRegions: metadata.skippedRegions,
    collectors,
    staleEntities: metadata.counts.staleEntities,
    apiCalls: metadata.apiCalls,
    durationMs: metadata.durationMs,
  };
}

/** Entity changes (by content, as the ingestion counts them) and relationship changes between two snapshots. */
export function changesBetween(
  previous: { entities: Entity[]; relationships: Relationship[] } | undefined,
  current: Snapshot,
  previousFile?: string,
  previousEndedAt?: string,
): Changes {
  if (!previous) {
    return { entities: { created: 0, updated: 0, deleted: 0 }, relationships: { created: 0, updated: 0, deleted: 0 }, listed: [], byType: [] };
  }
  const { counts, changes } = diffEntities(previous.entities, current.entities);
  // Relationships are plain data too: the same comparison applies (diffEntities reads only _key, _type and content).
  const relationshipDiff = diffEntities(previous.relationships as unknown as Entity[], current.relationships as unknown as Entity[]).counts;
  const byType = new Map<string, { type: string; created: number; updated: number; deleted: number }>();
  for (const change of changes) {
    const row = byType.get(change._type) ?? { type: change._type, created: 0, updated: 0, deleted: 0 };
    row[change.change]++;
    byType.set(change._type, row);
  }
  return {
    previous: previousFile ? { file: path.basename(previousFile), endedAt: previousEndedAt ?? '' } : undefined,
    entities: counts,
    relationships: relationshipDiff,
    listed: changes.slice(0, MAX_LISTED_CHANGES),
    byType: [...byType.values()].sort((a, b) => b.created + b.updated + b.deleted - (a.created + a.updated + a.deleted) || (a.type < b.type ? -1 : 1)),
  };
}

/** Runs the saved queries on the snapshot; a query that fails is reported, never fatal. */
export function runSavedQueries(snapshot: Snapshot, queries: readonly SavedQuery[]): SavedQueryResult[] {
  if (queries.length === 0) return [];
  const index = GraphIndex.fromSnapshot(snapshot);
  return queries.map(({ title, query }) => {
    let result: QueryResult;
    try {
      result = runQuery(index, parseQuery(query));
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      return { title, query, type: 'error', total: 0, vertexKeys: [], edgeKeys: [], error: error.message };
    }
    switch (result.type) {
      case 'tree':
        return {
          title,
          query,
          type: 'tree',
          total: result.total,
          vertexKeys: result.data.vertices.map((vertex) => vertex._key),
          edgeKeys: result.data.edges.map((edge) => edge._key),
        };
      case 'list':
        return { title, query, type: 'list', total: result.total, vertexKeys: result.data.map((entity) => entity._key), edgeKeys: [] };
      default: {
        // Entities in cells are shown by key: the explorer has their properties.
        const rows = result.data.map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([column, value]) => [column, value && typeof value === 'object' && '_key' in value ? value._key : value]),
          ),
        );
        return { title, query, type: result.type, total: result.total, vertexKeys: [], edgeKeys: [], columns: result.columns, rows };
      }
    }
  });
}

/** The trend of the retained snapshots up to (and including) the reported one, from their metadata only. */
export async function trendOf(
  retained: readonly string[],
  snapshotFile: string,
  metadata: SnapshotMetadata,
  retainedMetadata: ReadonlyArray<{ name: string; metadata: SnapshotMetadata }> = [],
): Promise<TrendPoint[]> {
  const points: TrendPoint[] = [];
  for (const other of retainedMetadata) if (other.metadata.endedAt < metadata.endedAt) points.push(pointOf(other.name, other.metadata));
  const current = path.resolve(snapshotFile);
  for (const file of retained) {
    if (path.resolve(file) === current) continue;
    try {
      const other = await readSnapshotMetadata(file);
      if (other.endedAt >= metadata.endedAt) continue;
      points.push(pointOf(file, other));
    } catch {
      // A damaged retained snapshot only leaves a gap in the trend; the health section reports the run's own errors.
    }
  }
  points.push(pointOf(snapshotFile, metadata));
  return points.sort((a, b) => (a.endedAt < b.endedAt ? -1 : a.endedAt > b.endedAt ? 1 : 0));
}

function pointOf(file: string, metadata: SnapshotMetadata): TrendPoint {
  return {
    endedAt: metadata.endedAt,
    file: path.basename(file),
    entities: metadata.counts.totalEntities,
    relationships: metadata.counts.totalRelationships,
    errors: metadata.errors.length,
    accounts: metadata.accounts.length,
  };
}

/** The retained snapshot just before the reported one (by end time), if any. */
export async function previousOf(
  retained: readonly string[],
  snapshotFile: string,
  metadata: SnapshotMetadata,
): Promise<{ file: string; endedAt: string } | undefined> {
  let best: { file: string; endedAt: string } | undefined;
  const current = path.resolve(snapshotFile);
  for (const file of retained) {
    if (path.resolve(file) === current) continue;
    let other: SnapshotMetadata;
    try {
      other = await readSnapshotMetadata(file);
    } catch {
      continue;
    }
    if (other.endedAt < metadata.endedAt && (!best || other.endedAt > best.endedAt)) best = { file, endedAt: other.endedAt };
  }
  return best;
}

/** Reads what a change list needs of a snapshot: its objects, without keeping the lines. */
async function readObjects(file: string): Promise<{ entities: Entity[]; relationships: Relationship[] }> {
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  await scanSnapshot(file, { entity: (entity) => entities.push(entity), relationship: (relationship) => relationships.push(relationship) });
  return { entities, relationships };
}

export async function buildModel(options: ModelOptions): Promise<ReportModel> {
  const { snapshot, snapshotFile } = options;
  const trend = await trendOf(options.retained, snapshotFile, snapshot.metadata, options.retainedMetadata);
  const previous = await previousOf(options.retained, snapshotFile, snapshot.metadata);
  let changes: Changes;
  if (previous) {
    try {
      changes = changesBetween(await readObjects(previous.file), snapshot, previous.file, previous.endedAt);
    } catch (error) {
      // An unreadable previous snapshot: the report still shows this one, and says why there are no changes.
      changes = changesBetween(undefined, snapshot);
      changes.previous = { file: path.basename(previous.file), endedAt: previous.endedAt };
      changes.previousUnreadable = (error as Error).message;
    }
  } else {
    changes = changesBetween(undefined, snapshot);
  }
  return {
    generatedAt: (options.now ?? (() => new Date()))().toISOString(),
    overview: overviewOf(snapshot, snapshotFile, trend),
    health: healthOf(snapshot.metadata),
    changes,
    inputs: options.inputs ?? {},
    savedQueries: runSavedQueries(snapshot, options.savedQueries ?? []),
  };
}
