import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import test from 'ava';
import { AwsAccess, type ClientPlugin } from '../../src/aws/access';
import { bucketKey, PacedBucket, RateLimiter, rateLimitRule, rateLimitRules, serviceOfClient, type BucketLimit } from '../../src/aws/rate-limits';
import { allSimulators, serviceModules } from '../../src/services';
import { seededRandom } from '../../src/sim/random';
import { TokenBucket } from '../../src/sim/token-bucket';
import { FakeClock, settle } from './fake-clock';
import { builtinWorld, simulate } from '../helpers/simulate';

/** Grants `arrivals.length` calls arriving at the given times; returns the time each one was let through. */
async function grantTimes(bucket: PacedBucket, clock: FakeClock, arrivals: readonly number[]): Promise<number[]> {
  const granted: number[] = [];
  const order = [...arrivals].sort((a, b) => a - b);
  for (const at of order) {
    await clock.run(at);
    const wait = bucket.acquire();
    if (wait) void wait.then(() => granted.push(clock.time));
    else granted.push(clock.time);
  }
  await clock.run();
  await settle();
  return granted.sort((a, b) => a - b);
}

/** Largest number of grants in any window, minus what the bucket allows in that window (must stay <= 0). */
function worstExcess(times: readonly number[], limit: BucketLimit): number {
  let worst = -Infinity;
  for (let i = 0; i < times.length; i++) {
    for (let j = i; j < times.length; j++) {
      const allowed = limit.capacity + (limit.refillPerSecond * (times[j] - times[i])) / 1000;
      worst = Math.max(worst, j - i + 1 - allowed);
    }
  }
  return worst;
}

const LIMITS: BucketLimit[] = [
  { capacity: 100, refillPerSecond: 20 },
  { capacity: 50, refillPerSecond: 10 },
  { capacity: 20, refillPerSecond: 10 },
  { capacity: 5, refillPerSecond: 5 },
];

for (const limit of LIMITS) {
  test(`the pacer never lets more through than a ${limit.capacity}/${limit.refillPerSecond} bucket allows, in any window`, async (t) => {
    const clock = new FakeClock();
    const random = seededRandom(limit.capacity);
    const bucket = new PacedBucket(limit, { clock });
    // A burst at the start, then calls arriving at random over 20 s, then another burst.
    const arrivals = [
      ...Array.from({ length: limit.capacity * 3 }, () => 0),
      ...Array.from({ length: limit.refillPerSecond * 30 }, () => random() * 20_000),
      ...Array.from({ length: limit.capacity * 2 }, () => 25_000),
    ];
    const granted = await grantTimes(bucket, clock, arrivals);
    t.is(granted.length, arrivals.length, 'every call is let through eventually');
    t.true(worstExcess(granted, limit) <= 1e-9);
  });
}

test('what the pacer lets through is never throttled by the AWS bucket it mirrors, even when latencies vary by 100 ms', async (t) => {
  for (const limit of LIMITS) {
    const clock = new FakeClock();
    const random = seededRandom(7);
    const bucket = new PacedBucket(limit, { clock });
    const arrivals = [...Array.from({ length: limit.capacity * 4 }, () => 0), ...Array.from({ length: limit.refillPerSecond * 20 }, () => random() * 10_000)];
    const granted = await grantTimes(bucket, clock, arrivals);
    // Each call reaches AWS 50 to 150 ms after it leaves the pacer.
    const reached = granted.map((at) => at + 50 + random() * 100).sort((a, b) => a - b);
    let now = 0;
    const aws = new TokenBucket(limit, () => now);
    let throttled = 0;
    for (const at of reached) {
      now = at;
      if (!aws.tryTake()) throttled++;
    }
    t.is(throttled, 0, `${limit.capacity}/${limit.refillPerSecond}`);
  }
});

