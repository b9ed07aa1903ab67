import { availableParallelism } from 'node:os';
import { CollectorRun } from '../collectors/runner';
import type { Collector } from '../collectors/types';
import type { IngestConfig } from '../config';
import type { GraphStore } from '../graph';
import { RateLimiter } from '../aws/rate-limits';
import { WorkerPool, type Collection } from '../parallel/pool';
import { splitWorld } from '../parallel/world-slices';
import type { CollectorRunRecord, RunError } from '../snapshot';
import { appendAll } from '../util/arrays';
import type { RunSetup } from './preflight';
import { IngestError, type CollectorScope, type IngestOptions } from './types';

/** What a worker's copy of the simulated organization says in place of its External ID. */
export const WITHHELD = '<withheld from workers>';

/** How often workers report their memory when asked to (benchmarks), ms. */
const MEMORY_SAMPLE_MS = 500;

/** Accounts per worker thread below which `workers: auto` does not start one more. */
const ACCOUNTS_PER_WORKER = 8;

/**
 * How many worker threads collect. Custom collectors, retry strategies and plugins are functions,
 * which cannot cross to another thread: with them the run stays in this one.
 */
export function workerCount(setting: IngestConfig['workers'], accounts: number, options: Pick<IngestOptions, 'collectors' | 'access'>): number {
  const access = options.access;
  const pacingClock = access?.pacing && typeof access.pacing === 'object' && 'clock' in access.pacing && access.pacing.clock !== undefined;
  if (
    options.collectors ||
    access?.retryStrategy ||
    access?.plugins ||
    access?.stsPlugins ||
    access?.credentialsClock ||
    access?.throttleRetries?.clock ||
    pacingClock
  )
    return 1;
  if (typeof setting === 'number') return setting;
  return Math.max(1, Math.min(availableParallelism(), Math.floor(accounts / ACCOUNTS_PER_WORKER)));
}

/**
 * The collection, set up once the number of accounts is known (it decides the workers); accounts
 * discovered before that wait for {@link ready}.
 */
export class PendingCollection {
  current?: Collection;
  readonly ready: Promise<void>;
  private collectionReady!: () => void;

  constructor(private readonly create: (expectedAccounts: number) => Collection) {
    this.ready = new Promise<void>((resolve) => (this.collectionReady = resolve));
  }

  setUp(expectedAccounts: number): Collection {
    if (this.current) return this.current;
    this.current = this.create(expectedAccounts);
    this.collectionReady();
    return this.current;
  }
}

/** How the run's collection is made: in this thread, or by a pool of worker threads. */
export function collectionFactory(
  run: Pick<RunSetup, 'config' | 'access' | 'world' | 'throttleRetries' | 'logger'>,
  options: IngestOptions,
  /** The run's graph, once it is known whether worker threads collect (`workers` > 1). */
  graphFor: (workers: number) => GraphStore,
  collectors: readonly Collector[],
): (expectedAccounts: number) => Collection {
  const { config, access, world, throttleRetries, logger } = run;
  const onTaskDone = (record: CollectorRunRecord, done: number, total: number) => {
    if (record.status === 'failed')
      options.onEvent?.({ event: 'scope-failed', accountId: record.accountId, region: record.region, collector: record.collector });
    options.onProgress?.({ phase: 'collect', done, total, record });
  };
  return (expectedAccounts) => {
    const workers = workerCount(config.workers, expectedAccounts, options);
    const graph = graphFor(workers);
    if (workers > 1) logger.info(`collecting with ${workers} worker threads`);
    // Each worker gets the simulated organization's skeleton, and each account's data with the account.
    const split = workers > 1 && world ? splitWorld(world) : undefined;
    return workers > 1
      ? new WorkerPool({
          size: workers,
          setup: {
            services: config.services,
            access: {
              roleName: config.roleName,
              rolePath: config.rolePath,
              homeRegion: access.homeRegion,
              maxAttempts: options.access?.maxAttempts,
              throttleRetries,
              pacing: options.access?.pacing instanceof RateLimiter ? undefined : options.access?.pacing,
              recordChains: options.access?.callChains !== undefined,
              fastRetries: world !== undefined,
            },
            // The workers never assume a role: the simulated organization's External ID stays here.
            world: split && { ...split.skeleton, organization: { ...split.skeleton.organization, externalId: WITHHELD } },
            tags: config.tags,
            limits: config.collection,
            concurrency: config.concurrency,
            ...(options.onWorkerMemory ? { memorySampleMs: MEMORY_SAMPLE_MS } : {}),
          },
          access,
          graph,
          collectors,
          tags: config.tags,
          limits: config.collection,
          logger,
          onTaskDone,
          onWorkerDone: options.onWorkerDone,
          onWorkerMemory: options.onWorkerMemory,
          onWorkerStarted: options.onWorkerStarted,
          workerOldGenerationMb: options.workerOldGenerationMb,
          worldSlice: split?.sliceOf,
        })
      : new CollectorRun({ access, graph, collectors, concurrency: config.concurrency, tags: config.tags, limits: config.collection, logger, onTaskDone });
  };
}

/**
 * Waits for the collectors and adds what they recorded to the run's records, errors and failed
 * scopes. Throws when no collector succeeded: the snapshot store is then left as it was.
 */
export async function finishCollection(
  running: Collection,
  run: { records: CollectorRunRecord[]; errors: RunError[]; failedScopes: CollectorScope[] },
): Promise<{ collected: Awaited<ReturnType<Collection['finish']>>; unfinishedScopes: CollectorScope[] }> {
  const { records, errors, failedScopes } = run;
  const collected = await running.finish();
  appendAll(records, collected.records);
  appendAll(errors, collected.errors);
  for (const record of collected.records) if (record.status === 'failed') failedScopes.push(record);
  const unfinishedScopes = [...failedScopes, ...collected.records.filter((record) => record.status === 'partial')];
  if (!collected.records.some((record) => record.status !== 'failed')) {
    throw new IngestError(
      `nothing could be ingested: ${
        errors.length
          ? errors
              .slice(0, 3)
              .map((e) => `${e.account} ${e.service} ${e.code}: ${e.message}`)
              .join('; ')
          : 'no account was reachable'
      }`,
      errors,
    );
  }
  return { collected, unfinishedScopes };
}
