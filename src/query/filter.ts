import type { PropertyValue } from '../graph/types';
import type { ComparisonOperator, FilterExpr, Literal, PropertyRef, ValueSet } from './ast';

/**
 * Comparison semantics, J1QL's:
 * - a missing property (absent, null or an empty array) equals only `undefined`; `!=` a value is
 *   true for it, every other comparison false;
 * - `=` is strict and case-sensitive (`false` is not `'false'`); on an array, any element matches,
 *   and `!=` means no element does;
 * - `< > <= >=` compare numbers with numbers and strings with strings (dates are epoch-ms numbers);
 * - `~= ^= $=` apply to strings (or string elements); their negations need a string to be true;
 * - a set `= ('a' OR 'b')` is any of the comparisons, `('a' AND 'b')` all of them; a negated
 *   operator negates the whole set (`!= ('a' OR 'b')`: none of them).
 */

export type Scalar = string | number | boolean;
export type Value = PropertyValue | undefined;

type PositiveOperator = '=' | '<' | '>' | '<=' | '>=' | '~=' | '^=' | '$=';

const NEGATIONS: Partial<Record<ComparisonOperator, PositiveOperator>> = { '!=': '=', '!~=': '~=', '!^=': '^=', '!$=': '$=' };

export function isMissing(value: Value): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** Regular expressions anchored for `^=` (starts with) and `$=` (ends with), made once each. */
const anchored = new WeakMap<RegExp, { start: RegExp; end: RegExp }>();

function testPattern(actual: Scalar, operator: PositiveOperator, pattern: RegExp): boolean {
  if (typeof actual !== 'string') return false;
  if (operator === '=' || operator === '~=') return pattern.test(actual);
  if (operator !== '^=' && operator !== '$=') return false;
  let forms = anchored.get(pattern);
  if (!forms) {
    forms = { start: new RegExp(`^(?:${pattern.source})`, pattern.flags), end: new RegExp(`(?:${pattern.source})$`, pattern.flags) };
    anchored.set(pattern, forms);
  }
  return (operator === '^=' ? forms.start : forms.end).test(actual);
}

function testScalar(actual: Scalar, operator: PositiveOperator, expected: Scalar | RegExp): boolean {
  if (expected instanceof RegExp) return testPattern(actual, operator, expected);
  switch (operator) {
    case '=':
      return actual === expected;
    case '~=':
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case '^=':
      return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    case '$=':
      return typeof actual === 'string' && typeof expected === 'string' && actual.endsWith(expected);
    default: {
      const comparable = (typeof actual === 'number' && typeof expected === 'number') || (typeof actual === 'string' && typeof expected === 'string');
      if (!comparable) return false;
      if (operator === '<') return actual < expected;
      if (operator === '>') return actual > expected;
      if (operator === '<=') return actual <= expected;
      return actual >= expected;
    }
  }
}

function testValue(actual: Value, operator: PositiveOperator, expected: Scalar | RegExp | undefined): boolean {
  if (expected === undefined) return operator === '=' && isMissing(actual);
  if (isMissing(actual)) return false;
  if (Array.isArray(actual)) return (actual as Array<Scalar | null>).some((element) => element !== null && testScalar(element, operator, expected));
  return testScalar(actual as Scalar, operator, expected);
}

function hasString(actual: Value): boolean {
  return typeof actual === 'string' || (Array.isArray(actual) && (actual as unknown[]).some((element) => typeof element === 'string'));
}

/** The expected side of a comparison once literals are resolved: one value, or a set. */
export interface Expected {
  /** A regular expression (`= /admin/i`) matches string values, never others. */
  values: Array<Scalar | RegExp | undefined>;
  all: boolean;
}

