/**
 * Appends every item of `items` to `target`. `target.push(...items)` passes each item as an
 * argument, and V8 overflows the stack from about 100,000 of them: lists that grow with the
 * organization (records, errors, entities of an account) must be appended with a loop.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest of `values`, or `fallback` when there are none; a loop for the same reason as {@link appendAll}. */
export function maxOf(values: Iterable<number>, fallback: number): number {
  let max: number | undefined;
  for (const value of values) if (max === undefined || value > max) max = value;
  return max ?? fallback;
}
