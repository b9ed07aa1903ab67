import { accountsReadBy, PRECOMPUTED_SHARED_ACCOUNTS } from './accounts';
import { seededRandom, type SeededRandom } from './random';
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
  /**
   * Accounts' services' data generated again whenever it is read, instead of held: the ingestion
   * benchmark's organization then costs the measured process nothing (at 1,000 x 16, about 410 MB
   * held), as AWS's data costs a real run nothing. The accounts other accounts' calls read (the
   * management account, peered accounts) are held as usual. The same data as without.
   */
  lazy?: boolean;
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
  /** An account's services' data, drawn from `draw` (the same draws give the same data). */
  const dataOf = (id: string, scale: number, draw: SeededRandom): Pick<WorldAccount, 'global' | 'regions'> => {
    const global: NonNullable<WorldAccount['global']> = {};
    for (const simulator of globalGenerators) {
      global[simulator.service] = simulator.generate?.({
        accountId: id,
        region: 'us-east-1',
        size: sectionSize(options, scale, undefined),
        random: draw,
        sections: global,
      });
    }
    const byRegion: NonNullable<WorldAccount['regions']> = {};
    for (const [regionIndex, region] of regions.entries()) {
      const sections: Record<string, unknown> = {};
      const size = sectionSize(options, scale, regionIndex);
      for (const simulator of regionalGenerators) {
        sections[simulator.service] = simulator.generate?.({ accountId: id, region, size, random: draw, sections });
      }
      byRegion[region] = sections;
    }
    return { global, regions: byRegion };
  };
  const accounts: WorldAccount[] = [];
  const shared = new Set<string>();
  const lastRead = new LastRead<Pick<WorldAccount, 'global' | 'regions'>>(LAZY_ACCOUNTS_KEPT);
  for (let index = 0; index < options.accounts; index++) {
    const scale = accountScale(options, index);
    const id = String(100000000000 + index * 7919).padStart(12, '0');
    const account: WorldAccount = {
      id,
      name: `generated-${index}`,
      email: `aws+${index}@generated.example`,
      joinedMethod: 'CREATED',
      joinedAt: '2020-01-01T00:00:00Z',
    };
    const start = random.state;
    const data = dataOf(id, scale, random);
    Object.assign(account, data);
    if (index === 0) shared.add(id);
    if (options.lazy) {
      const others = accountsReadBy(account, simulators);
      if (others.length) for (const other of [id, ...others]) shared.add(other);
      // Replayed from where this account's draws started.
      const regenerate = () => lastRead.get(id, () => dataOf(id, scale, seededRandom(start)));
      for (const member of ['global', 'regions'] as const) {
        Object.defineProperty(account, member, {
          enumerable: true,
          configurable: true,
          get: () => regenerate()[member],
          // A writer (tests' mutations) gets a plain property: the account is then held as written.
          set: (value: unknown) => Object.defineProperty(account, member, { value, enumerable: true, configurable: true, writable: true }),
        });
      }
    }
    accounts.push(account);
  }
  if (options.lazy) {
    // Accounts read across are held (generated once more: which they are is known only now).
    for (const account of accounts) if (shared.has(account.id)) hold(account);
  }
  const world: World = {
    organization: { id: 'o-generated000', managementAccountId: accounts[0]?.id ?? '100000000000', roleName: 'JupiterOne', externalId: 'generated-external-id' },
    regions: regions.map((name) => ({ name })),
    accounts,
    behaviour: { latencyMs: options.latencyMs ?? 0, throttling: options.throttling ?? false, pageSize: options.pageSize, seed: options.seed ?? 42 },
  };
  if (options.lazy) PRECOMPUTED_SHARED_ACCOUNTS.set(accounts, shared);
  return world;
}

/** How many lazily generated accounts' data stay held after a read (the reads of one account come together). */
const LAZY_ACCOUNTS_KEPT = 4;

/** Turns a lazy account's data into plain properties, read once. */
function hold(account: WorldAccount): void {
  const data = { global: account.global, regions: account.regions };
  for (const member of ['global', 'regions'] as const)
    Object.defineProperty(account, member, { value: data[member], enumerable: true, configurable: true, writable: true });
}

/** The last few values made, by key: a key read again soon after is not made again. */
class LastRead<T> {
  private readonly values = new Map<string, T>();
  constructor(private readonly size: number) {}

  get(key: string, make: () => T): T {
    let value = this.values.get(key);
    if (value === undefined) {
      value = make();
      if (this.values.size >= this.size) this.values.delete(this.values.keys().next().value as string);
    } else this.values.delete(key);
    this.values.set(key, value);
    return value;
  }
}
