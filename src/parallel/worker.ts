/**
 * A collector worker (a worker thread started by {@link WorkerPool}): collects the accounts its
 * parent hands it, with its own AWS clients and pacer (buckets are per account, and each account
 * belongs to one worker), and sends back their graph. Credentials come from the parent, which
 * assumes the roles; nothing secret is in the worker's setup.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AwsAccess, CallChains } from '../aws/access';
import { RateLimiter } from '../aws/rate-limits';
import { CollectorRun } from '../collectors/runner';
import type { Logger } from '../collectors/types';
import type { CollectorRunRecord, RunError } from '../snapshot/format';
import { GraphStore, type Entity, type Relationship } from '../graph';
import { allSimulators, selectCollectors } from '../services';
import { fastRetryStrategy } from '../sim/retry';
import { SimulatedAws } from '../sim/simulator';
import { deserializeError, serializeError, tasksOf, WORKER_KIND, type AccountGraph, type FromWorker, type ToWorker, type WorkerSetup } from './protocol';
import { appendAll } from '../util/arrays';
import { sampleMemory } from './memory';
import { WorldSlices } from './world-slices';

/** How often a worker reports the tasks it finished, ms. */
const TASK_REPORT_MS = 100;

/**
 * The worker's graph, which also keeps what each account's collectors add (by the `_accountId`
 * the runner stamps), so an account's part can go to the parent as soon as it is complete.
 */
const UNOWNED = '';

class AccountGraphs extends GraphStore {
  private readonly added = new Map<string, AccountGraph>();

  private of(accountId: string): AccountGraph {
    let graph = this.added.get(accountId);
    if (!graph) this.added.set(accountId, (graph = { accountId, entities: [], relationships: [] }));
    return graph;
  }

  override addEntity(entity: Entity): boolean {
    this.of(entity._accountId ?? UNOWNED).entities.push(entity);
    return super.addEntity(entity);
  }

  override addRelationship(relationship: Relationship): boolean {
    this.of(relationship._accountId ?? UNOWNED).relationships.push(relationship);
    return super.addRelationship(relationship);
  }

  /**
   * What the account's collectors added (and forgets it: each account is sent once), with the
   * mapped entities added without provenance so far (the Internet, CIDR blocks: they depend only
   * on their key, so whichever account's part carries them does not matter).
   */
  take(accountId: string): AccountGraph {
    const graph = this.of(accountId);
    const unowned = this.of(UNOWNED);
    this.added.delete(accountId);
    this.added.delete(UNOWNED);
    appendAll(graph.entities, unowned.entities);
    appendAll(graph.relationships, unowned.relationships);
    return graph;
  }
}