test('the pacer keeps its bucket busy: a backlog drains at the refill rate, after the burst', async (t) => {
  const clock = new FakeClock();
  const limit = { capacity: 100, refillPerSecond: 20 };
  const bucket = new PacedBucket(limit, { clock });
  const granted = await grantTimes(
    bucket,
    clock,
    Array.from({ length: 500 }, () => 0),
  );
  const ideal = ((500 - limit.capacity) / limit.refillPerSecond) * 1000;
  const last = granted[granted.length - 1];
  t.true(last >= ideal, 'not faster than AWS');
  // The reserve (0.1 s of refill and one token) and timer rounding cost a fraction of a second.
  t.true(last <= ideal + 500, `drained in ${last} ms, ideal ${ideal} ms`);
  t.is(bucket.stats.granted, 500);
});

test('throttling slows the pace down multiplicatively; successes bring it back', async (t) => {
  const clock = new FakeClock();
  const bucket = new PacedBucket({ capacity: 100, refillPerSecond: 20 }, { clock });
  t.is(bucket.rate, 20);
  bucket.onThrottled();
  t.is(bucket.rate, 14);
  bucket.onThrottled(); // same burst of throttles: one signal
  t.is(bucket.rate, 14);
  clock.time += 2000;
  bucket.onThrottled();
  t.true(Math.abs(bucket.rate - 9.8) < 1e-9);
  for (let i = 0; i < 100; i++) bucket.onSuccess();
  t.is(bucket.rate, 20);
  // After a throttle the bucket is empty: the next call waits for a token.
  bucket.onThrottled();
  t.truthy(bucket.acquire());
});

test('buckets are per account, region and action for EC2, per account for IAM, shared by a class for Lambda', (t) => {
  const limiter = new RateLimiter({ clock: new FakeClock() });
  const a = limiter.bucketFor('111111111111', 'us-east-1', 'ec2', 'DescribeVpcs');
  t.is(limiter.bucketFor('111111111111', 'us-east-1', 'ec2', 'DescribeVpcs'), a);
  t.not(limiter.bucketFor('111111111111', 'us-east-1', 'ec2', 'DescribeSubnets'), a);
  t.not(limiter.bucketFor('111111111111', 'eu-west-1', 'ec2', 'DescribeVpcs'), a);
  t.not(limiter.bucketFor('222222222222', 'us-east-1', 'ec2', 'DescribeVpcs'), a);
  t.deepEqual(limiter.bucketFor('111111111111', 'us-east-1', 'ec2', 'DescribeInstances').limit, { capacity: 50, refillPerSecond: 10 });
  t.deepEqual(a.limit, { capacity: 100, refillPerSecond: 20 });
  t.is(limiter.bucketFor('111111111111', 'us-east-1', 'iam', 'ListRoles'), limiter.bucketFor('111111111111', 'eu-west-1', 'iam', 'ListRoles'));
  t.is(
    limiter.bucketFor('111111111111', 'us-east-1', 'lambda', 'ListFunctions'),
    limiter.bucketFor('111111111111', 'us-east-1', 'lambda', 'ListEventSourceMappings'),
  );
  t.not(limiter.bucketFor('111111111111', 'us-east-1', 'lambda', 'GetPolicy'), limiter.bucketFor('111111111111', 'us-east-1', 'lambda', 'ListFunctions'));
  t.is(bucketKey('111111111111', 'us-east-1', 'iam', 'ListRoles'), '111111111111|global|iam|ListRoles');
  t.is(rateLimitRule('nosuchservice', 'DescribeThings').actionClass, 'default');
});

test('each service module declares its own buckets, and the pacer finds them through the registry', (t) => {
  const registered = rateLimitRules();
  for (const module of serviceModules) {
    for (const rule of module.rateLimits ?? []) {
      t.true(registered.includes(rule), `${module.service}: ${rule.actionClass} registered`);
      // Rows of a module name the service its calls are accounted under (the client's service id).
      t.true(
        module.simulators.some((simulator) => serviceOfClient(simulator.clientName) === rule.service),
        `${module.service}: row for ${rule.service} names one of its simulated services`,
      );
      // A row listing operations is the one those operations are paced by (no earlier row shadows it).
      if (Array.isArray(rule.operations)) for (const operation of rule.operations) t.is(rateLimitRule(rule.service, operation), rule);
    }
  }
  t.true(
    registered.some((rule) => rule.service === 'sts'),
    "the engine's own STS row",
  );
});

