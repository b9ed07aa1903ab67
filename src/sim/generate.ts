import { seededRandom } from './random';
import type { ServiceSimulator, World, WorldAccount } from './types';

export interface GenerateOptions {
  accounts: number;
  regions: number;
  /**
   * Resources of each kind per account and region (per account for global services). With the
   * `realistic` mix, the count in an account's busiest region.
   */
  resourcesPerRegion: number;
  /**
   * `uniform` (default): every account and region gets `resourcesPerRegion` of each kind.
   * `realistic`: accounts differ in size and most resources live in a few regions, as in real
   * organizations (see {@link REALISTIC_MIX}).
   */
  mix?: 'uniform' | 'realistic';
  latencyMs?: number;
  throttling?: boolean;
  pageSize?: number;
  seed?: number;
}

/** Commercial regions in the order AWS lists them; the first `regions` of them are used. */
export const COMMERCIAL_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
];

/**
 * The realistic mix. Accounts come in three sizes (a few large production accounts, many medium
 * workload accounts, small sandbox and security accounts); within an account, the first region (the
 * home region) holds the most resources, the next one a share of them (disaster recovery or a second
 * market), two more a few, and the others only what AWS or a landing zone puts in every region
 * (default VPC and network, the AWS-managed keys, a log bucket), which services generate for a size
 * of 0.
 */
export const REALISTIC_MIX = {
  /** Fraction of the accounts, and their size relative to `resourcesPerRegion`. */
  accountSizes: [
    { share: 0.15, scale: 1 },
    { share: 0.5, scale: 0.5 },
    { share: 0.35, scale: 0.15 },
  ],
  /** Weight of each region by its position in the account's regions; later regions get `otherRegions`. */
  regionWeights: [1, 0.4, 0.1, 0.1],
  otherRegions: 0,
} as const;

/** Size of one account's section (global: `region` undefined) under a mix. */
function sectionSize(options: GenerateOptions, accountScale: number, regionIndex: number | undefined): number {
  if ((options.mix ?? 'uniform') === 'uniform') return options.resourcesPerRegion;
  const weight = regionIndex === undefined ? 1 : (REALISTIC_MIX.regionWeights[regionIndex] ?? REALISTIC_MIX.otherRegions);
  return Math.round(options.resourcesPerRegion * accountScale * weight);
}

/** Deterministic size class of the account at `index` (spread evenly, not clustered). */
function accountScale(options: GenerateOptions, index: number): number {
  if ((options.mix ?? 'uniform') === 'uniform') return 1;
  // Golden-ratio sequence: a low-discrepancy position in [0, 1) for each account.
  const position = (index * 0.6180339887498949 + 0.5) % 1;
  let cumulative = 0;
  for (const size of REALISTIC_MIX.accountSizes) {
    cumulative += size.share;
    if (position < cumulative) return size.scale;
  }
  return REALISTIC_MIX.accountSizes[REALISTIC_MIX.accountSizes.length - 1].scale;
}

/**
 * A generated organization of N accounts x M regions x K resources, built by each service's own
 * `generate`, for benchmarks. Deterministic for a given seed.
 */
export function generateWorld(options: GenerateOptions, simulators: readonly ServiceSimulator[]): World {
  if (options.regions > COMMERCIAL_REGIONS.length) throw new Error(`at most ${COMMERCIAL_REGIONS.length} regions can be generated`);
  const random = seededRandom(options.seed ?? 42);
  const regions = COMMERCIAL_REGIONS.slice(0, options.regions);
  const generators = simulators.filter((s) => s.generate);
  const globalGenerators = generators.filter((s) => s.scope === 'global');
  const regionalGenerators = generators.filter((s) => s.scope === 'regional');
  const accounts: WorldAccount[] = [];
  for (let index = 0; index < options.accounts; index++) {
    const scale = accountScale(options, index);
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
    for (const simulator of globalGenerators) {
      (account.global ??= {})[simulator.service] = simulator.generate?.({
        accountId: id,
        region: 'us-east-1',
        size: sectionSize(options, scale, undefined),
        random,
        sections: account.global ?? {},
      });
    }
    for (const [regionIndex, region] of regions.entries()) {
      const sections: Record<string, unknown> = {};
      const size = sectionSize(options, scale, regionIndex);
      for (const simulator of regionalGenerators) {
        sections[simulator.service] = simulator.generate?.({ accountId: id, region, size, random, sections });
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
