import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { stringify } from 'yaml';
import { run } from '../../provider/implementation';
import { onSimulatedAwsCreated, type SimulatedAws } from '../../src/sim/simulator';
import type { World } from '../../src/sim/types';
import { builtinWorldData, temporaryDirectory } from '../helpers/simulate';

function worldFile(behaviour: World['behaviour']): string {
  const world = builtinWorldData();
  world.behaviour = { ...world.behaviour, pageSize: 2, ...behaviour };
  const file = path.join(temporaryDirectory('orggraph-world-'), 'world.yaml');
  writeFileSync(file, stringify(world));
  return file;
}

test('the Pulumi provider refreshes credentials that expire during the ingestion, as the CLI does: same graph as with one-hour credentials', async (t) => {
  const externalId = builtinWorldData().organization.externalId;
  const calm = await run({ simulate: worldFile({}), externalId, destination: temporaryDirectory() });
  const simulations: SimulatedAws[] = [];
  const stop = onSimulatedAwsCreated((simulated) => simulations.push(simulated));
  let short;
  try {
    // Credentials of 1 s and 40 ms per call: each account's collection outlives its first credentials.
    short = await run({ simulate: worldFile({ credentialLifetimeSeconds: 1, latencyMs: 40 }), externalId, destination: temporaryDirectory() });
  } finally {
    stop();
  }
  t.is(short.errorCount, 0);
  t.is(short.snapshot.sha256, calm.snapshot.sha256);
  const assumed = simulations[0].stats.byOperation['sts:AssumeRole'] ?? 0;
  t.true(assumed > short.accountsIngested.length, `${assumed} AssumeRole for ${short.accountsIngested.length} accounts`);
});
