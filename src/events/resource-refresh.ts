/**
 * The per-resource refresh of `orggraph watch`: the previous snapshot with the resources a batch of
 * events names read again, one by one (one KMS key, one security group, one bucket), instead of a
 * narrowed run of their collectors' whole scope. The mappings (IAM permissions and trusts,
 * instance profiles, people), which call no AWS API, are drawn again over the patched graph, so
 * the snapshot is the one a full run would write (test/events/sequence.test.ts checks it).
 */
import { CollectorRun, GLOBAL_REGION } from '../collectors/runner';
import type { AccountInfo, Collector } from '../collectors/types';
import { compactCopy, GraphStore, type Entity, type Relationship } from '../graph';
import { MAPPINGS_SERVICE } from '../analysis/mappings';
import { dropDanglingRelationships, normalizeMappedEntities } from '../ingest/carry-forward';
import { readPrevious } from '../ingest/previous';
import { setUpRun } from '../ingest/preflight';
import type { IngestOptions, IngestResult } from '../ingest/types';
import { writeSnapshot } from '../ingest/write';
import { allCollectors, selectCollectors } from '../services';
import type { CollectorRunRecord, RunError } from '../snapshot';
import type { ResourceRefresh } from './declarations';
import type { RefreshScope, RefreshTarget } from './route';

/** The batch cannot be refreshed resource by resource (the caller makes a narrowed run instead), and why. */
export class ResourceRefreshUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceRefreshUnavailable';
  }
}

/** The collector's per-resource refresh, if it declares one. */
export function resourceRefreshOf(collector: Pick<Collector, 'events'>): ResourceRefresh | undefined {
  return collector.events?.find((declaration) => declaration.resource)?.resource;
}

/** Collectors that cannot be read again over a snapshot: the account's needs what only discovery knows (its organization). */
const NEEDS_DISCOVERY = new Set(['account']);

/** Whether a target is read resource by resource. */
function byResource(target: RefreshTarget, collector: Collector | undefined): boolean {
  return Boolean(target.resourceIds?.length && collector && resourceRefreshOf(collector));
}

/**
 * Whether a batch can be refreshed over the latest snapshot: every target is a resource its
 * collector reads alone, or a collector (and those that read its output) that needs no discovery.
 */
export function refreshableOverSnapshot(scope: RefreshScope, collectors: readonly Collector[] = allCollectors()): boolean {
  const byId = new Map(collectors.map((collector) => [collector.id, collector]));
  return (
    scope.targets.length > 0 &&
    scope.targets.every((target) => byId.has(target.collector) && (!NEEDS_DISCOVERY.has(target.collector) || byResource(target, byId.get(target.collector))))
  );
}

/** Whether every target of the scope names resources that its collector can read one by one. */
export function refreshableByResource(scope: RefreshScope, collectors: readonly Collector[] = allCollectors()): boolean {
  const byId = new Map(collectors.map((collector) => [collector.id, collector]));
  return scope.targets.length > 0 && scope.targets.every((target) => byResource(target, byId.get(target.collector)));
}

/**
 * The collectors to run again for a target refreshed whole, in dependency order: the collector,
 * then those that read its output in the same account (same region, their global run, or, for a
 * regional reader of a global collector, every region `regionsOf` gives), and so on. A refresh that only resources' reads make changes nothing another collector reads (events
 * that do, KMS aliases for instance, are declared without a resource refresh).
 */
function withDependents(
  targets: readonly RefreshTarget[],
  registry: readonly Collector[],
  regionsOf: (account: string, collector: string) => readonly string[],
): RefreshTarget[] {
  const byId = new Map(registry.map((collector) => [collector.id, collector]));
  const dependents = (id: string) => registry.filter((collector) => collector.service !== MAPPINGS_SERVICE && collector.dependsOn.includes(id));
  const found = new Map<string, RefreshTarget>();
  const visit = (target: RefreshTarget) => {
    const key = `${target.account}|${target.region}|${target.collector}`;
    const known = found.get(key);
    if (known && !known.resourceIds) return;
    found.set(key, target);
    if (target.resourceIds) return;
    for (const dependent of dependents(target.collector)) {
      const upstream = byId.get(target.collector)!;
      // A regional reader of a global collector (Config names IAM principals by their unique id)
      // runs again in every region it ran in for the account.
      const regions = dependent.scope === 'global' ? [GLOBAL_REGION] : upstream.scope === 'global' ? regionsOf(target.account, dependent.id) : [target.region];
      for (const region of regions) visit({ account: target.account, region, collector: dependent.id });
    }
  };
  for (const target of targets) visit(byResource(target, byId.get(target.collector)) ? target : { ...target, resourceIds: undefined });
  // Dependency order: a collector after every collector it depends on.
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    if (depth.has(id)) return depth.get(id)!;
    depth.set(id, 0);
    const value = 1 + Math.max(-1, ...(byId.get(id)?.dependsOn ?? []).map(depthOf));
    depth.set(id, value);
    return value;
  };
  return [...found.entries()]
    .sort(([a, first], [b, second]) => depthOf(first.collector) - depthOf(second.collector) || a.localeCompare(b))
    .map(([, target]) => (target.resourceIds ? target : { account: target.account, region: target.region, collector: target.collector }));
}

