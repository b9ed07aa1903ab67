import type { Entity, PropertyValue, Relationship } from '../graph/types';
import type { OrderKey, Query, ReturnItem } from './ast';
import type { SlotLayout } from './aliases';
import { QuerySemanticError } from './errors';
import { isMissing, type Scalar, type Value } from './filter';
import { compileExpression } from './expressions';
import { valueKey, type GraphIndex } from './graph-index';

/** Rows returned when a query has no LIMIT, as in J1QL. */
export const DEFAULT_LIMIT = 250;

/** An unbound slot of a path (an optional part that did not match). */
export const NONE = -1;

/** One matched path: an entity or relationship id per slot (see SlotLayout), NONE when unbound. */
export interface Path {
  slots: Int32Array;
  /** The entity the next traversal starts from. */
  cur: number;
  /** The starting entity (or, after leading optional groups, the union member) this path belongs to. */
  head: number;
}

export type ResultValue = PropertyValue | Entity | Relationship | null;
export type Row = Record<string, ResultValue>;

/** No RETURN: the distinct entities the traversal starts from. `total` counts them before LIMIT. */
export interface ListResult {
  type: 'list';
  data: Entity[];
  total: number;
}

/** RETURN of properties: one row per matched path (distinct rows with UNIQUE). */
export interface TableResult {
  type: 'table';
  columns: string[];
  data: Row[];
  total: number;
}

/** RETURN with aggregates: one row per group of the other columns. */
export interface AggregateResult {
  type: 'aggregate';
  columns: string[];
  data: Row[];
  total: number;
}

/** RETURN TREE: the entities and relationships of the matched paths; `total` counts starting entities. */
export interface TreeResult {
  type: 'tree';
  data: { vertices: Entity[]; edges: Relationship[] };
  total: number;
}

export type QueryResult = ListResult | TableResult | AggregateResult | TreeResult;

/** Reads aliased entities and relationships out of matched paths, and shapes paths into results. */
export class Results {
  /** Whether each slot holds an entity or a relationship id. */
  readonly slotKind: Array<'entity' | 'relationship'>;

  constructor(
    private readonly index: GraphIndex,
    private readonly query: Query,
    private readonly layout: SlotLayout,
    private readonly skip: number,
    private readonly limit: number,
    private readonly now: number = Date.now(),
  ) {
    this.slotKind = new Array(layout.slotCount).fill('entity');
    for (const slot of layout.hopSlots.values()) this.slotKind[slot] = 'relationship';
  }

  objectReader(alias: string): (path: Path) => Entity | Relationship | undefined {
    const binding = this.layout.aliases.get(alias);
    if (!binding) throw new Error(`alias ${alias} was not checked`);
    const { slot } = binding;
    const objects: readonly (Entity | Relationship)[] = this.slotKind[slot] === 'relationship' ? this.index.relationships : this.index.entities;
    return (path) => (path.slots[slot] === NONE ? undefined : objects[path.slots[slot]]);
  }

  pathReader(alias: string, name: string): (path: Path) => Value {
    const object = this.objectReader(alias);
    return (path) => object(path)?.[name];
  }

  /** The page SKIP and LIMIT ask for; `total` stays the count before them. */
  slice<T extends { data: unknown[]; total: number }>(result: T): T {
    return { ...result, data: result.data.slice(this.skip, this.skip + this.limit) };
  }

  /** The starting entities of the paths, once each, in path order. */
  list(paths: Path[]): ListResult {
    const heads = distinct(paths.map((path) => path.head));
    return this.slice<ListResult>({ type: 'list', data: heads.map((id) => this.index.entities[id]), total: heads.length });
  }

  /** The subgraph of the paths that start from the page of starting entities. */
  tree(paths: Path[]): TreeResult {
    const heads = distinct(paths.map((path) => path.head));
    const kept = new Set(heads.slice(this.skip, this.skip + this.limit));
    const vertices = new Set<number>();
    const edges = new Set<number>();
    for (const path of paths) {
      if (!kept.has(path.head)) continue;
      vertices.add(path.head);
      path.slots.forEach((id, slot) => id !== NONE && (this.slotKind[slot] === 'relationship' ? edges : vertices).add(id));
    }
    return {
      type: 'tree',
      data: {
        vertices: [...vertices].map((id) => this.index.entities[id]),
        edges: [...edges].map((id) => this.index.relationships[id]),
      },
      total: heads.length,
    };
  }

