interface ChainState {
  base?: number;
  lastCompleted?: number;
  max: number;
}

/**
 * Causal chains of API calls, for the benchmark's lower bound. A call's depth is one more than the
 * depth of the call whose completion let it start: the last call of the same scope to complete
 * before it was issued (a page after the previous page, a worker's next item after its previous
 * one), or for a scope's first call the base the runner gave it (the end of the tasks it depends
 * on), or else the call completed last anywhere. When a call waits for several (`Promise.all`) only
 * the last one to complete counts, so depths never exceed the true dependency chain.
 */
export class CallChains {
  private readonly scopes = new Map<string, ChainState>();
  /** The scope keys of each account, so that a released account's states can go. */
  private readonly keysByAccount = new Map<string, string[]>();
  /** The deepest chain of each released account. */
  private readonly releasedDepths = new Map<string, number>();
  private lastCompleted = 0;
  /** Longest chain so far, in calls. */
  maxDepth = 0;
  /** Scope of the call that ended the longest chain. */
  deepestScope?: string;

  private state(key: string): ChainState {
    let state = this.scopes.get(key);
    if (!state) {
      this.scopes.set(key, (state = { max: 0 }));
      const accountId = accountOfKey(key);
      const keys = this.keysByAccount.get(accountId);
      if (keys) keys.push(key);
      else this.keysByAccount.set(accountId, [key]);
    }
    return state;
  }

  /**
   * Forgets the states of an account whose collection is over, keeping its deepest chain: one state
   * per account x region x collector held to the end of the run was about 60 MB per worker at 1,000
   * accounts x 16 regions.
   */
  releaseAccount(accountId: string): void {
    const keys = this.keysByAccount.get(accountId);
    if (!keys) return;
    let deepest = this.releasedDepths.get(accountId) ?? 0;
    for (const key of keys) {
      deepest = Math.max(deepest, this.scopes.get(key)?.max ?? 0);
      this.scopes.delete(key);
    }
    this.keysByAccount.delete(accountId);
    this.releasedDepths.set(accountId, deepest);
  }

  /** Scope states held (tests: released accounts hold none). */
  get heldScopes(): number {
    return this.scopes.size;
  }

  setBase(key: string, depth: number): void {
    const state = this.state(key);
    state.base = depth;
    state.max = Math.max(state.max, depth);
  }

  /** Depth at which a scope ended: its deepest call, or its base when it made none. */
  depthOf(key: string): number {
    return this.scopes.get(key)?.max ?? 0;
  }

  issue(key: string): number {
    const state = this.state(key);
    const depth = (state.lastCompleted ?? state.base ?? this.lastCompleted) + 1;
    if (depth > state.max) state.max = depth;
    if (depth > this.maxDepth) {
      this.maxDepth = depth;
      this.deepestScope = key;
    }
    return depth;
  }

  complete(key: string, depth: number): void {
    this.state(key).lastCompleted = depth;
    this.lastCompleted = depth;
  }

  /** Per account (the first part of a scope's key), the deepest chain of its scopes. */
  maxDepthByAccount(): Map<string, number> {
    const depths = new Map<string, number>(this.releasedDepths);
    for (const [key, state] of this.scopes) {
      const accountId = accountOfKey(key);
      depths.set(accountId, Math.max(depths.get(accountId) ?? 0, state.max));
    }
    return depths;
  }

  /** The base a scope's chain was given ({@link setBase}), if any. */
  baseOf(key: string): number | undefined {
    return this.scopes.get(key)?.base;
  }
}

function accountOfKey(key: string): string {
  const end = key.indexOf('|');
  return end < 0 ? key : key.slice(0, end);
}
