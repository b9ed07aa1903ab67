import { AwsAccess, type AwsAccessOptions } from './aws/access';
import { classifyError } from './aws/errors';
import { streamOrganization, type OrganizationAccount, type SkippedAccount } from './aws/organization';
import { discoverRegions } from './aws/regions';
import { loadPeopleFile } from './analysis/people';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { CollectorRun, GLOBAL_REGION, silentLogger } from './collectors/runner';
import { failedOptionalCalls, optionalTypesOf, restoreOptionalProperties } from './collectors/optional';
import { RateLimiter } from './aws/rate-limits';
import { WorkerPool, type Collection } from './parallel/pool';
import type { WorkerDiagnostics } from './parallel/protocol';
import type { AccountInfo, Collector, Logger } from './collectors/types';
import { checkExternalId, completeConfig, InputError, serviceNameProblems, type IngestConfig, type IngestSecrets, type InputProblem } from './config';
import { compactCopy, GraphStore, type Entity, type Relationship } from './graph';
import { allCollectors, allSimulators, selectCollectors, serviceModules } from './services';
import { SIMULATED_BASE_CREDENTIALS, SimulatedAws } from './sim/simulator';
import type { World } from './sim/types';
import { fastRetryStrategy } from './sim/retry';
import {
  EntityDigest,
  inScope,
  readPreviousSnapshot,
  type ChangedKeys,
  SnapshotFormatError,
  SnapshotStoreError,
  type PreviousSnapshot,
  type ScopeFields,
  type ChangeCounts,
  type CollectorRunRecord,
  type NotRefreshed,
  type RunError,
  type Snapshot,
  type SnapshotMetadata,
} from './snapshot';
import type { WriteHooks } from './snapshot/writer';
import { FileStorage } from './store/files';
import { inShard } from './store/shard';
import type { GraphStorage, SnapshotRef } from './store/types';
import { appendAll } from './util/arrays';
import { readablePath } from './util/yaml-position';

export { TOOL } from './version';
import { TOOL } from './version';

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
  /** Where the graph is kept (default: snapshot files in `outputDir`); the caller closes it. */
  store?: GraphStorage;
}

/** A step of the run worth a line in a machine-read log. */
export type IngestEvent =
  | { event: 'account-discovered'; accountId: string; name?: string; regions: number }
  | { event: 'account-skipped'; accountId: string; name?: string; reason: string }
  | { event: 'scope-failed'; accountId: string; region: string; collector: string; code?: string; message?: string };

/** What a worker's copy of the simulated organization says in place of its External ID. */
export const WITHHELD = '<withheld from workers>';

/** Accounts per worker thread below which `workers: auto` does not start one more. */
const ACCOUNTS_PER_WORKER = 8;

/**
 * How many worker threads collect. Custom collectors, retry strategies and plugins are functions,
 * which cannot cross to another thread: with them the run stays in this one.
 */
export function workerCount(setting: IngestConfig['workers'], accounts: number, options: Pick<IngestOptions, 'collectors' | 'access'>): number {
  const access = options.access;
  const pacingClock = access?.pacing && typeof access.pacing === 'object' && 'clock' in access.pacing && access.pacing.clock !== undefined;
  if (options.collectors || access?.retryStrategy || access?.plugins || access?.stsPlugins || access?.credentialsClock || access?.throttleRetries?.clock || pacingClock) return 1;
  if (typeof setting === 'number') return setting;
  return Math.max(1, Math.min(availableParallelism(), Math.floor(accounts / ACCOUNTS_PER_WORKER)));
}

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
}

export interface IngestResult {
  summary: IngestSummary;
  metadata: SnapshotMetadata;
  graph: GraphStore;
}

export { fastRetryStrategy };

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Keeps what the previous snapshot knew wherever this run could not look: objects of failed
 * (account, region, collector) scopes, ever-growing types (findings) that are never deleted, and
 * edges that start from a carried entity (drawn by another collector, a mapping for instance, that
 * could not draw them again from an entity it did not see). Carried objects are marked
 * `_stale: true`; facts that failed collectors set on refreshed entities are put back too
 * (`enriches`, named in `_staleProperties`).
 */
