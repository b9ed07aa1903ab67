import { DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import test from 'ava';
import { CallChains } from '../../src/aws/access';
import { runCollectors } from '../../src/collectors/runner';
import type { Collector, CollectorContext } from '../../src/collectors/types';
import { GraphStore } from '../../src/graph';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import { simulatedAccess } from './sim-access';

function collector(id: string, scope: 'global' | 'regional', dependsOn: string[], run: (context: CollectorContext) => Promise<void>): Collector {
  return { id, service: id.split('-')[0], scope, entities: [], relationships: [], permissions: [], dependsOn, run };
}

test('per-task API calls are recorded, dependencies are honoured, and call chains continue across dependent tasks', async (t) => {
  const world = generateWorld({ accounts: 2, regions: 2, resourcesPerRegion: 3, seed: 9 }, allSimulators());
  const chains = new CallChains();
  const { access } = simulatedAccess(world, { callChains: chains });
  const finished = new Set<string>();
  const keyIds = async (client: KMSClient) => ((await client.send(new ListKeysCommand({}))).Keys ?? []).map((key) => key.KeyId as string);
  const collectors = [
    // Three calls one after the other: a chain of 3.
    collector('kms-sequential', 'regional', [], async (context) => {
      const client = context.client(KMSClient);
      for (let page = 0; page < 3; page++) await keyIds(client);
      finished.add(`sequential@${context.account.accountId}/${context.region}`);
    }),
    // Four calls at once, then one more: 5 calls, 2 more links after what it waited for.
    collector('kms-parallel', 'regional', ['kms-sequential'], async (context) => {
      t.true(finished.has(`sequential@${context.account.accountId}/${context.region}`));
      const client = context.client(KMSClient);
      const [keyId] = await keyIds(client);
      await Promise.all([1, 2, 3].map(() => client.send(new DescribeKeyCommand({ KeyId: keyId }))));
      finished.add(`parallel@${context.account.accountId}/${context.region}`);
    }),
    // A global task after the regional ones of every region: 1 call.
    collector('map-global', 'global', ['kms-parallel'], async (context) => {
      for (const region of world.regions.map((r) => r.name)) t.true(finished.has(`parallel@${context.account.accountId}/${region}`));
      await keyIds(context.client(KMSClient));
    }),
  ];
  const regions = new Map(world.accounts.map((account) => [account.id, world.regions.map((region) => region.name)]));
  // Each scope's depth as its task ends: an account's chain states go once its collection is over.
  const depths = new Map<string, number>();
  const recording = collectors.map((each) => ({
    ...each,
    run: async (context: CollectorContext) => {
      await each.run(context);
      const scope = { accountId: context.account.accountId, region: each.scope === 'global' ? 'global' : context.region, collector: each.id };
      depths.set(`${scope.accountId}|${scope.region}|${scope.collector}`, access.chainDepth(scope));
    },
  }));
  const depthOf = (accountId: string, region: string, collectorId: string) => depths.get(`${accountId}|${region}|${collectorId}`);
  try {
    const result = await runCollectors({
      access,
      graph: new GraphStore(),
      plan: { accounts: world.accounts.map((account) => ({ accountId: account.id })), regions, collectors: recording },
    });
    t.deepEqual(result.errors, []);
    const calls = (collectorId: string) => [...new Set(result.records.filter((r) => r.collector === collectorId).map((r) => r.apiCalls))];
    t.deepEqual(calls('kms-sequential'), [3]);
    t.deepEqual(calls('kms-parallel'), [4]);
    t.deepEqual(calls('map-global'), [1]);
    t.is(access.totals().calls, 2 * 2 * (3 + 4) + 2 * 1);
    t.is(result.records.length, 2 * 2 * 2 + 2);
    // 3 sequential calls, then ListKeys and the three DescribeKey at once (2 links), then 1.
    for (const account of world.accounts) {
      t.is(depthOf(account.id, world.regions[0].name, 'kms-sequential'), 3);
      t.is(depthOf(account.id, world.regions[0].name, 'kms-parallel'), 5);
      t.is(depthOf(account.id, 'global', 'map-global'), 6);
    }
    // Released, each account keeps only its deepest chain.
    t.is(chains.heldScopes, 0);
    t.deepEqual(Object.fromEntries(chains.maxDepthByAccount()), Object.fromEntries(world.accounts.map((account) => [account.id, 6])));
    t.is(chains.maxDepth, 6);
    t.regex(chains.deepestScope ?? '', /\|global\|map-global$/);
  } finally {
    access.destroy();
  }
});

test('without call chains the access layer reports depth 0 and the runner runs as usual', async (t) => {
  const world = generateWorld({ accounts: 1, regions: 1, resourcesPerRegion: 1, seed: 2 }, allSimulators());
  const { access } = simulatedAccess(world);
  const collectors = [collector('kms-one', 'regional', [], async (context) => void (await context.client(KMSClient).send(new ListKeysCommand({}))))];
  try {
    const result = await runCollectors({
      access,
      graph: new GraphStore(),
      plan: { accounts: [{ accountId: world.accounts[0].id }], regions: new Map([[world.accounts[0].id, [world.regions[0].name]]]), collectors },
    });
    t.is(result.records[0].apiCalls, 1);
    t.is(access.chainDepth(), 0);
  } finally {
    access.destroy();
  }
});
