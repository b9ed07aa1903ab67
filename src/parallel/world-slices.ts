import { allSimulators } from '../services';
import { accountsReadBy, PRECOMPUTED_SHARED_ACCOUNTS } from '../sim/accounts';
import type { ServiceSimulator, World, WorldAccount } from '../sim/types';

/** An account's own data in the simulated organization: what a worker needs to collect it. */
export interface AccountSlice {
  global?: WorldAccount['global'];
  regions?: WorldAccount['regions'];
}

/** The simulated organization as the collector workers get it: a skeleton, and each account's data apart. */
export interface SplitWorld {
  /**
   * The organization, its regions, behaviour and faults, and every account's identity (id, name,
   * tags, opted-in regions: Organizations and STS answer from them), but the services' data only of
   * the accounts that other accounts' calls read ({@link sharedAccounts}).
   */
  skeleton: World;
  /** The data of an account handed to a worker; undefined for a shared account (the skeleton has it). */
  sliceOf(accountId: string): AccountSlice | undefined;
}

/**
 * Accounts whose services' data other accounts' calls read, so every worker keeps them whole:
 *   - the management account (its organization section, its organization trails that CloudTrail
 *     shows every member as shadow trails);
 *   - both ends of an EC2 peering connection between two accounts (each side describes it, with
 *     the other side's VPC CIDR).
 * Not kept: other accounts' public or shared EC2 snapshots and images, which a worker's simulated
 * EC2 then does not list; the collectors ask only for their own (`OwnerIds`/`Owners: ['self']`).
 * S3 answers a call naming another account's bucket NoSuchBucket instead of AccessDenied; the
 * collectors name only buckets the account listed.
 */
export function sharedAccounts(world: World, simulators: readonly ServiceSimulator[] = allSimulators()): Set<string> {
  const precomputed = PRECOMPUTED_SHARED_ACCOUNTS.get(world.accounts);
  if (precomputed) return new Set(precomputed);
  const shared = new Set<string>([world.organization.managementAccountId]);
  for (const account of world.accounts) {
    const others = accountsReadBy(account, simulators);
    if (others.length === 0) continue;
    shared.add(account.id);
    for (const other of others) shared.add(other);
  }
  return shared;
}

/** The account without its services' data (a fresh object: the world is not changed, and a lazily generated account's data is not generated). */
function identityOf(account: WorldAccount): WorldAccount {
  const identity: Record<string, unknown> = {};
  for (const member of Object.keys(account)) if (member !== 'global' && member !== 'regions') identity[member] = account[member as keyof WorldAccount];
  return identity as unknown as WorldAccount;
}

/**
 * Splits the simulated organization for the collector workers. A worker used to get a whole copy
 * (at 1,000 accounts x 16 regions, about 355 MB per worker); now it gets the skeleton once and each
 * account's data with the account, and drops it when the account is done.
 */
export function splitWorld(world: World): SplitWorld {
  const shared = sharedAccounts(world);
  const byId = new Map(world.accounts.map((account) => [account.id, account]));
  return {
    skeleton: { ...world, accounts: world.accounts.map((account) => (shared.has(account.id) ? account : identityOf(account))) },
    sliceOf(accountId) {
      if (shared.has(accountId)) return undefined;
      const account = byId.get(accountId);
      return account && { global: account.global, regions: account.regions };
    },
  };
}

/**
 * A worker's side: the skeleton's accounts take their data when they are handed out and drop it
 * when they are done. Shared accounts (those the skeleton came with whole) are never dropped.
 */
export class WorldSlices {
  private readonly accounts = new Map<string, WorldAccount>();
  private readonly shared = new Set<string>();

  constructor(skeleton: World) {
    for (const account of skeleton.accounts) {
      this.accounts.set(account.id, account);
      if (account.global !== undefined || account.regions !== undefined) this.shared.add(account.id);
    }
  }

  /** Gives the account its data (the simulated services read it through the same object). */
  attach(accountId: string, slice: AccountSlice | undefined): void {
    const account = this.accounts.get(accountId);
    if (!account || !slice || this.shared.has(accountId)) return;
    if (slice.global !== undefined) account.global = slice.global;
    if (slice.regions !== undefined) account.regions = slice.regions;
  }

  /** Drops the account's data once nothing more is called for it. */
  release(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (!account || this.shared.has(accountId)) return;
    delete account.global;
    delete account.regions;
  }

  /** Accounts whose data is held and not shared (diagnostics, tests). */
  get held(): number {
    let count = 0;
    for (const [id, account] of this.accounts) if (!this.shared.has(id) && (account.global !== undefined || account.regions !== undefined)) count++;
    return count;
  }
}
