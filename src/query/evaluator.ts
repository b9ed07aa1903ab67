import type { Entity, Relationship } from '../graph/types';
import type { Direction, EntityStep, FilterExpr, Hop, Position, PropertyRef, Query, TraversalItem } from './ast';
import { layoutQuery, type SlotLayout } from './aliases';
import { QuerySemanticError } from './errors';
import { compileFilter, conjuncts, equalityOf, objectAccessor, referencedAliases, type Accessor, type Scalar } from './filter';
import { bindParameters, usesParameters, type Parameters } from './parameters';
import { parseQuery } from './parser';
import { builtInSmartClasses, type SmartClasses } from './smart-classes';
import { valueKey, type GraphIndex, type Scope } from './graph-index';
import { compareKeys, DEFAULT_LIMIT, NONE, Results, sortBy, type ListResult, type Path, type QueryResult } from './results';

export interface RunOptions {
  /** The clock for `date.now`, epoch milliseconds (default: now). */
  now?: number;
  /** Rows returned when the query has no LIMIT (default 250, as J1QL). */
  defaultLimit?: number;
  /** Values of `${ param.name }` (default: none; a query that uses one without a value fails). */
  params?: Parameters;
  /** Smart class definitions for `#Name` (default: the shipped ones, see smart-classes.yaml). */
  smartClasses?: SmartClasses;
  /** Smart classes being resolved, outermost first: a definition that refers to itself is an error. */
  resolving?: readonly string[];
}

/**
 * A set of entity ids with a list for iteration. Small sets use a Set; once a set holds more
 * than 1/64 of the graph it switches to one byte per entity, which is much faster to probe.
 */
class IdSet {
  private small: Set<number> | undefined = new Set();
  private marks: Uint8Array | undefined;
  readonly ids: number[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.marks ? this.marks[id] === 1 : (this.small as Set<number>).has(id);
  }

  /** Adds an id; false when it was there already. */
  add(id: number): boolean {
    if (this.marks) {
      if (this.marks[id] === 1) return false;
      this.marks[id] = 1;
    } else {
      const small = this.small as Set<number>;
      if (small.has(id)) return false;
      small.add(id);
      if (small.size > Math.max(1024, this.capacity >> 6)) {
        this.marks = new Uint8Array(this.capacity);
        for (const member of small) this.marks[member] = 1;
        this.small = undefined;
      }
    }
    this.ids.push(id);
    return true;
  }
}

interface Equality {
  property: string;
  values: Array<Scalar | undefined>;
  all: boolean;
}

interface StepPlan {
  slot: number;
  /** Covers the selector: type and class tables, or full-text search. */
  selector: (id: number) => boolean;
  filters: Array<(entity: Entity) => boolean>;
  negations: NegationPlan[];
  /** Equalities in the step's filters (WITH and pushed-down WHERE), usable with an index. */
  equalities: Equality[];
  /** The type and class scopes of the selector, or null when it covers every entity. */
  scopes: Scope[] | null;
  /** The entities the selector allows, when known as a list (smart classes, full-text search). */
  fixed?: ArrayLike<number>;
  /** Match results already computed in this query, for steps tested once per path. */
  cache: Map<number, boolean>;
}

interface HopPlan {
  slot: number;
  /** Verb ids; null for any verb. Verbs no relationship has are left out (none left: no edge). */
  verbs: number[] | null;
  /** `verbMask[verbId]` is 1 for the hop's verbs. */
  verbMask: Uint8Array;
  direction: Direction;
  edgeFilters: Array<(relationship: Relationship) => boolean>;
}

interface NegationPlan {
  hop: HopPlan;
  target: StepPlan;
}

/** The traversal after FIND, planned: hops, negated hops (filters), optional groups. */
type Element =
  { kind: 'hop'; hop: HopPlan; target: StepPlan } | { kind: 'negation'; negation: NegationPlan } | { kind: 'optional'; elements: Element[]; slot: number };

class Evaluation {
  private readonly layout: SlotLayout;
  private readonly now: number;
  private readonly stepBySlot = new Map<number, StepPlan>();
  private readonly hopBySlot = new Map<number, HopPlan>();
  private readonly residual: Array<(path: Path) => boolean> = [];
  private readonly relationshipSlots: number[];
  private readonly results: Results;

