import type { Expression, FilterExpr, Literal, Query, TraversalItem } from './ast';
import { QuerySemanticError } from './errors';

/** A parameter's value: text, a number, a boolean, or a list of them (any of the values). */
export type ParameterValue = string | number | boolean | Array<string | number | boolean>;
export type Parameters = Readonly<Record<string, ParameterValue>>;

function literalOf(value: string | number | boolean): Literal {
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') return { kind: 'number', value };
  return { kind: 'boolean', value };
}

/** Whether a query refers to any `${ param.x }`. */
export function usesParameters(query: Query): boolean {
  return parameterNames(query).length > 0;
}

/** The names of the parameters a query refers to, in order of appearance, once each. */
export function parameterNames(query: Query): string[] {
  const names: string[] = [];
  visitLiterals(query, (literal) => {
    if (literal.kind === 'param' && !names.includes(literal.name)) names.push(literal.name);
    return undefined;
  });
  return names;
}

/**
 * A copy of the query with every `${ param.x }` replaced by its value. A list value on the right
 * of a comparison means any of its values (`= ${ param.ports }` is `= (22 OR 3389)`). A
 * parameter without a value is an error that names it.
 */
export function bindParameters(query: Query, parameters: Parameters = {}): Query {
  if (!usesParameters(query)) return query;
  const copy = structuredClone(query);
  visitLiterals(copy, (literal, inList) => {
    if (literal.kind !== 'param') return undefined;
    if (!Object.hasOwn(parameters, literal.name)) {
      throw new QuerySemanticError(
        literal.position,
        `the parameter ${literal.name} has no value (pass --param ${literal.name}=<value>, or params in the question or rule)`,
      );
    }
    const value = parameters[literal.name];
    if (!Array.isArray(value)) return [literalOf(value)];
    if (!inList) throw new QuerySemanticError(literal.position, `the parameter ${literal.name} is a list; RETURN needs a single value`);
    if (value.length === 0) throw new QuerySemanticError(literal.position, `the parameter ${literal.name} is an empty list`);
    return value.map(literalOf);
  });
  return copy;
}

/**
 * Calls `replace` on every literal of a query's filters and RETURN expressions. It returns
 * undefined to keep a literal, or its replacement: one literal, or several (which make a set).
 */
function visitLiterals(query: Query, replace: (literal: Literal, inList: boolean) => Literal[] | undefined): void {
  const visitFilter = (filter: FilterExpr | undefined): void => {
    if (!filter) return;
    if (filter.kind !== 'comparison') return filter.operands.forEach(visitFilter);
    const right = filter.right;
    if (right.kind === 'property') return;
    if (right.kind === 'set') {
      right.values = right.values.flatMap((value) => replace(value, true) ?? [value]);
      return;
    }
    const replaced = replace(right, true);
    if (!replaced) return;
    filter.right = replaced.length === 1 ? replaced[0] : { kind: 'set', combinator: 'or', values: replaced };
  };
  const visitExpression = (expression: Expression): void => {
    switch (expression.kind) {
      case 'literal': {
        const replaced = replace(expression.value, false);
        if (replaced) expression.value = replaced[0];
        return;
      }
      case 'binary':
        visitExpression(expression.left);
        return visitExpression(expression.right);
      case 'negate':
        return visitExpression(expression.operand);
      case 'concat':
        return expression.args.forEach(visitExpression);
      default:
        return;
    }
  };
  const visitItems = (items: TraversalItem[]): void => {
    for (const item of items) {
      if (item.kind === 'hop') visitFilter(item.target.filter);
      else visitItems(item.items);
    }
  };
  visitFilter(query.start.filter);
  visitItems(query.traversal);
  visitFilter(query.where);
  if (query.return?.kind === 'columns') for (const item of query.return.items) if (item.kind === 'expression') visitExpression(item.expression);
}
