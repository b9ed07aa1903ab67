/**
 * Dates in world files. A record in the SDK's shape writes each `Date` member as a string: an ISO
 * 8601 date-time (absolute, `"2021-03-01T00:00:00Z"`) or `"<N> days ago"` (relative to midnight UTC
 * of the day of the run, so "a key unused for 90 days" stays 90 days old whenever the world is
 * run, and two runs on the same day see the same dates). `worldDate` is the one place that reads
 * them; the kit's `dates` and the services' own code both go through it.
 */

const DAY_MS = 86_400_000;
const RELATIVE = /^(\d{1,5}) days? ago$/;

/** JSON schema of a world date (the world loader's `date-time` format, or a relative date). */
export const WORLD_DATE_SCHEMA = { type: 'string', anyOf: [{ format: 'date-time' }, { pattern: RELATIVE.source }] };

/** Midnight UTC of the day of the run. */
export function startOfToday(): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

/** A world date as the SDK returns it. */
export function worldDate(value: string): Date {
  const relative = RELATIVE.exec(value);
  return relative ? new Date(startOfToday() - Number(relative[1]) * DAY_MS) : new Date(value);
}

/** The world's spelling of a date `days` days before today (for generators and mutations). */
export function daysAgo(days: number): string {
  return `${days} days ago`;
}