/** Everything a collector drew in one account and region (it is run again there). */
function collectorObjects(graph: GraphStore, target: RefreshTarget) {
  const mine = (object: Entity | Relationship) =>
    object._collector === target.collector && object._accountId === target.account && object._region === target.region;
  return { entities: [...graph.allEntities()].filter(mine), relationships: [...graph.allRelationships()].filter(mine) };
}

/**
 * Facts a collector run again sets on others' entities (`enriches`: the account's, the service
 * entity's per region) are removed first, so one it no longer sets does not linger.
 */
function clearEnrichments(graph: GraphStore, target: RefreshTarget, collector: Collector): void {
  for (const enrichment of collector.enriches ?? []) {
    for (const entity of graph.entitiesOfTypeInAccount(enrichment._type, target.account)) {
      for (const property of enrichment.properties) {
        if (!property.endsWith('.*')) delete entity[property];
        else if (target.region !== GLOBAL_REGION) delete entity[property.slice(0, -1) + target.region];
        else for (const name of Object.keys(entity)) if (name.startsWith(property.slice(0, -1))) delete entity[name];
      }
    }
  }
}

/**
 * The previous snapshot's objects that a target's refresh replaces: the entities of its resources
 * (by the collector's `idOf`), the relationships the collector drew from them, and those it drew
 * to them from entities it does not own (the `aws_<service>` entity's HAS): what it drew to them
 * from its other resources (a group that allows another) stays, as those were not read again.
 */
function replacedObjects(graph: GraphStore, target: RefreshTarget, collector: Collector, refresh: ResourceRefresh) {
  const ids = new Set(target.resourceIds);
  const entities: Entity[] = [];
  for (const entity of graph.allEntities()) {
    if (entity._collector !== collector.id || entity._accountId !== target.account || entity._region !== target.region) continue;
    const id = refresh.idOf(entity);
    if (id !== undefined && ids.has(id)) entities.push(entity);
  }
  const keys = new Set(entities.map((entity) => entity._key));
  const relationships: Relationship[] = [];
  for (const relationship of graph.allRelationships()) {
    if (relationship._collector !== collector.id || relationship._accountId !== target.account || relationship._region !== target.region) continue;
    const from = relationship._fromEntityKey;
    const fromOwnResource = graph.getEntity(from)?._collector === collector.id;
    if (keys.has(from) || (keys.has(relationship._toEntityKey) && !fromOwnResource)) relationships.push(relationship);
  }
  return { entities, relationships };
}

/** Entities drawn for others (the Internet, a CIDR block, Everyone) that no relationship touches any more. */
function orphanedMappedEntities(graph: GraphStore, candidates: ReadonlySet<string>): Entity[] {
  const touched = new Set<string>();
  for (const relationship of graph.allRelationships()) {
    touched.add(relationship._fromEntityKey);
    touched.add(relationship._toEntityKey);
  }
  return [...candidates].flatMap((key) => {
    const entity = graph.getEntity(key);
    return entity && entity._source === 'system-mapper' && !touched.has(key) ? [entity] : [];
  });
}

/** The collector as run for a target: its resources' reads only, or its whole run (its dependencies are in the graph already). */
function targetCollector(collector: Collector, target: RefreshTarget): Collector {
  const refresh = target.resourceIds && resourceRefreshOf(collector);
  return { ...collector, dependsOn: [], readsWholeGraph: false, ...(refresh ? { run: (context) => refresh.read(context, target.resourceIds!) } : {}) };
}

/**
 * Refreshes what the scope's targets name over the latest snapshot and writes the new snapshot
 * (changes, `_updatedOn` and alerts as after a full run): resources their collectors read alone,
 * else the collector in that account and region, with the collectors that read its output. Throws
 * {@link ResourceRefreshUnavailable} when that cannot give a full run's graph (the account
 * collector, no intact previous snapshot, a read that failed): nothing is written then.
 */
