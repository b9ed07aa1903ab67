import { Worker } from 'node:worker_threads';
import type { AwsAccess, CallCounters } from '../aws/access';
import { runCollectors, silentLogger, type RunnerResult } from '../collectors/runner';
import type { CollectionLimits } from '../collectors/limits';
import type { AccountInfo, Collector, IngestionTags, Logger } from '../collectors/types';
import { SpilledGraph, type Entity, type GraphStore } from '../graph';
import type { CollectorRunRecord, RunError } from '../snapshot/format';
import { WORKER_ENTRY } from './worker';
import { serializeError, tasksOf, WORKER_KIND, type FromWorker, type ToWorker, type WorkerDiagnostics, type WorkerResult, type WorkerSetup } from './protocol';
import { appendAll } from '../util/arrays';
import type { MemorySample } from './memory';
import type { AccountSlice } from './world-slices';
import type { SimulatorStats } from '../sim/simulator';

/** What an ingestion's collection looks like from the outside, in one thread or several. */
export interface Collection {
  addAccount(account: AccountInfo, regions: readonly string[], rootDepth?: number): void;
  setAccounts(accounts: readonly AccountInfo[]): void;
  finish(): Promise<RunnerResult & { calls?: CallCounters }>;
  /** Stops whatever still runs (a run that failed); nothing after `finish()` resolved. */
  abandon(): void;
}

export interface WorkerPoolOptions {
  size: number;
  /** What every worker is set up with (`index` is added). */
  setup: Omit<WorkerSetup, 'kind' | 'index'>;
  /** The parent's access layer: it assumes the roles and hands the workers their credentials. */
  access: AwsAccess;
  /** Where the workers' graphs are merged. */
  graph: GraphStore;
  /** Every collector of the run: those that read the whole graph run here, after the workers. */
  collectors: readonly Collector[];
  tags?: IngestionTags;
  limits?: Partial<CollectionLimits>;
  logger?: Logger;
  onTaskDone?: (record: CollectorRunRecord, done: number, total: number) => void;
  onWorkerDone?: (diagnostics: WorkerDiagnostics) => void;
  /** An account's data in the simulated organization, sent with the account (`setup.world` is a skeleton). */
  worldSlice?: (accountId: string) => AccountSlice | undefined;
  /** Each worker thread as it starts (benchmarks take heap snapshots of it; tests stop it). */
  onWorkerStarted?: (index: number, thread: Worker) => void;
  /** A worker's memory, as it samples it (`setup.memorySampleMs`). */
  onWorkerMemory?: (index: number, sample: MemorySample) => void;
  /** Old generation limit of each worker, MB (default {@link WORKER_OLD_GENERATION_MB}; tests make it run out). */
  workerOldGenerationMb?: number;
}

/** An account given to a worker: what it was sent with (an account is sent again if its worker runs out of memory). */
interface Dispatched {
  account: AccountInfo;
  regions: readonly string[];
  rootDepth: number;
}

interface PoolWorker {
  index: number;
  thread: Worker;
  /** The old generation limit of its thread, MB (undefined: V8's own). */
  oldGenerationMb?: number;
  accounts: Dispatched[];
  /** Accounts whose graph has been merged. */
  completed: Set<string>;
  /** Records and errors of the tasks it finished (those of accounts not merged are dropped if it dies). */
  records: CollectorRunRecord[];
  errors: RunError[];
  /** Tasks given and not finished: the next account goes to the least loaded worker. */
  outstanding: number;
  /** Accounts given and not handed back yet. */
  inFlight: number;
  /** False once the thread failed or exited: it gets no more accounts. */
  alive: boolean;
  /** It was told that no more accounts will come. */
  finishSent: boolean;
  /** Calls of its current thread so far, and of its threads that ran out of memory. */
  threadCalls: CallCounters;
  lostThreadCalls: CallCounters;
  /** The simulated organization's statistics of its current thread so far, and those of its lost threads added up. */
  threadSimulated?: SimulatorStats;
  lostThreadSimulated?: SimulatorStats;
  /** Threads that ran out of memory. */
  lostThreads: number;
  /** Settles with the last thread's result (a thread started again settles the same promise). */
  result: Promise<WorkerResult>;
  settle: { resolve(result: WorkerResult): void; reject(error: Error): void };
}

