import type { AwsAccess, CallScope, SdkClient, SdkClientClass } from '../aws/access';
import { classifyError } from '../aws/errors';
import type { Entity, GraphStore, Relationship } from '../graph';
import type { CollectorRunRecord, RunError } from '../snapshot/format';
import { collectionLimits, type CollectionLimits, type LimitedRecord } from './limits';
import { optionalCaller } from './optional';
import { CriticalPath, fixedAdmission, LoopLagAdmission, TaskQueue, type Admission } from './scheduler';
import type { AccountInfo, Collector, CollectorContext, IngestionTags, Logger } from './types';

/** Region label of global collectors' output. */
export const GLOBAL_REGION = 'global';

export interface RunPlan {
  accounts: AccountInfo[];
  /** Enabled regions per account id. */
  regions: Map<string, string[]>;
  collectors: readonly Collector[];
}

export interface CollectorRunOptions {
  access: AwsAccess;
  graph: GraphStore;
  collectors: readonly Collector[];
  /**
   * Collector runs in flight at once. Default: as many as the event loop sustains (see
   * {@link LoopLagAdmission}); the AWS buckets are paced by the access layer, so the number of
   * tasks in flight is not what protects them.
   */
  concurrency?: number;
  /** How many tasks may run at once, when `concurrency` is not given (tests, benchmarks). */
  admission?: Admission;
  tags?: IngestionTags;
  /** The configuration's collection limits (defaults for those it does not set). */
  limits?: Partial<CollectionLimits>;
  logger?: Logger;
  onTaskDone?: (record: CollectorRunRecord, done: number, total: number) => void;
  /** Each error as it is recorded, before its task's `onTaskDone` (a worker sends them with the task). */
  onError?: (error: RunError) => void;
}

export interface RunnerOptions extends Omit<CollectorRunOptions, 'collectors'> {
  plan: RunPlan;
}

export interface RunnerResult {
  records: CollectorRunRecord[];
  errors: RunError[];
}

interface Task {
  account: AccountInfo;
  region: string;
  collector: Collector;
  id: string;
  waitingOn: Set<string>;
  dependents: Task[];
  upstream: Task[];
  /** Chain depth at which the account's discovery ended (benchmarks' lower bound). */
  rootDepth: number;
  /** Where the task's chain of calls ended (benchmarks' lower bound; 0 unless chains are recorded). */
  endDepth: number;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function taskId(accountId: string, region: string, collectorId: string): string {
  return `${accountId}|${region}|${collectorId}`;
}

/** Reads the operation name that the access layer attached to a failed call. */
export function failedOperation(error: unknown): string | undefined {
  return error && typeof error === 'object' ? (error as { $operation?: string }).$operation : undefined;
}

/**
 * Runs every collector in every account (and every enabled region for regional collectors), with
 * all accounts known up front. See {@link CollectorRun}.
 */
export async function runCollectors(options: RunnerOptions): Promise<RunnerResult> {
  const { plan, ...rest } = options;
  const run = new CollectorRun({ ...rest, collectors: plan.collectors });
  // Everything before the run (organization and region discovery) happened before any task starts.
  const rootDepth = rest.access.chainDepth();
  for (const account of plan.accounts) run.addAccount(account, plan.regions.get(account.accountId) ?? [], rootDepth);
  run.setAccounts(plan.accounts);
  return run.finish();
}

/**
 * A collection run that accounts join as they are discovered, so collection in the first accounts
 * overlaps the discovery of the others (organization discovery is paced by the Organizations
 * bucket: at 200 accounts it alone takes 18 s). A collector starts when the collectors it depends
 * on have finished in the same account and region; failures are recorded and never stop the other
 * collectors. Ready tasks start in critical-path order (the collectors heading the longest chains of
 * dependent work first), round-robin across accounts, then regions, and across collectors of equal
 * priority, as many at once as the admission allows. Collectors that need the whole list of
 * ingested accounts (cross-account references) get it through `context.ingestedAccounts()`, which
 * resolves when {@link setAccounts} is called.
 */
export class CollectorRun {
  /**
   * Tasks not finished yet, by id. A finished task is forgotten (its dependents keep it until they
   * start): at 1,000 accounts a run makes about a million tasks.
   */
  private readonly tasks = new Map<string, Task>();
  /** Every account added, by id. */
  private readonly accounts = new Map<string, AccountInfo>();
  /** Tasks ever added. */
  private total = 0;
  private readonly selected: Map<string, Collector>;
  private readonly priorities: CriticalPath;
  private readonly ready: TaskQueue<Task>;
  private readonly admission: Admission;
  private readonly logger: Logger;
  private readonly records: CollectorRunRecord[] = [];
  private readonly errors: RunError[] = [];
  private readonly accountIds: Promise<ReadonlySet<string>>;
  private resolveAccounts!: (ids: ReadonlySet<string>) => void;
  private running = 0;
  private done = 0;
  private closed = false;
  private pumpScheduled = false;
  /** Tasks not reading the whole graph that have not finished yet. */
  private unfinishedLocal = 0;
  /** Tasks of each account not finished yet (those that read the whole graph aside). */
  private readonly unfinishedByAccount = new Map<string, number>();
  private accountsFinal = false;
  private wholeGraphReleased = false;
  /** Whole-graph tasks whose own account is done, waiting for every other account. */
  private readonly held: Task[] = [];
  /** Values the collectors' tasks share (`context.shared`), by collector and key. */
  private readonly sharedValues = new Map<string, Promise<unknown>>();
  private settle?: () => void;

