/** A seeded PRNG whose position can be read, so that a sequence can be replayed from there. */
export interface SeededRandom {
  (): number;
  /** The generator's state: `seededRandom(state)` draws what this one draws next. */
  readonly state: number;
}

/** Small seeded PRNG (mulberry32): the simulator's random choices repeat from run to run. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.defineProperty(next, 'state', { get: () => state }) as SeededRandom;
}