export function carryForward(
  previous: Pick<Snapshot, 'entities' | 'relationships'>,
  graph: GraphStore,
  failed: ReadonlyArray<{ accountId: string; region: string; collector: string }>,
  everGrowingTypes: ReadonlySet<string>,
  collectors: readonly Collector[],
  /** Scopes whose enrichments may be missing: the failed ones and those that recorded errors. */
  enriching: ReadonlyArray<{ accountId: string; region: string; collector: string }> = failed,
  /** A narrowed run's scope: what is outside it is carried unchanged (not stale: it was not attempted), and counted here. */
  scope?: { outside: (object: ScopeFields) => boolean; carried: { entities: number; relationships: number }; carriedKeys: Set<string> },
): NotRefreshed[] {
  const notRefreshed: NotRefreshed[] = [];
  const typesByCollector = new Map(collectors.map((c) => [c.id, c.entities.map((e) => e._type)]));
  const carriedByScope = new Map<string, number>();
  const scopeKey = (r: { accountId: string; region: string; collector: string }) => `${r.accountId}|${r.region}|${r.collector}`;
  for (const entity of previous.entities) {
    // A placeholder that another account's mapping made for this entity does not replace it.
    const existing = graph.getEntity(entity._key);
    if (existing && existing._source !== 'system-mapper') continue;
    if (scope?.outside(entity)) {
      graph.addEntity(compactCopy(entity));
      scope.carriedKeys.add(entity._key);
      scope.carried.entities++;
      continue;
    }
    const failedScope = failed.find((record) => inScope(entity, record));
    if (failedScope || everGrowingTypes.has(entity._type)) {
      graph.addEntity(compactCopy({ ...entity, _stale: true }));
      if (failedScope) carriedByScope.set(scopeKey(failedScope), (carriedByScope.get(scopeKey(failedScope)) ?? 0) + 1);
    }
  }
  const previousMapped = new Map(previous.entities.filter((e) => e._source === 'system-mapper').map((e) => [e._key, e]));
  for (const relationship of previous.relationships) {
    if (graph.getRelationship(relationship._key)) continue;
    // Outside the scope, or touching an entity outside it: a mapping over the whole graph drew it,
    // and this run saw only part of that graph.
    const outside =
      scope && (scope.outside(relationship) || scope.carriedKeys.has(relationship._fromEntityKey) || scope.carriedKeys.has(relationship._toEntityKey));
    if (outside) {
      for (const end of [relationship._fromEntityKey, relationship._toEntityKey]) {
        const mapped = previousMapped.get(end);
        if (mapped && !graph.hasEntity(end)) graph.addEntity(compactCopy(mapped));
      }
      if (graph.hasEntity(relationship._fromEntityKey) && graph.hasEntity(relationship._toEntityKey)) {
        graph.addRelationship(compactCopy(relationship));
        scope.carried.relationships++;
      }
      continue;
    }
    const carry =
      failed.some((record) => inScope(relationship, record)) ||
      everGrowingTypes.has(relationship._type) ||
      graph.getEntity(relationship._fromEntityKey)?._stale === true;
    if (!carry) continue;
    // A carried edge may point at a mapped entity (the Internet, a foreign account) that no
    // collector recreated this time: it comes along.
    for (const end of [relationship._fromEntityKey, relationship._toEntityKey]) {
      const mapped = previousMapped.get(end);
      if (mapped && !graph.hasEntity(end)) graph.addEntity(compactCopy({ ...mapped, _stale: true }));
    }
    if (graph.hasEntity(relationship._fromEntityKey) && graph.hasEntity(relationship._toEntityKey)) {
      graph.addRelationship(compactCopy({ ...relationship, _stale: true }));
    }
  }
  restoreEnrichments(previous.entities, graph, enriching, collectors);
  for (const record of failed) {
    const types = record.collector === '*' ? [...new Set(collectors.flatMap((c) => c.entities.map((e) => e._type)))] : (typesByCollector.get(record.collector) ?? []);
    notRefreshed.push({ ...record, types: [...types].sort(), entitiesCarried: carriedByScope.get(scopeKey(record)) ?? 0 });
  }
  return notRefreshed;
}

/** The collectors a failed scope stands for: one, or all of them when the whole account failed. */
function collectorsOfScope(record: { collector: string }, collectors: readonly Collector[]): readonly Collector[] {
  return record.collector === '*' ? collectors : collectors.filter((collector) => collector.id === record.collector);
}

/** Per account, the types of entities that its failed collectors enrich (what the previous snapshot must keep). */
function enrichedTypesOf(
  failed: ReadonlyArray<{ accountId: string; collector: string }>,
  collectors: readonly Collector[],
): Map<string, Set<string>> {
  const byAccount = new Map<string, Set<string>>();
  for (const record of failed) {
    for (const collector of collectorsOfScope(record, collectors)) {
      for (const { _type } of collector.enriches ?? []) {
        let types = byAccount.get(record.accountId);
        if (!types) byAccount.set(record.accountId, (types = new Set()));
        types.add(_type);
      }
    }
  }
  return byAccount;
}

/**
 * Puts back, on refreshed entities, the properties that a failed collector would have set on them
 * (`enriches`), from the previous snapshot: only those the entity lacks now, named in its
 * `_staleProperties`. A declared `name.*` stands for one property per region (`name.eu-west-1`): a
 * regional failure restores its own region's.
 */
