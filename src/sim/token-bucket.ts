import { DEFAULT_RATE_LIMIT } from '../aws/rate-limits';
import type { TokenBucketSpec } from './types';

/** AWS-style token bucket: starts full, refills continuously, a call takes one token or is throttled. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly spec: TokenBucketSpec,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = spec.capacity;
    this.updatedAt = now();
  }

  tryTake(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.spec.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.spec.refillPerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Default buckets when a service does not say: the access layer's default (AWS's EC2 non-mutating bucket). */
export const DEFAULT_BUCKET: TokenBucketSpec = DEFAULT_RATE_LIMIT.limit;
