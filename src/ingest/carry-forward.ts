import type { AccountInfo, Collector, Logger } from '../collectors/types';
import { GLOBAL_REGION } from '../collectors/runner';
import { failedOptionalCalls, optionalTypesOf, restoreOptionalProperties } from '../collectors/optional';
import type { IngestConfig } from '../config';
import { compactCopy, type Entity, type GraphStore } from '../graph';
import type { Collection } from '../parallel/pool';
import { allCollectors } from '../services';
import { comparedSnapshot, inScope, type ComparedSnapshot, type NotRefreshed, type RunError, type ScopeFields, type Snapshot } from '../snapshot';
import { readPrevious } from './previous';
import { enrichmentsOutside, outsideOf, runScope, type RunScope } from './scope';
import type { CollectorScope } from './types';
import type { GraphStorage, SnapshotRef } from '../store/types';
import { MAPPING_COLLECTOR_IDS, redrawDnsConnections } from '../analysis/mappings/collectors';

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
    // Nothing read here is kept past this entity: a graph on disk may forget it.
    graph.settle();
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
    graph.settle();
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
      // An edge to an ever-growing entity (the image HAS a finding) stays while both ends are in the graph.
      everGrowingTypes.has(graph.getEntity(relationship._toEntityKey)?._type ?? '') ||
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
  graph.settle();
  restoreEnrichments(previous.entities, graph, enriching, collectors);
  graph.settle();
  for (const record of failed) {
    const types =
      record.collector === '*' ? [...new Set(collectors.flatMap((c) => c.entities.map((e) => e._type)))] : (typesByCollector.get(record.collector) ?? []);
    notRefreshed.push({ ...record, types: [...types].sort(), entitiesCarried: carriedByScope.get(scopeKey(record)) ?? 0 });
  }
  return notRefreshed;
}

/** The collectors a failed scope stands for: one, or all of them when the whole account failed. */
function collectorsOfScope(record: { collector: string }, collectors: readonly Collector[]): readonly Collector[] {
  return record.collector === '*' ? collectors : collectors.filter((collector) => collector.id === record.collector);
}

/** Per account, the types of entities that its failed collectors enrich (what the previous snapshot must keep). */
function enrichedTypesOf(failed: ReadonlyArray<{ accountId: string; collector: string }>, collectors: readonly Collector[]): Map<string, Set<string>> {
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
export function normalizeMappedEntities(graph: GraphStore): void {
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
export function dropDanglingRelationships(graph: GraphStore): number {
  // Keys first, removal after: the relationships are read one at a time (a graph on disk).
  const dangling: string[] = [];
  for (const relationship of graph.allRelationships()) {
    if (!graph.hasEntity(relationship._fromEntityKey) || !graph.hasEntity(relationship._toEntityKey)) dangling.push(relationship._key);
  }
  for (const key of dangling) graph.removeRelationship(key);
  return dangling.length;
}

/**
 * After collection: reads the previous snapshot and keeps what this run could not refresh (see
 * {@link carryForward}), puts back what failed enrichments and optional calls would have set, and
 * drops the edges left without an end.
 */
export async function carryForwardPrevious(run: {
  config: IngestConfig;
  graph: GraphStore;
  collectors: readonly Collector[];
  collected: Awaited<ReturnType<Collection['finish']>>;
  failedScopes: CollectorScope[];
  unfinishedScopes: CollectorScope[];
  reachable: readonly AccountInfo[];
  previousSnapshots: { candidates: SnapshotRef[]; passedOver: string[] };
  store: GraphStorage;
  errors: RunError[];
  logger: Logger;
}): Promise<{ read?: { previous: ComparedSnapshot; file: string }; notRefreshed: NotRefreshed[]; scope?: RunScope }> {
  const { config, graph, collectors, collected, failedScopes, unfinishedScopes, reachable, previousSnapshots, store, errors, logger } = run;
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
  const read = await readPrevious(
    store,
    previousSnapshots.candidates,
    previousSnapshots.passedOver,
    { failedScopes, everGrowingTypes: everGrowing, enrichedTypes, outsideScope },
    errors,
    logger,
  );
  const previous = read?.previous;
  normalizeMappedEntities(graph);
  const carriedKeys = new Set<string>();
  const notRefreshed = carryForward(
    previous ?? { entities: [], relationships: [] },
    graph,
    failedScopes,
    everGrowing,
    collectors,
    unfinishedScopes,
    scope && outsideScope && { outside: outsideScope, carried: scope.carried, carriedKeys },
  );
  // The DNS mapping of a narrowed run saw only its part of the graph: drawn again over all of it.
  if (carriedKeys.size && collectors.some((collector) => collector.id === MAPPING_COLLECTOR_IDS.dns)) {
    redrawDnsConnections(graph, (entity) => !carriedKeys.has(entity._key));
  }
  graph.settle({ types: true });
  if (previous && outsideEnriching.length) restoreEnrichments(previous.entities, graph, outsideEnriching, registry, false);
  graph.settle();
  // What failed optional calls would have set comes back from the previous snapshot too.
  if (previous && failedCalls.length) restoreOptionalProperties(new Map(previous.entities.map((e) => [e._key, e])), graph, failedCalls, collectors);
  graph.settle();
  // A shard's edges may end in another shard's accounts: the store drops dangling edges across all shards.
  const dropped = (config.shard?.count ?? 1) > 1 ? 0 : dropDanglingRelationships(graph);
  if (dropped) logger.debug(`dropped ${dropped} relationships whose target is not in the graph`);
  // The write needs only the digests: what carry-forward read goes now.
  return { read: read && { previous: comparedSnapshot(read.previous), file: read.file }, notRefreshed, scope };
}
