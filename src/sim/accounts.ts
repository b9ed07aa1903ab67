import type { World, WorldAccount } from './types';

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