  constructor(
    private readonly index: GraphIndex,
    private readonly query: Query,
    private readonly options: RunOptions,
  ) {
    this.layout = layoutQuery(query);
    this.now = options.now ?? Date.now();
    this.relationshipSlots = [...this.layout.hopSlots.values()];
    this.results = new Results(index, query, this.layout, query.skip ?? 0, query.limit ?? options.defaultLimit ?? DEFAULT_LIMIT, this.now);
  }

  run(): QueryResult {
    const start = this.planStep(this.query.start, this.layout.stepSlots.get(this.query.start) as number);
    const elements = this.planItems(this.query.traversal);
    this.pushDownWhere();

    // The leading chain (FIND and the hops up to the first optional group) is matched from its
    // most selective step outward; the rest extends the chain's paths one element at a time.
    const chainSteps: StepPlan[] = [start];
    const chainHops: HopPlan[] = [];
    let rest = 0;
    for (; rest < elements.length; rest++) {
      const element = elements[rest];
      if (element.kind === 'hop') {
        chainHops.push(element.hop);
        chainSteps.push(element.target);
      } else if (element.kind === 'negation') chainSteps[chainSteps.length - 1].negations.push(element.negation);
      else break;
    }
    const remaining = elements.slice(rest);
    const sets = this.matchChain(chainSteps, chainHops);

    const returned = this.query.return;
    const startAlias = [...this.layout.aliases.values()].filter((binding) => binding.slot === start.slot).map((binding) => binding.name);
    const needPaths =
      returned !== undefined ||
      remaining.length > 0 ||
      this.residual.length > 0 ||
      this.query.orderBy.some((key) => !startAlias.includes(key.alias)) ||
      // The sets allow walking back over the edge just followed; only whole paths rule that out.
      mayReuseEdges(chainHops);
    if (!needPaths) {
      // Only the starting entities are wanted, and every one left in the first set has a match.
      const ids = sets[0].ids.slice().sort((a, b) => a - b);
      if (!this.query.orderBy.length) {
        // Only the page returned is read.
        const page = this.results.slice({ data: ids, total: ids.length });
        return { type: 'list', data: page.data.map((id) => this.index.entities[id]), total: ids.length };
      }
      const entities = ids.map((id) => this.index.entities[id]);
      const keys = this.query.orderBy.map((key) => ({ key, read: (entity: Entity) => entity[key.name] }));
      sortBy(entities, (a, b) => compareKeys(keys, a, b));
      return this.results.slice<ListResult>({ type: 'list', data: entities, total: entities.length });
    }

    let paths = this.enumerateChain(chainSteps, chainHops, sets);
    const leading = chainHops.length === 0;
    paths = this.extend(paths, remaining, leading);
    if (this.residual.length) paths = paths.filter((path) => this.residual.every((test) => test(path)));
    if (this.query.orderBy.length) {
      const keys = this.query.orderBy.map((key) => ({ key, read: this.results.pathReader(key.alias, key.name) }));
      sortBy(paths, (a, b) => compareKeys(keys, a, b));
    }

    if (!returned) return this.results.list(paths);
    if (returned.kind === 'tree') return this.results.tree(paths);
    return this.results.project(paths, returned.items);
  }

  // ---- planning -------------------------------------------------------------------------------

  private planStep(step: EntityStep, slot: number): StepPlan {
    const plan: StepPlan = {
      slot,
      selector: () => true,
      filters: [],
      negations: [],
      equalities: [],
      scopes: null,
      cache: new Map(),
    };
    const { selector } = step;
    if (selector.kind === 'names') {
      const types = new Uint8Array(this.index.typeNames.length);
      const classSets = new Uint8Array(this.index.classSets.length);
      for (const { name, field } of selector.names) {
        if (field === '_type') {
          const typeId = this.index.typeId(name);
          if (typeId !== undefined) types[typeId] = 1;
        } else this.index.classSets.forEach((set, setId) => set.includes(name) && (classSets[setId] = 1));
      }
      const { entityType, entityClassSet } = this.index;
      plan.selector = (id) => types[entityType[id]] === 1 || classSets[entityClassSet[id]] === 1;
      plan.scopes = selector.names.map(({ name, field }) => ({ field, name }));
    } else if (selector.kind === 'text') {
      this.restrictTo(plan, this.index.textIndex().search(selector.text));
    } else if (selector.kind === 'smartClass') {
      this.restrictTo(plan, this.smartClassMembers(selector.name, step.position));
      if (selector.names) {
        const { entityType, entityClassSet } = this.index;
        const types = new Set(selector.names.filter((name) => name.field === '_type').map((name) => this.index.typeId(name.name)));
        const classes = selector.names.filter((name) => name.field === '_class').map((name) => name.name);
        const inClass = this.index.classSets.map((set) => classes.some((name) => set.includes(name)));
        const member = plan.selector;
        plan.selector = (id) => member(id) && (types.has(entityType[id]) || inClass[entityClassSet[id]]);
      }
    }
    if (step.filter) this.addEntityFilter(plan, step.filter);
    if (slot !== NONE) this.stepBySlot.set(slot, plan);
    return plan;
  }