test("the pacer's table never allows more than a simulated bucket: every simulated call is paced at or below its bucket", (t) => {
  for (const simulator of allSimulators()) {
    for (const commandName of Object.keys(simulator.handlers)) {
      const operation = commandName.replace(/Command$/, '');
      const rule = rateLimitRule(serviceOfClient(simulator.clientName), operation);
      const simulated = simulator.bucket?.(operation) ?? rule.limit;
      const where = `${simulator.service}:${operation}`;
      t.true(rule.limit.capacity <= simulated.capacity, `${where}: capacity ${rule.limit.capacity} > simulated ${simulated.capacity}`);
      t.true(
        rule.limit.refillPerSecond <= simulated.refillPerSecond,
        `${where}: refill ${rule.limit.refillPerSecond} > simulated ${simulated.refillPerSecond}`,
      );
      // A per-region pacer for an account-wide simulated bucket would overdraw it (regional
      // services called once from the home region, like DescribeRegions, are the exception).
      if (simulator.scope === 'global' && simulator.service !== 'ec2') t.is(rule.scope, 'account', where);
    }
  }
});

test('an account whose collection is over gives its buckets back; the run totals keep their counts', async (t) => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ clock });
  const world = builtinWorld();
  let finished = false;
  const running = simulate(world, { access: { pacing: limiter } }).finally(() => (finished = true));
  // Virtual time: a call waiting for a token (Route 53's 5 per second run out) waits for a timer of the fake clock.
  while (!finished) if (!(await clock.fireNext())) await new Promise((resolve) => setImmediate(resolve));
  const result = await running;
  const collected = result.summary.accounts.map((account) => account.accountId);
  t.true(collected.length >= 3);
  // Discovery's calls (Organizations, STS) and whole-graph collectors may still hold the management
  // account's or the ingester's buckets; no collected account keeps hundreds of them.
  const held = limiter.heldAccounts().filter((accountId) => collected.includes(accountId) && accountId !== world.organization.managementAccountId);
  t.deepEqual(held, []);
  const stats = limiter.stats();
  t.true(stats.buckets > 100, `${stats.buckets} buckets counted, released ones included`);
  t.true(stats.granted >= result.summary.apiCalls - result.summary.throttledCalls, 'every call drew a token, released buckets counted');

  const bucket = limiter.bucketFor('999999999999', 'us-east-1', 'ec2', 'DescribeVpcs');
  limiter.release('999999999999');
  t.not(limiter.bucketFor('999999999999', 'us-east-1', 'ec2', 'DescribeVpcs'), bucket, 'a later call starts a fresh bucket');
});

test("a released account's calls through a shared client draw from fresh buckets, and the client keeps none of the released ones", async (t) => {
  const limiter = new RateLimiter();
  const answered: ClientPlugin = {
    applyToStack: (stack) =>
      stack.add(() => async () => ({ output: { Vpcs: [], $metadata: {} }, response: {} }), { step: 'finalizeRequest', priority: 'low', name: 'answered' }),
  };
  const access = new AwsAccess({
    roleName: 'JupiterOne',
    credentialsProvider: (accountId) => async () => ({ accessKeyId: `ASIA${accountId}`, secretAccessKey: 'x', expiration: new Date(Date.now() + 3600_000) }),
    pacing: limiter,
    plugins: () => [answered],
  });
  try {
    const accountId = '111111111111';
    const call = () => access.client(EC2Client, accountId, 'eu-west-1', { accountId, region: 'eu-west-1', collector: 'ec2' }).send(new DescribeVpcsCommand({}));
    await call();
    await call();
    const first = limiter.bucketFor(accountId, 'eu-west-1', 'ec2', 'DescribeVpcs');
    t.is(first.stats.granted, 2);
    access.releaseAccount(accountId);
    t.deepEqual(limiter.heldAccounts(), []);
    await call();
    // The shared client's pacer asked the limiter again instead of reusing the released bucket.
    t.deepEqual(limiter.heldAccounts(), [accountId]);
    const second = limiter.bucketFor(accountId, 'eu-west-1', 'ec2', 'DescribeVpcs');
    t.not(second, first);
    t.is(second.stats.granted, 1);
    t.is(limiter.stats().granted, 3, 'the run totals count every call, before and after the release');
  } finally {
    access.destroy();
  }
});
