import type { Worker } from 'node:worker_threads';
import type { AwsAccessOptions } from '../aws/access';
import type { SkippedAccount } from '../aws/organization';
import type { CollectionLimitName, LimitedCount } from '../collectors/limits';
import type { Collector, Logger } from '../collectors/types';
import type { IngestConfig, IngestSecrets } from '../config';
import type { GraphStore } from '../graph';
import type { MemorySample } from '../parallel/memory';
import type { WorkerDiagnostics } from '../parallel/protocol';
import type { World } from '../sim/types';
import type { ChangeCounts, ChangedKeys, CollectorRunRecord, NotRefreshed, RunError, SnapshotMetadata } from '../snapshot';
import type { WriteHooks } from '../snapshot/writer';
import type { RunScope } from './scope';
import type { GraphStorage } from '../store/types';

export class IngestError extends Error {
  constructor(
    message: string,
    readonly errors: RunError[] = [],
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

export interface IngestProgress {
  phase: 'accounts' | 'regions' | 'collect' | 'write';
  done: number;
  total: number;
  record?: CollectorRunRecord;
}

export interface IngestOptions {
  config: Partial<IngestConfig>;
  secrets?: IngestSecrets;
  /** Run against a simulated organization instead of AWS. */
  simulate?: World;
  /** Overrides of the access layer (tests: short retry delays). */
  access?: Partial<AwsAccessOptions>;
  /** The clock for the run's start and end and the `_createdOn`/`_updatedOn` it stamps (tests). */
  clock?: () => Date;
  logger?: Logger;
  onProgress?: (progress: IngestProgress) => void;
  /** Test hook: called while the snapshot is being written. */
  writeHooks?: WriteHooks;
  /** Collectors to run instead of the registry's selection (tests); they run in this thread. */
  collectors?: Collector[];
  /** What happens as it happens, for logs that machines read (`--log-format json`). */
  onEvent?: (event: IngestEvent) => void;
  /** What each collector worker measured (benchmarks). */
  onWorkerDone?: (diagnostics: WorkerDiagnostics) => void;
  /** Each collector worker's memory, twice a second (benchmarks). */
  onWorkerMemory?: (index: number, sample: MemorySample) => void;
  /** Each collector worker thread as it starts (benchmarks take its heap snapshots; tests stop it). */
  onWorkerStarted?: (index: number, thread: Worker) => void;
  /** Old generation limit of each collector worker, MB (tests make one run out of memory; default 512). */
  workerOldGenerationMb?: number;
  /**
   * Keep the organization's graph on disk while the run builds it (`SpilledGraph`, in a temporary
   * directory of the output directory), not in memory: memory then holds each object's key and
   * place, and what one end-of-run step reads. Only with a store that writes from a stream (the
   * files store) and worker threads collecting; otherwise ignored. The result's `graph` cannot be
   * read after the run: read the snapshot from the store (`graphInMemory`). Also bounds V8's heap
   * growth for the process (`boundHeapGrowth`).
   */
  spill?: boolean;
  /** Where the graph is kept (default: snapshot files in `outputDir`); the caller closes it. */
  store?: GraphStorage;
}

/** A step of the run worth a line in a machine-read log. */
export type IngestEvent =
  | { event: 'account-discovered'; accountId: string; name?: string; regions: number }
  | { event: 'account-skipped'; accountId: string; name?: string; reason: string }
  | { event: 'scope-failed'; accountId: string; region: string; collector: string; code?: string; message?: string };

export interface IngestSummary {
  snapshot: { path: string; sha256: string };
  counts: { entities: Record<string, number>; relationships: Record<string, number> };
  totals: { entities: number; relationships: number; staleEntities: number };
  accounts: Array<{ accountId: string; name?: string }>;
  skippedAccounts: SkippedAccount[];
  regions: string[];
  errors: Array<Pick<RunError, 'account' | 'region' | 'service' | 'code' | 'message'> & { operation?: string }>;
  notRefreshed: NotRefreshed[];
  /** A narrowed run's scope and what it carried from outside it; absent for a whole run. */
  scope?: RunScope;
  skippedRegions: SnapshotMetadata['skippedRegions'];
  changes: ChangeCounts;
  /** Relationship changes, and the first changed keys of each kind (key order). */
  relationshipChanges: ChangeCounts;
  changedKeys?: { entities: ChangedKeys; relationships: ChangedKeys };
  startedAt: string;
  durationMs: number;
  apiCalls: number;
  throttledCalls: number;
  /** What collection limits (the configuration's `collection`) left out; absent when they left nothing out. */
  limited?: Array<LimitedCount & { limit: CollectionLimitName }>;
}

export interface IngestResult {
  summary: IngestSummary;
  metadata: SnapshotMetadata;
  graph: GraphStore;
  /**
   * Where the run kept the organization's graph: `disk` when `spill` was asked for, the store
   * writes from a stream and worker threads collected (then `graph` cannot be read after the run),
   * else `memory`.
   */
  graphKept: 'disk' | 'memory';
}

/** An (account, region, collector) scope of the run; `*` stands for a whole account or every collector. */
export interface CollectorScope {
  accountId: string;
  region: string;
  collector: string;
}
