import type { IngestConfig } from '../config';
import type { RefreshScope } from './route';

function within(wanted: readonly string[], allowed: readonly string[] | undefined): string[] {
  return allowed?.length ? wanted.filter((value) => allowed.includes(value)) : [...wanted];
}

/**
 * The configuration of the narrowed run that refreshes what a batch of events names: its services,
 * and in organization mode its accounts, and the regions of its regional events, all within what
 * the configuration already allows. The rest of the graph is carried unchanged (a scoped run).
 * Without organization mode the listed accounts are the whole, so every listed account is
 * refreshed for those services.
 */
export function narrowedConfig(config: Partial<IngestConfig>, scope: RefreshScope): Partial<IngestConfig> {
  const narrowed: Partial<IngestConfig> = { ...config, replace: false };
  narrowed.services = { include: within(scope.services, config.services?.include), exclude: config.services?.exclude };
  if (config.organization) {
    const configured = config.accounts?.map((account) => account.id);
    narrowed.accounts = within(scope.accounts, configured).map((id) => config.accounts?.find((account) => account.id === id) ?? { id });
  }
  if (scope.regions.length) narrowed.regions = { include: within(scope.regions, config.regions?.include), exclude: config.regions?.exclude };
  return JSON.parse(JSON.stringify(narrowed)) as Partial<IngestConfig>;
}