function restoreEnrichments(
  previousEntities: readonly Entity[],
  graph: GraphStore,
  failed: ReadonlyArray<{ accountId: string; region: string; collector: string }>,
  collectors: readonly Collector[],
  /** Name what was put back in `_staleProperties`: not for facts outside a narrowed run's scope, which it did not attempt. */
  markStale = true,
): void {
  const previousByKey = new Map(previousEntities.map((entity) => [entity._key, entity]));
  for (const record of failed) {
    for (const collector of collectorsOfScope(record, collectors)) {
      for (const enrichment of collector.enriches ?? []) {
        for (const entity of graph.entitiesOfTypeInAccount(enrichment._type, record.accountId)) {
          const before = previousByKey.get(entity._key);
          if (!before || entity._stale) continue;
          const restored = enrichedProperties(enrichment.properties, before, record.region).filter((name) => entity[name] === undefined);
          if (!restored.length) continue;
          for (const name of restored) entity[name] = before[name];
          if (markStale) entity._staleProperties = [...new Set([...(entity._staleProperties ?? []), ...restored])].sort();
          enrichment.derived?.compute(entity);
        }
      }
    }
  }
}

/** The names a declaration's properties stand for on `entity`, for a failure in `region` (`*`: all regions). */
function enrichedProperties(declared: readonly string[], entity: Entity, region: string): string[] {
  const names: string[] = [];
  for (const property of declared) {
    if (!property.endsWith('.*')) {
      if (entity[property] !== undefined) names.push(property);
      continue;
    }
    const prefix = property.slice(0, -1);
    if (region !== '*' && region !== GLOBAL_REGION) {
      if (entity[prefix + region] !== undefined) names.push(prefix + region);
      continue;
    }
    for (const name of Object.keys(entity)) if (name.startsWith(prefix)) names.push(name);
  }
  return names;
}

/**
 * Mapped entities (the Internet, foreign accounts, CIDR blocks, people) are shared by every account
 * that refers to them, so whichever collector happened to add them last must not leave its
 * provenance or its account's integration tags on them: the snapshot would depend on timing.
 */
function normalizeMappedEntities(graph: GraphStore): void {
  for (const entity of graph.allEntities()) {
    if (entity._source !== 'system-mapper') continue;
    delete entity._accountId;
    delete entity._region;
    delete entity._collector;
    delete entity['tag.AccountName'];
    delete entity['tag.Production'];
  }
}

/** Drops relationships whose ends are not in the graph (a target outside the data that no mapper created). */
function dropDanglingRelationships(graph: GraphStore): number {
  let dropped = 0;
  for (const relationship of [...graph.allRelationships()]) {
    if (!graph.hasEntity(relationship._fromEntityKey) || !graph.hasEntity(relationship._toEntityKey)) {
      graph.removeRelationship(relationship._key);
      dropped++;
    }
  }
  return dropped;
}

/**
 * The previous snapshot, for carry-forward and the change counts: the first of the candidates (best
 * first: the latest, then older ones) that reads whole and matches its `graphSha256`. Those passed
 * over are said in one recorded error of this run, not the end of it. When none is intact, a damaged
 * one whose content still reads is used, and the run says so; when none reads, nothing is carried.
 */
