import test from 'ava';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../src/parallel/memory';

test("a run bounds V8's heap growth, unless the process was started with its own bound", (t) => {
  const bound = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
  t.is(heapGrowthFlag([]), bound);
  // Other memory flags are not a choice of this one.
  t.is(heapGrowthFlag(['--max-old-space-size=1024', '--max-semi-space-size=64']), bound);
  t.is(heapGrowthFlag(['--heap-growing-percent=50']), undefined);
  t.is(heapGrowthFlag(['--max-old-space-size=2048', '--heap_growing_percent=10']), undefined);
});
