/**
 * CloudTrail events as collector declarations (issue 24): each collector names the write
 * operations that change what it reads, and where the affected resource ids are in the event.
 * The onboarding's EventBridge rules (their event patterns) and `orggraph watch`'s routing of an
 * event to the collectors to refresh both derive from these, as the audit policy derives from
 * `permissions`.
 */

/** The events of one AWS service that affect a collector. */
export interface EventDeclaration {
  /** CloudTrail `eventSource`: `ec2.amazonaws.com`. */
  source: string;
  /** CloudTrail `eventName`s of write operations (EventBridge delivers no read-only calls). */
  names: readonly string[];
  /**
   * Where the affected resources' ids are in the event's `detail`, as dotted paths; `[]` walks a
   * list (`responseElements.instancesSet.items[].instanceId`). Absent: the collector is refreshed
   * in the event's account and region as a whole.
   */
  resourceIds?: readonly string[];
}

/** The `detail-type` EventBridge gives CloudTrail's management events. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** EventBridge's default limit on an event pattern's size, in characters (adjustable to 4,096). */
export const EVENT_PATTERN_MAX_LENGTH = 2048;

const EVENT_SOURCE = /^[a-z0-9-]+\.amazonaws\.com$/;
const EVENT_NAME = /^[A-Z][A-Za-z0-9]+$/;

/** Problems in a set of declarations (unknown shapes, read-only names), one line each. */
export function checkEventDeclarations(collectors: ReadonlyArray<{ id: string; events?: readonly EventDeclaration[] }>): string[] {
  const problems: string[] = [];
  for (const collector of collectors) {
    for (const declaration of collector.events ?? []) {
      if (!EVENT_SOURCE.test(declaration.source)) problems.push(`${collector.id}: event source "${declaration.source}" is not <service>.amazonaws.com`);
      if (declaration.names.length === 0) problems.push(`${collector.id}: ${declaration.source} declares no event names`);
      for (const name of declaration.names) {
        if (!EVENT_NAME.test(name)) problems.push(`${collector.id}: event name "${name}" is not an API operation name`);
        // EventBridge never delivers read-only calls: a declared one would be dead weight in the pattern.
        if (/^(Get|List|Describe|Head)[A-Z]/.test(name)) problems.push(`${collector.id}: ${name} is a read operation; EventBridge does not deliver it`);
      }
    }
  }
  return problems;
}

/** EventBridge's `source` for a CloudTrail event source: `ec2.amazonaws.com` -> `aws.ec2`. */
export function eventBridgeSource(eventSource: string): string {
  return `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`;
}

export interface EventPattern {
  source: string[];
  'detail-type': string[];
  detail: { eventSource: string[]; eventName: string[] };
}

/**
 * The EventBridge event patterns that match every declared event, each under `maxLength`
 * characters (several rules when one would be too long). Each pattern covers whole services, so
 * an event name is only ever matched with its own service's source.
 */
export function eventPatterns(
  collectors: ReadonlyArray<{ id: string; events?: readonly EventDeclaration[] }>,
  maxLength = EVENT_PATTERN_MAX_LENGTH,
): EventPattern[] {
  const namesBySource = new Map<string, Set<string>>();
  for (const collector of collectors) {
    for (const declaration of collector.events ?? []) {
      const names = namesBySource.get(declaration.source) ?? new Set<string>();
      for (const name of declaration.names) names.add(name);
      namesBySource.set(declaration.source, names);
    }
  }
  const patternOf = (sources: string[], names: string[]): EventPattern => ({
    source: sources.map(eventBridgeSource),
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: sources, eventName: names },
  });
  const patterns: EventPattern[] = [];
  let sources: string[] = [];
  let names: string[] = [];
  const flush = () => {
    if (sources.length) patterns.push(patternOf(sources, names));
    sources = [];
    names = [];
  };
  for (const source of [...namesBySource.keys()].sort()) {
    const own = [...(namesBySource.get(source) ?? [])].sort();
    if (JSON.stringify(patternOf([...sources, source], [...names, ...own])).length <= maxLength) {
      sources.push(source);
      names.push(...own);
      continue;
    }
    flush();
    // One service alone may need several patterns.
    for (const name of own) {
      if (sources.length && JSON.stringify(patternOf(sources, [...names, name])).length > maxLength) flush();
      sources = [source];
      names.push(name);
      if (JSON.stringify(patternOf(sources, names)).length > maxLength)
        throw new Error(`the event name ${name} alone makes a pattern over ${maxLength} characters`);
    }
  }
  flush();
  return patterns;
}

/** The values at a dotted path of an event's detail (`a.b[].c` walks the list at `b`). */
export function valuesAt(detail: unknown, path: string): string[] {
  let current: unknown[] = [detail];
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    const next: unknown[] = [];
    for (const value of current) {
      if (!value || typeof value !== 'object') continue;
      const child = (value as Record<string, unknown>)[key];
      if (list) {
        if (Array.isArray(child)) next.push(...child);
      } else if (child !== undefined && child !== null) next.push(child);
    }
    current = next;
  }
  return current.filter((value): value is string | number => typeof value === 'string' || typeof value === 'number').map(String);
}