/**
 * Young generation of each worker, in MB (V8's default is a few tens). Nearly everything the AWS
 * SDK allocates per call dies young; in a larger young generation fewer of those objects live long
 * enough to be copied, and scavenges are rarer. 384 MB was measured faster at 200 accounts (46-47 s
 * of CPU against 52 s with the default). 64 MB reserves 320 MB less per worker: at 1,000 x 16 it
 * took the peak RSS from 2,063 to 1,969 MB for 4.6% more CPU (docs/benchmarks.md, "The signing
 * memo, and V8's heap growth").
 */
export const WORKER_YOUNG_GENERATION_MB = 64;

/**
 * Old generation limit of each worker, MB. A worker holds little more than its accounts in flight
 * (a heap snapshot at 400 x 16 found 265 MB live with 16 of them), but without a limit V8 lets
 * garbage grow its old generation to 0.8-1.3 GB before collecting it; with this one, and 8 accounts
 * in flight, each stayed under 400 MB at 400 x 16, for 15-19% more CPU (docs/benchmarks.md, "A stale
 * build"). At 1,000 x 16 both used to run out: the signing memo kept every account's keys
 * (src/aws/sha256.ts); since it forgets them, neither went above 390 MB. A worker that runs out of
 * memory is started again with twice the limit and its unfinished accounts are collected again
 * (see `restart`).
 */
export const WORKER_OLD_GENERATION_MB = 512;

/** The largest limit a worker that ran out of memory is started again with; past it, none. */
const LARGEST_WORKER_LIMIT_MB = 4096;

/**
 * Accounts a worker collects at once. The others wait here (a few hundred bytes each) instead of in
 * the worker as queued tasks (hundreds per account, about 0.4 MB per account in all): at 1,000
 * accounts the two workers would otherwise hold every task of the run. Each account has hundreds of
 * tasks in 16 regions, so a few accounts keep every slot busy.
 */
export const ACCOUNTS_IN_FLIGHT_PER_WORKER = 8;

/** The sum of two threads' simulator statistics. */
function addSimulatorStats(total: SimulatorStats | undefined, stats: SimulatorStats): SimulatorStats {
  const sum: SimulatorStats = total
    ? { ...total, byOperation: { ...total.byOperation } }
    : { calls: 0, throttled: 0, faults: 0, expired: 0, byOperation: {}, busyMs: 0 };
  for (const member of ['calls', 'throttled', 'faults', 'expired', 'busyMs'] as const) sum[member] += stats[member];
  for (const [operation, calls] of Object.entries(stats.byOperation)) sum.byOperation[operation] = (sum.byOperation[operation] ?? 0) + calls;
  return sum;
}

