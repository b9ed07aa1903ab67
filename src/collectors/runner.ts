import type { AwsAccess, CallScope } from '../aws/access';
import { classifyError } from '../aws/errors';
import type { Entity, GraphStore, Relationship } from '../graph';
import type { CollectorRunRecord, RunError } from '../snapshot/format';
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
  /** Collector runs in flight at once. */
  concurrency?: number;
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
 * Runs every collector in every account (and every enabled region for regional collectors) with
 * bounded concurrency. A collector starts when the collectors it depends on have finished in the
 * same account and region; failures are recorded and never stop the other collectors.
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
        const task: Task = { account, region, collector, id: taskId(account.accountId, region, collector.id), waitingOn: new Set(), dependents: [] };
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
          upstream.dependents.push(task);
        }
      }
    }
  }

  // Round-robin across accounts so one large account never starves the others.
  const ready: Task[] = [];
  for (let index = 0; perAccount.some((list) => index < list.length); index++) {
    for (const list of perAccount) if (index < list.length && list[index].waitingOn.size === 0) ready.push(list[index]);
  }

  const records: CollectorRunRecord[] = [];
  const errors: RunError[] = [];
  const total = tasks.size;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  let running = 0;
  let done = 0;

  await new Promise<void>((resolve) => {
    if (total === 0) return resolve();
    const pump = () => {
      while (running < concurrency && ready.length) {
        const task = ready.shift() as Task;
        running++;
        void runTask(task).then((record) => {
          running--;
          done++;
          records.push(record);
          options.onTaskDone?.(record, done, total);
          for (const dependent of task.dependents) {
            dependent.waitingOn.delete(task.id);
            if (dependent.waitingOn.size === 0) ready.push(dependent);
          }
          if (done === total) resolve();
          else pump();
        });
      }
    };
    pump();
  });

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
    try {
      await access.withScope(scope, () => collector.run(context));
      if (partial) status = 'partial';
    } catch (error) {
      status = 'failed';
      const classified = recordError(undefined, error);
      logger.warn(`${collector.id} failed in ${account.accountId}/${region}: ${classified.code} ${classified.message}`);
    }
    const counters = access.countersFor(scope);
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

