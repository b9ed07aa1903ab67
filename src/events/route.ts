/**
 * From SQS messages to what to refresh: each message body is an EventBridge event of type
 * `AWS API Call via CloudTrail` (the CloudTrail record in `detail`); the collectors whose `events`
 * declarations name its source and operation are refreshed in its account and region.
 */
import { CLOUDTRAIL_DETAIL_TYPE, valuesAt, type EventDeclaration } from './declarations';

/** The facts of one CloudTrail event that routing needs. */
export interface CloudTrailEvent {
  /** EventBridge's event id (duplicates of one delivery share it). */
  id: string;
  account: string;
  region: string;
  /** `detail.eventTime`, epoch milliseconds. */
  time: number;
  eventSource: string;
  eventName: string;
  detail: Record<string, unknown>;
}

/** A message that is not a CloudTrail event as EventBridge delivers it, and why. */
export class PoisonEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonEventError';
  }
}

/** Parses an EventBridge event; throws PoisonEventError saying what is missing. */
export function parseEvent(body: string): CloudTrailEvent {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new PoisonEventError(`not JSON: ${body.slice(0, 80)}`);
  }
  if (!event || typeof event !== 'object') throw new PoisonEventError('not an object');
  if (event['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE)
    throw new PoisonEventError(`detail-type is ${JSON.stringify(event['detail-type'])}, not "${CLOUDTRAIL_DETAIL_TYPE}"`);
  const detail = event.detail as Record<string, unknown> | undefined;
  const missing = [
    ...['id', 'account', 'region'].filter((field) => typeof event[field] !== 'string'),
    ...['eventSource', 'eventName', 'eventTime'].filter((field) => typeof detail?.[field] !== 'string').map((field) => `detail.${field}`),
  ];
  if (missing.length) throw new PoisonEventError(`missing ${missing.join(', ')}`);
  const time = Date.parse(String(detail!.eventTime));
  if (Number.isNaN(time)) throw new PoisonEventError(`detail.eventTime ${JSON.stringify(detail!.eventTime)} is not a time`);
  if (!/^\d{12}$/.test(String(event.account))) throw new PoisonEventError(`account ${JSON.stringify(event.account)} is not an account id`);
  return {
    id: String(event.id),
    account: String(event.account),
    region: String(event.region),
    time,
    eventSource: String(detail!.eventSource),
    eventName: String(detail!.eventName),
    detail: detail!,
  };
}

export interface RoutableCollector {
  id: string;
  service: string;
  scope: 'global' | 'regional';
  events?: readonly EventDeclaration[];
}

/** What a batch of events asks to refresh: a narrowed run's scope (docs/event-streaming.md). */
export interface RefreshScope {
  accounts: string[];
  /** Regions of the events that affect regional collectors (global collectors run regardless). */
  regions: string[];
  services: string[];
  collectors: string[];
  /** Resource ids the events name, per collector (for the log and a future per-resource refresh). */
  resourceIds: Record<string, string[]>;
}

/**
 * The scope a batch of events asks for, and the events no collector declares (they change nothing
 * the graph holds). Events are taken in event-time order.
 */
export function scopeOfEvents(
  events: readonly CloudTrailEvent[],
  collectors: readonly RoutableCollector[],
): { scope?: RefreshScope; unmatched: CloudTrailEvent[] } {
  const byOperation = new Map<string, Array<{ collector: RoutableCollector; declaration: EventDeclaration }>>();
  for (const collector of collectors) {
    for (const declaration of collector.events ?? []) {
      for (const name of declaration.names) {
        const key = `${declaration.source} ${name}`;
        byOperation.set(key, [...(byOperation.get(key) ?? []), { collector, declaration }]);
      }
    }
  }
  const accounts = new Set<string>();
  const regions = new Set<string>();
  const services = new Set<string>();
  const chosen = new Set<string>();
  const resourceIds: Record<string, Set<string>> = {};
  const unmatched: CloudTrailEvent[] = [];
  for (const event of [...events].sort((a, b) => a.time - b.time || a.id.localeCompare(b.id))) {
    const targets = byOperation.get(`${event.eventSource} ${event.eventName}`);
    if (!targets) {
      unmatched.push(event);
      continue;
    }
    accounts.add(event.account);
    for (const { collector, declaration } of targets) {
      services.add(collector.service);
      chosen.add(collector.id);
      if (collector.scope === 'regional') regions.add(event.region);
      const ids = (resourceIds[collector.id] ??= new Set());
      for (const path of declaration.resourceIds ?? []) for (const id of valuesAt(event.detail, path)) ids.add(id);
    }
  }
  if (chosen.size === 0) return { unmatched };
  const sorted = (values: Iterable<string>) => [...values].sort();
  return {
    scope: {
      accounts: sorted(accounts),
      regions: sorted(regions),
      services: sorted(services),
      collectors: sorted(chosen),
      resourceIds: Object.fromEntries(Object.entries(resourceIds).map(([id, ids]) => [id, sorted(ids)])),
    },
    unmatched,
  };
}