  /** Limits a step to a known list of entities. */
  private restrictTo(plan: StepPlan, ids: ArrayLike<number>): void {
    const mask = new Uint8Array(this.index.entityCount);
    for (let i = 0; i < ids.length; i++) mask[ids[i]] = 1;
    plan.selector = (id) => mask[id] === 1;
    plan.fixed = ids;
  }

  /**
   * The members of a smart class: the union of its definition queries' starting entities,
   * computed once per snapshot and definition set. A name without a definition selects the
   * entities tagged with it (`tag.Name = true`, or the name in `tags`), as in JupiterOne.
   */
  private smartClassMembers(name: string, position: Position): Int32Array {
    const definitions = this.options.smartClasses ?? builtInSmartClasses();
    let cache = this.index.smartClassMembers.get(definitions);
    if (!cache) this.index.smartClassMembers.set(definitions, (cache = new Map()));
    const cached = cache.get(name);
    if (cached) return cached;
    const resolving = this.options.resolving ?? [];
    if (resolving.includes(name)) {
      throw new QuerySemanticError(position, `the smart class #${name} is defined through itself (${[...resolving, name].map((n) => `#${n}`).join(' -> ')})`);
    }
    const definition = definitions.get(name);
    const queries = definition ? definition.queries : [parseQuery(`FIND * WITH [tag.${name}] = (true OR 'true') OR tags = '${name.replace(/'/g, "\\'")}'`)];
    const members = new Set<number>();
    for (const query of queries) {
      const result = evaluate(this.index, query, { ...this.options, defaultLimit: Number.MAX_SAFE_INTEGER, resolving: [...resolving, name] });
      for (const entity of (result as ListResult).data) members.add(this.index.idOf(entity._key) as number);
    }
    const ids = Int32Array.from([...members].sort((a, b) => a - b));
    // Members that depend on parameter values are not kept: the next query may give others.
    if (!queries.some(usesParameters)) cache.set(name, ids);
    return ids;
  }

  private addEntityFilter(plan: StepPlan, filter: FilterExpr): void {
    plan.filters.push(compileFilter(filter, this.now, objectAccessor) as (entity: Entity) => boolean);
    for (const conjunct of conjuncts(filter)) {
      const equality = equalityOf(conjunct, this.now);
      if (equality) plan.equalities.push(equality);
    }
  }

  private planHop(hop: Hop, slot: number): HopPlan {
    let verbs: number[] | null = null;
    if (hop.verbs) {
      verbs = [];
      for (const verb of hop.verbs) {
        const id = this.index.verbId(verb);
        if (id !== undefined && !verbs.includes(id)) verbs.push(id);
      }
      verbs.sort((a, b) => a - b);
    }
    const verbMask = new Uint8Array(this.index.verbCount);
    for (const id of verbs ?? []) verbMask[id] = 1;
    const plan: HopPlan = { slot, verbs, verbMask, direction: hop.direction, edgeFilters: [] };
    if (slot !== NONE) this.hopBySlot.set(slot, plan);
    return plan;
  }

  private planItems(items: TraversalItem[]): Element[] {
    return items.map((item): Element => {
      if (item.kind === 'optional') {
        return { kind: 'optional', elements: this.planItems(item.items), slot: this.layout.groupSlots.get(item) ?? NONE };
      }
      if (item.negated) {
        return { kind: 'negation', negation: { hop: this.planHop(item, NONE), target: this.planStep(item.target, NONE) } };
      }
      const hop = this.planHop(item, this.layout.hopSlots.get(item) as number);
      return { kind: 'hop', hop, target: this.planStep(item.target, this.layout.stepSlots.get(item.target) as number) };
    });
  }

  /**
   * WHERE conditions on a single alias that every path binds become filters of that step or hop,
   * so they prune during traversal (and can use indexes); the others are checked on whole paths.
   */
  private pushDownWhere(): void {
    for (const conjunct of conjuncts(this.query.where)) {
      const aliases = [...referencedAliases(conjunct)];
      const binding = aliases.length === 1 ? this.layout.aliases.get(aliases[0]) : undefined;
      if (binding?.always && binding.kind === 'entity' && this.stepBySlot.has(binding.slot)) {
        this.addEntityFilter(this.stepBySlot.get(binding.slot) as StepPlan, conjunct);
      } else if (binding?.always && binding.kind === 'relationship') {
        const test = compileFilter(conjunct, this.now, objectAccessor);
        (this.hopBySlot.get(binding.slot) as HopPlan).edgeFilters.push(test as (relationship: Relationship) => boolean);
      } else {
        this.residual.push(compileFilter(conjunct, this.now, this.pathAccessor));
      }
    }
  }

  private readonly pathAccessor: Accessor<Path> = (ref: PropertyRef) => this.results.pathReader(ref.alias as string, ref.name);

  // ---- matching -------------------------------------------------------------------------------

  private matches(step: StepPlan, id: number): boolean {
    if (!step.selector(id)) return false;
    const entity = this.index.entities[id];
    for (const filter of step.filters) if (!filter(entity)) return false;
    for (const negation of step.negations) if (this.hasNeighbor(id, negation)) return false;
    return true;
  }

  private matchesCached(step: StepPlan, id: number): boolean {
    let result = step.cache.get(id);
    if (result === undefined) step.cache.set(id, (result = this.matches(step, id)));
    return result;
  }

  private hasNeighbor(id: number, negation: NegationPlan): boolean {
    let found = false;
    this.forEachEdge(id, negation.hop, true, (_relationship, other) => (found = this.matchesCached(negation.target, other)));
    return found;
  }

  /**
   * Calls `visit(relationship, other end)` for the edges of a hop at an entity. `fromLeft`: the
   * entity is on the hop's left (the query's earlier step). `visit` returning true stops the walk.
   */
  private forEachEdge(entity: number, hop: HopPlan, fromLeft: boolean, visit: (relationship: number, other: number) => boolean | void): void {
    const index = this.index;
    const both = hop.direction === 'both';
    const verbs = hop.verbs;
    const filters = hop.edgeFilters;
    const relationshipVerb = index.relationshipVerb;
    for (let pass = 0; pass < (both ? 2 : 1); pass++) {
      const outgoing = both ? pass === 0 : (hop.direction === 'out') === fromLeft;
      const edges = outgoing ? index.outEdges : index.inEdges;
      const ends = outgoing ? index.relationshipTo : index.relationshipFrom;
      const starts = outgoing ? index.outStart : index.inStart;
      const start = starts[entity];
      const end = starts[entity + 1];
      // Most entities have a few edges: checking each edge's verb beats binary searches. A long
      // range (a hub) is cut down to the verbs' sub-ranges first.
      const scan = verbs === null || end - start <= 16;
      for (let v = 0; v < (scan ? 1 : (verbs as number[]).length); v++) {
        const first = scan ? start : index.verbBound(entity, outgoing, (verbs as number[])[v], false);
        const last = scan ? end : index.verbBound(entity, outgoing, (verbs as number[])[v], true);
        edge: for (let i = first; i < last; i++) {
          const relationship = edges[i];
          if (scan && verbs !== null && hop.verbMask[relationshipVerb[relationship]] !== 1) continue;
          const other = ends[relationship];
          // A self-loop is both an outgoing and an incoming edge: count it once.
          if (both && !outgoing && other === entity) continue;
          for (const test of filters) if (!test(index.relationships[relationship])) continue edge;
          if (visit(relationship, other) === true) return;
        }
      }
    }
  }

  /**
   * How many entities a step may start from, and where to read them: the selector's types and
   * classes, or an equality index. An equality index is built only for a value a sample of the
   * scope suggests is rare (a common value narrows little and the index would cost a pass over
   * the scope); one over every entity is built only for a step that would scan them all anyway.
   */
  private estimate(step: StepPlan, allowFullScanIndex: boolean): { size: number; candidates: () => Iterable<number> } {
    const index = this.index;
    const scopes = step.scopes;
    const fixed = step.fixed;
    if (fixed) return { size: fixed.length, candidates: () => Array.from(fixed) };
    const scopeSize = scopes ? scopes.reduce((sum, scope) => sum + index.scopeSize(scope), 0) : index.entityCount;
    const scan = {
      size: scopeSize,
      candidates: scopes ? () => unionOf(scopes.map((scope) => index.members(scope) as ArrayLike<number>)) : () => range(index.entityCount),
    };
    let best = scan;
    for (const equality of step.equalities) {
      let option: typeof best | undefined;
      const present = equality.values.filter((value): value is Scalar => value !== undefined);
      if (equality.property === '_key') {
        if (equality.values.length !== present.length) continue;
        const ids = present.flatMap((value) => {
          const id = typeof value === 'string' ? index.idOf(value) : undefined;
          return id === undefined ? [] : [id];
        });
        option = { size: ids.length, candidates: () => ids };
      } else if ((equality.property === '_type' || equality.property === '_class') && equality.values.length === present.length) {
        const field = equality.property;
        const lists = present.map((value) => (field === '_type' ? index.ofType(String(value)) : index.ofClass(String(value))));
        option = this.postingOption(lists, equality.all);
      } else {
        const postingScopes: Scope[] = scopes ?? [{ field: '*' }];
        if (!postingScopes.every((scope) => index.hasPosting(scope, equality.property))) {
          const fraction = this.sampledFraction(scopes, equality);
          if (fraction === undefined) continue;
          if (fraction > 0 || (!scopes && !allowFullScanIndex)) {
            // A common value (or no index allowed): read the scope, expecting this many to match.
            if (fraction * scopeSize < best.size) best = { size: fraction * scopeSize, candidates: scan.candidates };
            continue;
          }
        }
        const lists: Array<ArrayLike<number>> = [];
        for (const value of equality.values) {
          for (const scope of postingScopes) lists.push(index.posting(scope, equality.property).get(valueKey(value)) ?? []);
        }
        option = this.postingOption(lists, equality.all && postingScopes.length === 1, equality.values.length);
      }
      if (option && option.size < best.size) best = option;
    }
    return best;
  }

  /**
   * The share of a scope's entities that satisfy an equality, from up to 64 entities spread over
   * it; undefined for an empty scope. 0 means "rare": not seen in the sample.
   */
  private sampledFraction(scopes: Scope[] | null, equality: Equality): number | undefined {
    const index = this.index;
    const lists: Array<ArrayLike<number> | number> = scopes ? scopes.map((scope) => index.members(scope) as ArrayLike<number>) : [index.entityCount];
    const total = lists.reduce((sum: number, list) => sum + (typeof list === 'number' ? list : list.length), 0);
    if (total === 0) return undefined;
    const wanted = new Set(equality.values.map((value) => valueKey(value)));
    const samples = Math.min(64, total);
    let hits = 0;
    for (let k = 0; k < samples; k++) {
      // The k-th of `samples` evenly spaced positions over the concatenated lists.
      let position = Math.floor((k * total) / samples);
      let id = 0;
      for (const list of lists) {
        const length = typeof list === 'number' ? list : list.length;
        if (position < length) {
          id = typeof list === 'number' ? position : list[position];
          break;
        }
        position -= length;
      }
      const value = index.entities[id][equality.property];
      const keys = Array.isArray(value) ? (value.length ? value.map((element) => valueKey(element)) : ['u']) : [valueKey(value)];
      if (keys.some((key) => wanted.has(key))) hits++;
    }
    return hits / samples;
  }

  /** Candidates from index lists: their union, or (all of several values) the smallest list. */
  private postingOption(lists: Array<ArrayLike<number>>, all: boolean, groups = lists.length): { size: number; candidates: () => Iterable<number> } {
    if (all && groups > 1) {
      const smallest = lists.reduce((a, b) => (b.length < a.length ? b : a));
      return { size: smallest.length, candidates: () => Array.from(smallest) };
    }
    return { size: lists.reduce((sum, list) => sum + list.length, 0), candidates: () => unionOf(lists) };
  }

  /**
   * The entities each chain step can take in a complete match (a semi-join reduction): seed the
   * most selective step from an index, sweep outward along the hops keeping neighbours that match,
   * then sweep back from the last step so that only entities on a complete chain remain. Work is
   * proportional to the entities and edges reached, never to the size of the graph.
   */
  private matchChain(steps: StepPlan[], hops: HopPlan[]): IdSet[] {
    const m = steps.length - 1;
    const capacity = this.index.entityCount;
    const noFiniteScope = steps.every((step) => step.scopes === null && step.fixed === undefined);
    const estimates = steps.map((step) => this.estimate(step, noFiniteScope));
    let seed = 0;
    estimates.forEach((estimate, i) => estimate.size < estimates[seed].size && (seed = i));
    const sets: IdSet[] = new Array(m + 1);
    const seeded = new IdSet(capacity);
    for (const id of estimates[seed].candidates()) if (!seeded.has(id) && this.matches(steps[seed], id)) seeded.add(id);
    sets[seed] = seeded;
    const empty = () => sets.fill(new IdSet(0), 0, m + 1);

    // Follows a hop from every entity of `from`; returns the matching entities reached, and the
    // entities of `from` that reached at least one of them.
    const reach = (from: IdSet, hop: HopPlan, fromLeft: boolean, step: StepPlan) => {
      const seen = new IdSet(capacity);
      const reached = new IdSet(capacity);
      const linked = new IdSet(capacity);
      let found = false;
      const visit = (_relationship: number, other: number) => {
        if (seen.add(other) && this.matches(step, other)) reached.add(other);
        if (!found && reached.has(other)) found = true;
      };
      for (const id of from.ids) {
        found = false;
        this.forEachEdge(id, hop, fromLeft, visit);
        if (found) linked.add(id);
      }
      return { reached, linked };
    };
    if (seeded.size === 0) return empty();
    const linkedForward: IdSet[] = new Array(m + 1);
    for (let i = seed + 1; i <= m; i++) {
      const { reached, linked } = reach(sets[i - 1], hops[i - 1], true, steps[i]);
      sets[i] = reached;
      linkedForward[i - 1] = linked;
      if (reached.size === 0) return empty();
    }
    for (let i = seed - 1; i >= 0; i--) if ((sets[i] = reach(sets[i + 1], hops[i], false, steps[i]).reached).size === 0) return empty();

    // Back from the last step: keep entities with a neighbour in the next step's reduced set.
    for (let i = m - 1; i >= 0; i--) {
      const next = sets[i + 1];
      let kept = new IdSet(capacity);
      if (i >= seed) {
        // The forward sweep already knows which entities reached the next set; before the last
        // step that set has since shrunk, so those entities are checked again.
        kept = linkedForward[i];
        if (i < m - 1) {
          const candidates = kept;
          kept = new IdSet(capacity);
          let linked = false;
          const probe = (_relationship: number, other: number) => (linked = next.has(other));
          for (const id of candidates.ids) {
            linked = false;
            this.forEachEdge(id, hops[i], true, probe);
            if (linked) kept.add(id);
          }
        }
      } else {
        // Left of the seed the sets were reached from the right: walk from the right again.
        const current = sets[i];
        const collect = (_relationship: number, other: number) => {
          if (current.has(other)) kept.add(other);
        };
        for (const id of next.ids) this.forEachEdge(id, hops[i], false, collect);
      }
      sets[i] = kept;
      if (kept.size === 0) return empty();
    }
    return sets;
  }

  /** The chain's complete paths, ordered by their entities from the first step on. */
  private enumerateChain(steps: StepPlan[], hops: HopPlan[], sets: IdSet[]): Path[] {
    const m = steps.length - 1;
    const slotCount = this.layout.slotCount;
    if (sets[0].size === 0) return [];
    // Walk from the smallest set, so that no hub entity's edge list is read in full.
    let anchor = 0;
    sets.forEach((set, i) => set.size < sets[anchor].size && (anchor = i));
    const paths: Path[] = [];
    const current = new Int32Array(slotCount).fill(NONE);
    // The relationships of the partial path: a path never follows the same relationship twice.
    const used: number[] = [];
    const emitRight = (i: number, entity: number, done: () => void) => {
      if (i === m) return done();
      this.forEachEdge(entity, hops[i], true, (relationship, other) => {
        if (!sets[i + 1].has(other) || used.includes(relationship)) return;
        current[hops[i].slot] = relationship;
        current[steps[i + 1].slot] = other;
        used.push(relationship);
        emitRight(i + 1, other, done);
        used.pop();
      });
    };
    const emitLeft = (i: number, entity: number, done: () => void) => {
      if (i === 0) return done();
      this.forEachEdge(entity, hops[i - 1], false, (relationship, other) => {
        if (!sets[i - 1].has(other) || used.includes(relationship)) return;
        current[hops[i - 1].slot] = relationship;
        current[steps[i - 1].slot] = other;
        used.push(relationship);
        emitLeft(i - 1, other, done);
        used.pop();
      });
    };
    const anchorIds = sets[anchor].ids.slice().sort((a, b) => a - b);
    for (const id of anchorIds) {
      current[steps[anchor].slot] = id;
      emitLeft(anchor, id, () =>
        emitRight(anchor, id, () => {
          const last = current[steps[m].slot];
          paths.push({ slots: current.slice(), cur: last, head: current[steps[0].slot] });
        }),
      );
    }
    if (anchor > 0) {
      const order = [...steps.map((step) => step.slot), ...hops.map((hop) => hop.slot)];
      sortBy(paths, (a, b) => {
        for (const slot of order) if (a.slots[slot] !== b.slots[slot]) return a.slots[slot] - b.slots[slot];
        return 0;
      });
    }
    return paths;
  }

  /** Applies the elements after the chain to every path, in order. */
  private extend(paths: Path[], elements: Element[], leading: boolean): Path[] {
    for (const element of elements) {
      if (element.kind === 'hop') {
        const next: Path[] = [];
        for (const path of paths) {
          this.forEachEdge(path.cur, element.hop, true, (relationship, other) => {
            if (this.relationshipSlots.some((slot) => path.slots[slot] === relationship)) return;
            if (!this.matchesCached(element.target, other)) return;
            const slots = path.slots.slice();
            slots[element.hop.slot] = relationship;
            slots[element.target.slot] = other;
            next.push({ slots, cur: other, head: path.head });
          });
        }
        paths = next;
        leading = false;
      } else if (element.kind === 'negation') {
        paths = paths.filter((path) => !this.hasNeighbor(path.cur, element.negation));
        leading = false;
      } else {
        // J1QL's optional traversal: the path as it is, plus each of its extensions; the next
        // element continues from either (the "combined results").
        const next: Path[] = [];
        for (const path of paths) {
          const own = { slots: path.slots.slice(), cur: path.cur, head: path.head };
          const extended = this.extend([{ ...path, slots: path.slots.slice() }], element.elements, false);
          for (const candidate of [own, ...extended]) {
            if (element.slot !== NONE) candidate.slots[element.slot] = candidate.cur;
            // Leading optional groups widen the set of starting entities, as in J1QL.
            if (leading) candidate.head = candidate.cur;
            next.push(candidate);
          }
        }
        paths = next;
      }
    }
    return paths;
  }
}

/**
 * Whether two hops of a chain could follow the same relationship (their verbs overlap), as in
 * `FIND A THAT HAS B THAT HAS C`, where C could be A again over the same edge.
 */
function mayReuseEdges(hops: HopPlan[]): boolean {
  for (let i = 0; i < hops.length; i++) {
    for (let j = i + 1; j < hops.length; j++) {
      const a = hops[i].verbs;
      const b = hops[j].verbs;
      if (a === null || b === null || a.some((verb) => b.includes(verb))) return true;
    }
  }
  return false;
}

function* range(count: number): Iterable<number> {
  for (let id = 0; id < count; id++) yield id;
}

function* unionOf(lists: Array<ArrayLike<number>>): Iterable<number> {
  // Callers skip repeats (an entity may be in two scopes of an alternation).
  for (const list of lists) for (let i = 0; i < list.length; i++) yield list[i];
}

/** Runs a parsed query against an index. */
export function evaluate(index: GraphIndex, query: Query, options: RunOptions = {}): QueryResult {
  return new Evaluation(index, bindParameters(query, options.params), options).run();
}
