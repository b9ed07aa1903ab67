import { seededRandom } from './random';
import type { ServiceSimulator, World, WorldAccount } from './types';

export interface GenerateOptions {
  accounts: number;
  regions: number;
  /** Resources of each kind per account and region (per account for global services). */
  resourcesPerRegion: number;
  latencyMs?: number;
  throttling?: boolean;
  pageSize?: number;
  seed?: number;
}

/** Commercial regions in the order AWS lists them; the first `regions` of them are used. */
export const COMMERCIAL_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
];

/**
 * A generated organization of N accounts x M regions x K resources, built by each service's own
 * `generate`, for benchmarks. Deterministic for a given seed.
 */
export function generateWorld(options: GenerateOptions, simulators: readonly ServiceSimulator[]): World {
  if (options.regions > COMMERCIAL_REGIONS.length) throw new Error(`at most ${COMMERCIAL_REGIONS.length} regions can be generated`);
  const random = seededRandom(options.seed ?? 42);
  const regions = COMMERCIAL_REGIONS.slice(0, options.regions);
  const generators = simulators.filter((s) => s.generate);
  const accounts: WorldAccount[] = [];
  for (let index = 0; index < options.accounts; index++) {
    const id = String(100000000000 + index * 7919).padStart(12, '0');
    const account: WorldAccount = {
      id,
      name: `generated-${index}`,
      email: `aws+${index}@generated.example`,
      joinedMethod: 'CREATED',
      joinedAt: '2020-01-01T00:00:00Z',
      global: {},
      regions: {},
    };
    for (const simulator of generators.filter((s) => s.scope === 'global')) {
      (account.global ??= {})[simulator.service] = simulator.generate?.({
        accountId: id,
        region: 'us-east-1',
        size: options.resourcesPerRegion,
        random,
        sections: account.global ?? {},
      });
    }
    for (const region of regions) {
      const sections: Record<string, unknown> = {};
      for (const simulator of generators.filter((s) => s.scope === 'regional')) {
        sections[simulator.service] = simulator.generate?.({ accountId: id, region, size: options.resourcesPerRegion, random, sections });
      }
      (account.regions ??= {})[region] = sections;
    }
    accounts.push(account);
  }
  return {
    organization: { id: 'o-generated000', managementAccountId: accounts[0]?.id ?? '100000000000', roleName: 'JupiterOne', externalId: 'generated-external-id' },
    regions: regions.map((name) => ({ name })),
    accounts,
    behaviour: { latencyMs: options.latencyMs ?? 0, throttling: options.throttling ?? false, pageSize: options.pageSize, seed: options.seed ?? 42 },
  };
}