function runWorker(port: MessagePort, setup: WorkerSetup): void {
  const post = (message: FromWorker) => port.postMessage(message);
  const simulated = setup.world ? new SimulatedAws(setup.world, allSimulators()) : undefined;
  // The accounts' data comes with each account and goes when it is done.
  const worldSlices = setup.world ? new WorldSlices(setup.world) : undefined;
  const waiting = new Map<number, { resolve: (identity: AwsCredentialIdentity) => void; reject: (error: Error) => void }>();
  let nextRequest = 0;
  const chains = setup.access.recordChains ? new CallChains() : undefined;
  const limiter = setup.access.pacing === false ? undefined : new RateLimiter(setup.access.pacing ?? {});
  const access = new AwsAccess({
    roleName: setup.access.roleName,
    rolePath: setup.access.rolePath,
    homeRegion: setup.access.homeRegion,
    maxAttempts: setup.access.maxAttempts,
    throttleRetries: setup.access.throttleRetries,
    pacing: limiter ?? false,
    callChains: chains,
    // Asked again when the account's credentials are near expiry or AWS refused them as expired:
    // the parent assumes the role again (the External ID never comes here).
    credentialsProvider: (accountId) => {
      let held: AwsCredentialIdentity | undefined;
      return () =>
        new Promise<AwsCredentialIdentity>((resolve, reject) => {
          const requestId = nextRequest++;
          const keep = (identity: AwsCredentialIdentity) => resolve((held = identity));
          waiting.set(requestId, { resolve: keep, reject });
          post({ type: 'credentials', requestId, accountId, replacing: held?.accessKeyId });
        });
    },
    ...(setup.access.fastRetries ? { retryStrategy: fastRetryStrategy() } : {}),
    ...(simulated ? { plugins: ({ region }) => [simulated.plugin(region)] } : {}),
  });
  const logger: Logger = {
    info: (message) => post({ type: 'log', level: 'info', message }),
    warn: (message) => post({ type: 'log', level: 'warn', message }),
    debug: (message) => post({ type: 'log', level: 'debug', message }),
  };
  const graph = new AccountGraphs();
  /** Tasks of each account not finished yet. */
  const unfinished = new Map<string, number>();
  // Finished tasks are reported in batches: a message per task (thousands per run) costs more
  // than the progress display gains from it.
  let finishedTasks: CollectorRunRecord[] = [];
  let taskErrors: RunError[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  const flushTasks = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (finishedTasks.length || taskErrors.length)
      post({ type: 'tasks', records: finishedTasks, errors: taskErrors, calls: access.totals(), ...(simulated ? { simulated: simulated.stats } : {}) });
    finishedTasks = [];
    taskErrors = [];
  };
  const collectors = selectCollectors(setup.services).filter((collector) => !collector.readsWholeGraph);
  const run = new CollectorRun({
    access,
    graph,
    collectors,
    concurrency: setup.concurrency,
    tags: setup.tags,
    limits: setup.limits,
    logger,
    onError: (error) => taskErrors.push(error),
    onTaskDone: (record) => {
      finishedTasks.push(record);
      flushTimer ??= setTimeout(flushTasks, TASK_REPORT_MS);
      const left = (unfinished.get(record.accountId) ?? 1) - 1;
      unfinished.set(record.accountId, left);
      // The parent merges each account while the others are still being collected; this worker
      // forgets it (its collectors read only their own account's entities), so that a large
      // organization's graph is not held twice.
      if (left === 0) {
        unfinished.delete(record.accountId);
        // Nothing more is called for it here: the simulated organization's buckets for it can go.
        simulated?.releaseAccount(record.accountId);
        worldSlices?.release(record.accountId);
        const part = graph.take(record.accountId);
        // Its records and errors first: the parent has them all once it has merged the account.
        flushTasks();
        post({ type: 'account', graph: part });
        graph.remove(part);
      }
    },
  });
  const accounts = new Set<string>();
  let maxAccountsInFlight = 0;
  const memoryTimer = setup.memorySampleMs ? setInterval(() => post({ type: 'memory', sample: sampleMemory() }), setup.memorySampleMs) : undefined;
  memoryTimer?.unref();

  const finish = async () => {
    await run.finish();
    flushTasks();
    if (memoryTimer) clearInterval(memoryTimer);
    post({
      type: 'done',
      result: {
        diagnostics: {
          index: setup.index,
          accounts: accounts.size,
          calls: access.totals(),
          chainDepth: access.chainDepth(),
          deepestScope: chains?.deepestScope,
          accountDepths: chains ? Object.fromEntries(chains.maxDepthByAccount()) : undefined,
          pacer: access.pacerStats(),
          simulated: simulated ? { buckets: simulated.bucketUsage(), stats: simulated.stats } : undefined,
          held: { entities: graph.entityCount, relationships: graph.relationshipCount },
          retained: {
            ...access.heldAccounts(),
            tasks: run.heldTasks,
            simulatedBuckets: simulated?.heldBuckets ?? 0,
            simulatedAccounts: worldSlices?.held ?? 0,
          },
          maxAccountsInFlight,
        },
      },
    });
    access.destroy();
    port.close();
  };

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'account':
        accounts.add(message.account.accountId);
        unfinished.set(message.account.accountId, tasksOf(collectors, message.regions));
        maxAccountsInFlight = Math.max(maxAccountsInFlight, unfinished.size);
        worldSlices?.attach(message.account.accountId, message.world);
        run.addAccount(message.account, message.regions, message.rootDepth);
        break;
      case 'accounts':
        run.setAccounts(message.accounts);
        break;
      case 'finish':
        finish().catch((error: unknown) => post({ type: 'failed', error: serializeError(error) }));
        break;
      case 'credentials': {
        const request = waiting.get(message.requestId);
        waiting.delete(message.requestId);
        if (!request) break;
        if (message.credentials) request.resolve(message.credentials);
        else request.reject(deserializeError(message.error ?? { name: 'CredentialsProviderError', message: 'no credentials' }));
        break;
      }
    }
  });
}

/** This module's file, to start workers from (compiled or from source). */
export const WORKER_ENTRY = __filename;

const setup = workerData as WorkerSetup | undefined;
if (!isMainThread && parentPort && setup?.kind === WORKER_KIND) runWorker(parentPort, setup);
