import test from 'ava';
import { discoveryBound } from '../../bench/ingest.bench';
import { CallChains } from '../../src/aws/access';
import type { WorkerDiagnostics } from '../../src/parallel/protocol';
import type { BucketUsage } from '../../src/sim/simulator';

/** A run's chains: each account listed at depth 2 (ListAccounts, then its tags), then `ownChain` calls of its own. */
function chainsOf(ownChains: Record<string, number>): CallChains {
  const chains = new CallChains();
  for (const [accountId, own] of Object.entries(ownChains)) {
    const regions = `${accountId}|global|regions`;
    chains.setBase(regions, 2);
    let depth = 0;
    for (let call = 0; call < own; call++) {
      depth = chains.issue(regions);
      chains.complete(regions, depth);
    }
  }
  return chains;
}

const tagsBucket = (capacity: number, refillPerSecond: number): BucketUsage => ({
  key: '100000000000|global|organizations:ListTagsForResource',
  capacity,
  refillPerSecond,
  taken: 0,
  throttled: 0,
});

test('the discovery-aware bound gives the earliest tag tokens to the longest chains', (t) => {
  // Chains from the tag call on: its own call + 9, + 4, + 1 (own calls + the tag call).
  const chains = chainsOf({ '111111111111': 9, '222222222222': 4, '333333333333': 1 });
  // One token at once, then one every 100 ms: tokens at 0, 100 and 200 ms; 50 ms per call.
  // Longest first: max(0 + 10 x 50, 100 + 5 x 50, 200 + 2 x 50) = 500 ms.
  t.is(discoveryBound(chains, [], [tagsBucket(1, 10)], 50), 500);
  // A tighter bucket makes the later accounts bind: tokens at 0, 1000, 2000 ms -> 2000 + 100.
  t.is(discoveryBound(chains, [], [tagsBucket(1, 1)], 50), 2100);
  // Enough tokens for everyone at once: the longest chain alone.
  t.is(discoveryBound(chains, [], [tagsBucket(20, 10)], 50), 500);
  // Without the Organizations bucket (not an organization run) there is nothing to add.
  t.is(discoveryBound(chains, [], [], 50), 0);
});

test("the discovery-aware bound takes each account's deepest call from the workers that collected it", (t) => {
  const chains = chainsOf({ '111111111111': 1, '222222222222': 1 });
  const worker = { accountDepths: { '222222222222': 14 } } as unknown as WorkerDiagnostics;
  // 222222222222 went on to depth 14 in a worker: 14 - 2 + 1 = 13 calls from its tag call.
  t.is(discoveryBound(chains, [worker], [tagsBucket(1, 10)], 50), Math.max(0 + 13 * 50, 100 + 2 * 50));
});