/** Starts a worker thread on the worker module, compiled or run from source through tsx. */
function startThread(setup: WorkerSetup, oldGenerationMb: number | undefined): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...(oldGenerationMb ? { maxOldGenerationSizeMb: oldGenerationMb } : {}) };
  const options = { workerData: setup, resourceLimits };
  if (WORKER_ENTRY.endsWith('.ts')) {
    // From source (tests, benchmarks in a checkout): the worker registers tsx before loading.
    const loader = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(WORKER_ENTRY)});`;
    return new Worker(loader, { ...options, eval: true });
  }
  return new Worker(WORKER_ENTRY, options);
}

/** An account no worker finished: one failed record for every scope (ingest carries it forward) and an error. */
function failedAccount(account: AccountInfo, message: string, records: CollectorRunRecord[], errors: RunError[]): void {
  errors.push({ account: account.accountId, region: '*', service: 'collectors', code: 'Unexpected', kind: 'unexpected', message });
  records.push({
    accountId: account.accountId,
    region: '*',
    collector: '*',
    service: '*',
    status: 'failed',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    apiCalls: 0,
    throttled: 0,
    entities: 0,
    relationships: 0,
  });
}

/**
 * A placeholder (mapped entity) never replaces what the graph holds: a real entity wins over it,
 * and placeholders of one key are alike (their content depends only on the key).
 */
function mergeEntity(graph: GraphStore, entity: Entity): void {
  if (entity._source === 'system-mapper' && graph.hasEntity(entity._key)) return;
  graph.addEntity(entity);
}

/**
 * Collection spread over worker threads, one JavaScript thread being the limit of an ingestion
 * (the AWS SDK spends a few hundred microseconds of CPU per call). Each account goes to one worker,
 * the least loaded when it joins, so every AWS bucket (per account, region and action) is paced by
 * exactly one pacer. The parent keeps what is shared or secret: it assumed the roles during region
 * discovery and answers the workers' credential requests from the same cache. When every worker is
 * done, their graphs are merged here and the collectors that read the whole graph (cross-account
 * mappings) run here, as they would in one thread.
 */
export class WorkerPool implements Collection {
  private readonly workers: PoolWorker[] = [];
  private readonly regions = new Map<string, readonly string[]>();
  /**
   * One copy of each account id, region, collector, service and status of the workers' records: a
   * message gives every record its own copies, and the run keeps a record per account x region x
   * collector (at 400 accounts, 270,000 of them, which held 268,401 copies of "succeeded").
   */
  private readonly names = new Map<string, string>();
  private readonly localCollectors: readonly Collector[];
  private readonly logger: Logger;
  private finalAccounts?: readonly AccountInfo[];

  private intern(record: CollectorRunRecord): void {
    for (const member of ['accountId', 'region', 'collector', 'service', 'status'] as const) {
      const value = record[member];
      const kept = this.names.get(value);
      if (kept === undefined) this.names.set(value, value);
      else (record as unknown as Record<string, string>)[member] = kept;
    }
  }
  /** Every account added, in order. */
  private readonly added: AccountInfo[] = [];
  /** Accounts added and not given to a worker yet. */
  private readonly pending: Dispatched[] = [];
  private pendingHead = 0;
  /** `finish()` was called: workers are told once every account has been given out. */
  private finishing = false;
  private total = 0;
  private done = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    this.logger = options.logger ?? silentLogger;
    this.localCollectors = options.collectors.filter((collector) => !collector.readsWholeGraph);
    for (let index = 0; index < Math.max(1, options.size); index++) this.workers.push(this.spawn(index));
  }

  private spawn(index: number): PoolWorker {
    let settle!: PoolWorker['settle'];
    const result = new Promise<WorkerResult>((resolve, reject) => (settle = { resolve, reject }));
    const worker: PoolWorker = {
      index,
      thread: undefined as unknown as Worker,
      oldGenerationMb: this.options.workerOldGenerationMb ?? WORKER_OLD_GENERATION_MB,
      accounts: [],
      completed: new Set(),
      records: [],
      errors: [],
      outstanding: 0,
      inFlight: 0,
      alive: true,
      finishSent: false,
      threadCalls: { calls: 0, throttled: 0 },
      lostThreadCalls: { calls: 0, throttled: 0 },
      lostThreads: 0,
      result,
      settle,
    };
    // Failures are read in finish(); until then an early one must not be an unhandled rejection.
    worker.result.catch(() => undefined);
    this.startThreadOf(worker);
    return worker;
  }

  /** Starts the worker's thread (again, after it ran out of memory) and listens to it. */
  private startThreadOf(worker: PoolWorker): void {
    const { index } = worker;
    const thread = startThread({ ...this.options.setup, kind: WORKER_KIND, index }, worker.oldGenerationMb);
    worker.thread = thread;
    let settled = false;
    // A worker that failed takes no more accounts: the others take what is still waiting.
    const reject = (error: Error) => {
      worker.alive = false;
      worker.settle.reject(error);
      this.dispatch();
    };
    thread.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'credentials':
          this.answerCredentials(thread, message.requestId, message.accountId, message.replacing);
          break;
        case 'tasks':
          for (const record of message.records) this.intern(record);
          appendAll(worker.records, message.records);
          appendAll(worker.errors, message.errors);
          worker.outstanding -= message.records.length;
          worker.threadCalls = message.calls;
          if (message.simulated) worker.threadSimulated = message.simulated;
          for (const record of message.records) this.options.onTaskDone?.(record, ++this.done, this.total);
          break;
        case 'account':
          // Merged at once, while the workers go on: the end of the run has less left to do.
          for (const entity of message.graph.entities) mergeEntity(this.options.graph, entity);
          for (const relationship of message.graph.relationships) this.options.graph.addRelationship(relationship);
          worker.completed.add(message.graph.accountId);
          // The worker is done with the account: the credentials this thread kept for it can go.
          this.options.access.releaseAccount(message.graph.accountId);
          worker.inFlight--;
          this.dispatch();
          break;
        case 'log':
          this.logger[message.level](message.message);
          break;
        case 'memory':
          this.options.onWorkerMemory?.(index, message.sample);
          break;
        case 'done':
          settled = true;
          worker.settle.resolve(message.result);
          void thread.terminate();
          break;
        case 'failed':
          settled = true;
          reject(new Error(`collector worker ${index} failed: ${message.error.name}: ${message.error.message}`));
          void thread.terminate();
          break;
      }
    });
    thread.on('error', (error: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY' && worker.oldGenerationMb !== undefined) this.restart(worker);
      else reject(error);
    });
    thread.on('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`collector worker ${index} exited with code ${code} before finishing`));
    });
    this.options.onWorkerStarted?.(index, thread);
  }

  /**
   * A worker ran out of memory under its old generation limit: what it handed over stays merged;
   * its thread starts again with twice the limit (without one past {@link LARGEST_WORKER_LIMIT_MB}),
   * and the accounts it had not handed over are given out again (before those still waiting),
   * their records from the lost thread dropped.
   */
  private restart(worker: PoolWorker): void {
    const lost = worker.accounts.filter(({ account }) => !worker.completed.has(account.accountId));
    const limit = (worker.oldGenerationMb ?? 0) * 2;
    const next = limit > LARGEST_WORKER_LIMIT_MB ? undefined : limit;
    this.logger.warn(
      `collector worker ${worker.index} ran out of memory under its ${worker.oldGenerationMb} MB limit: started again ${next ? `with ${next} MB` : 'without a limit'}; its ${lost.length} unfinished account(s) are collected again`,
    );
    const merged = (accountId: string) => worker.completed.has(accountId);
    worker.records = worker.records.filter((record) => merged(record.accountId));
    worker.errors = worker.errors.filter((runError) => merged(runError.account));
    worker.accounts = worker.accounts.filter(({ account }) => merged(account.accountId));
    worker.outstanding = 0;
    worker.inFlight = 0;
    worker.finishSent = false;
    worker.oldGenerationMb = next;
    // Those calls were made: the run's totals count them.
    worker.lostThreadCalls.calls += worker.threadCalls.calls;
    worker.lostThreadCalls.throttled += worker.threadCalls.throttled;
    worker.threadCalls = { calls: 0, throttled: 0 };
    if (worker.threadSimulated) worker.lostThreadSimulated = addSimulatorStats(worker.lostThreadSimulated, worker.threadSimulated);
    worker.threadSimulated = undefined;
    worker.lostThreads++;
    for (const { regions } of lost) this.total += tasksOf(this.localCollectors, regions);
    this.pending.splice(this.pendingHead, 0, ...lost);
    this.startThreadOf(worker);
    if (this.finalAccounts) worker.thread.postMessage({ type: 'accounts', accounts: [...this.finalAccounts] } satisfies ToWorker);
    this.dispatch();
  }

  private answerCredentials(thread: Worker, requestId: number, accountId: string, replacing: string | undefined): void {
    const reply = (message: ToWorker) => thread.postMessage(message);
    const provider = this.options.access.credentialsFor(accountId);
    // The worker asks again because its copy is stale: never hand the same credentials back.
    if (replacing !== undefined) provider.replace(replacing);
    provider().then(
      (credentials) => reply({ type: 'credentials', requestId, credentials }),
      (error: unknown) => reply({ type: 'credentials', requestId, error: serializeError(error) }),
    );
  }

  addAccount(account: AccountInfo, regions: readonly string[], rootDepth = this.options.access.chainDepth()): void {
    this.total += tasksOf(this.localCollectors, regions);
    this.regions.set(account.accountId, regions);
    this.added.push(account);
    this.pending.push({ account, regions, rootDepth });
    this.dispatch();
  }

  /** Accounts given out and not handed back, per worker (diagnostics, tests). */
  accountsInFlight(): number[] {
    return this.workers.map((worker) => worker.inFlight);
  }

  /**
   * Gives waiting accounts to the least loaded workers that have room; once `finish()` was called
   * and none waits, tells every worker that no more will come.
   */
  private dispatch(): void {
    while (this.pendingHead < this.pending.length) {
      let worker: PoolWorker | undefined;
      for (const candidate of this.workers) {
        // A worker told that no more accounts will come may be gone (accounts given out again after another ran out of memory).
        if (!candidate.alive || candidate.finishSent || candidate.inFlight >= ACCOUNTS_IN_FLIGHT_PER_WORKER) continue;
        if (!worker || candidate.outstanding < worker.outstanding) worker = candidate;
      }
      if (!worker) break;
      const dispatched = this.pending[this.pendingHead];
      const { account, regions, rootDepth } = dispatched;
      this.pending[this.pendingHead++] = undefined as never;
      worker.outstanding += tasksOf(this.localCollectors, regions);
      worker.inFlight++;
      worker.accounts.push(dispatched);
      const world = this.options.worldSlice?.(account.accountId);
      const message: ToWorker = { type: 'account', account, regions: [...regions], rootDepth, ...(world ? { world } : {}) };
      worker.thread.postMessage(message);
    }
    if (this.pendingHead === this.pending.length) {
      this.pending.length = 0;
      this.pendingHead = 0;
      if (this.finishing) {
        const finish: ToWorker = { type: 'finish' };
        for (const worker of this.workers) {
          if (!worker.alive || worker.finishSent) continue;
          worker.finishSent = true;
          worker.thread.postMessage(finish);
        }
      }
    }
  }

  setAccounts(accounts: readonly AccountInfo[]): void {
    this.finalAccounts = accounts;
    const message: ToWorker = { type: 'accounts', accounts: [...accounts] };
    for (const worker of this.workers) worker.thread.postMessage(message);
  }

  abandon(): void {
    for (const worker of this.workers) void worker.thread.terminate();
  }

  async finish(): Promise<RunnerResult & { calls: CallCounters }> {
    if (!this.finalAccounts) this.setAccounts(this.added);
    this.finishing = true;
    this.dispatch();
    const records: CollectorRunRecord[] = [];
    const errors: RunError[] = [];
    const calls: CallCounters = { calls: 0, throttled: 0 };
    const { graph } = this.options;
    for (const worker of this.workers) {
      let result: WorkerResult;
      try {
        result = await worker.result;
      } catch (error) {
        // What it finished for the accounts merged here is kept; its other accounts are recorded
        // as failed, and the previous snapshot's entities are carried forward for them.
        const { message } = serializeError(error);
        this.logger.warn(`collector worker ${worker.index} failed: ${message}`);
        appendAll(
          records,
          worker.records.filter((record) => worker.completed.has(record.accountId)),
        );
        appendAll(
          errors,
          worker.errors.filter((runError) => worker.completed.has(runError.account)),
        );
        for (const { account } of worker.accounts.filter(({ account }) => !worker.completed.has(account.accountId)))
          failedAccount(account, message, records, errors);
        calls.calls += worker.threadCalls.calls + worker.lostThreadCalls.calls;
        calls.throttled += worker.threadCalls.throttled + worker.lostThreadCalls.throttled;
        continue;
      }
      appendAll(records, worker.records);
      appendAll(errors, worker.errors);
      calls.calls += result.diagnostics.calls.calls + worker.lostThreadCalls.calls;
      calls.throttled += result.diagnostics.calls.throttled + worker.lostThreadCalls.throttled;
      const { lostThreads, lostThreadCalls, lostThreadSimulated } = worker;
      this.options.onWorkerDone?.(
        lostThreads
          ? { ...result.diagnostics, lostThreads: { threads: lostThreads, calls: lostThreadCalls, simulated: lostThreadSimulated } }
          : result.diagnostics,
      );
    }

    // Every worker failed before these accounts could be given out.
    for (const { account } of this.pending.slice(this.pendingHead)) failedAccount(account, 'no collector worker left to collect the account', records, errors);

    // The cross-account mappings read the merged graph, here.
    const wholeGraph = this.options.collectors.filter((collector) => collector.readsWholeGraph);
    const collected = new Set(records.filter((record) => record.collector !== '*').map((record) => record.accountId));
    const accounts = (this.finalAccounts ?? []).filter((account) => collected.has(account.accountId));
    if (wholeGraph.length && accounts.length) {
      const mapped = await runCollectors({
        access: this.options.access,
        graph,
        plan: {
          accounts,
          regions: new Map(accounts.map((account) => [account.accountId, [...(this.regions.get(account.accountId) ?? [])]])),
          collectors: wholeGraph,
        },
        tags: this.options.tags,
        limits: this.options.limits,
        logger: this.logger,
        // They call no AWS API. On a graph kept on disk, one at a time: what one task reads is
        // forgotten before the next starts, so the parent holds one account's objects, not all.
        ...(graph instanceof SpilledGraph ? { concurrency: 1 } : {}),
        onTaskDone: (record) => {
          // A mapping task keeps nothing it read: a graph on disk forgets it (see SpilledGraph).
          graph.settle();
          this.options.onTaskDone?.(record, ++this.done, this.total + accounts.length * wholeGraph.length);
        },
      });
      graph.settle({ types: true });
      appendAll(records, mapped.records);
      appendAll(errors, mapped.errors);
    }
    // Each record's key built once, not twice per comparison (at 1,000 accounts, about 700,000
    // records and 28 million short-lived strings); the same collation as `localeCompare`.
    const collator = new Intl.Collator();
    const keyed = records.map((record) => ({ record, key: `${record.accountId}|${record.region}|${record.collector}` }));
    keyed.sort((a, b) => collator.compare(a.key, b.key));
    for (const [index, { record }] of keyed.entries()) records[index] = record;
    return { records, errors, calls };
  }
}
