/**
 * Messages between an ingestion and its collector workers (worker threads). The parent keeps
 * everything secret or shared: the External ID, the base credentials, AssumeRole (one STS bucket
 * for the whole run) and organization discovery. A worker gets each account's temporary
 * credentials on request, collects the accounts it is given, and sends back their graph.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { CallCounters, ThrottleRetryOptions } from '../aws/access';
import type { PacerOptions, PacerStats } from '../aws/rate-limits';
import type { CollectionLimits } from '../collectors/limits';
import type { AccountInfo, IngestionTags } from '../collectors/types';
import type { Entity, Relationship } from '../graph';
import type { BucketUsage, SimulatorStats } from '../sim/simulator';
import type { World } from '../sim/types';
import type { MemorySample } from './memory';
import type { AccountSlice } from './world-slices';
import type { CollectorRunRecord, RunError } from '../snapshot/format';

/** `workerData.kind` of a collector worker. */
export const WORKER_KIND = 'aws-org-graph/collector-worker';

export interface WorkerSetup {
  kind: typeof WORKER_KIND;
  index: number;
  /** The run's service selection (the worker builds the same collectors, minus whole-graph ones). */
  services?: { include?: string[]; exclude?: string[] };
  access: {
    roleName: string;
    rolePath?: string;
    homeRegion: string;
    maxAttempts?: number;
    throttleRetries?: ThrottleRetryOptions;
    pacing?: PacerOptions | false;
    /** Record call chains (benchmarks' lower bound). */
    recordChains: boolean;
    /** Short fixed retry delays (the simulated organization). */
    fastRetries: boolean;
  };
  /**
   * The simulated organization, when the run is simulated: a skeleton (see `splitWorld`), each
   * account's data coming with the account.
   */
  world?: World;
  tags?: IngestionTags;
  limits?: Partial<CollectionLimits>;
  concurrency?: number;
  /** Report this thread's memory every so many ms (benchmarks); never when absent. */
  memorySampleMs?: number;
}

/** An error passed between threads with what `classifyError` reads. */
export interface SerializedError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
  code?: string;
}

export type ToWorker =
  /** `world`: the account's data in the simulated organization, when the skeleton the worker got lacks it. */
  | { type: 'account'; account: AccountInfo; regions: string[]; rootDepth: number; world?: AccountSlice }
  | { type: 'accounts'; accounts: AccountInfo[] }
  | { type: 'finish' }
  | { type: 'credentials'; requestId: number; credentials?: AwsCredentialIdentity; error?: SerializedError };

/** What a worker measured, for benchmarks. */
export interface WorkerDiagnostics {
  index: number;
  accounts: number;
  calls: CallCounters;
  chainDepth: number;
  deepestScope?: string;
  /** Per account, the deepest chain of calls of its scopes (benchmarks). */
  accountDepths?: Record<string, number>;
  pacer: PacerStats & { buckets: number };
  simulated?: { buckets: BucketUsage[]; stats: SimulatorStats };
  /** Entities and relationships the worker still held at its end (each account's are dropped once handed over). */
  held: { entities: number; relationships: number };
  /**
   * Per-account state still held at its end, all released as each account finishes: the access
   * layer's (client views, credentials, pacing buckets' accounts, scope counters), the runner's
   * tasks, the simulated organization's buckets and accounts' data.
   */
  retained: {
    accountStates: number;
    credentials: number;
    pacedAccounts: number;
    scopeRecords: number;
    chainScopes: number;
    /** Secrets whose derived signing keys the thread remembers (see `forgetSigningSecret`). */
    signingSecrets: number;
    tasks: number;
    simulatedBuckets: number;
    simulatedAccounts: number;
  };
  /** The most accounts it collected at once. */
  maxAccountsInFlight: number;
  /**
   * What its threads that ran out of memory did before (added by the pool, when there were any):
   * their calls and simulator statistics, as last reported.
   */
  lostThreads?: { threads: number; calls: CallCounters; simulated?: SimulatorStats };
}

/** What one account's collectors added, sent as soon as they have all finished. */
export interface AccountGraph {
  accountId: string;
  entities: Entity[];
  relationships: Relationship[];
}

/**
 * What a worker sends at its end. Its records and errors came before, with the tasks (`tasks`), so
 * that the parent keeps those of the accounts it merged if the worker dies.
 */
export interface WorkerResult {
  diagnostics: WorkerDiagnostics;
}

export type FromWorker =
  /**
   * An account's credentials. `replacing`: the access key id of the credentials the worker holds and
   * found stale (near expiry, or refused by AWS as expired), so the parent does not hand them back.
   */
  | { type: 'credentials'; requestId: number; accountId: string; replacing?: string }
  /** Finished tasks and the errors they recorded; an account's all come before its `account` message. */
  /**
   * `calls`: the thread's calls so far (a thread that runs out of memory has made them all the
   * same); `simulated`: the simulated organization's statistics so far (benchmarks divide the
   * CPU of every thread, lost ones included).
   */
  | { type: 'tasks'; records: CollectorRunRecord[]; errors: RunError[]; calls: CallCounters; simulated?: SimulatorStats }
  | { type: 'account'; graph: AccountGraph }
  | { type: 'log'; level: 'info' | 'warn' | 'debug'; message: string }
  | { type: 'memory'; sample: MemorySample }
  | { type: 'done'; result: WorkerResult }
  | { type: 'failed'; error: SerializedError };

/** How many tasks the runner makes of an account: one per global collector, one per region for the others. */
export function tasksOf(collectors: ReadonlyArray<{ scope: 'global' | 'regional' }>, regions: readonly string[]): number {
  let count = 0;
  for (const collector of collectors) count += collector.scope === 'global' ? 1 : regions.length;
  return count;
}

export function serializeError(error: unknown): SerializedError {
  if (error && typeof error === 'object') {
    const source = error as Partial<SerializedError> & { $metadata?: { httpStatusCode?: number } };
    return {
      name: typeof source.name === 'string' ? source.name : 'Error',
      message: typeof source.message === 'string' ? source.message : String(error),
      ...(source.$metadata ? { $metadata: { httpStatusCode: source.$metadata.httpStatusCode } } : {}),
      ...(typeof source.$fault === 'string' ? { $fault: source.$fault } : {}),
      ...(typeof source.code === 'string' ? { code: source.code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

/** An Error carrying the serialized error's name and AWS metadata, so it classifies the same. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message) as Error & Partial<SerializedError>;
  error.name = serialized.name;
  if (serialized.$metadata) error.$metadata = serialized.$metadata;
  if (serialized.$fault) error.$fault = serialized.$fault;
  if (serialized.code) error.code = serialized.code;
  return error;
}
