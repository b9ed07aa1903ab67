import type { PacerClock } from '../aws/rate-limits';

interface VirtualTimer {
  at: number;
  sequence: number;
  callback: () => void;
}

/**
 * Time for simulated runs that does not depend on the machine's speed. It moves in two ways only:
 * `msPerRead` with every reading (work done: each call reads it a few times), and, when timers are
 * pending (the pacer waiting for tokens), straight to the earliest of them once the event loop has
 * run what was ready (a `setImmediate` turn). A wait therefore costs no real time, and what the
 * simulated buckets hold at any point depends on the calls made, never on how busy the machine is.
 */
export class VirtualTime implements PacerClock {
  private time: number;
  private readonly timers: VirtualTimer[] = [];
  private sequence = 0;
  private advancing = false;

  constructor(private readonly options: { msPerRead?: number; start?: number } = {}) {
    this.time = options.start ?? 0;
  }

  now(): number {
    this.time += this.options.msPerRead ?? 0;
    return this.time;
  }

  /** The time, without moving it. */
  peek(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    const timer = { at: this.time + Math.max(0, delayMs), sequence: this.sequence++, callback };
    this.timers.push(timer);
    this.scheduleAdvance();
    return timer;
  }

  clearTimer(handle: unknown): void {
    const index = this.timers.indexOf(handle as VirtualTimer);
    if (index >= 0) this.timers.splice(index, 1);
  }

  private scheduleAdvance(): void {
    if (this.advancing) return;
    this.advancing = true;
    setImmediate(() => {
      this.advancing = false;
      if (!this.timers.length) return;
      this.timers.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
      const next = this.timers.shift() as VirtualTimer;
      this.time = Math.max(this.time, next.at);
      next.callback();
      if (this.timers.length) this.scheduleAdvance();
    });
  }
}
