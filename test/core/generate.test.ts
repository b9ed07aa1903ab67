import test from 'ava';
import { stringify } from 'yaml';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import { parseWorld } from '../../src/sim/world';
import { simulate } from '../helpers/simulate';

test('generated worlds are valid, deterministic and scale with their parameters', async (t) => {
  const small = generateWorld({ accounts: 2, regions: 2, resourcesPerRegion: 3 }, allSimulators());
  t.deepEqual(generateWorld({ accounts: 2, regions: 2, resourcesPerRegion: 3 }, allSimulators()), small);
  // It passes the same validation as a hand-written world file.
  t.notThrows(() => parseWorld(stringify(small), 'generated.yaml', allSimulators()));
  const larger = generateWorld({ accounts: 3, regions: 3, resourcesPerRegion: 6 }, allSimulators());
  const first = await simulate(small);
  const second = await simulate(larger);
  t.deepEqual(first.summary.errors, []);
  t.deepEqual(second.summary.errors, []);
  t.is(first.summary.accounts.length, 2);
  t.is(second.summary.regions.length, 3);
  t.true(second.summary.totals.entities > first.summary.totals.entities * 2);
  t.true((second.summary.counts.entities.aws_kms_key ?? 0) === 3 * 3 * 6);
});