  constructor(private readonly options: CollectorRunOptions) {
    this.logger = options.logger ?? silentLogger;
    this.selected = new Map(options.collectors.map((collector) => [collector.id, collector]));
    this.priorities = new CriticalPath(options.collectors);
    this.ready = new TaskQueue<Task>(2, (collectorId) => this.priorities.level(collectorId));
    this.accountIds = new Promise((resolve) => (this.resolveAccounts = resolve));
    this.admission = options.concurrency !== undefined ? fixedAdmission(options.concurrency) : (options.admission ?? new LoopLagAdmission());
    this.admission.start(
      () => this.pump(),
      () => ({ running: this.running, waiting: this.ready.size }),
    );
  }

  /**
   * Adds an account and its enabled regions: its tasks are queued at once. `rootDepth` is the chain
   * depth at which its discovery ended (benchmarks); by default the deepest chain so far.
   */
  addAccount(account: AccountInfo, regions: readonly string[], rootDepth = this.options.access.chainDepth()): void {
    if (this.closed) throw new Error(`account ${account.accountId} added after the run was finished`);
    if (this.accounts.has(account.accountId)) throw new Error(`account ${account.accountId} added twice`);
    this.accounts.set(account.accountId, account);
    const created: Task[] = [];
    for (const collector of this.options.collectors) {
      const taskRegions = collector.scope === 'global' ? [GLOBAL_REGION] : regions;
      for (const region of taskRegions) {
        const id = taskId(account.accountId, region, collector.id);
        const task: Task = { account, region, collector, id, waitingOn: new Set(), dependents: [], upstream: [], rootDepth, endDepth: 0 };
        this.tasks.set(id, task);
        this.total++;
        created.push(task);
      }
    }
    for (const task of created) {
      for (const dependencyId of task.collector.dependsOn) {
        const dependency = this.selected.get(dependencyId);
        if (!dependency) continue;
        // A global collector that reads a regional one waits for it in every region of the account.
        const dependencyRegions = dependency.scope === 'global' ? [GLOBAL_REGION] : task.region === GLOBAL_REGION ? regions : [task.region];
        for (const dependencyRegion of dependencyRegions) {
          const upstream = this.tasks.get(taskId(task.account.accountId, dependencyRegion, dependencyId));
          if (upstream) {
            task.waitingOn.add(upstream.id);
            task.upstream.push(upstream);
            upstream.dependents.push(task);
          }
        }
      }
    }
    for (const task of created) {
      if (!task.collector.readsWholeGraph) {
        this.unfinishedLocal++;
        this.unfinishedByAccount.set(account.accountId, (this.unfinishedByAccount.get(account.accountId) ?? 0) + 1);
      }
      if (task.waitingOn.size === 0) this.enqueue(task);
    }
    // Accounts added together (in one turn of the event loop) are queued before any task starts,
    // so the first one added does not get all the slots.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      queueMicrotask(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  /** Tasks added and not finished (a finished task is forgotten). */
  get heldTasks(): number {
    return this.tasks.size;
  }

  /** The final list of the run's accounts (collectors waiting in `ingestedAccounts()` go on). */
  setAccounts(accounts: readonly AccountInfo[]): void {
    this.resolveAccounts(new Set(accounts.map((account) => account.accountId)));
    this.accountsFinal = true;
    this.releaseWholeGraphTasks();
  }

  /** Tasks in flight finish on their own; none is started after this. */
  abandon(): void {
    this.closed = true;
    this.admission.stop();
    this.held.length = 0;
    while (this.ready.size) this.ready.shift();
  }

  /** No more accounts: resolves when every task has finished. */
  async finish(): Promise<RunnerResult> {
    this.closed = true;
    // Without a list, collectors that wait for it would never finish: the added accounts are all.
    if (!this.accountsFinal) this.setAccounts([...this.accounts.values()]);
    try {
      if (this.done < this.total) await new Promise<void>((resolve) => (this.settle = resolve));
    } finally {
      this.admission.stop();
    }
    const records = [...this.records].sort((a, b) => taskId(a.accountId, a.region, a.collector).localeCompare(taskId(b.accountId, b.region, b.collector)));
    return { records, errors: this.errors };
  }

  private enqueue(task: Task): void {
    if (task.collector.readsWholeGraph && !this.wholeGraphReleased) this.held.push(task);
    else this.ready.push(task.collector.id, [task.account.accountId, task.region], task);
  }

  /** Once no account can join and every other task is done, the whole graph is there to read. */
  private releaseWholeGraphTasks(): void {
    if (this.wholeGraphReleased || !this.accountsFinal || this.unfinishedLocal > 0) return;
    this.wholeGraphReleased = true;
    for (const task of this.held.splice(0)) this.enqueue(task);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.admission.limit && this.ready.size) {
      const task = this.ready.shift() as Task;
      this.running++;
      void this.runTask(task).then((record) => {
        this.running--;
        this.done++;
        this.records.push(record);
        if (!task.collector.readsWholeGraph) {
          this.unfinishedLocal--;
          this.accountTaskDone(task.account.accountId);
        }
        this.priorities.record(task.collector.id, record.durationMs);
        this.options.onTaskDone?.(record, this.done, this.total);
        this.tasks.delete(task.id);
        for (const dependent of task.dependents) {
          dependent.waitingOn.delete(task.id);
          if (dependent.waitingOn.size === 0) this.enqueue(dependent);
        }
        task.dependents = [];
        if (this.closed && this.done === this.total) this.settle?.();
        else {
          this.releaseWholeGraphTasks();
          this.pump();
        }
      });
    }
  }

