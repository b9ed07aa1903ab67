import { DescribeKeyCommand, KMSClient, paginateListKeys } from '@aws-sdk/client-kms';
import test from 'ava';
import { mapConcurrent } from '../../src/collectors/concurrency';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import { VirtualTime } from '../../src/sim/virtual-time';
import { onSimulatedAwsCreated, type SimulatedAws } from '../../src/sim/simulator';
import type { World } from '../../src/sim/types';
import { simulate, temporaryDirectory } from '../helpers/simulate';
import { simulatedAccess } from './sim-access';

const smallWorld = (): World => generateWorld({ accounts: 2, regions: 2, resourcesPerRegion: 4, seed: 3 }, allSimulators());

/** One account and region with many KMS keys: hundreds of calls on one client and a few buckets. */
function busyKmsWorld(keys: number): World {
  const world = generateWorld({ accounts: 1, regions: 1, resourcesPerRegion: 0, seed: 5 }, allSimulators());
  const region = world.regions[0].name;
  const generated = generateWorld({ accounts: 1, regions: 1, resourcesPerRegion: keys, seed: 5 }, allSimulators());
  const account = world.accounts[0];
  (account.regions ??= {})[region] = { ...account.regions[region], kms: generated.accounts[0].regions?.[region]?.kms };
  return world;
}

