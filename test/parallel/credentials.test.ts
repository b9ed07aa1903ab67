import test from 'ava';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import { onSimulatedAwsCreated, type SimulatedAws } from '../../src/sim/simulator';
import type { World } from '../../src/sim/types';
import { simulate } from '../helpers/simulate';

function world(behaviour: World['behaviour'] = {}): World {
  const generated = generateWorld({ accounts: 5, regions: 3, resourcesPerRegion: 3, mix: 'realistic', seed: 11 }, allSimulators());
  return { ...generated, behaviour: { ...generated.behaviour, pageSize: 2, ...behaviour } };
}

test('worker threads ask the parent again for credentials that expire during the run: same graph as one thread with one-hour credentials', async (t) => {
  const calm = await simulate(world(), { config: { workers: 1 } });
  t.deepEqual(calm.summary.errors, []);

  // Credentials of 1 s, and 40 ms per call: every account's collection (dozens of calls one after
  // the other) outlives its first credentials, so the workers must ask the parent again.
  const simulations: SimulatedAws[] = [];
  const stop = onSimulatedAwsCreated((simulated) => simulations.push(simulated));
  let pooled;
  try {
    pooled = await simulate(world({ credentialLifetimeSeconds: 1, latencyMs: 40 }), { config: { workers: 2 } });
  } finally {
    stop();
  }
  t.deepEqual(pooled.summary.errors, []);
  t.is(pooled.summary.snapshot.sha256, calm.summary.snapshot.sha256);
  // Only the parent's simulated organization is seen here: it answers every AssumeRole, since the
  // workers never hold the External ID.
  const [parent] = simulations;
  const assumed = parent.stats.byOperation['sts:AssumeRole'] ?? 0;
  t.true(assumed > pooled.summary.accounts.length, `${assumed} AssumeRole for ${pooled.summary.accounts.length} accounts: the workers asked again`);
});