  /** After an account's last task, the access layer forgets what it holds for the account. */
  private accountTaskDone(accountId: string): void {
    const left = (this.unfinishedByAccount.get(accountId) ?? 1) - 1;
    if (left > 0) {
      this.unfinishedByAccount.set(accountId, left);
      return;
    }
    this.unfinishedByAccount.delete(accountId);
    this.options.access.releaseAccount(accountId);
  }

  private async runTask(task: Task): Promise<CollectorRunRecord> {
    const { access, graph, tags } = this.options;
    const { logger, errors } = this;
    const { account, region, collector } = task;
    const scope: CallScope = { accountId: account.accountId, region, collector: collector.id };
    const clientRegion = region === GLOBAL_REGION ? access.homeRegion : region;
    const startedAt = new Date();
    const started = performance.now();
    let entityCount = 0;
    let relationshipCount = 0;
    let partial = false;
    const limited: LimitedRecord = {};
    const recordError = (operation: string | undefined, error: unknown) => {
      const classified = classifyError(error);
      const recorded: RunError = {
        account: account.accountId,
        region,
        service: collector.service,
        collector: collector.id,
        code: classified.code,
        awsCode: classified.awsCode,
        operation: operation ?? failedOperation(error),
        kind: classified.kind,
        message: classified.message,
      };
      errors.push(recorded);
      this.options.onError?.(recorded);
      return classified;
    };
    const managementAccountId = account.organization?.managementAccountId;
    const stamp = <T extends Entity | Relationship>(object: T): T => {
      object._accountId = account.accountId;
      object._region = region;
      object._collector = collector.id;
      return object;
    };
    const context: CollectorContext = {
      account,
      region: clientRegion,
      scope,
      ingestedAccounts: () => this.accountIds,
      graph,
      logger,
      // Views of the shared clients that attribute their calls to this task's scope.
      client: (clientClass, otherRegion) => access.client(clientClass, account.accountId, otherRegion ?? clientRegion, scope),
      ...(managementAccountId !== undefined && {
        managementClient: <C extends SdkClient>(clientClass: SdkClientClass<C>) =>
          access.client(clientClass, managementAccountId, access.homeRegion, {
            accountId: managementAccountId,
            region: GLOBAL_REGION,
            collector: collector.id,
          }),
      }),
      shared: <T>(key: string, compute: () => Promise<T>): Promise<T> => {
        const sharedKey = `${collector.id}|${key}`;
        let value = this.sharedValues.get(sharedKey) as Promise<T> | undefined;
        if (!value) this.sharedValues.set(sharedKey, (value = compute()));
        return value;
      },
      addEntity: (entity) => {
        applyIntegrationTags(entity, account, tags);
        graph.addEntity(stamp(entity));
        entityCount++;
        return entity;
      },
      addEntities: (entities) => {
        for (const entity of entities) context.addEntity(entity);
      },
      addRelationship: (relationship) => {
        graph.addRelationship(stamp(relationship));
        relationshipCount++;
        return relationship;
      },
      addRelationships: (relationships) => {
        for (const relationship of relationships) context.addRelationship(relationship);
      },
      recordError: (operation, error) => {
        partial = true;
        const classified = recordError(operation, error);
        logger.warn(`${collector.id} ${account.accountId}/${region}: ${operation}: ${classified.code} ${classified.message}`);
      },
      optional: optionalCaller(collector, (operation, error) => context.recordError(operation, error)),
      limits: collectionLimits(this.options.limits),
      noteLimited: (limit, _type, skipped) => {
        const entry = (limited[limit] ??= { _type, value: context.limits?.[limit] ?? 0, parents: 0, skipped: 0 });
        entry.parents++;
        entry.skipped += skipped;
      },
    };
    let status: CollectorRunRecord['status'] = 'succeeded';
    access.setChainBase(scope, task.upstream.length ? Math.max(...task.upstream.map((upstream) => upstream.endDepth)) : task.rootDepth);
    // What it waited for is no longer needed: finished tasks can go.
    task.upstream = [];
    try {
      await collector.run(context);
      if (partial) status = 'partial';
    } catch (error) {
      status = 'failed';
      const classified = recordError(undefined, error);
      logger.warn(`${collector.id} failed in ${account.accountId}/${region}: ${classified.code} ${classified.message}`);
    }
    const counters = access.countersFor(scope);
    task.endDepth = access.chainDepth(scope);
    return {
      accountId: account.accountId,
      region,
      collector: collector.id,
      service: collector.service,
      status,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      apiCalls: counters.calls,
      throttled: counters.throttled,
      entities: entityCount,
      relationships: relationshipCount,
      ...(Object.keys(limited).length ? { limited } : {}),
    };
  }
}

/** JupiterOne's integration-level tags, added to every entity of the account. */
export function applyIntegrationTags(entity: Entity, account: AccountInfo, tags: IngestionTags | undefined): void {
  if (!tags) return;
  if (tags.accountName) entity['tag.AccountName'] = typeof tags.accountName === 'string' ? tags.accountName : (account.name ?? account.accountId);
  if (tags.production !== undefined) entity['tag.Production'] = tags.production;
}