export function compare(actual: Value, operator: ComparisonOperator, expected: Expected): boolean {
  const negated = NEGATIONS[operator];
  const positive = negated ?? (operator as PositiveOperator);
  const matches = expected.all
    ? expected.values.every((value) => testValue(actual, positive, value))
    : expected.values.some((value) => testValue(actual, positive, value));
  if (!negated) return matches;
  if (negated === '=') return !matches;
  return hasString(actual) && !matches;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A literal's value for comparisons: a scalar, a regular expression, or undefined (`undefined`). */
export function resolveComparand(literal: Literal, now: number): Scalar | RegExp | undefined {
  if (literal.kind === 'regex') return new RegExp(literal.source, literal.flags);
  return resolveLiteral(literal, now);
}

export function resolveLiteral(literal: Literal, now: number): Scalar | undefined {
  switch (literal.kind) {
    case 'regex':
      throw new Error(`a regular expression (/${literal.source}/) is only a comparison's right side`);
    case 'param':
      // bindParameters replaces every parameter before evaluation.
      throw new Error(`parameter ${literal.name} was not bound`);
    case 'string':
    case 'number':
    case 'boolean':
    case 'date':
      return literal.value;
    case 'undefined':
      return undefined;
    case 'relativeDate': {
      if (literal.unit === 'hour') return now + literal.amount * HOUR;
      if (literal.unit === 'day') return now + literal.amount * DAY;
      // Months and years are calendar units.
      const date = new Date(now);
      if (literal.unit === 'month') date.setUTCMonth(date.getUTCMonth() + literal.amount);
      else date.setUTCFullYear(date.getUTCFullYear() + literal.amount);
      return date.getTime();
    }
  }
}

export function resolveExpected(right: Literal | ValueSet, now: number): Expected {
  if (right.kind === 'set') return { values: right.values.map((value) => resolveComparand(value, now)), all: right.combinator === 'and' };
  return { values: [resolveComparand(right, now)], all: false };
}

/** A property on the right (`a.x = b.y`) is a set of its values: any element, or `undefined`. */
function expectedFromValue(value: Value): Expected {
  if (isMissing(value)) return { values: [undefined], all: false };
  if (Array.isArray(value)) return { values: (value as Array<Scalar | null>).filter((v): v is Scalar => v !== null), all: false };
  return { values: [value as Scalar], all: false };
}

/**
 * `= value` and `!= value` are most filters; this gives them a direct test, with the same result
 * as `compare`, without its general path (traversals run it for every entity they reach).
 */
function equalityTest(operator: ComparisonOperator, expected: Expected): ((value: Value) => boolean) | undefined {
  if (expected.values.length !== 1 || (operator !== '=' && operator !== '!=')) return undefined;
  const wanted = expected.values[0];
  if (wanted instanceof RegExp) return undefined;
  const equal =
    wanted === undefined ? isMissing : (value: Value) => value === wanted || (Array.isArray(value) && (value as Array<Scalar | null>).includes(wanted));
  return operator === '=' ? equal : (value) => !equal(value);
}

/** Reads a referenced property in whatever a filter is applied to (an object, a path). */
export type Accessor<C> = (ref: PropertyRef) => (context: C) => Value;

/** Compiles a filter into a predicate, once per query, so evaluation does not walk the AST. */
export function compileFilter<C>(expression: FilterExpr, now: number, accessor: Accessor<C>): (context: C) => boolean {
  switch (expression.kind) {
    case 'and': {
      const operands = expression.operands.map((operand) => compileFilter(operand, now, accessor));
      return (context) => operands.every((operand) => operand(context));
    }
    case 'or': {
      const operands = expression.operands.map((operand) => compileFilter(operand, now, accessor));
      return (context) => operands.some((operand) => operand(context));
    }
    case 'comparison': {
      const left = accessor(expression.left);
      const { operator, right } = expression;
      if (right.kind === 'property') {
        const other = accessor(right);
        return (context) => compare(left(context), operator, expectedFromValue(other(context)));
      }
      const expected = resolveExpected(right, now);
      const fast = equalityTest(operator, expected);
      if (fast) return (context) => fast(left(context));
      return (context) => compare(left(context), operator, expected);
    }
  }
}

/** Reads properties of one graph object: the accessor of WITH filters. */
export const objectAccessor: Accessor<Record<string, Value>> = (ref) => {
  const name = ref.name;
  return (object) => object[name];
};

/** Top-level AND operands of a filter. */
export function conjuncts(expression: FilterExpr | undefined): FilterExpr[] {
  if (!expression) return [];
  return expression.kind === 'and' ? expression.operands.flatMap(conjuncts) : [expression];
}

/** Aliases a filter refers to. */
export function referencedAliases(expression: FilterExpr): Set<string> {
  const aliases = new Set<string>();
  const visit = (node: FilterExpr) => {
    if (node.kind !== 'comparison') return node.operands.forEach(visit);
    if (node.left.alias) aliases.add(node.left.alias);
    if (node.right.kind === 'property' && node.right.alias) aliases.add(node.right.alias);
  };
  visit(expression);
  return aliases;
}

/**
 * An equality usable with an index: `property = value`, `property = (a OR b)` (any of the values'
 * entries) or `property = (a AND b)` (each entry is a superset), including `= undefined`.
 */
export function equalityOf(expression: FilterExpr, now: number): { property: string; values: Array<Scalar | undefined>; all: boolean } | undefined {
  if (expression.kind !== 'comparison' || expression.operator !== '=' || expression.right.kind === 'property') return undefined;
  const expected = resolveExpected(expression.right, now);
  // A regular expression is no equality: an index of values cannot answer it.
  if (expected.values.some((value) => value instanceof RegExp)) return undefined;
  return { property: expression.left.name, values: expected.values as Array<Scalar | undefined>, all: expected.all };
}
