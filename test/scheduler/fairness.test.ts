import test from 'ava';
import { AwsAccess } from '../../src/aws/access';
import { runCollectors } from '../../src/collectors/runner';
import { CriticalPath, FairQueue, LoopLagAdmission, TaskQueue } from '../../src/collectors/scheduler';
import type { Collector, CollectorContext } from '../../src/collectors/types';
import { GraphStore } from '../../src/graph';

function collector(id: string, scope: 'global' | 'regional', dependsOn: string[], run: (context: CollectorContext) => Promise<void>): Collector {
  return { id, service: id.split('-')[0], scope, entities: [], relationships: [], permissions: [], dependsOn, run };
}

const access = () => new AwsAccess({ roleName: 'JupiterOne', baseCredentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' } });

test('the fair queue alternates accounts, then regions within an account, then services within a region', (t) => {
  const queue = new FairQueue<string>(3);
  // Account a has far more work than b and c, pushed first (the depth-first trap).
  for (const region of ['r1', 'r2'])
    for (const service of ['ec2', 'kms', 's3']) for (const n of [1, 2]) queue.push(['a', region, service], `a/${region}/${service}/${n}`);
  queue.push(['b', 'r1', 'ec2'], 'b/r1/ec2/1');
  queue.push(['b', 'r1', 'kms'], 'b/r1/kms/1');
  queue.push(['c', 'r9', 'ec2'], 'c/r9/ec2/1');
  t.is(queue.size, 15);
  const order: string[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) order.push(item);
  t.is(order.length, 15);
  t.is(queue.size, 0);
  // First round: one task of every account.
  t.deepEqual(
    order.slice(0, 3).map((item) => item.split('/')[0]),
    ['a', 'b', 'c'],
  );
  // Second round: a again (its other region), then b's other service; c is done.
  t.deepEqual(order.slice(3, 5), ['a/r2/ec2/1', 'b/r1/kms/1']);
  // Once alone, account a still rotates over its regions and, within a region, its services.
  const rest = order.slice(5);
  t.deepEqual(rest.slice(0, 4), ['a/r1/kms/1', 'a/r2/kms/1', 'a/r1/s3/1', 'a/r2/s3/1']);
  // Items of one path keep their order.
  t.true(order.indexOf('a/r1/ec2/1') < order.indexOf('a/r1/ec2/2'));
});

test('a path that empties leaves the rotation and joins again at its end when it fills', (t) => {
  const queue = new FairQueue<string>(1);
  queue.push(['a'], 'a1');
  queue.push(['b'], 'b1');
  t.is(queue.shift(), 'a1');
  queue.push(['a'], 'a2');
  queue.push(['c'], 'c1');
  t.deepEqual([queue.shift(), queue.shift(), queue.shift(), queue.shift()], ['b1', 'a2', 'c1', undefined]);
  t.throws(() => queue.push(['a', 'extra'], 'x'), { message: /path of 1 keys/ });
});

test('the class with the highest priority goes first; among equals, accounts then collectors take turns; within a class, round-robin', (t) => {
  const priority: Record<string, number> = { root: 3, middle: 2, leafA: 1, leafB: 1 };
  const queue = new TaskQueue<string>(1, (taskClass) => priority[taskClass]);
  queue.push('leafA', ['a'], 'leafA-a1');
  queue.push('leafA', ['a'], 'leafA-a2');
  queue.push('leafA', ['b'], 'leafA-b1');
  queue.push('leafB', ['a'], 'leafB-a1');
  queue.push('leafB', ['a'], 'leafB-a2');
  queue.push('root', ['a'], 'root-a');
  queue.push('root', ['b'], 'root-b');
  queue.push('middle', ['b'], 'middle-b');
  const order: Array<string | undefined> = [];
  while (queue.size) order.push(queue.shift());
  // Equal priorities: the next start goes to the account served least recently, then to the
  // collector served least recently.
  t.deepEqual(order, ['root-a', 'root-b', 'middle-b', 'leafA-a1', 'leafA-b1', 'leafB-a1', 'leafA-a2', 'leafB-a2']);
  t.is(queue.shift(), undefined);
});

test('critical-path priorities: what heads the longest chain of dependent work first, learned from finished tasks', (t) => {
  const collectors = [
    { id: 'account', dependsOn: [], permissions: [] },
    { id: 'network', dependsOn: ['account'], permissions: ['ec2:DescribeVpcs'] },
    { id: 'instances', dependsOn: ['network', 'account'], permissions: ['ec2:DescribeInstances'] },
    { id: 'groups', dependsOn: ['account'], permissions: ['iam:ListGroups'] },
    { id: 'users', dependsOn: ['groups'], permissions: ['iam:ListUsers', 'iam:ListAccessKeys', 'iam:GenerateCredentialReport'] },
  ];
  const path = new CriticalPath(collectors);
  // Before anything finished: guesses from the declared actions (50 ms per action, plus 50).
  t.is(path.of('users'), 200);
  t.is(path.of('groups'), 100 + 200);
  t.is(path.of('instances'), 100);
  t.is(path.of('network'), 100 + 100);
  t.is(path.of('account'), 50 + 300);
  t.true(path.of('groups') > path.of('network'));
  // The network turns out slow and the users fast: the network's chain now goes first.
  path.record('network', 2000);
  path.record('network', 1000);
  path.record('users', 10);
  t.is(path.of('network'), 1500 + 100);
  t.is(path.of('groups'), 100 + 10);
  t.true(path.of('network') > path.of('groups'));
  t.is(path.of('account'), 50 + 1600);
  // Priority classes: within a factor of 1.5 they tie; under 100 ms they all tie.
  t.is(path.level('users'), 0);
  t.is(path.level('instances'), 0);
  t.is(path.level('groups'), 1);
  t.is(path.level('network'), 1 + Math.floor(Math.log(16) / Math.log(1.5)));
});

test('critical-path priorities stay those of their definition while many tasks finish in any order', (t) => {
  // A layered graph of 60 collectors like a run's (each depends on up to three of the layers before).
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const collectors = Array.from({ length: 60 }, (_, index) => ({
    id: `c${index}`,
    dependsOn: index < 5 ? [] : [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => `c${Math.floor(random() * index)}`))],
    permissions: Array.from({ length: Math.floor(random() * 4) }, (_, n) => `svc:Action${n}`),
    scope: random() < 0.2 ? ('global' as const) : ('regional' as const),
  }));
  const path = new CriticalPath(collectors);
  const recorded = new Map<string, number[]>();
  const expected = (): Map<string, number> => {
    const levels = new Map<string, number>();
    const level = (id: string): number => {
      if (levels.has(id)) return levels.get(id)!;
      const collector = collectors.find((c) => c.id === id)!;
      const durations = recorded.get(id);
      const own = durations
        ? durations.reduce((a, b) => a + b, 0) / durations.length
        : 50 * (1 + collector.permissions.length) * (collector.scope === 'global' ? 4 : 1);
      const longest = Math.max(0, ...collectors.filter((c) => c.dependsOn.includes(id)).map((c) => level(c.id)));
      levels.set(id, own + longest);
      return own + longest;
    };
    for (const collector of collectors) level(collector.id);
    return levels;
  };
  for (let task = 0; task < 2000; task++) {
    const id = `c${Math.floor(random() * collectors.length)}`;
    const ms = Math.round(random() * (id === 'c7' ? 5000 : 400));
    recorded.set(id, [...(recorded.get(id) ?? []), ms]);
    path.record(id, ms);
    if (task % 97 === 0 || task === 1999) {
      for (const [id, level] of expected()) t.true(Math.abs(path.of(id) - level) < 1e-6, `task ${task}, ${id}: ${path.of(id)} against ${level}`);
    }
  }
  t.true(path.level('c7') > 0);
});

