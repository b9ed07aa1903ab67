import type { Entity, Relationship } from '../graph';
import type { Snapshot, SnapshotMetadata } from '../snapshot/format';
import type { PreviousSnapshot, PreviousSnapshotOptions } from '../snapshot/previous';
import type { ReadOptions } from '../snapshot/reader';
import type { KeyOrdered, WriteHooks, WrittenSnapshot } from '../snapshot/writer';

/** A snapshot as a store names it: a file path, or `postgres:snapshot/<id>`. */
export interface SnapshotRef {
  id: string;
}

/**
 * Small documents kept with the graph (the alert state: NEW, ONGOING, RESOLVED across runs): a
 * file beside the snapshots, or a row of the database.
 */
export interface DocumentStore {
  /** The document's text, or undefined when there is none yet. */
  readDocument(name: string): Promise<string | undefined>;
  /** Replaces the document at once (a reader sees the old text or the new, never half). */
  writeDocument(name: string, text: string): Promise<void>;
}

/** What a snapshot is called in alert state, history and reports: a file's name, or `postgres-snapshot-<id>.json`. */
export function snapshotName(id: string): string {
  if (id.startsWith('postgres:')) return `${id.replace(/[^\w.-]+/g, '-')}.json`;
  const slash = Math.max(id.lastIndexOf('/'), id.lastIndexOf('\\'));
  return id.slice(slash + 1);
}

/** A share of the organization's accounts that one run ingests (`--shard i/n`), 0-based. */
export interface ShardSpec {
  index: number;
  count: number;
}

/**
 * Where the graph lives between runs. Two implementations: {@link FileStorage} (a directory of
 * snapshot files, the default, no server) and `PostgresStorage` (a temporal schema in PostgreSQL,
 * which several sharded runs can write at once). Ingestion, query, compliance, alerts, diff,
 * history, the report and the Pulumi outputs read and write through this interface only.
 */
export interface GraphStorage extends DocumentStore {
  readonly kind: 'files' | 'postgres';
  /** Where it is, safe to print: never a password. */
  readonly description: string;
  /**
   * Before a run does any work: whether its snapshot can be written (the directory can be, the
   * server answers and the schema is migrated). Resolves to the problem, or undefined.
   */
  writeProblem(): Promise<string | undefined>;
  /**
   * Claims this run's place in the next snapshot (a database store opens it, or joins the sharded
   * one being written). Called once, after {@link writeProblem}, before any AWS call.
   */
  begin?(shard: ShardSpec | undefined): Promise<void>;
  /** The run failed after {@link begin}: a shard's accounts are carried forward, or the snapshot abandoned. */
  fail?(reason: string): Promise<void>;
  /** Snapshots a run can compare with, best first, and why others were passed over. */
  previousCandidates(limit?: number): Promise<{ candidates: SnapshotRef[]; passedOver: string[] }>;
  /** What carry-forward and the change counts need from a previous snapshot (see `readPreviousSnapshot`). */
  readPrevious(ref: SnapshotRef, options: PreviousSnapshotOptions): Promise<PreviousSnapshot>;
  /** Writes the run's graph; `graphSha256` is empty when the snapshot waits for other shards. */
  write(
    entities: Entity[],
    relationships: Relationship[],
    metadata: Omit<SnapshotMetadata, 'graphSha256'>,
    hooks?: WriteHooks,
  ): Promise<WrittenSnapshot & { pending?: string }>;
  /**
   * The same write from objects that come one at a time in key order (a graph kept on disk,
   * `SpilledGraph`); `metadata`'s counts are complete once the objects are read, before it is
   * written. A store without it is given lists.
   */
  writeOrdered?(
    entities: KeyOrdered<Entity>,
    relationships: KeyOrdered<Relationship>,
    metadata: Omit<SnapshotMetadata, 'graphSha256'>,
    hooks?: WriteHooks,
  ): Promise<WrittenSnapshot & { pending?: string }>;
  /** Removes all but the `keep` newest snapshots (a database store: history older than them). */
  prune(keep: number, options?: { dryRun?: boolean }): Promise<{ removed: string[]; kept: string[] }>;
  /** The newest complete snapshot, or undefined when there is none yet. */
  latest(): Promise<SnapshotRef | undefined>;
  /** Every complete snapshot, oldest first. */
  list(): Promise<SnapshotRef[]>;
  /** A whole snapshot, in memory. */
  read(ref: SnapshotRef, options?: ReadOptions): Promise<Snapshot>;
  /**
   * A snapshot's objects, one at a time and parsed, without its metadata (not verified): for the
   * run that wrote it, which holds the metadata already (at 1,000 accounts it is 150 MB of JSON).
   */
  scanObjects(ref: SnapshotRef, visitor: ObjectVisitor): Promise<void>;
  /** Only the metadata. */
  readMetadata(ref: SnapshotRef): Promise<SnapshotMetadata>;
  /** One object (entity or relationship) of a snapshot by `_key`, reading as little as the store can. */
  findObject(ref: SnapshotRef, key: string): Promise<{ object: Entity | Relationship; kind: 'entity' | 'relationship' } | undefined>;
  close(): Promise<void>;
}

/** What {@link GraphStorage.scanObjects} hands over: each object, parsed. */
export interface ObjectVisitor {
  entity?: (entity: Entity) => void;
  relationship?: (relationship: Relationship) => void;
}
