import { GLOBAL_REGION } from '../collectors/runner';
import type { AccountInfo, Collector } from '../collectors/types';
import type { IngestConfig } from '../config';
import { allCollectors } from '../services';
import type { ScopeFields } from '../snapshot';

/** What a run narrowed by services, accounts or regions refreshes; the rest of the graph is carried. */
export interface RunScope {
  services?: { include?: string[]; exclude?: string[] };
  accounts?: string[];
  regions?: { include?: string[]; exclude?: string[] };
  /** Entities and relationships outside the scope, carried from the previous snapshot unchanged. */
  carried: { entities: number; relationships: number };
}

/**
 * The scope of a narrowed run, or undefined for a whole run (or `replace`, where the snapshot holds
 * only what the run read). Accounts narrow only in organization mode: there the organization is the
 * whole, and `accounts` a part of it; without it, the accounts listed are the whole.
 */
export function runScope(config: IngestConfig): RunScope | undefined {
  if (config.replace) return undefined;
  const listed = (selection?: { include?: string[]; exclude?: string[] }) =>
    selection && (selection.include?.length || selection.exclude?.length) ? selection : undefined;
  const scope: RunScope = {
    services: listed(config.services),
    accounts: config.organization && config.accounts?.length ? config.accounts.map((account) => account.id) : undefined,
    regions: listed(config.regions),
    carried: { entities: 0, relationships: 0 },
  };
  return scope.services || scope.accounts || scope.regions ? scope : undefined;
}

/** Whether an object of the previous snapshot lies outside a narrowed run's scope (`collectors`: those the run selected). */
export function outsideOf(scope: RunScope, collectors: readonly Collector[]): (object: ScopeFields) => boolean {
  const accounts = scope.accounts && new Set(scope.accounts);
  const collectorIds = new Set(collectors.map((collector) => collector.id));
  const include = scope.regions?.include?.length ? new Set(scope.regions.include) : undefined;
  const exclude = new Set(scope.regions?.exclude ?? []);
  return (object) => {
    // Mapped entities belong to no account: carried edges bring those they point at.
    if (object._accountId === undefined) return false;
    if (accounts && !accounts.has(object._accountId)) return true;
    if (scope.services && object._collector !== undefined && !collectorIds.has(object._collector)) return true;
    const region = object._region;
    if (scope.regions && region !== undefined && region !== GLOBAL_REGION && ((include && !include.has(region)) || exclude.has(region))) return true;
    return false;
  };
}

/** Per reachable account, the collectors whose enrichments a narrowed run did not attempt. */
export function enrichmentsOutside(
  scope: RunScope,
  selected: readonly Collector[],
  accounts: readonly AccountInfo[],
): Array<{ accountId: string; region: string; collector: string }> {
  const selectedIds = new Set(selected.map((collector) => collector.id));
  const outside = allCollectors().filter(
    (collector) =>
      collector.enriches?.length &&
      ((scope.services && !selectedIds.has(collector.id)) || (scope.regions && selectedIds.has(collector.id) && collector.scope === 'regional')),
  );
  return accounts.flatMap((account) => outside.map((collector) => ({ accountId: account.accountId, region: '*', collector: collector.id })));
}