test('the runner interleaves accounts, then services and regions: no account gets a second task before every account got one', async (t) => {
  const accounts = ['111111111111', '222222222222', '333333333333'].map((accountId) => ({ accountId }));
  const regions = new Map(accounts.map((a) => [a.accountId, ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']]));
  const started: string[] = [];
  const work = async (context: CollectorContext) => {
    started.push(`${context.account.accountId}/${context.scope.region}/${context.scope.collector}`);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const collectors = [collector('ec2-things', 'regional', [], work), collector('kms-keys', 'regional', [], work), collector('iam-roles', 'global', [], work)];
  const result = await runCollectors({ access: access(), graph: new GraphStore(), plan: { accounts, regions, collectors }, concurrency: 1 });
  t.is(result.records.length, 3 * (4 * 2 + 1));
  const accountOf = (entry: string) => entry.split('/')[0];
  // Every window of three consecutive starts covers the three accounts while all of them have work.
  for (let i = 0; i + 3 <= started.length; i += 3) t.deepEqual(new Set(started.slice(i, i + 3).map(accountOf)).size, 3, `starts ${i}..${i + 2}`);
  // Within an account, collectors of equal priority take turns, and each rotates over the regions:
  // the first two regional starts are two services, the first eight cover the four regions.
  const first = started.filter((entry) => accountOf(entry) === '111111111111' && !entry.includes('/global/'));
  t.is(new Set(first.slice(0, 2).map((entry) => entry.split('/')[2])).size, 2);
  t.is(new Set(first.slice(0, 8).map((entry) => entry.split('/')[1])).size, 4);
});

test('the runner starts what others wait for first, and still honours every dependency', async (t) => {
  const accounts = ['111111111111', '222222222222'].map((accountId) => ({ accountId }));
  const regions = new Map(accounts.map((a) => [a.accountId, ['us-east-1', 'eu-west-1']]));
  const started: string[] = [];
  const finished = new Set<string>();
  const collectors: Collector[] = [];
  const make = (id: string, scope: 'global' | 'regional', dependsOn: string[]) =>
    collector(id, scope, dependsOn, async (context) => {
      const where = (c: string, region = context.scope.region) => `${c}@${context.account.accountId}/${region}`;
      for (const dependency of dependsOn) {
        const upstream = collectors.find((c) => c.id === dependency) as Collector;
        const upstreamRegions =
          upstream.scope === 'global'
            ? ['global']
            : context.scope.region === 'global'
              ? (regions.get(context.account.accountId) ?? [])
              : [context.scope.region];
        for (const region of upstreamRegions)
          t.true(finished.has(where(dependency, region)), `${where(id)} started before ${where(dependency, region)} finished`);
      }
      started.push(id);
      await new Promise((resolve) => setTimeout(resolve, 1));
      finished.add(where(id));
    });
  collectors.push(
    make('leaf-a', 'regional', []),
    make('leaf-b', 'regional', []),
    make('root-account', 'global', []),
    make('mid-network', 'regional', ['root-account']),
    make('top-map', 'global', ['mid-network']),
  );
  const result = await runCollectors({ access: access(), graph: new GraphStore(), plan: { accounts, regions, collectors } });
  t.true(result.records.every((record) => record.status === 'succeeded'));
  t.is(result.records.length, 2 * (2 + 2 + 1 + 2 + 1));
  // The roots (heading the longest chain) start before any leaf, although the leaves were ready as early.
  t.deepEqual(started.slice(0, 2), ['root-account', 'root-account']);
});

test('the admission grows while the event loop has idle time and the limit holds tasks back, eases off while it is saturated, shrinks when it lags badly', (t) => {
  const admission = new LoopLagAdmission({ initial: 10, min: 4, max: 60 });
  const idle = { lagMs: 1, utilization: 0.2 };
  const busy = { lagMs: 2, utilization: 0.8 };
  const saturated = { lagMs: 30, utilization: 1 };
  admission.adjust(idle, { running: 10, waiting: 100 });
  t.is(admission.limit, 16, 'fast growth while the loop is mostly idle');
  admission.adjust(busy, { running: 16, waiting: 100 });
  t.is(admission.limit, 21, 'slower growth while busy but not saturated');
  admission.adjust(idle, { running: 3, waiting: 100 }); // the limit is not what holds tasks back
  admission.adjust(idle, { running: 21, waiting: 0 }); // nothing waits
  t.is(admission.limit, 21);
  for (let i = 0; i < 50; i++) admission.adjust(idle, { running: admission.limit, waiting: 100 });
  t.is(admission.limit, 60);
  admission.adjust(saturated, { running: 60, waiting: 100 });
  t.is(admission.limit, 57, 'saturated: ease off slowly');
  admission.adjust({ lagMs: 1500, utilization: 1 }, { running: 57, waiting: 100 }); // one long turn of the loop: smoothed
  t.is(admission.limit, 54);
  for (let i = 0; i < 30; i++) admission.adjust({ lagMs: 2000, utilization: 1 }, { running: admission.limit, waiting: 100 });
  t.is(admission.limit, 4);
  t.is(admission.peak, 60);
  t.true(admission.maxLagMs >= 2000);
});
