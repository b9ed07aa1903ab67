import type { Entity, PropertyValue, Relationship } from '../graph/types';
import { TextIndex } from './text-index';

const EMPTY = new Int32Array(0);

/** Key of a property value in an equality index; `undefined` and `null` both mean "absent". */
export function valueKey(value: PropertyValue | undefined): string {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `n${value}`;
    case 'boolean':
      return value ? 'bt' : 'bf';
    default:
      return 'u';
  }
}

/** Entity ids by value key, for one property over one scope (a type, a class, or every entity). */
export type Posting = ReadonlyMap<string, readonly number[]>;

/** Which entities an equality index covers: `_type`, `_class`, or all of them (`*`). */
export type Scope = { field: '_type' | '_class'; name: string } | { field: '*' };

/**
 * A snapshot's graph prepared for queries. Entities and relationships are numbered; the index holds
 * entity ids by `_key`, `_type` and `_class`, adjacency in both directions sorted by verb (so the
 * edges of one entity with one verb are a contiguous range, found by binary search), and equality
 * indexes on property values, built per scope and property the first time a query needs them.
 */
/** {@link GraphIndex.ofGraph}'s indexes, kept as long as their graph. */
const indexOfGraph = new WeakMap<object, GraphIndex>();

export class GraphIndex {
  readonly entities: readonly Entity[];
  /** The relationships whose two ends are in the graph; others cannot be traversed. */
  readonly relationships: readonly Relationship[];
  /** Relationships left out because an end is missing. */
  readonly danglingRelationships: number;

  private readonly idByKey = new Map<string, number>();
  private readonly typeMembers = new Map<string, Int32Array>();
  private readonly classMembers = new Map<string, Int32Array>();
  /** Per entity: the id of its `_class` combination, so a class test is one table lookup. */
  readonly entityClassSet: Int32Array;
  readonly classSets: readonly (readonly string[])[];
  readonly entityType: Int32Array;
  readonly typeNames: readonly string[];
  private readonly verbIds = new Map<string, number>();
  readonly relationshipVerb: Int32Array;
  readonly relationshipFrom: Int32Array;
  readonly relationshipTo: Int32Array;
  /** CSR adjacency: edges of entity e are `outEdges[outStart[e] .. outStart[e + 1])`, by verb id. */
  readonly outStart: Int32Array;
  readonly outEdges: Int32Array;
  readonly inStart: Int32Array;
  readonly inEdges: Int32Array;
  private readonly postings = new Map<string, Map<string, number[]>>();
  private text: TextIndex | undefined;
  /** Members of smart classes, per definition set, computed once per snapshot. */
  readonly smartClassMembers = new WeakMap<object, Map<string, Int32Array>>();

  static fromSnapshot(snapshot: { entities: readonly Entity[]; relationships: readonly Relationship[] }): GraphIndex {
    return new GraphIndex(snapshot.entities, snapshot.relationships);
  }

  /**
   * The index of a run's graph, built once: compliance, alerts and saved questions after a run
   * share it (at 1,000 accounts each build takes seconds and holds two million ids). Only for a
   * graph that no longer changes.
   */
  static ofGraph(graph: { allEntities(): Iterable<Entity>; allRelationships(): Iterable<Relationship> }): GraphIndex {
    let index = indexOfGraph.get(graph);
    if (!index) indexOfGraph.set(graph, (index = new GraphIndex([...graph.allEntities()], [...graph.allRelationships()])));
    return index;
  }

