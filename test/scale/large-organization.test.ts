import test from 'ava';
import type { Collector } from '../../src/collectors/types';
import { ingest } from '../../src/ingest';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import { temporaryDirectory } from '../helpers/simulate';

/**
 * Regional collectors that make no call and add nothing: the run's records (one per account x
 * region x collector) grow with the organization while its cost stays in discovery and bookkeeping.
 */
function idleCollectors(count: number): Collector[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `idle-${index}`,
    service: 'idle',
    scope: 'regional' as const,
    entities: [],
    relationships: [],
    permissions: [],
    dependsOn: [],
    run: async () => undefined,
  }));
}

// 1,000 accounts x 16 regions x 12 collectors = 192,000 records: past the ~120,000 arguments a
// spread (`records.push(...records)`, `Math.max(...values)`) can pass before V8's stack overflows.
test('a 1,000-account organization with few resources goes through the whole run without overflowing the stack', async (t) => {
  const world = generateWorld({ accounts: 1000, regions: 16, resourcesPerRegion: 0 }, allSimulators());
  const result = await ingest({
    simulate: world,
    config: { outputDir: temporaryDirectory() },
    collectors: idleCollectors(12),
    // Client-side pacing would hold the 1,000 ListTagsForResource calls to AWS's rate: not what this test is about.
    access: { pacing: false },
  });
  t.is(result.summary.accounts.length, 1000);
  t.is(result.metadata.collectors.length, 1000 * 16 * 12);
  t.true(result.metadata.collectors.every((record) => record.status === 'succeeded'));
  t.deepEqual(result.summary.errors, []);
});
