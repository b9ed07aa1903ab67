import type { ServiceSimulator, World, WorldAccount } from './types';

interface AccountIndex {
  length: number;
  byId: Map<string, WorldAccount>;
}

/** By accounts array: a world whose array is replaced gets a new index. */
const indexes = new WeakMap<readonly WorldAccount[], AccountIndex>();

/**
 * The world's account of this id, looked up by key. A simulated call concerns one account and
 * region: a scan of the organization in every call made each call dearer as the organization grew
 * (EC2's calls cost 10x more at 1,000 accounts than at 50). Indexed once per accounts array, again
 * if it grows (accounts are otherwise fixed while a world is served; mutations replace sections).
 */
export function accountOf(world: World, id: string | undefined): WorldAccount | undefined {
  const accounts = world.accounts;
  let index = indexes.get(accounts);
  if (!index || index.length !== accounts.length) {
    index = { length: accounts.length, byId: new Map() };
    // The first of a duplicated id, as `find` would answer.
    for (const account of accounts) if (!index.byId.has(account.id)) index.byId.set(account.id, account);
    indexes.set(accounts, index);
  }
  return id === undefined ? undefined : index.byId.get(id);
}

/**
 * The accounts whose simulated data a world's generator found read across accounts (see
 * `sharedAccounts`), by accounts array (a world spread into another keeps it), for worlds whose
 * accounts' data is generated on each read: finding them again
 * would generate every account once more.
 */
export const PRECOMPUTED_SHARED_ACCOUNTS = new WeakMap<readonly WorldAccount[], ReadonlySet<string>>();

/** Other accounts whose data this account's simulated calls read (EC2: the accepters of its peering connections). */
export function accountsReadBy(account: WorldAccount, simulators: readonly ServiceSimulator[]): string[] {
  const others = new Set<string>();
  for (const { service, scope, readsAccounts } of simulators) {
    if (!readsAccounts) continue;
    const sections = scope === 'global' ? [account.global?.[service]] : Object.values(account.regions ?? {}).map((region) => region[service]);
    for (const section of sections) {
      if (section === undefined) continue;
      for (const other of readsAccounts(section, account.id)) if (other !== account.id) others.add(other);
    }
  }
  return [...others];
}