  constructor(entities: readonly Entity[], relationships: readonly Relationship[]) {
    this.entities = entities;
    const n = entities.length;

    // Types and class combinations are interned; members are gathered with a count-then-fill pass.
    const typeIds = new Map<string, number>();
    const classSetIds = new Map<string, number>();
    const classSets: string[][] = [];
    this.entityType = new Int32Array(n);
    this.entityClassSet = new Int32Array(n);
    const typeCounts: number[] = [];
    const classSetCounts: number[] = [];
    for (let id = 0; id < n; id++) {
      const entity = entities[id];
      if (this.idByKey.get(entity._key) === undefined) this.idByKey.set(entity._key, id);
      let typeId = typeIds.get(entity._type);
      if (typeId === undefined) {
        typeId = typeIds.size;
        typeIds.set(entity._type, typeId);
        typeCounts.push(0);
      }
      this.entityType[id] = typeId;
      typeCounts[typeId]++;
      const classes = Array.isArray(entity._class) ? entity._class : [String(entity._class)];
      // Most entities have one class: no joined key to allocate for them.
      const setKey = classes.length === 1 ? classes[0] : classes.join('\u0000');
      let setId = classSetIds.get(setKey);
      if (setId === undefined) {
        setId = classSets.length;
        classSetIds.set(setKey, setId);
        classSets.push([...new Set(classes)]);
        classSetCounts.push(0);
      }
      this.entityClassSet[id] = setId;
      classSetCounts[setId]++;
    }
    this.typeNames = [...typeIds.keys()];
    this.classSets = classSets;
    const typeArrays = typeCounts.map((count) => new Int32Array(count));
    const typeFill = new Int32Array(typeCounts.length);
    const classCounts = new Map<string, number>();
    classSets.forEach((set, setId) => set.forEach((name) => classCounts.set(name, (classCounts.get(name) ?? 0) + classSetCounts[setId])));
    const classArrays = new Map([...classCounts].map(([name, count]) => [name, new Int32Array(count)]));
    const classFill = new Map([...classCounts.keys()].map((name) => [name, 0]));
    for (let id = 0; id < n; id++) {
      const typeId = this.entityType[id];
      typeArrays[typeId][typeFill[typeId]++] = id;
      for (const name of classSets[this.entityClassSet[id]]) {
        const at = classFill.get(name) as number;
        (classArrays.get(name) as Int32Array)[at] = id;
        classFill.set(name, at + 1);
      }
    }
    this.typeNames.forEach((name, typeId) => this.typeMembers.set(name, typeArrays[typeId]));
    for (const [name, members] of classArrays) this.classMembers.set(name, members);

    // Relationships: ends resolved to ids, verbs interned (upper case, as queries compare them).
    const count = relationships.length;
    const from = new Int32Array(count);
    const to = new Int32Array(count);
    const verbs = new Int32Array(count);
    const verbOf = new Map<string, number>();
    let dangling = 0;
    for (let r = 0; r < count; r++) {
      const relationship = relationships[r];
      const fromId = this.idByKey.get(relationship._fromEntityKey);
      const toId = this.idByKey.get(relationship._toEntityKey);
      if (fromId === undefined || toId === undefined) {
        dangling++;
        continue;
      }
      let verbId = verbOf.get(relationship._class);
      if (verbId === undefined) {
        const verb = String(relationship._class).toUpperCase();
        verbId = this.verbIds.get(verb);
        if (verbId === undefined) {
          verbId = this.verbIds.size;
          this.verbIds.set(verb, verbId);
        }
        verbOf.set(relationship._class, verbId);
      }
      const at = r - dangling;
      from[at] = fromId;
      to[at] = toId;
      verbs[at] = verbId;
    }
    // Usually every relationship is kept, and the snapshot's array is used as it is.
    this.relationships =
      dangling === 0
        ? relationships
        : relationships.filter((relationship) => this.idByKey.has(relationship._fromEntityKey) && this.idByKey.has(relationship._toEntityKey));
    this.danglingRelationships = dangling;
    const m = count - dangling;
    this.relationshipFrom = from.subarray(0, m);
    this.relationshipTo = to.subarray(0, m);
    this.relationshipVerb = verbs.subarray(0, m);

    // Edges ordered by verb first (counting sort), then placed per entity: within an entity's
    // range the edges stay ordered by verb, and by snapshot order within a verb.
    const verbCount = new Int32Array(this.verbIds.size + 1);
    for (let r = 0; r < m; r++) verbCount[this.relationshipVerb[r] + 1]++;
    for (let v = 1; v < verbCount.length; v++) verbCount[v] += verbCount[v - 1];
    const byVerb = new Int32Array(m);
    for (let r = 0; r < m; r++) byVerb[verbCount[this.relationshipVerb[r]]++] = r;
    [this.outStart, this.outEdges] = csr(n, byVerb, this.relationshipFrom);
    [this.inStart, this.inEdges] = csr(n, byVerb, this.relationshipTo);
  }

  get entityCount(): number {
    return this.entities.length;
  }

  idOf(key: string): number | undefined {
    return this.idByKey.get(key);
  }

  ofType(type: string): Int32Array {
    return this.typeMembers.get(type) ?? EMPTY;
  }

