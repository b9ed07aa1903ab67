import type { CredentialsClock } from '../../src/aws/access';

/** A wall clock (epoch ms) that moves only when the test moves it. */
export class ManualClock implements CredentialsClock {
  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

/**
 * A wall clock that moves `stepMs` every time it is read: time passes with the work done (each
 * call reads it a few times), not with the machine's speed, so expiries fall at the same points of
 * a run however busy the machine is.
 */
export class TickingClock implements CredentialsClock {
  constructor(
    private readonly stepMs: number,
    public time = Date.UTC(2026, 0, 1),
  ) {}

  now(): number {
    this.time += this.stepMs;
    return this.time;
  }
}
