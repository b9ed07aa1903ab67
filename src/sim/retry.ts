import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import type { RetryStrategyV2 } from '@smithy/types';

/** Retries for the simulated organization: the SDK's strategy, with short fixed delays. */
export function fastRetryStrategy(maxAttempts = 10): () => RetryStrategyV2 {
  return () => new ConfiguredRetryStrategy(maxAttempts, (attempt) => Math.min(5 * attempt, 50));
}
