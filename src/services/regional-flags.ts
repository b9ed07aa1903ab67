import type { CollectorContext, EnrichmentDeclaration } from '../collectors/types';
import type { Entity } from '../graph';
import { serviceEntityKey, serviceEntityType } from '../graph';

/**
 * A per-region fact on a service entity (`enabled.us-east-1` on `aws_guardduty`), with a sorted
 * summary of the regions where it is false (`disabledRegions`): how a service that is not enabled
 * in a region is recorded, since there is no resource to carry the fact.
 */
export interface RegionalFlag {
  service: string;
  /** Per-region property prefix, without the dot: `enabled`. */
  property: string;
  /** Sorted regions where the flag is false. */
  summary: string;
}

export function regionalFlagEnrichment(flag: RegionalFlag): EnrichmentDeclaration {
  return {
    _type: serviceEntityType(flag.service),
    properties: [`${flag.property}.*`],
    derived: { properties: [flag.summary], compute: (entity) => summarizeRegionalFlag(entity, flag) },
  };
}

/** Recomputes the summary from the per-region values, so it does not depend on which region finished first. */
export function summarizeRegionalFlag(service: Entity, flag: RegionalFlag): void {
  const prefix = `${flag.property}.`;
  const off: string[] = [];
  for (const name of Object.keys(service)) if (name.startsWith(prefix) && service[name] === false) off.push(name.slice(prefix.length));
  if (off.length) service[flag.summary] = off.sort();
  else delete service[flag.summary];
}

/** Sets the flag for the collector's region on its account's service entity. */
export function setRegionalFlag(context: CollectorContext, flag: RegionalFlag, value: boolean): void {
  const service = context.graph.getEntity(serviceEntityKey(context.account.accountId, flag.service));
  if (!service) return;
  service[`${flag.property}.${context.region}`] = value;
  summarizeRegionalFlag(service, flag);
}
