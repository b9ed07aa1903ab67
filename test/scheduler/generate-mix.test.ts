import test from 'ava';
import { stringify } from 'yaml';
import { allSimulators } from '../../src/services';
import { generateWorld, REALISTIC_MIX } from '../../src/sim/generate';
import { parseWorld } from '../../src/sim/world';

const keysIn = (section: unknown) => ((section as { keys?: unknown[] } | undefined)?.keys ?? []).length;

test('the realistic mix is valid, deterministic, and puts most resources in few regions and few accounts', (t) => {
  const options = { accounts: 20, regions: 6, resourcesPerRegion: 20, mix: 'realistic' as const, seed: 3 };
  const world = generateWorld(options, allSimulators());
  t.deepEqual(generateWorld(options, allSimulators()), world);
  t.notThrows(() => parseWorld(stringify(world), 'generated.yaml', allSimulators()));
  const regions = world.regions.map((region) => region.name);
  const perRegion = regions.map((region) => world.accounts.reduce((sum, account) => sum + keysIn(account.regions?.[region]?.kms), 0));
  // Home region first, then the second, then a few, then (almost) nothing.
  t.true(perRegion[0] > perRegion[1] && perRegion[1] > perRegion[2]);
  t.true(perRegion.slice(REALISTIC_MIX.regionWeights.length).every((count) => count === 0));
  const perAccount = world.accounts.map((account) => keysIn(account.regions?.[regions[0]]?.kms)).sort((a, b) => b - a);
  t.is(perAccount[0], 20, 'the largest accounts get the full size in their home region');
  t.true(perAccount[perAccount.length - 1] <= 3, 'the smallest get a fraction of it');
  // The uniform mix (the default) is unchanged: every account and region the same size.
  const uniform = generateWorld({ accounts: 2, regions: 2, resourcesPerRegion: 3 }, allSimulators());
  t.true(uniform.accounts.every((account) => regions.slice(0, 2).every((region) => keysIn(account.regions?.[region]?.kms) === 3)));
});
