/**
 * Every call a collector makes names the collector in its `User-Agent` (`md/orggraph-collector#iam-users`):
 * CloudTrail records the user agent, so an account's owner sees which collector made a call, and
 * the simulated organization and the wire-test server attribute each call they answer to its
 * collector (the permissions check compares them with the collector's declared actions). Calls
 * outside a collector's scope (AssumeRole with the ingester's credentials) carry no tag.
 */

const TOKEN = 'md/orggraph-collector#';

/** User-agent values allow letters, digits and `!$%&'*+-.^_`|~#`; anything else becomes `-` (as the SDK escapes them). */
function escaped(collector: string): string {
  return collector.replace(/[^!$%&'*+\-.^_`|~\w#]/g, '-');
}

/** Adds the collector's tag to a request's `user-agent` (once: a retried request keeps its headers). */
export function tagCollector(request: unknown, collector: string): void {
  const headers = (request as { headers?: Record<string, string> } | undefined)?.headers;
  if (!headers) return;
  const current = headers['user-agent'] ?? '';
  if (current.includes(TOKEN)) return;
  headers['user-agent'] = `${current}${current ? ' ' : ''}${TOKEN}${escaped(collector)}`;
}

/** The collector a request's `user-agent` names, if any. */
export function collectorOfUserAgent(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const start = userAgent.indexOf(TOKEN);
  if (start < 0) return undefined;
  const rest = userAgent.slice(start + TOKEN.length);
  const end = rest.indexOf(' ');
  return end < 0 ? rest : rest.slice(0, end);
}