async function describeAllKeys(world: World, options: Parameters<typeof simulatedAccess>[1], bucketClock?: { now(): number }) {
  const { access, simulated } = simulatedAccess(world, options, bucketClock);
  const accountId = world.accounts[0].id;
  const scope = { accountId, region: world.regions[0].name, collector: 'kms-keys' };
  try {
    const client = access.client(KMSClient, accountId, scope.region);
    const described = await access.withScope(scope, async () => {
      const keys = [];
      for await (const page of paginateListKeys({ client }, {})) keys.push(...(page.Keys ?? []));
      return mapConcurrent(keys, 16, async (key) => (await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyId);
    });
    return { described, counters: access.countersFor(scope), pacer: access.pacerStats(), simulated };
  } finally {
    access.destroy();
  }
}

test('injected throttling on half of all calls: every call is retried until it succeeds, and the snapshot is identical', async (t) => {
  const calm = await simulate(smallWorld());
  const world = smallWorld();
  world.behaviour = { ...world.behaviour, throttleRate: 0.5, seed: 11 };
  const throttled = await simulate(world);
  t.true(throttled.summary.throttledCalls > 50, `${throttled.summary.throttledCalls} throttled attempts`);
  t.deepEqual(throttled.summary.errors, []);
  t.is(throttled.summary.apiCalls, calm.summary.apiCalls, 'a throttled attempt is not a new call');
  t.is(throttled.summary.snapshot.sha256, calm.summary.snapshot.sha256);
});

test("more throttles on one client than the SDK's retry quota allows are still all retried (no call lost)", async (t) => {
  // 400 calls on one client at 60% throttling: about 600 throttled attempts. The SDK's standard
  // strategy spends 5 of its 500 quota tokens per throttled retry and regains 1 per success, so on
  // its own it would start failing calls after roughly 130 of them.
  const world = busyKmsWorld(400);
  world.behaviour = { ...world.behaviour, throttleRate: 0.6, seed: 4 };
  const { described, counters } = await describeAllKeys(world, { pacing: false, retryStrategy: undefined });
  t.is(described.length, 400);
  t.true(described.every((id) => typeof id === 'string'));
  t.true(counters.throttled > 400, `${counters.throttled} throttled attempts`);
  t.is(counters.calls, 404, '4 pages of keys and 400 DescribeKey');
});

test('bucket throttling without the pacer is retried to completion; with the pacer the bucket is never overdrawn', async (t) => {
  const world = busyKmsWorld(300);
  world.behaviour = { ...world.behaviour, throttling: true };
  // Virtual time that moves 10 ms per reading (about one per attempt): 300 first attempts take 3 s,
  // in which a 100-token bucket refilled 50/s gives 250 tokens, however fast the machine is.
  const unpaced = await describeAllKeys(world, { pacing: false, throttleRetries: { baseDelayMs: 1, maxDelayMs: 4 } }, new VirtualTime({ msPerRead: 10 }));
  t.is(unpaced.described.length, 300);
  t.true(unpaced.counters.throttled >= 50, `without pacing, 300 calls overdraw a 100-token bucket: ${unpaced.counters.throttled} throttled attempts`);

  // The pacer and the simulated bucket on one virtual clock that only moves when the pacer waits.
  const clock = new VirtualTime();
  const paced = await describeAllKeys(world, { pacing: { clock } }, clock);
  t.is(paced.described.length, 300);
  t.is(paced.counters.throttled, 0);
  t.true(paced.pacer.waited > 0, 'calls beyond the burst waited for tokens');
  const usage = paced.simulated.bucketUsage().find((bucket) => bucket.key.endsWith('kms:DescribeKey'));
  t.like(usage, { taken: 300, throttled: 0 });
});

test('a throttling fault on some calls of one operation never surfaces as an error', async (t) => {
  const world = smallWorld();
  world.faults = [{ service: 'kms', operation: 'DescribeKey', error: 'Throttling', probability: 0.7 }];
  const result = await simulate(world);
  t.deepEqual(result.summary.errors, []);
  t.true(result.summary.throttledCalls > 0);
});

test('assuming the audit role in 150 accounts at once goes through one STS bucket without losing an account', async (t) => {
  // Every AssumeRole is made with the ingester's credentials: in the simulated organization, one
  // bucket of 100 tokens refilled 20/s for all of them.
  const world = generateWorld({ accounts: 150, regions: 1, resourcesPerRegion: 0, throttling: true, seed: 8 }, allSimulators());
  const result = await simulate(world, {
    config: { organization: undefined, accounts: world.accounts.map((account) => ({ id: account.id })), services: { include: ['kms'] } },
  });
  t.deepEqual(result.summary.errors, []);
  t.is(result.summary.accounts.length, 150);
});

test("at a throttle rate of 0.9 no call is lost: the snapshot is the calm run's", async (t) => {
  const calm = await simulate(smallWorld());
  const world = smallWorld();
  world.behaviour = { ...world.behaviour, throttleRate: 0.9, seed: 13 };
  // Nine attempts in ten are throttled: each call takes about ten, many take thirty or more. The
  // pacer waits in virtual time and backoffs are short, so this runs in seconds.
  const stormy = await simulate(world, { access: { pacing: { clock: new VirtualTime() }, throttleRetries: { baseDelayMs: 1, maxDelayMs: 4 } } });
  t.deepEqual(stormy.summary.errors, []);
  t.true(
    stormy.summary.throttledCalls > 5 * stormy.summary.apiCalls,
    `${stormy.summary.throttledCalls} throttled attempts for ${stormy.summary.apiCalls} calls`,
  );
  t.is(stormy.summary.snapshot.sha256, calm.summary.snapshot.sha256);
});

test("past the run's deadline, a call still throttled is reported as throttled; the run goes on", async (t) => {
  const world = smallWorld();
  world.faults = [{ service: 'kms', operation: 'DescribeKey', error: 'Throttling' }];
  // The retry clock moves 100 ms each time a throttled call asks to be retried: the 2-second
  // deadline passes after about twenty throttles, whatever the machine's speed.
  const result = await simulate(world, {
    access: { throttleRetries: { baseDelayMs: 1, maxDelayMs: 2, deadlineMs: 2000, clock: new VirtualTime({ msPerRead: 100 }) } },
  });
  t.true(result.summary.errors.length > 0);
  t.true(
    result.summary.errors.every((error) => error.service === 'kms' && error.code === 'Throttled'),
    JSON.stringify(result.summary.errors.slice(0, 2)),
  );
  t.true(result.summary.counts.entities.aws_iam_user > 0, 'the other services were collected');
});

test('the configuration sets the deadline: throttleRetryMinutes', async (t) => {
  const world = smallWorld();
  world.faults = [{ service: 'kms', operation: 'DescribeKey', error: 'Throttling' }];
  // Each clock read moves it 10 s: a 1-minute deadline passes after about six reads, a 10-minute
  // one after about sixty, so the two runs differ in throttled attempts, not in outcome.
  const run = (minutes: number) =>
    simulate(world, {
      config: { outputDir: temporaryDirectory(), throttleRetryMinutes: minutes },
      access: { throttleRetries: { baseDelayMs: 1, maxDelayMs: 2, clock: new VirtualTime({ msPerRead: 10_000 }) } },
    });
  const short = await run(1);
  const long = await run(10);
  for (const result of [short, long]) t.true(result.summary.errors.length > 0 && result.summary.errors.every((error) => error.code === 'Throttled'));
  // Concurrent calls share the virtual clock, so how many attempts each deadline allows depends on
  // their interleaving; only the order of the two counts is fixed (3x held alone, 2.95x in the suite).
  t.true(long.summary.throttledCalls > short.summary.throttledCalls, `${short.summary.throttledCalls} then ${long.summary.throttledCalls} throttled attempts`);
});

// Serial: the hook sees every simulated AWS created meanwhile, and other tests of this file create theirs.
test.serial('a rate-limit row shared by its operations is one simulated bucket, as the pacer has it (Route 53: 5 + 5/s per account)', async (t) => {
  const world = generateWorld({ accounts: 1, regions: 1, resourcesPerRegion: 20, mix: 'uniform', seed: 3 }, allSimulators());
  world.behaviour = { ...world.behaviour, throttling: true };
  let simulated: SimulatedAws | undefined;
  const stop = onSimulatedAwsCreated((created) => (simulated = created));
  try {
    const result = await simulate(world, { config: { services: { include: ['route53'] } } });
    t.deepEqual(result.summary.errors, []);
  } finally {
    stop();
  }
  const operations = Object.entries(simulated!.stats.byOperation).filter(([action]) => action.startsWith('route53:'));
  t.true(operations.length > 1, `several Route 53 operations: ${operations.map(([action]) => action).join(', ')}`);
  const buckets = simulated!.bucketUsage().filter((bucket) => bucket.key.includes('|route53:'));
  t.deepEqual(
    buckets.map(({ key, capacity, refillPerSecond, taken }) => ({ key, capacity, refillPerSecond, taken })),
    [{ key: `${world.accounts[0].id}|global|route53:all`, capacity: 5, refillPerSecond: 5, taken: operations.reduce((sum, [, n]) => sum + n, 0) }],
  );
});