  ofClass(name: string): Int32Array {
    return this.classMembers.get(name) ?? EMPTY;
  }

  /** Number of distinct verbs (verb ids are 0 .. verbCount - 1). */
  get verbCount(): number {
    return this.verbIds.size;
  }

  /** Interned id of a verb (upper case), or undefined when no relationship has it. */
  verbId(verb: string): number | undefined {
    return this.verbIds.get(verb.toUpperCase());
  }

  typeId(type: string): number | undefined {
    const index = this.typeNames.indexOf(type);
    return index < 0 ? undefined : index;
  }

  /** `[start, end)` in `outEdges`/`inEdges` of an entity's edges with one verb (or all, for undefined). */
  edgeRange(entity: number, direction: 'out' | 'in', verb: number | undefined): [number, number] {
    const outgoing = direction === 'out';
    if (verb === undefined) {
      const starts = outgoing ? this.outStart : this.inStart;
      return [starts[entity], starts[entity + 1]];
    }
    return [this.verbBound(entity, outgoing, verb, false), this.verbBound(entity, outgoing, verb, true)];
  }

  /**
   * Where an entity's edges with a verb begin (`after` false) or end (`after` true) in
   * `outEdges`/`inEdges`: a binary search within the entity's range, which is sorted by verb.
   * Returns a number rather than a pair, because traversals call it for every entity they visit.
   */
  verbBound(entity: number, outgoing: boolean, verb: number, after: boolean): number {
    const starts = outgoing ? this.outStart : this.inStart;
    const edges = outgoing ? this.outEdges : this.inEdges;
    const verbs = this.relationshipVerb;
    let low = starts[entity];
    let high = starts[entity + 1];
    while (low < high) {
      const mid = (low + high) >>> 1;
      const at = verbs[edges[mid]];
      if (at < verb || (after && at === verb)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The full-text index, built on first use (most snapshots are never searched by text). */
  textIndex(): TextIndex {
    this.text ??= new TextIndex(this.entities);
    return this.text;
  }

  /** Entities a scope covers. */
  members(scope: Scope): ArrayLike<number> | undefined {
    if (scope.field === '_type') return this.ofType(scope.name);
    if (scope.field === '_class') return this.ofClass(scope.name);
    return undefined;
  }

  scopeSize(scope: Scope): number {
    return scope.field === '*' ? this.entities.length : (this.members(scope) as ArrayLike<number>).length;
  }

  /** Whether an equality index for this scope and property exists already. */
  hasPosting(scope: Scope, property: string): boolean {
    return this.postings.has(postingKey(scope, property));
  }

  /**
   * The equality index of a property over a scope, built on first use by reading the scope's
   * entities once. An array value is indexed under each element (J1QL's `=` matches any element).
   */
  posting(scope: Scope, property: string): Posting {
    const key = postingKey(scope, property);
    let posting = this.postings.get(key);
    if (posting) return posting;
    posting = new Map();
    const add = (value: PropertyValue | undefined, id: number) => {
      const k = valueKey(value);
      let list = (posting as Map<string, number[]>).get(k);
      if (!list) (posting as Map<string, number[]>).set(k, (list = []));
      if (list[list.length - 1] !== id) list.push(id);
    };
    const visit = (id: number) => {
      const value = this.entities[id][property];
      if (Array.isArray(value)) {
        if (value.length === 0) add(undefined, id);
        for (const element of value) add(element, id);
      } else add(value, id);
    };
    const members = this.members(scope);
    if (members) for (let i = 0; i < members.length; i++) visit(members[i]);
    else for (let id = 0; id < this.entities.length; id++) visit(id);
    this.postings.set(key, posting);
    return posting;
  }
}

function postingKey(scope: Scope, property: string): string {
  return `${scope.field}\u0000${scope.field === '*' ? '' : scope.name}\u0000${property}`;
}

function csr(n: number, edgeOrder: Int32Array, end: Int32Array): [Int32Array, Int32Array] {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < edgeOrder.length; i++) start[end[edgeOrder[i]] + 1]++;
  for (let e = 1; e <= n; e++) start[e] += start[e - 1];
  const fill = start.slice(0, n);
  const edges = new Int32Array(edgeOrder.length);
  for (let i = 0; i < edgeOrder.length; i++) {
    const r = edgeOrder[i];
    edges[fill[end[r]]++] = r;
  }
  return [start, edges];
}
