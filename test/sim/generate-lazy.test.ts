import test from 'ava';
import { allSimulators } from '../../src/services';
import { generateWorld, type GenerateOptions } from '../../src/sim/generate';
import type { ServiceSimulator } from '../../src/sim/types';
import { sharedAccounts, splitWorld } from '../../src/parallel/world-slices';
import { simulate } from '../helpers/simulate';

/** Every simulator, with its `generate` calls counted. */
function countingSimulators(): { simulators: ServiceSimulator[]; generated: () => number } {
  let calls = 0;
  const simulators = allSimulators().map((simulator) =>
    simulator.generate
      ? {
          ...simulator,
          generate: (...args: Parameters<NonNullable<ServiceSimulator['generate']>>) => {
            calls++;
            return simulator.generate!(...args);
          },
        }
      : simulator,
  );
  return { simulators, generated: () => calls };
}

const OPTIONS: GenerateOptions = { accounts: 12, regions: 3, resourcesPerRegion: 4, mix: 'realistic', seed: 7 };

test('a lazily generated organization reads as the same data as one generated whole, and finds the same shared accounts', (t) => {
  const eager = generateWorld(OPTIONS, allSimulators());
  const lazy = generateWorld({ ...OPTIONS, lazy: true }, allSimulators());
  t.is(JSON.stringify(lazy), JSON.stringify(eager));
  // Read twice, in another order: replayed draws, not the generator's current position.
  for (const index of [5, 2, 5, 11]) t.deepEqual(lazy.accounts[index].regions, eager.accounts[index].regions);
  t.deepEqual([...sharedAccounts(lazy)].sort(), [...sharedAccounts(eager)].sort());
});

test('splitting a lazily generated organization for the workers generates no account again; handing an account out generates it once', (t) => {
  const { simulators, generated } = countingSimulators();
  const lazy = generateWorld({ ...OPTIONS, lazy: true }, simulators);
  const generating = simulators.filter((simulator) => simulator.generate);
  const perAccount = generating.filter((s) => s.scope === 'global').length + OPTIONS.regions * generating.filter((s) => s.scope === 'regional').length;
  const before = generated();
  const split = splitWorld(lazy);
  t.is(generated(), before, 'the skeleton and the shared accounts come without generating');
  const shared = sharedAccounts(lazy);
  const handedOut = lazy.accounts.find((account) => !shared.has(account.id))!;
  const slice = split.sliceOf(handedOut.id);
  t.is(generated(), before + perAccount);
  t.deepEqual(slice, { global: handedOut.global, regions: handedOut.regions });
  t.true(Object.keys(slice?.regions ?? {}).length === OPTIONS.regions);
});

test('the ingestion of a lazily generated organization through two workers builds the graph of the whole one', async (t) => {
  const eager = await simulate(generateWorld(OPTIONS, allSimulators()), { config: { workers: 1 } });
  const lazy = await simulate(generateWorld({ ...OPTIONS, lazy: true }, allSimulators()), { config: { workers: 2 } });
  t.true(eager.summary.totals.entities > 500, `${eager.summary.totals.entities} entities`);
  t.is(lazy.summary.snapshot.sha256, eager.summary.snapshot.sha256);
});
