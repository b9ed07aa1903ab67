import type { AwsAccess, CallScope } from '../aws/access';
import { classifyError } from '../aws/errors';
import type { Entity, GraphStore, Relationship } from '../graph';
import type { CollectorRunRecord, RunError } from '../snapshot/format';
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

export interface RunnerOptions {
  access: AwsAccess;
  graph: GraphStore;
  plan: RunPlan;
  /**
   * Collector runs in flight at once. Default: as many as the event loop sustains (see
   * {@link LoopLagAdmission}); the AWS buckets are paced by the access layer, so the number of
   * tasks in flight is not what protects them.
   */
  concurrency?: number;
  /** How many tasks may run at once, when `concurrency` is not given (tests, benchmarks). */
  admission?: Admission;
  tags?: IngestionTags;
  logger?: Logger;
  onTaskDone?: (record: CollectorRunRecord, done: number, total: number) => void;
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
 * Runs every collector in every account (and every enabled region for regional collectors). A
 * collector starts when the collectors it depends on have finished in the same account and region;
 * failures are recorded and never stop the other collectors. Ready tasks start in critical-path
 * order (the collectors heading the longest chains of dependent work first), round-robin across
 * accounts, then regions, and across collectors of equal priority, as many at once as the
 * admission allows.
 */
export async function runCollectors(options: RunnerOptions): Promise<RunnerResult> {
  const { access, graph, plan } = options;
  const logger = options.logger ?? silentLogger;
  const selected = new Map(plan.collectors.map((collector) => [collector.id, collector]));
  const tasks = new Map<string, Task>();

  // Tasks are created account by account but queued round-robin across accounts (see below).
  const perAccount: Task[][] = [];
  for (const account of plan.accounts) {
    const list: Task[] = [];
    const regions = plan.regions.get(account.accountId) ?? [];
    for (const collector of plan.collectors) {
      const taskRegions = collector.scope === 'global' ? [GLOBAL_REGION] : regions;
      for (const region of taskRegions) {
        const id = taskId(account.accountId, region, collector.id);
        const task: Task = { account, region, collector, id, waitingOn: new Set(), dependents: [], upstream: [], endDepth: 0 };
        tasks.set(task.id, task);
        list.push(task);
      }
    }
    perAccount.push(list);
  }
  for (const task of tasks.values()) {
    for (const dependencyId of task.collector.dependsOn) {
      const dependency = selected.get(dependencyId);
      if (!dependency) continue;
      // A global collector that reads a regional one waits for it in every region of the account.
      const dependencyRegions =
        dependency.scope === 'global' ? [GLOBAL_REGION] : task.region === GLOBAL_REGION ? (plan.regions.get(task.account.accountId) ?? []) : [task.region];
      for (const dependencyRegion of dependencyRegions) {
        const upstream = tasks.get(taskId(task.account.accountId, dependencyRegion, dependencyId));
        if (upstream) {
          task.waitingOn.add(upstream.id);
          task.upstream.push(upstream);
          upstream.dependents.push(task);
        }
      }
    }
  }

  const priorities = new CriticalPath(plan.collectors);
  const ready = new TaskQueue<Task>(2, (collectorId) => priorities.level(collectorId));
  const enqueue = (task: Task) => ready.push(task.collector.id, [task.account.accountId, task.region], task);
  for (const list of perAccount) for (const task of list) if (task.waitingOn.size === 0) enqueue(task);

  const records: CollectorRunRecord[] = [];
  const errors: RunError[] = [];
  const total = tasks.size;
  const admission = options.concurrency !== undefined ? fixedAdmission(options.concurrency) : (options.admission ?? new LoopLagAdmission());
  // Everything before the run (organization and region discovery) happened before any task starts.
  const rootDepth = access.chainDepth();
  let running = 0;
  let done = 0;

  await new Promise<void>((resolve) => {
    if (total === 0) return resolve();
    const pump = () => {
      while (running < admission.limit && ready.size) {
        const task = ready.shift() as Task;
        running++;
        void runTask(task).then((record) => {
          running--;
          done++;
          records.push(record);
          priorities.record(task.collector.id, record.durationMs);
          options.onTaskDone?.(record, done, total);
          for (const dependent of task.dependents) {
            dependent.waitingOn.delete(task.id);
            if (dependent.waitingOn.size === 0) enqueue(dependent);
          }
          if (done === total) resolve();
          else pump();
        });
      }
    };
    admission.start(pump, () => ({ running, waiting: ready.size }));
    pump();
  }).finally(() => admission.stop());

  async function runTask(task: Task): Promise<CollectorRunRecord> {
    const { account, region, collector } = task;
    const scope: CallScope = { accountId: account.accountId, region, collector: collector.id };
    const clientRegion = region === GLOBAL_REGION ? access.homeRegion : region;
    const startedAt = new Date();
    const started = performance.now();
    let entityCount = 0;
    let relationshipCount = 0;
    let partial = false;
    const recordError = (operation: string | undefined, error: unknown) => {
      const classified = classifyError(error);
      errors.push({
        account: account.accountId,
        region,
        service: collector.service,
        collector: collector.id,
        code: classified.code,
        awsCode: classified.awsCode,
        operation: operation ?? failedOperation(error),
        kind: classified.kind,
        message: classified.message,
      });
      return classified;
    };
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
      accounts: plan.accounts,
      graph,
      logger,
      client: (clientClass, otherRegion) => access.client(clientClass, account.accountId, otherRegion ?? clientRegion),
      addEntity: (entity) => {
        applyIntegrationTags(entity, account, options.tags);
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
    };
    let status: CollectorRunRecord['status'] = 'succeeded';
    access.setChainBase(scope, task.upstream.length ? Math.max(...task.upstream.map((upstream) => upstream.endDepth)) : rootDepth);
    try {
      await access.withScope(scope, () => collector.run(context));
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
    };
  }

  records.sort((a, b) => taskId(a.accountId, a.region, a.collector).localeCompare(taskId(b.accountId, b.region, b.collector)));
  return { records, errors };
}

/** JupiterOne's integration-level tags, added to every entity of the account. */
export function applyIntegrationTags(entity: Entity, account: AccountInfo, tags: IngestionTags | undefined): void {
  if (!tags) return;
  if (tags.accountName) entity['tag.AccountName'] = typeof tags.accountName === 'string' ? tags.accountName : (account.name ?? account.accountId);
  if (tags.production !== undefined) entity['tag.Production'] = tags.production;
}