async function readPrevious(
  store: GraphStorage,
  candidates: readonly SnapshotRef[],
  passedOver: string[],
  options: Parameters<typeof readPreviousSnapshot>[1],
  errors: RunError[],
  logger: Logger,
): Promise<{ previous: PreviousSnapshot; file: string } | undefined> {
  const record = (code: string, message: string) => {
    errors.push({ account: '*', region: '*', service: 'snapshot', code, kind: 'unexpected', message });
    logger.warn(message);
  };
  let damaged: { previous: PreviousSnapshot; file: string } | undefined;
  let chosen: { previous: PreviousSnapshot; file: string } | undefined;
  // Each candidate is a whole read: a few damaged ones are passed over, not the whole history.
  for (const candidate of candidates.slice(0, MAX_PREVIOUS_READS)) {
    const file = candidate.id;
    try {
      const previous = await store.readPrevious(candidate, options);
      if (previous.contentMatches) {
        chosen = { previous, file };
        break;
      }
      damaged ??= { previous, file };
      passedOver.push(`${file}: does not match its graphSha256 (damaged or edited since it was written)`);
    } catch (error) {
      if (!(error instanceof SnapshotFormatError) && !(error as NodeJS.ErrnoException).code) throw error;
      passedOver.push(error instanceof SnapshotFormatError ? error.message : `${file}: cannot be read (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  if (chosen) {
    if (passedOver.length) {
      record('PreviousSnapshotFallback', `the latest snapshot could not be used (${passedOver.join('; ')}): compared with the newest intact one instead, ${chosen.file}`);
    }
    return chosen;
  }
  if (damaged) {
    record(
      'PreviousSnapshotDamaged',
      `the previous snapshot ${path.basename(damaged.file)} does not match its graphSha256 (damaged or edited since it was written) and no intact older one exists: what it says was still used for carry-forward and the change counts`,
    );
    return damaged;
  }
  if (passedOver.length) {
    const failed = options.failedScopes.length;
    record(
      'PreviousSnapshotUnreadable',
      `the previous snapshot could not be read (${passedOver.join('; ')}): nothing was carried forward${failed ? ` (${failed} failed scope${failed === 1 ? '' : 's'} lose their previous entities)` : ''}, and every entity counts as created`,
    );
  }
  return undefined;
}

/** What a run narrowed by services, accounts or regions refreshes; the rest of the graph is carried. */
export interface RunScope {
  services?: { include?: string[]; exclude?: string[] };
  accounts?: string[];
  regions?: { include?: string[]; exclude?: string[] };
  /** Entities and relationships outside the scope, carried from the previous snapshot unchanged. */
  carried: { entities: number; relationships: number };
}

/**
 * The scope of a narrowed run, or undefined for a whole run (or `replace`, where the snapshot holds
 * only what the run read). Accounts narrow only in organization mode: there the organization is the
 * whole, and `accounts` a part of it; without it, the accounts listed are the whole.
 */
export function runScope(config: IngestConfig): RunScope | undefined {
  if (config.replace) return undefined;
  const listed = (selection?: { include?: string[]; exclude?: string[] }) =>
    selection && (selection.include?.length || selection.exclude?.length) ? selection : undefined;
  const scope: RunScope = {
    services: listed(config.services),
    accounts: config.organization && config.accounts?.length ? config.accounts.map((account) => account.id) : undefined,
    regions: listed(config.regions),
    carried: { entities: 0, relationships: 0 },
  };
  return scope.services || scope.accounts || scope.regions ? scope : undefined;
}

/** Whether an object of the previous snapshot lies outside a narrowed run's scope (`collectors`: those the run selected). */
function outsideOf(scope: RunScope, collectors: readonly Collector[]): (object: ScopeFields) => boolean {
  const accounts = scope.accounts && new Set(scope.accounts);
  const collectorIds = new Set(collectors.map((collector) => collector.id));
  const include = scope.regions?.include?.length ? new Set(scope.regions.include) : undefined;
  const exclude = new Set(scope.regions?.exclude ?? []);
  return (object) => {
    // Mapped entities belong to no account: carried edges bring those they point at.
    if (object._accountId === undefined) return false;
    if (accounts && !accounts.has(object._accountId)) return true;
    if (scope.services && object._collector !== undefined && !collectorIds.has(object._collector)) return true;
    const region = object._region;
    if (scope.regions && region !== undefined && region !== GLOBAL_REGION && ((include && !include.has(region)) || exclude.has(region))) return true;
    return false;
  };
}

/** Per reachable account, the collectors whose enrichments a narrowed run did not attempt. */
function enrichmentsOutside(scope: RunScope, selected: readonly Collector[], accounts: readonly AccountInfo[]): Array<{ accountId: string; region: string; collector: string }> {
  const selectedIds = new Set(selected.map((collector) => collector.id));
  const outside = allCollectors().filter(
    (collector) => collector.enriches?.length && ((scope.services && !selectedIds.has(collector.id)) || (scope.regions && selectedIds.has(collector.id) && collector.scope === 'regional')),
  );
  return accounts.flatMap((account) => outside.map((collector) => ({ accountId: account.accountId, region: '*', collector: collector.id })));
}

/** Snapshots read in full, at most, looking for an intact previous one. */
const MAX_PREVIOUS_READS = 3;

/**
 * Input checks that need the file system or the service registry, made before the first AWS call:
 * the services exist, the snapshot directory can be written, and `latest.json` can be read. Throws
 * an {@link InputError} naming every problem; resolves to the previous snapshots to compare with.
 */
export async function preflight(config: IngestConfig, store: GraphStorage): Promise<{ candidates: SnapshotRef[]; passedOver: string[] }> {
  const problems: InputProblem[] = [];
  const known = serviceModules.map((module) => module.service);
  for (const bad of serviceNameProblems(config.services, known)) {
    problems.push({ source: 'configuration', field: readablePath(bad.pointer), message: bad.message });
  }
  const writeProblem = await store.writeProblem();
  if (writeProblem) problems.push(store.kind === 'files' ? { source: path.resolve(config.outputDir), field: 'outputDir', message: writeProblem } : { source: store.description, field: 'store', message: writeProblem });
  if (config.shard && store.kind !== 'postgres') problems.push({ source: 'configuration', field: 'shard', message: 'sharded runs write to one shared graph: they need a PostgreSQL store (store: postgres)' });
  let found = { candidates: [] as SnapshotRef[], passedOver: [] as string[] };
  try {
    if (!writeProblem) found = await store.previousCandidates();
  } catch (error) {
    if (!(error instanceof SnapshotStoreError)) throw error;
    problems.push({ source: error.file, message: error.problem });
  }
  if (problems.length) throw new InputError(problems);
  return found;
}

function accountInfo(account: OrganizationAccount, managementAccountId: string): AccountInfo {
  return {
    accountId: account.id,
    name: account.name,
    organization: {
      managementAccountId,
      arn: account.arn,
      email: account.email,
      status: account.status,
      joinedMethod: account.joinedMethod,
      joinedTimestamp: account.joinedTimestamp,
    },
  };
}

/**
 * One ingestion run: accounts, regions, collectors, carry-forward of what could not be refreshed,
 * snapshot, changes since the previous snapshot. The snapshot store is only written when at least
 * one collector succeeded, so a run that reached nothing never replaces a good snapshot.
 */
export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock();
  const started = performance.now();
  const world = options.simulate;
  const config = completeConfig({
    ...(world
      ? { roleName: world.organization.roleName, organization: { managementAccountId: world.organization.managementAccountId } }
      : {}),
    ...options.config,
  });
  // Read before any AWS call, so a bad people file fails the run at once.
  const people = config.people ? loadPeopleFile(config.people) : undefined;
  const externalId = options.secrets?.externalId ?? world?.organization.externalId;
  if (externalId !== undefined) checkExternalId(externalId);
  const store: GraphStorage = options.store ?? new FileStorage(config.outputDir);
  const previousSnapshots = await preflight(config, store);
  // A database store claims this run's place in the next snapshot (or shard of it) before any AWS call.
  await store.begin?.(config.shard);
  let written: Awaited<ReturnType<GraphStorage['write']>> | undefined;

  // A virtual clock given for the credentials is the simulated organization's clock too (tests).
  const credentialsClock = options.access?.credentialsClock;
  const simulated = world ? new SimulatedAws(world, allSimulators(), { now: credentialsClock && (() => credentialsClock.now()) }) : undefined;
  // Throttled calls are retried until this run's deadline (config `throttleRetryMinutes`), then recorded.
  const throttleRetries = {
    ...options.access?.throttleRetries,
    ...(options.access?.throttleRetries?.deadlineMs === undefined && config.throttleRetryMinutes ? { deadlineMs: config.throttleRetryMinutes * 60_000 } : {}),
  };
  const access = new AwsAccess({
    roleName: config.roleName,
    rolePath: config.rolePath,
    externalId,
    sessionName: config.sessionName,
    ...(simulated
      ? {
          baseCredentials: SIMULATED_BASE_CREDENTIALS,
          plugins: ({ region }) => [simulated.plugin(region)],
          stsPlugins: () => [simulated.stsPlugin()],
          retryStrategy: fastRetryStrategy(),
        }
      : {}),
    ...options.access,
    throttleRetries,
  });
  const errors: RunError[] = [];
  const failedScopes: Array<{ accountId: string; region: string; collector: string }> = [];
  const records: CollectorRunRecord[] = [];
  let collection: Collection | undefined;

  try {
    // Accounts join the collection as soon as they are discovered and their regions are known, so
    // collecting the first accounts overlaps discovering the others.
    const collectors = options.collectors ?? selectCollectors(config.services, { people });
    const graph = new GraphStore();
    const onTaskDone = (record: CollectorRunRecord, done: number, total: number) => {
      if (record.status === 'failed') options.onEvent?.({ event: 'scope-failed', accountId: record.accountId, region: record.region, collector: record.collector });
      options.onProgress?.({ phase: 'collect', done, total, record });
    };
    // The collection is set up once the number of accounts is known (it decides the workers);
    // accounts discovered before that wait for it.
    let collectionReady!: () => void;
    const ready = new Promise<void>((resolve) => (collectionReady = resolve));
    const setUpCollection = (expectedAccounts: number): Collection => {
      if (collection) return collection;
      const workers = workerCount(config.workers, expectedAccounts, options);
      if (workers > 1) logger.info(`collecting with ${workers} worker threads`);
      collection =
        workers > 1
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
                world: world && { ...world, organization: { ...world.organization, externalId: WITHHELD } },
                tags: config.tags,
                concurrency: config.concurrency,
              },
              access,
              graph,
              collectors,
              tags: config.tags,
              logger,
              onTaskDone,
              onWorkerDone: options.onWorkerDone,
            })
          : new CollectorRun({ access, graph, collectors, concurrency: config.concurrency, tags: config.tags, logger, onTaskDone });
      collectionReady();
      return collection;
    };
    const regions = new Map<string, string[]>();
    const skippedRegions: SnapshotMetadata['skippedRegions'] = [];
    const reachable: AccountInfo[] = [];
    const joining: Array<Promise<void>> = [];
    let regionsDone = 0;
    // Regions, per account; an account that cannot be reached is recorded and the others go on.
    const joinAccount = async (account: AccountInfo, discoveredAtDepth: number): Promise<void> => {
      const scope = { accountId: account.accountId, region: GLOBAL_REGION, collector: 'regions' };
      access.setChainBase(scope, discoveredAtDepth);
      try {
        const discovered = await discoverRegions(access, account.accountId, config.regions, scope);
        if (discovered.fallbackFrom !== undefined) {
          // Region discovery denied: the account is still collected, in the regions it surely has.
          const classified = classifyError(discovered.fallbackFrom);
          const where = config.regions?.include?.length ? 'the configured regions' : "AWS's default-enabled regions";
          errors.push({
            account: account.accountId,
            region: GLOBAL_REGION,
            service: 'ec2',
            operation: 'ec2:DescribeRegions',
            code: classified.code,
            awsCode: classified.awsCode,
            kind: classified.kind,
            message: `${classified.message} (regions not discovered: collected in ${where}, ${discovered.enabled.join(', ')}; opt-in regions are not collected)`,
          });
          logger.warn(`account ${account.accountId}: DescribeRegions ${classified.code}; collecting in ${where}`);
        }
        regions.set(account.accountId, discovered.enabled);
        for (const skipped of discovered.skipped) skippedRegions.push({ accountId: account.accountId, ...skipped });
        reachable.push(account);
        options.onEvent?.({ event: 'account-discovered', accountId: account.accountId, name: account.name, regions: discovered.enabled.length });
        await ready;
        collection?.addAccount(account, discovered.enabled, access.chainDepth(scope));
      } catch (error) {
        const classified = classifyError(error);
        const operation = (error as { $operation?: string }).$operation;
        errors.push({
          account: account.accountId,
          region: '*',
          service: operation?.startsWith('sts:') || /AssumeRole/.test(classified.message) ? 'sts' : 'ec2',
          operation: operation ?? 'sts:AssumeRole',
          code: classified.code,
          awsCode: classified.awsCode,
          kind: classified.kind,
          message: classified.message,
        });
        failedScopes.push({ accountId: account.accountId, region: '*', collector: '*' });
        options.onEvent?.({ event: 'scope-failed', accountId: account.accountId, region: '*', collector: '*', code: classified.code, message: classified.message });
        logger.warn(`account ${account.accountId} cannot be reached: ${classified.code} ${classified.message}`);
      }
      options.onProgress?.({ phase: 'regions', done: ++regionsDone, total: joining.length });
    };
    const join = (account: AccountInfo, discoveredAtDepth: number) => {
      // A sharded run ingests only its stable share of the accounts; the other shards take the rest.
      if (config.shard && !inShard(account.accountId, config.shard)) return;
      joining.push(joinAccount(account, discoveredAtDepth));
    };

    options.onProgress?.({ phase: 'accounts', done: 0, total: 1 });
    let skippedAccounts: SkippedAccount[] = [];
    const unreadableTags: SkippedAccount[] = [];
    if (config.organization) {
      const management = config.organization.managementAccountId;
      const scope = { accountId: management, region: GLOBAL_REGION, collector: 'organization' };
      try {
        const discovery = await streamOrganization(
          access,
          management,
          { skipTag: config.organization?.skipTag, only: config.accounts?.map((a) => a.id) },
          {
            // A first page that is not the last is enough to know the organization is large.
            onListed: (candidates, complete) => setUpCollection(complete ? candidates : candidates + 1),
            onAccount: (account) => join(accountInfo(account, management), access.chainDepth(scope)),
            onTagsFailed: (account, error) => {
              // Its tags may say to skip it: it is not ingested, and what it had is kept.
              const classified = classifyError(error);
              errors.push({
                account: account.id,
                region: '*',
                service: 'organizations',
                operation: 'organizations:ListTagsForResource',
                code: classified.code,
                awsCode: classified.awsCode,
                kind: classified.kind,
                message: `the account's tags cannot be read, so whether to skip it is unknown: ${classified.message}`,
              });
              failedScopes.push({ accountId: account.id, region: '*', collector: '*' });
              const reason = `its tags cannot be read (${classified.code}), so whether it is tagged to be skipped is unknown`;
              unreadableTags.push({ accountId: account.id, name: account.name, reason });
              options.onEvent?.({ event: 'account-skipped', accountId: account.id, name: account.name, reason });
              logger.warn(`account ${account.id}: its tags cannot be read (${classified.code}); not ingested this time`);
            },
          },
          scope,
        );
        // The same rule as the onboarding: not ingested, listed with the reason (and its error recorded).
        skippedAccounts = [...discovery.skipped, ...unreadableTags].sort((a, b) => a.accountId.localeCompare(b.accountId));
        const listed = discovery.accounts.length + discovery.skipped.length + discovery.unreadable.length;
        options.onProgress?.({ phase: 'accounts', done: listed, total: listed });
      } catch (error) {
        setUpCollection(0);
        await Promise.all(joining);
        await collection?.finish();
        const classified = classifyError(error);
        throw new IngestError(
          `cannot list the organization's accounts from the management account ${management}: ${classified.code} (${classified.message})`,
          [{ account: management, region: GLOBAL_REGION, service: 'organizations', code: classified.code, awsCode: classified.awsCode, kind: classified.kind, message: classified.message }],
        );
      }
      for (const skipped of skippedAccounts) options.onEvent?.({ event: 'account-skipped', accountId: skipped.accountId, name: skipped.name, reason: skipped.reason });
      for (const skipped of skippedAccounts) logger.info(`skipping account ${skipped.accountId} (${skipped.name ?? ''}): ${skipped.reason}`);
    } else {
      setUpCollection(config.accounts?.length ?? 0);
      for (const account of config.accounts ?? []) join({ accountId: account.id, name: account.name }, 0);
    }
    const running = setUpCollection(joining.length);
    await Promise.all(joining);
    reachable.sort((a, b) => a.accountId.localeCompare(b.accountId));
    skippedRegions.sort((a, b) => `${a.accountId}${a.region}`.localeCompare(`${b.accountId}${b.region}`));
    running.setAccounts(reachable);

    // Collectors.
    const collected = await running.finish();
    appendAll(records, collected.records);
    appendAll(errors, collected.errors);
    for (const record of collected.records) if (record.status === 'failed') failedScopes.push(record);
    const unfinishedScopes = [...failedScopes, ...collected.records.filter((record) => record.status === 'partial')];
    if (!collected.records.some((record) => record.status !== 'failed')) {
      throw new IngestError(
        `nothing could be ingested: ${errors.length ? errors.slice(0, 3).map((e) => `${e.account} ${e.service} ${e.code}: ${e.message}`).join('; ') : 'no account was reachable'}`,
        errors,
      );
    }

    // Carry forward what could not be refreshed, then write.
    const everGrowing = new Set(collectors.flatMap((c) => c.entities.filter((e) => e.everGrowing).map((e) => e._type)));
    // Streamed: only what carry-forward needs and a digest per entity for the changes are kept.
    const enrichedTypes = enrichedTypesOf(unfinishedScopes, collectors);
    const failedCalls = failedOptionalCalls(collected.errors, collectors);
    for (const [accountId, types] of optionalTypesOf(failedCalls, collectors)) {
      const known = enrichedTypes.get(accountId) ?? new Set<string>();
      for (const type of types) known.add(type);
      enrichedTypes.set(accountId, known);
    }
    const scope = runScope(config);
    const outsideScope = scope && outsideOf(scope, collectors);
    // Facts that collectors outside the scope set on refreshed entities (an unselected service's, or
    // a selected one's in unselected regions) are kept as they were.
    const outsideEnriching = scope ? enrichmentsOutside(scope, collectors, reachable) : [];
    const registry = allCollectors();
    for (const [accountId, types] of enrichedTypesOf(outsideEnriching, registry)) {
      const known = enrichedTypes.get(accountId);
      if (known) for (const type of types) known.add(type);
      else enrichedTypes.set(accountId, types);
    }
    const read = await readPrevious(store, previousSnapshots.candidates, previousSnapshots.passedOver, { failedScopes, everGrowingTypes: everGrowing, enrichedTypes, outsideScope }, errors, logger);
    const previous = read?.previous;
    normalizeMappedEntities(graph);
    const notRefreshed = carryForward(
      previous ?? { entities: [], relationships: [] },
      graph,
      failedScopes,
      everGrowing,
      collectors,
      unfinishedScopes,
      scope && outsideScope && { outside: outsideScope, carried: scope.carried, carriedKeys: new Set() },
    );
    if (previous && outsideEnriching.length) restoreEnrichments(previous.entities, graph, outsideEnriching, registry, false);
    // What failed optional calls would have set comes back from the previous snapshot too.
    if (previous && failedCalls.length) restoreOptionalProperties(new Map(previous.entities.map((e) => [e._key, e])), graph, failedCalls, collectors);
    // A shard's edges may end in another shard's accounts: the store drops dangling edges across all shards.
    const dropped = (config.shard?.count ?? 1) > 1 ? 0 : dropDanglingRelationships(graph);
    if (dropped) logger.debug(`dropped ${dropped} relationships whose target is not in the graph`);

    const entities = [...graph.allEntities()];
    const relationships = [...graph.allRelationships()];
    // Change tracking: counts, and `_createdOn`/`_updatedOn` carried from the previous snapshot.
    const stamped = stampChanges(previous, entities, relationships, startedAt.getTime());
    const changes = stamped.entities.counts;
    const apiCalls = access.totals();
    apiCalls.calls += collected.calls?.calls ?? 0;
    apiCalls.throttled += collected.calls?.throttled ?? 0;
    const endedAt = clock();
    errors.sort((a, b) => `${a.account}|${a.region}|${a.service}|${a.operation}`.localeCompare(`${b.account}|${b.region}|${b.service}|${b.operation}`));
    const metadata: Omit<SnapshotMetadata, 'graphSha256'> = {
      format: 'aws-org-graph.snapshot/1',
      tool: TOOL,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      mode: world ? 'simulated' : 'aws',
      accounts: reachable.map((a) => ({ accountId: a.accountId, name: a.name })),
      skippedAccounts,
      regions: [...new Set([...regions.values()].flat())].sort(),
      skippedRegions,
      collectors: records,
      errors,
      notRefreshed,
      counts: {
        entities: countBy(entities, (e) => e._type),
        relationships: countBy(relationships, (r) => r._type),
        totalEntities: entities.length,
        totalRelationships: relationships.length,
        staleEntities: entities.filter((e) => e._stale).length,
      },
      apiCalls,
      scope,
      previous: read ? { path: read.file, graphSha256: read.previous.metadata.graphSha256 } : undefined,
      changes,
      relationshipChanges: stamped.relationships.counts,
    };
    options.onProgress?.({ phase: 'write', done: 0, total: 1 });
    written = await store.write(entities, relationships, metadata, options.writeHooks);
    const fullMetadata: SnapshotMetadata = { ...metadata, graphSha256: written.graphSha256 };
    if (config.retention) {
      // Retention is housekeeping: the snapshot is written, and a failure here does not undo that.
      try {
        const pruned = await store.prune(config.retention.keep);
        if (pruned.removed.length) logger.info(`retention: removed ${pruned.removed.length} snapshot(s), kept ${pruned.kept.length}`);
      } catch (error) {
        logger.warn(`retention: could not remove old snapshots: ${(error as Error).message}`);
      }
    }
    const summary = summarize(fullMetadata, written.path);
    summary.changedKeys = { entities: stamped.entities.keys, relationships: stamped.relationships.keys };
    return { summary, metadata: fullMetadata, graph };
  } catch (error) {
    // Nothing of this run is in the store: a database store carries this shard's accounts forward.
    if (!written) await store.fail?.((error as Error).message).catch((failure: Error) => logger.warn(`the store could not record the failed run: ${failure.message}`));
    throw error;
  } finally {
    // After a failure, no worker thread may outlive the run.
    collection?.abandon();
    access.destroy();
  }
}

