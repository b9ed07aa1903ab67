import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { isThrottlingError } from './errors';

export interface ThrottleRetryOptions {
  /** Throttled attempts retried per call before the throttle is reported (default: no limit but the deadline). */
  maxRetries?: number;
  /** Base of the exponential backoff with full jitter, in ms (default 20). */
  baseDelayMs?: number;
  /** Ceiling of one backoff, in ms (default 2000). */
  maxDelayMs?: number;
  /**
   * How long after the run started throttled calls are still retried, in ms (default one hour): a
   * throttle never loses a call while the run has time; past it, the throttle is reported.
   */
  deadlineMs?: number;
  /** Monotonic milliseconds the deadline is measured in (tests: a virtual clock). */
  clock?: { now(): number };
}

/** Throttled calls are retried for this long after the run started (see {@link ThrottleRetryOptions.deadlineMs}). */
export const DEFAULT_THROTTLE_DEADLINE_MS = 60 * 60 * 1000;

class ThrottleAwareToken implements RetryToken {
  constructor(
    readonly inner: RetryToken,
    private readonly count: number,
    private readonly delay: number,
    readonly throttles: number,
  ) {}

  getRetryCount(): number {
    return this.count;
  }

  getRetryDelay(): number {
    return this.delay;
  }
}

/**
 * Retries throttled attempts itself, with exponential backoff and full jitter, and leaves every
 * other error to the wrapped strategy. Throttling therefore never spends the wrapped strategy's
 * attempts nor its retry quota (the SDK's standard strategy allows 100 throttled retries per client
 * without a success in between, then gives up on every call of that client): a throttled call is
 * retried, with capped exponential backoff, until it succeeds or the run's deadline passes. The pace
 * itself comes from the bucket pacer, which slows down on throttling.
 */
export class ThrottleTolerantRetryStrategy implements RetryStrategyV2 {
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: { now(): number };
  /** When throttled calls stop being retried (the clock's milliseconds). */
  private readonly deadline: number;

  constructor(
    private readonly inner: RetryStrategyV2,
    options: ThrottleRetryOptions & { deadline?: number } = {},
    private readonly random: () => number = Math.random,
  ) {
    this.maxRetries = options.maxRetries ?? Infinity;
    this.baseDelayMs = options.baseDelayMs ?? 20;
    this.maxDelayMs = options.maxDelayMs ?? 2000;
    this.clock = options.clock ?? performance;
    this.deadline = options.deadline ?? this.clock.now() + (options.deadlineMs ?? DEFAULT_THROTTLE_DEADLINE_MS);
  }

  async acquireInitialRetryToken(retryTokenScope: string | undefined): Promise<RetryToken> {
    // Older clients' retry middleware (WAF Classic Regional's last release) passes no scope: the SDK's strategy expects a string.
    return new ThrottleAwareToken(await this.inner.acquireInitialRetryToken(retryTokenScope ?? ''), 0, 0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const current = token as ThrottleAwareToken;
    if (errorInfo.errorType === 'THROTTLING' || isThrottlingError(errorInfo.error)) {
      if (current.throttles >= this.maxRetries) throw new Error('No retry token available: still throttled');
      const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(current.throttles, 30));
      const delay = Math.floor(this.random() * ceiling);
      // Past the run's deadline the throttle is reported (the SDK then throws the throttling error).
      if (this.clock.now() + delay > this.deadline) throw new Error('No retry token available: still throttled at the run deadline');
      return new ThrottleAwareToken(current.inner, current.getRetryCount() + 1, delay, current.throttles + 1);
    }
    const next = await this.inner.refreshRetryTokenForRetry(current.inner, errorInfo);
    return new ThrottleAwareToken(next, current.getRetryCount() + 1, next.getRetryDelay(), current.throttles);
  }

  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess((token as ThrottleAwareToken).inner);
  }
}