  /** Rows of the RETURN columns, one per path, or one per group when there are aggregates. */
  project(paths: Path[], items: ReturnItem[]): TableResult | AggregateResult {
    const aggregates = items.filter((item) => item.kind === 'aggregate');
    const keys = items.filter((item) => item.kind !== 'aggregate');
    const columns: string[] = [];
    const addColumn = (name: string) => !columns.includes(name) && columns.push(name);
    const readers = keys.map((item) => this.columnReader(item));
    const keyRows = paths.map((path) => {
      const row: Row = {};
      for (const read of readers) read(path, row);
      return row;
    });
    // Columns in RETURN order; `alias.*` expands to the properties its objects have.
    for (const item of items) {
      if (item.kind !== 'all') addColumn(item.label);
      else for (const row of keyRows) for (const name of Object.keys(row)) if (name.startsWith(`${item.alias}.`)) addColumn(name);
    }

    if (aggregates.length === 0) {
      let rows = keyRows.map((row) => Object.fromEntries(columns.map((name) => [name, row[name] ?? null])) as Row);
      if (this.query.unique) rows = distinctBy(rows, rowKey);
      return this.slice<TableResult>({ type: 'table', columns, data: rows, total: rows.length });
    }

    // Group by the other columns; aggregates count each distinct entity (or relationship) once.
    const groups = new Map<string, { row: Row; paths: Path[] }>();
    keyRows.forEach((row, i) => {
      const key = rowKey(row);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { row, paths: [] }));
      group.paths.push(paths[i]);
    });
    if (groups.size === 0 && keys.length === 0) groups.set('', { row: {}, paths: [] });
    let rows = [...groups.values()].map(({ row, paths: members }) => {
      const out: Row = {};
      for (const name of columns) out[name] = row[name] ?? null;
      for (const item of aggregates) if (item.kind === 'aggregate') out[item.label] = this.aggregate(item, members);
      return out;
    });
    if (this.query.orderBy.length) rows = this.orderGroups(rows, keys);
    const total = keys.length === 0 ? (paths.length > 0 ? 1 : 0) : rows.length;
    return this.slice<AggregateResult>({ type: 'aggregate', columns, data: rows, total });
  }

  private columnReader(item: ReturnItem): (path: Path, row: Row) => void {
    if (item.kind === 'expression') {
      const value = compileExpression<Path>(item.expression, this.now, (alias, name) => this.pathReader(alias, name));
      return (path, row) => {
        row[item.label] = value(path);
      };
    }
    if (item.kind === 'aggregate') throw new Error('aggregates are not columns');
    const object = this.objectReader(item.alias);
    if (item.kind === 'property') {
      return (path, row) => {
        const value = object(path)?.[item.name];
        row[item.label] = value === undefined ? null : value;
      };
    }
    if (item.kind === 'all') {
      return (path, row) => {
        const found = object(path);
        if (found) for (const [name, value] of Object.entries(found)) if (value !== undefined) row[`${item.alias}.${name}`] = value;
      };
    }
    return (path, row) => {
      row[item.label] = object(path) ?? null;
    };
  }

  /**
   * One aggregate over a group's paths. Each entity or relationship counts once per group;
   * `count(x.prop)` counts the distinct values they hold (list elements one by one, missing values
   * not at all), as J1QL documents; `count(*)` counts the matches; min, max, sum and avg take every
   * numeric value of each entity once (list elements one by one).
   */
  private aggregate(item: Extract<ReturnItem, { kind: 'aggregate' }>, paths: Path[]): number | null {
    if (item.alias === undefined) return paths.length;
    const slot = (this.layout.aliases.get(item.alias) as { slot: number }).slot;
    const objects: readonly (Entity | Relationship)[] = this.slotKind[slot] === 'relationship' ? this.index.relationships : this.index.entities;
    const ids = distinct(paths.map((path) => path.slots[slot]).filter((id) => id !== NONE));
    if (item.fn === 'count' && item.name === undefined) return ids.length;
    const values: Value[] = ids.map((id) => objects[id][item.name as string]);
    const elements = values.flatMap((value) => (isMissing(value) ? [] : Array.isArray(value) ? value.filter((element) => element !== null) : [value]));
    if (item.fn === 'count') return new Set(elements.map((element) => valueKey(element as Scalar))).size;
    const numbers = elements.filter((value): value is number => typeof value === 'number');
    if (numbers.length === 0) return null;
    // A loop, not Math.min(...numbers): a spread of many values overflows the stack.
    if (item.fn === 'min') return numbers.reduce((a, b) => (b < a ? b : a));
    if (item.fn === 'max') return numbers.reduce((a, b) => (b > a ? b : a));
    const sum = numbers.reduce((a, b) => a + b, 0);
    return item.fn === 'sum' ? sum : sum / numbers.length;
  }

  /** ORDER BY on an aggregate result sorts groups by one of their key columns. */
  private orderGroups(rows: Row[], keys: ReturnItem[]): Row[] {
    const orderKeys = this.query.orderBy.map((key: OrderKey) => {
      const column = keys.find((item) => item.kind === 'property' && item.alias === key.alias && item.name === key.name);
      if (!column) {
        throw new QuerySemanticError(key.position, `ORDER BY ${key.alias}.${key.name}: with aggregates, order by one of the returned group columns`);
      }
      return { key, read: (row: Row) => row[column.label] as Value };
    });
    return sortBy([...rows], (a, b) => compareKeys(orderKeys, a, b));
  }
}

export function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function distinctBy<T>(values: T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const k = key(value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function rowKey(row: Row): string {
  return JSON.stringify(Object.entries(row).map(([name, value]) => [name, value && typeof value === 'object' && '_key' in value ? value._key : value]));
}

export function sortBy<T>(values: T[], compare: (a: T, b: T) => number): T[] {
  // Array.prototype.sort is stable, so equal keys keep the match order.
  return values.sort(compare);
}

const TYPE_RANK: Record<string, number> = { number: 0, string: 1, boolean: 2, object: 3 };

/** Ascending order of property values: numbers, strings, booleans, arrays; missing values last. */
export function compareValues(a: Value, b: Value): number {
  const missingA = isMissing(a);
  const missingB = isMissing(b);
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (typeof a !== typeof b) return TYPE_RANK[typeof a] - TYPE_RANK[typeof b];
  if (Array.isArray(a) || Array.isArray(b)) return compareValues(String(a), String(b));
  return a === b ? 0 : (a as Scalar) < (b as Scalar) ? -1 : 1;
}

export function compareKeys<T>(keys: Array<{ key: OrderKey; read: (value: T) => Value }>, a: T, b: T): number {
  for (const { key, read } of keys) {
    const va = read(a);
    const vb = read(b);
    let order = compareValues(va, vb);
    // Missing values stay last in both directions.
    if (key.direction === 'desc' && !isMissing(va) && !isMissing(vb)) order = -order;
    if (order !== 0) return order;
  }
  return 0;
}