/**
 * Change counts against the previous snapshot, and the change-tracking timestamps set on every
 * object (see `EntityDigest.stamp`); without a previous snapshot everything is created `now`.
 */
function stampChanges(previous: PreviousSnapshot | undefined, entities: Entity[], relationships: Relationship[], now: number) {
  const knownSince = previous ? Date.parse(previous.metadata.startedAt) || now : now;
  return {
    entities: (previous?.digest ?? new EntityDigest()).stamp(entities, now, knownSince),
    relationships: (previous?.relationshipDigest ?? new EntityDigest()).stamp(relationships, now, knownSince),
  };
}

export function summarize(metadata: SnapshotMetadata, snapshotPath: string): IngestSummary {
  return {
    snapshot: { path: snapshotPath, sha256: metadata.graphSha256 },
    counts: { entities: metadata.counts.entities, relationships: metadata.counts.relationships },
    totals: {
      entities: metadata.counts.totalEntities,
      relationships: metadata.counts.totalRelationships,
      staleEntities: metadata.counts.staleEntities,
    },
    accounts: metadata.accounts,
    skippedAccounts: metadata.skippedAccounts,
    regions: metadata.regions,
    errors: metadata.errors.map((e) => ({ account: e.account, region: e.region, service: e.service, code: e.code, message: e.message, operation: e.operation })),
    notRefreshed: metadata.notRefreshed,
    ...(metadata.scope ? { scope: metadata.scope } : {}),
    skippedRegions: metadata.skippedRegions,
    changes: metadata.changes ?? { created: 0, updated: 0, deleted: 0 },
    relationshipChanges: metadata.relationshipChanges ?? { created: 0, updated: 0, deleted: 0 },
    startedAt: metadata.startedAt,
    durationMs: metadata.durationMs,
    apiCalls: metadata.apiCalls.calls,
    throttledCalls: metadata.apiCalls.throttled,
  };
}
