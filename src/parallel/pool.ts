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
}

interface PoolWorker {
  index: number;
  thread: Worker;
  accounts: AccountInfo[];
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
  result: Promise<WorkerResult>;
}

/**
 * Young generation of each worker, in MB (V8's default is a few tens). Nearly everything the AWS
 * SDK allocates per call dies young; in a larger young generation fewer of those objects live long
 * enough to be copied, and scavenges are rarer: at 200 accounts on two workers, 52 s of CPU and
 * 28.7 s of wall time with the default, 46-47 s and 25.5-26 s with this.
 */
const WORKER_YOUNG_GENERATION_MB = 384;

/*
 * No old generation limit on the workers. A 1,536 MB cap killed both workers ("JS heap out of
 * memory") at 1,000 accounts x 16 regions when each held the whole world. With the world per
 * account, a 1,024 MB cap kept them alive there and cut the peak RSS from 6.2 to 3.8 GB, but cost
 * 51% more CPU (full collections near the limit; docs/benchmarks.md, 2026-12-07).
 */

/**
 * Accounts a worker collects at once. The others wait here (a few hundred bytes each) instead of in
 * the worker as queued tasks (hundreds per account, about 0.4 MB per account in all): at 1,000
 * accounts the two workers would otherwise hold every task of the run. Each account has hundreds of
 * tasks in 16 regions, so a few accounts keep every slot busy.
 */
export const ACCOUNTS_IN_FLIGHT_PER_WORKER = 16;

/** Starts a worker thread on the worker module, compiled or run from source through tsx. */
function startThread(setup: WorkerSetup): Worker {
  const options = { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } };
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
  private readonly localCollectors: readonly Collector[];
  private readonly logger: Logger;
  private finalAccounts?: readonly AccountInfo[];
  /** Every account added, in order. */
  private readonly added: AccountInfo[] = [];
  /** Accounts added and not given to a worker yet. */
  private readonly pending: Array<{ account: AccountInfo; regions: readonly string[]; rootDepth: number }> = [];
  private pendingHead = 0;
  /** `finish()` was called: workers are told once every account has been given out. */
  private finishing = false;
  private finishSent = false;
  private total = 0;
  private done = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    this.logger = options.logger ?? silentLogger;
    this.localCollectors = options.collectors.filter((collector) => !collector.readsWholeGraph);
    for (let index = 0; index < Math.max(1, options.size); index++) this.workers.push(this.spawn(index));
  }

  private spawn(index: number): PoolWorker {
    const thread = startThread({ ...this.options.setup, kind: WORKER_KIND, index });
    const worker: PoolWorker = {
      index,
      thread,
      accounts: [],
      completed: new Set(),
      records: [],
      errors: [],
      outstanding: 0,
      inFlight: 0,
      alive: true,
      result: undefined as unknown as Promise<WorkerResult>,
    };
    worker.result = new Promise<WorkerResult>((resolve, rejectResult) => {
      let settled = false;
      // A worker that failed takes no more accounts: the others take what is still waiting.
      const reject = (error: Error) => {
        worker.alive = false;
        rejectResult(error);
        this.dispatch();
      };
      thread.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'credentials':
            this.answerCredentials(thread, message.requestId, message.accountId, message.replacing);
            break;
          case 'tasks':
            appendAll(worker.records, message.records);
            appendAll(worker.errors, message.errors);
            worker.outstanding -= message.records.length;
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
            resolve(message.result);
            void thread.terminate();
            break;
          case 'failed':
            settled = true;
            reject(new Error(`collector worker ${index} failed: ${message.error.name}: ${message.error.message}`));
            void thread.terminate();
            break;
        }
      });
      thread.on('error', (error) => {
        if (settled) return;
        settled = true;
        reject(error);
      });
      thread.on('exit', (code) => {
        if (settled) return;
        settled = true;
        reject(new Error(`collector worker ${index} exited with code ${code} before finishing`));
      });
    });
    // Failures are read in finish(); until then an early one must not be an unhandled rejection.
    worker.result.catch(() => undefined);
    this.options.onWorkerStarted?.(index, thread);
    return worker;
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
        if (!candidate.alive || candidate.inFlight >= ACCOUNTS_IN_FLIGHT_PER_WORKER) continue;
        if (!worker || candidate.outstanding < worker.outstanding) worker = candidate;
      }
      if (!worker) break;
      const { account, regions, rootDepth } = this.pending[this.pendingHead];
      this.pending[this.pendingHead++] = undefined as never;
      worker.outstanding += tasksOf(this.localCollectors, regions);
      worker.inFlight++;
      worker.accounts.push(account);
      const world = this.options.worldSlice?.(account.accountId);
      const message: ToWorker = { type: 'account', account, regions: [...regions], rootDepth, ...(world ? { world } : {}) };
      worker.thread.postMessage(message);
    }
    if (this.pendingHead === this.pending.length) {
      this.pending.length = 0;
      this.pendingHead = 0;
      if (this.finishing && !this.finishSent) {
        this.finishSent = true;
        const finish: ToWorker = { type: 'finish' };
        for (const worker of this.workers) if (worker.alive) worker.thread.postMessage(finish);
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
        for (const account of worker.accounts.filter((account) => !worker.completed.has(account.accountId))) failedAccount(account, message, records, errors);
        continue;
      }
      appendAll(records, worker.records);
      appendAll(errors, worker.errors);
      calls.calls += result.diagnostics.calls.calls;
      calls.throttled += result.diagnostics.calls.throttled;
      this.options.onWorkerDone?.(result.diagnostics);
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
    records.sort((a, b) => `${a.accountId}|${a.region}|${a.collector}`.localeCompare(`${b.accountId}|${b.region}|${b.collector}`));
    return { records, errors, calls };
  }
}
