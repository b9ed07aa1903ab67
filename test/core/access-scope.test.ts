import { DescribeKeyCommand, KMSClient, ListKeysCommand, paginateListKeys } from '@aws-sdk/client-kms';
import test from 'ava';
import { CallChains, type CallScope } from '../../src/aws/access';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import { simulatedAccess } from '../scheduler/sim-access';

const world = generateWorld({ accounts: 2, regions: 2, resourcesPerRegion: 3, seed: 5 }, allSimulators());
const [first, second] = world.accounts.map((account) => account.id);
const region = world.regions[0].name;
const scope = (accountId: string, collector: string): CallScope => ({ accountId, region, collector });

test('calls made with a scoped client are attributed to its scope, even when scopes of one account overlap', async (t) => {
  const { access } = simulatedAccess(world);
  try {
    const a = access.client(KMSClient, first, region, scope(first, 'kms-a'));
    const b = access.client(KMSClient, first, region, scope(first, 'kms-b'));
    const other = access.client(KMSClient, second, region, scope(second, 'kms-a'));
    t.true(a instanceof KMSClient, 'a view is an instance of the client class');
    t.is(access.client(KMSClient, first, region, scope(first, 'kms-a')), a, 'one view per scope and client');
    await Promise.all([a.send(new ListKeysCommand({})), b.send(new ListKeysCommand({})), b.send(new ListKeysCommand({})), other.send(new ListKeysCommand({}))]);
    // Paginators take a view like a client.
    let pages = 0;
    for await (const page of paginateListKeys({ client: a, pageSize: 1 }, {})) {
      pages++;
      t.truthy(page.Keys);
    }
    t.true(pages > 1, 'several pages');
    t.deepEqual(access.countersFor(scope(first, 'kms-a')), { calls: 1 + pages, throttled: 0 });
    t.deepEqual(access.countersFor(scope(first, 'kms-b')), { calls: 2, throttled: 0 });
    t.deepEqual(access.countersFor(scope(second, 'kms-a')), { calls: 1, throttled: 0 });
    t.is(access.totals().calls, 4 + pages);
    // Destroying a view leaves the shared client working.
    a.destroy();
    await b.send(new ListKeysCommand({}));
    t.is(access.countersFor(scope(first, 'kms-b')).calls, 3);
  } finally {
    access.destroy();
  }
});

test('withScope attributes the calls of the access layer it gives, and of the account shared clients while it runs', async (t) => {
  const chains = new CallChains();
  const { access } = simulatedAccess(world, { callChains: chains });
  try {
    const discovery = scope(first, 'discovery');
    const keys = await access.withScope(discovery, async (scoped) => {
      const client = scoped.client(KMSClient, first, region);
      const listed = await client.send(new ListKeysCommand({}));
      // Code that uses the outer access layer (callers written before the scoped one existed).
      const keyId = listed.Keys?.[0]?.KeyId as string;
      await access.client(KMSClient, first, region).send(new DescribeKeyCommand({ KeyId: keyId }));
      return listed.Keys ?? [];
    });
    t.true(keys.length > 0);
    t.deepEqual(access.countersFor(discovery), { calls: 2, throttled: 0 });
    t.is(access.chainDepth(discovery), 2, 'one call after the other');
    // Once withScope is over, the shared client's calls belong to no scope.
    await access.client(KMSClient, first, region).send(new ListKeysCommand({}));
    t.deepEqual(access.countersFor(discovery), { calls: 2, throttled: 0 });
    t.is(access.totals().calls, 3);
  } finally {
    access.destroy();
  }
});

test('throttled attempts of a scoped call are counted to its scope and retried', async (t) => {
  const throttledWorld = { ...world, behaviour: { ...world.behaviour, throttleRate: 0.5, seed: 3 } };
  const { access } = simulatedAccess(throttledWorld, { throttleRetries: { baseDelayMs: 1, maxDelayMs: 2 } });
  try {
    const client = access.client(KMSClient, first, region, scope(first, 'kms-throttled'));
    for (let i = 0; i < 10; i++) await client.send(new ListKeysCommand({}));
    const counters = access.countersFor(scope(first, 'kms-throttled'));
    t.is(counters.calls, 10);
    t.true(counters.throttled > 0, 'some attempts were throttled');
    t.is(access.totals().throttled, counters.throttled, 'all of them counted to the scope');
  } finally {
    access.destroy();
  }
});
