import type { Comparison, EntityStep, FilterExpr, Literal, Query, ValueSet } from '../../query/ast';
import { DEFAULT_LIMIT } from '../../query/results';

/** A compiled query: its SQL and parameters; `$1` is the snapshot id. */
export interface CompiledQuery {
  /** Rows `{ properties }` of the page of matching starting entities, in `_key` order. */
  page: string;
  /** One row `{ total }`: how many starting entities match. */
  count: string;
  /** Parameters of `page`; `count` takes all but its last two (offset and limit). */
  params: unknown[];
  countParams: unknown[];
}

/** Rows of snapshot `$1`, as `PostgresStorage` reads them. */
const VISIBLE = `valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)`;

class Compiler {
  readonly params: unknown[] = [0];

  /** A parameter placeholder for `value` (JSON documents are passed as text and cast). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** `property = value` as J1QL means it: the value itself, or an array holding it; both are GIN-indexed containment. */
  equals(name: string, value: string | number | boolean): string {
    return `(properties @> ${this.param(JSON.stringify({ [name]: value }))}::jsonb OR properties @> ${this.param(JSON.stringify({ [name]: [value] }))}::jsonb)`;
  }

  literal(literal: Literal): string | number | boolean | undefined {
    if (literal.kind === 'string' || literal.kind === 'number' || literal.kind === 'boolean') return literal.value;
    return undefined;
  }

  comparison(comparison: Comparison): string | undefined {
    if (comparison.operator !== '=' && comparison.operator !== '!=') return undefined;
    const right = comparison.right as Literal | ValueSet | { kind: 'property' };
    if (right.kind === 'property') return undefined;
    const values = right.kind === 'set' ? right.values : [right];
    const parts: string[] = [];
    for (const value of values) {
      const scalar = this.literal(value);
      if (scalar === undefined) return undefined;
      parts.push(this.equals(comparison.left.name, scalar));
    }
    const matches = parts.length === 1 ? parts[0] : `(${parts.join(right.kind === 'set' && right.combinator === 'and' ? ' AND ' : ' OR ')})`;
    return comparison.operator === '=' ? matches : `NOT ${matches}`;
  }

  filter(filter: FilterExpr): string | undefined {
    if (filter.kind === 'comparison') return filter.left.alias === undefined ? this.comparison(filter) : undefined;
    const operands = filter.operands.map((operand) => this.filter(operand));
    if (operands.some((operand) => operand === undefined)) return undefined;
    return `(${operands.join(filter.kind === 'and' ? ' AND ' : ' OR ')})`;
  }

  /** The condition on `entities` of one step of the chain, or undefined when it is not compiled. */
  step(step: EntityStep): string | undefined {
    const conditions: string[] = [VISIBLE];
    if (step.selector.kind === 'names') {
      const names = step.selector.names.map((name) =>
        name.field === '_type' ? `properties @> ${this.param(JSON.stringify({ _type: name.name }))}::jsonb` : this.equals('_class', name.name),
      );
      conditions.push(names.length === 1 ? names[0] : `(${names.join(' OR ')})`);
    } else if (step.selector.kind !== 'any') {
      return undefined;
    }
    if (step.filter) {
      const filter = this.filter(step.filter);
      if (filter === undefined) return undefined;
      conditions.push(filter);
    }
    return conditions.join(' AND ');
  }
}

/**
 * J1QL compiled to SQL over a snapshot of the PostgreSQL store, for the queries a database answers
 * best: a chain of steps and hops (`FIND a WITH … THAT VERB b WITH … THAT …`) listing the starting
 * entities, with `=`/`!=` filters on literals. Each step becomes the set of its entities that reach
 * the next step's set through the hop's verb, computed from the last step back to the first.
 * Anything else (negated or optional hops, WHERE, RETURN, aliases, smart classes, full-text search,
 * parameters, other operators) is not compiled: undefined, and the query runs on the loaded index.
 */
export function compileJ1ql(query: Query): CompiledQuery | undefined {
  if (query.where || query.return || query.orderBy.length) return undefined;
  const compiler = new Compiler();
  const steps: EntityStep[] = [query.start];
  const hops: Array<{ verbs: string[] | null; direction: 'both' | 'out' | 'in' }> = [];
  for (const item of query.traversal) {
    if (item.kind !== 'hop' || item.negated || item.relationshipAlias) return undefined;
    hops.push({ verbs: item.verbs, direction: item.direction });
    steps.push(item.target);
  }
  if (steps.some((step) => step.alias)) return undefined;
  const conditions = steps.map((step) => compiler.step(step));
  if (conditions.some((condition) => condition === undefined)) return undefined;
  const ctes: string[] = [];
  const last = steps.length - 1;
  ctes.push(`s${last} AS (SELECT DISTINCT key FROM entities WHERE ${conditions[last]})`);
  for (let index = last - 1; index >= 0; index--) {
    const hop = hops[index];
    const verbs = hop.verbs === null ? 'TRUE' : `upper(properties ->> '_class') = ANY(${compiler.param(hop.verbs)}::text[])`;
    ctes.push(
      `e${index} AS (SELECT properties ->> '_fromEntityKey' AS from_key, properties ->> '_toEntityKey' AS to_key FROM relationships WHERE ${VISIBLE} AND ${verbs})`,
    );
    // `out` (>>): edges from this step's entity; `in` (<<): edges into it; both by default.
    const reach: string[] = [];
    if (hop.direction !== 'in') reach.push(`SELECT e${index}.from_key AS key FROM e${index} JOIN s${index + 1} ON s${index + 1}.key = e${index}.to_key`);
    if (hop.direction !== 'out') reach.push(`SELECT e${index}.to_key AS key FROM e${index} JOIN s${index + 1} ON s${index + 1}.key = e${index}.from_key`);
    ctes.push(`n${index} AS (${reach.join(' UNION ')})`);
    ctes.push(`s${index} AS (SELECT DISTINCT key FROM entities WHERE ${conditions[index]} AND key IN (SELECT key FROM n${index}))`);
  }
  const countParams = [...compiler.params];
  const skip = query.skip ?? 0;
  const limit = query.limit ?? DEFAULT_LIMIT;
  const prefix = `WITH ${ctes.join(',\n')}\n`;
  // A mapped entity written by several shards is one entity: the account partition's row first.
  const page = `${prefix}SELECT properties FROM (
  SELECT DISTINCT ON (key) key, properties FROM entities WHERE ${VISIBLE} AND key IN (SELECT key FROM s0) ORDER BY key, part LIKE '*%'
) AS heads ORDER BY key OFFSET ${compiler.param(skip)} LIMIT ${compiler.param(limit)}`;
  return { page, count: `${prefix}SELECT count(*)::bigint AS total FROM s0`, params: compiler.params, countParams };
}
