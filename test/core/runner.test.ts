import test from 'ava';
import { AwsAccess } from '../../src/aws/access';
import { runCollectors } from '../../src/collectors/runner';
import type { Collector, CollectorContext } from '../../src/collectors/types';
import { createEntity, GraphStore } from '../../src/graph';
import { checkDeclarations } from '../../src/services';

function collector(id: string, scope: 'global' | 'regional', dependsOn: string[], run: (context: CollectorContext) => Promise<void>): Collector {
  return { id, service: id.split('-')[0], scope, entities: [], relationships: [], permissions: [], dependsOn, run };
}

const access = () => new AwsAccess({ roleName: 'JupiterOne', baseCredentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' } });
const accounts = [
  { accountId: '111111111111', name: 'one' },
  { accountId: '222222222222', name: 'two' },
];
const regions = new Map([
  ['111111111111', ['us-east-1', 'eu-west-1']],
  ['222222222222', ['us-east-1']],
]);

test('dependencies run first, per account and region; a global collector waits for a regional one in every region', async (t) => {
  const order: string[] = [];
  const log = (id: string) => async (context: CollectorContext) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    order.push(`${id}@${context.account.accountId}/${context.scope.region}`);
  };
  const collectors = [
    collector('net-vpcs', 'regional', [], log('net-vpcs')),
    collector('net-instances', 'regional', ['net-vpcs', 'iam-roles'], log('net-instances')),
    collector('iam-roles', 'global', [], log('iam-roles')),
    collector('map-exposure', 'global', ['net-instances'], log('map-exposure')),
  ];
  t.deepEqual(checkDeclarations(collectors), []);
  const result = await runCollectors({ access: access(), graph: new GraphStore(), plan: { accounts, regions, collectors }, concurrency: 3 });
  t.is(result.records.length, 2 * 3 + 2 * 2); // 2 regional collectors x 3 account-regions + 2 global x 2 accounts
  t.true(result.records.every((r) => r.status === 'succeeded'));
  const at = (entry: string) => order.indexOf(entry);
  for (const [account, accountRegions] of regions) {
    for (const region of accountRegions) {
      t.true(at(`net-vpcs@${account}/${region}`) < at(`net-instances@${account}/${region}`));
      t.true(at(`iam-roles@${account}/global`) < at(`net-instances@${account}/${region}`));
      t.true(at(`net-instances@${account}/${region}`) < at(`map-exposure@${account}/global`));
    }
  }
});

test('a failing collector is recorded and the others, including its dependents, still run', async (t) => {
  const graph = new GraphStore();
  const collectors = [
    collector('bad-one', 'regional', [], async (context) => {
      if (context.account.accountId === '222222222222') throw Object.assign(new Error('boom'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      context.addEntity(createEntity({ _key: `thing:${context.account.accountId}:${context.region}`, _type: 'thing', _class: 'Resource' }));
    }),
    collector('after-bad', 'regional', ['bad-one'], async (context) => {
      context.addEntity(createEntity({ _key: `after:${context.account.accountId}:${context.region}`, _type: 'after', _class: 'Resource' }));
    }),
  ];
  const result = await runCollectors({ access: access(), graph, plan: { accounts, regions, collectors }, tags: { accountName: true, production: false } });
  const failed = result.records.filter((r) => r.status === 'failed');
  t.deepEqual(
    failed.map((r) => `${r.accountId}/${r.region}/${r.collector}`),
    ['222222222222/us-east-1/bad-one'],
  );
  t.like(result.errors[0], { account: '222222222222', region: 'us-east-1', service: 'bad', collector: 'bad-one', code: 'AccessDenied', kind: 'gap' });
  t.is(graph.entitiesOfType('after').length, 3);
  const thing = graph.getEntity('thing:111111111111:eu-west-1');
  t.like(thing, { _accountId: '111111111111', _region: 'eu-west-1', _collector: 'bad-one', 'tag.AccountName': 'one', 'tag.Production': false });
});

test('concurrency is bounded', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const slow = collector('slow-x', 'regional', [], async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 10));
    inFlight--;
  });
  const many = new Map([...regions].map(([account]) => [account, ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1']]));
  const result = await runCollectors({ access: access(), graph: new GraphStore(), plan: { accounts, regions: many, collectors: [slow] }, concurrency: 3 });
  t.is(result.records.length, 10);
  t.is(peak, 3);
});

test('declaration problems are reported: unknown dependencies, duplicates and cycles', (t) => {
  const noop = async () => undefined;
  const problems = checkDeclarations([
    collector('a-x', 'global', ['b-x'], noop),
    collector('b-x', 'global', ['a-x'], noop),
    collector('c-x', 'global', ['nope'], noop),
    collector('c-x', 'global', [], noop),
  ]);
  t.true(problems.includes('duplicate collector id c-x'));
  t.true(problems.includes('c-x depends on unknown nope'));
  t.true(problems.some((p) => p.startsWith('dependency cycle: a-x -> b-x -> a-x')));
});
