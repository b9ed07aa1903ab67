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

/** Whether every target of the scope names resources that its collector can read one by one. */
export function refreshableByResource(scope: RefreshScope, collectors: readonly Collector[] = allCollectors()): boolean {
  const byId = new Map(collectors.map((collector) => [collector.id, collector]));
  return (
    scope.targets.length > 0 &&
    scope.targets.every((target) => target.resourceIds?.length && byId.has(target.collector) && resourceRefreshOf(byId.get(target.collector)!))
  );
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

/** A collector that reads only a target's resources (its declaration otherwise, for the run's records and stamps). */
function resourceCollector(collector: Collector, refresh: ResourceRefresh, ids: readonly string[]): Collector {
  return { ...collector, dependsOn: [], readsWholeGraph: false, run: (context) => refresh.read(context, ids) };
}

/**
 * Refreshes the resources the scope's targets name over the latest snapshot and writes the new
 * snapshot (changes, `_updatedOn` and alerts as after a full run). Throws
 * {@link ResourceRefreshUnavailable} when that cannot give a full run's graph (a target without a
 * resource refresh, no intact previous snapshot, a read that failed): nothing is written then.
 */
export async function refreshResources(options: IngestOptions, scope: RefreshScope): Promise<IngestResult> {
  const registry = allCollectors();
  if (!refreshableByResource(scope, registry)) throw new ResourceRefreshUnavailable('some events name no resource their collector can read alone');
  const run = await setUpRun(options);
  const { config, access, logger } = run;
  try {
    const errors: RunError[] = [];
    const passedOver = [...run.previousSnapshots.passedOver];
    // Every object is kept: the new snapshot is the previous one with the targets' resources read again.
    const read = await readPrevious(
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

    const accounts: AccountInfo[] = previous.metadata.accounts.map((account) => ({ accountId: account.accountId, name: account.name }));
    const accountById = new Map(accounts.map((account) => [account.accountId, account]));
    const byId = new Map(registry.map((collector) => [collector.id, collector]));
    const mappedEnds = new Set<string>();
    const removeAll = (objects: { entities: Entity[]; relationships: Relationship[] }) => {
      for (const relationship of objects.relationships) for (const end of [relationship._fromEntityKey, relationship._toEntityKey]) mappedEnds.add(end);
      graph.remove(objects);
    };

    // Every target's old objects go first, then each is read again.
    const runs: Array<{ target: RefreshTarget; collector: Collector; account: AccountInfo; refresh: ResourceRefresh }> = [];
    for (const target of scope.targets) {
      const collector = byId.get(target.collector)!;
      const refresh = resourceRefreshOf(collector)!;
      const account = accountById.get(target.account);
      if (!account) throw new ResourceRefreshUnavailable(`account ${target.account} is not in the previous snapshot`);
      removeAll(replacedObjects(graph, target, collector, refresh));
      runs.push({ target, collector, account, refresh });
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
    for (const { target, collector, account, refresh } of runs)
      await collect([resourceCollector(collector, refresh, target.resourceIds!)], account, target.region);
    const unfinished = records.filter((record) => record.status !== 'succeeded');
    if (unfinished.length)
      throw new ResourceRefreshUnavailable(
        `the resource reads did not all succeed (${unfinished.map((record) => `${record.collector} ${record.accountId}/${record.region}: ${record.status}`).join('; ')})`,
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
