import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient, paginateListKeys } from '@aws-sdk/client-kms';
import test from 'ava';
import { onSimulatedAwsCreated, type SimulatedAws } from '../../src/sim/simulator';
import type { World } from '../../src/sim/types';
import { VirtualTime } from '../../src/sim/virtual-time';
import { ManualClock, TickingClock } from '../helpers/clock';
import { builtinWorld, simulate } from '../helpers/simulate';
import { simulatedAccess } from '../scheduler/sim-access';

/** The first account of the built-in organization with KMS keys in a region, and that region. */
function accountWithKeys(world: World): { accountId: string; region: string; keys: number } {
  for (const account of world.accounts) {
    for (const [region, sections] of Object.entries(account.regions ?? {})) {
      const keys = (sections as { kms?: { keys?: unknown[] } }).kms?.keys?.length ?? 0;
      if (keys >= 2 && account.auditRole !== false && (account.status ?? 'ACTIVE') === 'ACTIVE') return { accountId: account.id, region, keys };
    }
  }
  throw new Error('no account with KMS keys in the built-in world');
}

/** The simulated organizations created while `work` runs (ingest creates its own). */
async function watchingSimulations<T>(work: () => Promise<T>): Promise<{ result: T; simulations: SimulatedAws[] }> {
  const simulations: SimulatedAws[] = [];
  const stop = onSimulatedAwsCreated((simulated) => simulations.push(simulated));
  try {
    return { result: await work(), simulations };
  } finally {
    stop();
  }
}

test('an account whose role credentials expired assumes the role again, with the pacer and the simulator added once (was: Duplicate middleware name)', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, credentialLifetimeSeconds: 60 };
  const clock = new ManualClock();
  const { access, simulated } = simulatedAccess(world, { credentialsClock: clock });
  const accountId = world.accounts.find((account) => account.id !== world.organization.managementAccountId)?.id ?? '';
  try {
    const ec2 = access.client(EC2Client, accountId, 'us-east-1');
    for (let round = 0; round < 3; round++) {
      const { Regions } = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
      t.true((Regions ?? []).length > 0);
      clock.advance(61_000); // past the credentials' expiry: the next call must assume the role again
    }
    t.is(simulated.stats.byOperation['sts:AssumeRole'], 3, 'one AssumeRole per lifetime');
    t.is(simulated.stats.expired, 0, 'never signed with expired credentials');
  } finally {
    access.destroy();
  }
});

test('concurrent calls of one account during a refresh share one AssumeRole and all succeed', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, credentialLifetimeSeconds: 2 };
  const clock = new ManualClock();
  const { access, simulated } = simulatedAccess(world, { credentialsClock: clock });
  const { accountId, region } = accountWithKeys(world);
  try {
    const kms = access.client(KMSClient, accountId, region);
    const listAll = async () => {
      const ids: string[] = [];
      for await (const page of paginateListKeys({ client: kms }, {})) ids.push(...(page.Keys ?? []).map((key) => key.KeyId ?? ''));
      return ids.sort().join(',');
    };
    const first = await listAll();
    t.is(simulated.stats.byOperation['sts:AssumeRole'], 1);
    clock.advance(1500); // inside the refresh margin (half of 2 s): every caller below wants new credentials
    const concurrent = await Promise.all(Array.from({ length: 40 }, listAll));
    t.true(concurrent.every((ids) => ids === first));
    t.is(simulated.stats.byOperation['sts:AssumeRole'], 2, 'one refresh shared by 40 concurrent callers');
    t.is(simulated.stats.expired, 0);
  } finally {
    access.destroy();
  }
});

test('credentials that AWS finds expired between two pages (clocks apart) are dropped and the page is asked again with new ones', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, credentialLifetimeSeconds: 2, pageSize: 1 };
  const { accountId, region, keys } = accountWithKeys(world);
  const ingesterClock = new ManualClock();
  const awsClock = new ManualClock(ingesterClock.time);
  // AWS's clock moves 2.5 s between pages and the ingester's stands still: at every page the
  // credentials are expired for AWS while the ingester still thinks them fresh.
  const { access, simulated } = simulatedAccess(world, { credentialsClock: ingesterClock });
  Object.defineProperty(simulated, 'now', { value: () => awsClock.now() });
  try {
    const kms = access.client(KMSClient, accountId, region);
    const ids: string[] = [];
    for await (const page of paginateListKeys({ client: kms }, {})) {
      ids.push(...(page.Keys ?? []).map((key) => key.KeyId ?? ''));
      awsClock.advance(2500);
    }
    t.is(ids.length, keys, 'every page arrived');
    t.is(simulated.stats.expired, keys - 1, 'every page after the first (one key per page) was answered ExpiredToken once');
    t.is(simulated.stats.byOperation['sts:AssumeRole'], keys, 'one new AssumeRole per expired answer');
  } finally {
    access.destroy();
  }
});

test('AssumeRole on refresh is paced and retried through throttling, without adding its middleware again', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, credentialLifetimeSeconds: 2, seed: 7 };
  world.faults = [{ service: 'sts', operation: 'AssumeRole', error: 'Throttling', probability: 0.6 }];
  const clock = new ManualClock();
  const { access, simulated } = simulatedAccess(world, {
    credentialsClock: clock,
    throttleRetries: { baseDelayMs: 1, maxDelayMs: 4 },
    pacing: { clock: new VirtualTime() },
  });
  const accountId = world.accounts.find((account) => account.id !== world.organization.managementAccountId)?.id ?? '';
  try {
    const ec2 = access.client(EC2Client, accountId, 'us-east-1');
    for (let round = 0; round < 8; round++) {
      await ec2.send(new DescribeRegionsCommand({}));
      clock.advance(3000);
    }
    t.is(simulated.stats.byOperation['sts:AssumeRole'] - simulated.stats.faults, 8, 'eight refreshes got through');
    t.true(simulated.stats.faults > 0, 'some AssumeRole attempts were throttled');
    t.true(access.pacerStats().throttled > 0, 'the STS pacer saw the throttles');
  } finally {
    access.destroy();
  }
});

test('2-second credentials, expiring between pages and during concurrent calls, give the same graph as one-hour credentials', async (t) => {
  const oneHour = builtinWorld();
  oneHour.behaviour = { ...oneHour.behaviour, pageSize: 2 };
  const calm = await simulate(oneHour);
  t.deepEqual(calm.summary.errors, []);

  const short = builtinWorld();
  short.behaviour = { ...short.behaviour, pageSize: 2, credentialLifetimeSeconds: 2 };
  // Time moves 5 ms each time a clock is read (a few times per call): a 2 s credential lasts a few
  // hundred calls, wherever they fall in a collector, whatever the machine's speed.
  const { result, simulations } = await watchingSimulations(() => simulate(short, { access: { credentialsClock: new TickingClock(5) } }));
  t.deepEqual(result.summary.errors, []);
  t.is(result.summary.snapshot.sha256, calm.summary.snapshot.sha256);
  const [simulated] = simulations;
  const accounts = result.summary.accounts.length;
  t.true(simulated.stats.byOperation['sts:AssumeRole'] > 3 * accounts, `${simulated.stats.byOperation['sts:AssumeRole']} AssumeRole for ${accounts} accounts`);
  t.log(
    `${simulated.stats.byOperation['sts:AssumeRole']} AssumeRole for ${accounts} accounts, ${simulated.stats.expired} calls answered ExpiredToken, ${result.summary.apiCalls} calls`,
  );
});