export async function refreshOverSnapshot(options: IngestOptions, scope: RefreshScope): Promise<IngestResult> {
  // The deployment's own selection: a collector of an excluded service is neither run nor waited for.
  const registry = options.config.services ? selectCollectors(options.config.services) : allCollectors();
  if (!refreshableOverSnapshot(scope, registry)) throw new ResourceRefreshUnavailable('an event asks for the account collector, which needs discovery');
  const run = await setUpRun(options);
  const { config, access, logger } = run;
  try {
    const errors: RunError[] = [];
    const passedOver = [...run.previousSnapshots.passedOver];
    // Every object is kept: the new snapshot is the previous one with the targets' resources read again.
    const read = await readPrevious(
      run.store,
      run.previousSnapshots.candidates,
      passedOver,
      { failedScopes: [], everGrowingTypes: new Set(), outsideScope: () => true },
      errors,
      logger,
    );
    if (!read || errors.length || !read.previous.contentMatches) throw new ResourceRefreshUnavailable('no intact previous snapshot to refresh');
    const { previous } = read;
    const graph = new GraphStore();
    for (const entity of previous.entities) graph.addEntity(compactCopy(entity));
    for (const relationship of previous.relationships) graph.addRelationship(compactCopy(relationship));
    if (graph.entityCount !== previous.metadata.counts.totalEntities || graph.relationshipCount !== previous.metadata.counts.totalRelationships)
      throw new ResourceRefreshUnavailable('the previous snapshot did not read whole');

    // Where each collector ran in each account, for the regional readers of a global collector.
    const ranIn = new Map<string, string[]>();
    for (const record of previous.metadata.collectors) {
      if (record.region === GLOBAL_REGION || record.region === '*') continue;
      const key = `${record.accountId}|${record.collector}`;
      ranIn.set(key, [...(ranIn.get(key) ?? []), record.region]);
    }
    const targets = withDependents(scope.targets, registry, (account, collector) => [...new Set(ranIn.get(`${account}|${collector}`) ?? [])].sort());
    const accounts: AccountInfo[] = previous.metadata.accounts.map((account) => ({ accountId: account.accountId, name: account.name }));
    const accountById = new Map(accounts.map((account) => [account.accountId, account]));
    const byId = new Map(registry.map((collector) => [collector.id, collector]));
    const mappedEnds = new Set<string>();
    const removeAll = (objects: { entities: Entity[]; relationships: Relationship[] }) => {
      for (const relationship of objects.relationships) for (const end of [relationship._fromEntityKey, relationship._toEntityKey]) mappedEnds.add(end);
      graph.remove(objects);
    };

    // Every target's old objects go first, then each is read again, in dependency order.
    const runs: Array<{ target: RefreshTarget; collector: Collector; account: AccountInfo }> = [];
    for (const target of targets) {
      const collector = byId.get(target.collector)!;
      const refresh = target.resourceIds && resourceRefreshOf(collector);
      const account = accountById.get(target.account);
      if (!account) throw new ResourceRefreshUnavailable(`account ${target.account} is not in the previous snapshot`);
      if (refresh) {
        if (!refresh.updatesInPlace) removeAll(replacedObjects(graph, target, collector, refresh));
      } else {
        removeAll(collectorObjects(graph, target));
        clearEnrichments(graph, target, collector);
      }
      runs.push({ target, collector, account });
    }
    const records: CollectorRunRecord[] = [];
    const collect = async (collectors: Collector[], account: AccountInfo | undefined, region: string) => {
      const collection = new CollectorRun({ access, graph, collectors, concurrency: 4, tags: config.tags, logger });
      for (const each of account ? [account] : accounts) collection.addAccount(each, region === GLOBAL_REGION ? [] : [region]);
      collection.setAccounts(accounts);
      const result = await collection.finish();
      records.push(...result.records);
      errors.push(...result.errors);
    };
    for (const { target, collector, account } of runs) await collect([targetCollector(collector, target)], account, target.region);
    const unfinished = records.filter((record) => record.status !== 'succeeded');
    if (unfinished.length)
      throw new ResourceRefreshUnavailable(
        `the reads did not all succeed (${unfinished.map((record) => `${record.collector} ${record.accountId}/${record.region}: ${record.status}`).join('; ')})`,
      );

    // The mappings read the whole graph: drawn again over the patched one, as a full run draws them.
    const mappings = selectCollectors(config.services, { people: run.people })
      .filter((collector) => collector.service === MAPPINGS_SERVICE)
      .map((collector) => ({ ...collector, dependsOn: [] }));
    if (mappings.length) {
      const ids = new Set(mappings.map((collector) => collector.id));
      removeAll({
        entities: [...graph.allEntities()].filter((entity) => entity._collector !== undefined && ids.has(entity._collector)),
        relationships: [...graph.allRelationships()].filter((relationship) => relationship._collector !== undefined && ids.has(relationship._collector)),
      });
      await collect(mappings, undefined, GLOBAL_REGION);
    }
    normalizeMappedEntities(graph);
    dropDanglingRelationships(graph);
    graph.remove({ entities: orphanedMappedEntities(graph, mappedEnds), relationships: [] });

    const regions = new Map([['*', previous.metadata.regions]]);
    return await writeSnapshot({
      ...run,
      options,
      graph,
      read,
      collected: { records, errors: [] },
      records,
      errors,
      notRefreshed: [],
      scope: {
        services: { include: [...new Set(runs.map(({ collector }) => collector.service))].sort() },
        accounts: [...new Set(runs.map(({ target }) => target.account))].sort(),
        carried: { entities: graph.entityCount, relationships: graph.relationshipCount },
      },
      reachable: accounts,
      regions,
      skippedAccounts: previous.metadata.skippedAccounts,
      skippedRegions: previous.metadata.skippedRegions,
    });
  } finally {
    access.destroy();
  }
}
