import type { PacerClock } from '../../src/aws/rate-limits';

interface Timer {
  at: number;
  sequence: number;
  callback: () => void;
}

/** A clock whose time moves only when the test says; timers fire in time order. */
export class FakeClock implements PacerClock {
  time = 0;
  private timers: Timer[] = [];
  private sequence = 0;

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    const timer = { at: this.time + Math.max(0, delayMs), sequence: this.sequence++, callback };
    this.timers.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves to the next timer, fires it and lets the promises it resolved run. False when none is left. */
  async fireNext(): Promise<boolean> {
    if (!this.timers.length) return false;
    this.timers.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
    const timer = this.timers.shift() as Timer;
    this.time = Math.max(this.time, timer.at);
    timer.callback();
    await settle();
    return true;
  }

  /** Fires timers until none is left (or `untilMs` is reached). */
  async run(untilMs = Infinity): Promise<void> {
    while (this.timers.length && Math.min(...this.timers.map((t) => t.at)) <= untilMs) await this.fireNext();
    if (untilMs !== Infinity) this.time = Math.max(this.time, untilMs);
  }
}

/** Lets every pending promise callback run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
