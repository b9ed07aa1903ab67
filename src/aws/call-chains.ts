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
  private lastCompleted = 0;
  /** Longest chain so far, in calls. */
  maxDepth = 0;
  /** Scope of the call that ended the longest chain. */
  deepestScope?: string;

  private state(key: string): ChainState {
    let state = this.scopes.get(key);
    if (!state) this.scopes.set(key, (state = { max: 0 }));
    return state;
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
    const depths = new Map<string, number>();
    for (const [key, state] of this.scopes) {
      const accountId = key.slice(0, key.indexOf('|'));
      depths.set(accountId, Math.max(depths.get(accountId) ?? 0, state.max));
    }
    return depths;
  }

  /** The base a scope's chain was given ({@link setBase}), if any. */
  baseOf(key: string): number | undefined {
    return this.scopes.get(key)?.base;
  }
}
