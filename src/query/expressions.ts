import type { DateUnit, Expression } from './ast';
import { isMissing, resolveLiteral, type Value } from './filter';
import type { ResultValue } from './results';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A duration (`30 days`) while an expression is evaluated: kept apart so months stay calendar months. */
interface Duration {
  amount: number;
  unit: DateUnit;
}

type Intermediate = Value | Duration;

function isDuration(value: Intermediate): value is Duration {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'unit' in value;
}

/** Epoch milliseconds plus a duration; months and years are calendar units, as in `date.now - 1 month`. */
export function addDuration(epoch: number, duration: Duration, sign: 1 | -1): number {
  const amount = sign * duration.amount;
  if (duration.unit === 'hour') return epoch + amount * HOUR;
  if (duration.unit === 'day') return epoch + amount * DAY;
  const date = new Date(epoch);
  if (duration.unit === 'month') date.setUTCMonth(date.getUTCMonth() + amount);
  else date.setUTCFullYear(date.getUTCFullYear() + amount);
  return date.getTime();
}

/** A duration on its own, in milliseconds (a month is 30 days, a year 365, when no date anchors it). */
function durationMs(duration: Duration): number {
  const days = duration.unit === 'month' ? 30 : duration.unit === 'year' ? 365 : duration.unit === 'day' ? 1 : 1 / 24;
  return duration.amount * days * DAY;
}

function text(value: Value): string {
  if (isMissing(value)) return '';
  if (Array.isArray(value))
    return value
      .filter((element) => element !== null)
      .map(String)
      .join(',');
  return String(value);
}

function arithmetic(operator: '+' | '-' | '*' | '/', left: Intermediate, right: Intermediate): Intermediate {
  if (isDuration(left) && isDuration(right)) return null;
  if (isDuration(right) || isDuration(left)) {
    // date ± duration (and duration + date): the result is a date, epoch milliseconds.
    const date = isDuration(left) ? right : left;
    const duration = (isDuration(left) ? left : right) as Duration;
    if (typeof date !== 'number') return null;
    if (operator === '+') return addDuration(date, duration, 1);
    if (operator === '-' && !isDuration(left)) return addDuration(date, duration, -1);
    if (operator === '*' || operator === '/')
      return arithmetic(operator, left === duration ? durationMs(duration) : left, right === duration ? durationMs(duration) : right);
    return null;
  }
  if (typeof left !== 'number' || typeof right !== 'number') return null;
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return right === 0 ? null : left / right;
  }
}

/**
 * Compiles a RETURN expression into a function of the matched path. Arithmetic needs numbers
 * (dates are epoch milliseconds): a missing, text or list value makes the result null, as does a
 * division by zero. CONCAT turns every argument into text (a missing value is empty text, a list
 * is joined with commas).
 */
export function compileExpression<C>(
  expression: Expression,
  now: number,
  read: (alias: string, name: string) => (context: C) => Value,
): (context: C) => ResultValue {
  const compile = (node: Expression): ((context: C) => Intermediate) => {
    switch (node.kind) {
      case 'literal': {
        const value = resolveLiteral(node.value, now);
        return () => (value === undefined ? null : value);
      }
      case 'duration': {
        const duration: Duration = { amount: node.amount, unit: node.unit };
        return () => duration;
      }
      case 'property': {
        const reader = read(node.alias, node.name);
        return (context) => reader(context);
      }
      case 'negate': {
        const operand = compile(node.operand);
        return (context) => {
          const value = operand(context);
          if (isDuration(value)) return { amount: -value.amount, unit: value.unit };
          return typeof value === 'number' ? -value : null;
        };
      }
      case 'binary': {
        const left = compile(node.left);
        const right = compile(node.right);
        return (context) => arithmetic(node.operator, left(context), right(context));
      }
      case 'concat': {
        const args = node.args.map(compile);
        return (context) =>
          args
            .map((arg) => {
              const value = arg(context);
              return isDuration(value) ? String(durationMs(value)) : text(value);
            })
            .join('');
      }
    }
  };
  const compiled = compile(expression);
  return (context) => {
    const value = compiled(context);
    if (isDuration(value)) return durationMs(value);
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return null;
    return value as ResultValue;
  };
}
