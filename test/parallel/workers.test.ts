import test from 'ava';
import { allSimulators } from '../../src/services';
import { CallChains } from '../../src/aws/call-chains';
import { generateWorld } from '../../src/sim/generate';
import type { World } from '../../src/sim/types';
import type { WorkerDiagnostics } from '../../src/parallel/protocol';
import { workerCount, type IngestResult } from '../../src/ingest';
import { splitWorld, sharedAccounts } from '../../src/parallel/world-slices';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';

/** A generated organization of a few accounts with every generating service. */
function world(faults: World['faults'] = []): World {
  const generated = generateWorld({ accounts: 5, regions: 3, resourcesPerRegion: 3, mix: 'realistic', seed: 11 }, allSimulators());
  return { ...generated, faults };
}

test('worker threads build the same graph as one thread: same snapshot hash, counts, records and API calls', async (t) => {
  const single = await simulate(world(), { config: { workers: 1 } });
  const diagnostics: WorkerDiagnostics[] = [];
  const pooled = await simulate(world(), { config: { workers: 2 }, onWorkerDone: (d) => diagnostics.push(d) });
  t.is(diagnostics.length, 2, 'two workers reported');
  t.true(
    diagnostics.every((d) => d.accounts > 0 && d.calls.calls > 0),
    'both workers collected accounts',
  );
  t.is(
    diagnostics.reduce((sum, d) => sum + d.accounts, 0),
    single.summary.accounts.length,
  );
  t.true(single.summary.totals.entities > 300, `a realistic graph (${single.summary.totals.entities} entities)`);
  t.is(pooled.summary.snapshot.sha256, single.summary.snapshot.sha256);
  t.deepEqual(pooled.summary.counts, single.summary.counts);
  t.is(pooled.summary.apiCalls, single.summary.apiCalls);
  t.deepEqual(pooled.summary.errors, []);
  const collectors = (records: typeof single.metadata.collectors) =>
    records.map((r) => `${r.accountId}|${r.region}|${r.collector}|${r.status}|${r.entities}|${r.relationships}`);
  t.deepEqual(collectors(pooled.metadata.collectors), collectors(single.metadata.collectors));
  // The cross-account mappings ran in the parent, over the merged graph.
  t.true(pooled.metadata.collectors.some((r) => r.collector === 'mappings-allows' && r.entities + r.relationships > 0));
  // Each account's graph was handed over and dropped: the graph is held once, by the parent.
  t.deepEqual(
    diagnostics.map((d) => d.held),
    [
      { entities: 0, relationships: 0 },
      { entities: 0, relationships: 0 },
    ],
  );
});

test('many small accounts: each worker collects a bounded number at once and keeps no per-account state once they are done', async (t) => {
  const { ACCOUNTS_IN_FLIGHT_PER_WORKER } = await import('../../src/parallel/pool');
  // More accounts than two workers take at once: the rest wait in the parent.
  const accounts = 2 * ACCOUNTS_IN_FLIGHT_PER_WORKER + 9;
  const many = generateWorld({ accounts, regions: 2, resourcesPerRegion: 1, mix: 'realistic', throttling: true, seed: 5 }, allSimulators());
  const diagnostics: WorkerDiagnostics[] = [];
  // With call chains recorded (as the benchmark does): their per-scope states go with each account too.
  const pooled = await simulate(many, { config: { workers: 2 }, access: { callChains: new CallChains() }, onWorkerDone: (d) => diagnostics.push(d) });
  const single = await simulate(many, { config: { workers: 1 } });
  t.is(pooled.summary.snapshot.sha256, single.summary.snapshot.sha256, 'the same graph as one thread');
  t.is(pooled.summary.apiCalls, single.summary.apiCalls);
  t.deepEqual(pooled.summary.errors, []);
  t.is(
    diagnostics.reduce((sum, d) => sum + d.accounts, 0),
    accounts,
  );
  for (const d of diagnostics) {
    t.true(
      d.maxAccountsInFlight >= 1 && d.maxAccountsInFlight <= ACCOUNTS_IN_FLIGHT_PER_WORKER,
      `worker ${d.index}: at most ${ACCOUNTS_IN_FLIGHT_PER_WORKER} accounts at once (${d.maxAccountsInFlight})`,
    );
    // The state existed while the accounts were collected ...
    t.true(d.pacer.buckets > d.accounts, `worker ${d.index}: ${d.pacer.buckets} pacing buckets were used`);
    t.true((d.simulated?.stats.calls ?? 0) > 0);
    t.true(d.chainDepth > 1, `worker ${d.index}: chains were recorded (depth ${d.chainDepth})`);
    // ... and none of it is held once they are done.
    t.deepEqual(
      d.retained,
      {
        accountStates: 0,
        credentials: 0,
        pacedAccounts: 0,
        scopeRecords: 0,
        chainScopes: 0,
        signingSecrets: 0,
        tasks: 0,
        simulatedBuckets: 0,
        simulatedAccounts: 0,
      },
      `worker ${d.index}`,
    );
    t.deepEqual(d.held, { entities: 0, relationships: 0 });
  }
});

test('with workers, a failing service is recorded and its previous entities are carried forward, as in one thread', async (t) => {
  const results: IngestResult[] = [];
  for (const workers of [1, 2]) {
    const outputDir = temporaryDirectory();
    const first = await simulate(world(), { outputDir, config: { workers } });
    // The account with the most KMS keys loses access to KMS in the second run.
    const keysPerAccount = new Map<string, number>();
    for (const key of first.graph.allEntities())
      if (key._type === 'aws_kms_key') keysPerAccount.set(String(key._accountId), (keysPerAccount.get(String(key._accountId)) ?? 0) + 1);
    const [victim] = [...keysPerAccount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    const faults: World['faults'] = [{ account: victim, service: 'kms', error: 'AccessDenied' }];
    const second = await simulate(world(faults), { outputDir, config: { workers } });
    t.true(second.summary.totals.staleEntities > 0, `${workers} worker(s): KMS keys of ${victim} kept as stale`);
    t.true(second.summary.errors.some((error) => error.account === victim && error.service === 'kms' && error.code === 'AccessDenied'));
    t.is(second.summary.totals.entities, first.summary.totals.entities, 'nothing lost');
    results.push(second);
  }
  t.is(results[1].summary.snapshot.sha256, results[0].summary.snapshot.sha256);
  const scopes = (result: IngestResult) =>
    result.summary.notRefreshed.map((n) => `${n.accountId}|${n.region}|${n.collector}|${n.types.join(',')}|${n.entitiesCarried}`);
  t.deepEqual(scopes(results[1]), scopes(results[0]));
  t.true(scopes(results[1]).length > 0);
});

test('workers: auto uses one thread for small organizations and custom functions, and one worker per 8 accounts up to the CPUs', (t) => {
  t.is(workerCount('auto', 5, {}), 1);
  t.is(workerCount(undefined, 7, {}), 1);
  t.true(workerCount('auto', 400, {}) >= 1);
  t.is(workerCount(3, 5, {}), 3, 'an explicit number is taken as it is');
  t.is(workerCount(4, 400, { collectors: [] }), 1, 'custom collectors are functions and stay in this thread');
});

test('a worker that dies is recorded: each of its accounts gets one failed record for every scope (which ingest carries forward) and an error', async (t) => {
  const { WorkerPool } = await import('../../src/parallel/pool');
  const { AwsAccess } = await import('../../src/aws/access');
  const { GraphStore } = await import('../../src/graph');
  const { selectCollectors } = await import('../../src/services');
  const access = new AwsAccess({ roleName: 'audit', baseCredentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'not-a-secret' }, pacing: false });
  const logged: string[] = [];
  // A simulated organization the worker cannot even load: it throws while starting.
  const broken = { organization: world().organization, regions: [], accounts: null } as unknown as World;
  const pool = new WorkerPool({
    size: 1,
    setup: { access: { roleName: 'audit', homeRegion: 'us-east-1', recordChains: false, fastRetries: true }, world: broken },
    access,
    graph: new GraphStore(),
    collectors: selectCollectors(),
    logger: { info: () => undefined, debug: () => undefined, warn: (message) => logged.push(message) },
  });
  const accounts = [{ accountId: '111111111111' }, { accountId: '222222222222' }];
  for (const account of accounts) pool.addAccount(account, ['us-east-1'], 0);
  pool.setAccounts(accounts);
  const result = await pool.finish();
  t.deepEqual(
    result.records.map((record) => `${record.accountId}|${record.region}|${record.collector}|${record.status}`),
    ['111111111111|*|*|failed', '222222222222|*|*|failed'],
  );
  t.deepEqual(
    result.errors.map((error) => `${error.account}|${error.code}`),
    ['111111111111|Unexpected', '222222222222|Unexpected'],
  );
  t.regex(result.errors[0].message, /TypeError|not iterable|null/);
  t.true(logged.some((message) => /collector worker 0 failed/.test(message)));
  access.destroy();
});

test("workers get the simulated organization without the accounts' data, which comes with each account", (t) => {
  const generated = generateWorld({ accounts: 30, regions: 3, resourcesPerRegion: 4, mix: 'realistic', seed: 3 }, allSimulators());
  const management = generated.organization.managementAccountId;
  const { skeleton, sliceOf } = splitWorld(generated);
  t.deepEqual([...sharedAccounts(generated)], [management], 'generated worlds peer no VPCs across accounts');
  t.is(skeleton.accounts.length, generated.accounts.length, 'every account is known (Organizations, STS answer from it)');
  for (const [index, account] of skeleton.accounts.entries()) {
    const original = generated.accounts[index];
    t.is(account.id, original.id);
    t.is(account.name, original.name);
    if (account.id === management) {
      t.is(account, original, 'the management account is whole');
      t.is(sliceOf(account.id), undefined);
    } else {
      t.is(account.global, undefined);
      t.is(account.regions, undefined);
      t.deepEqual(sliceOf(account.id), { global: original.global, regions: original.regions });
    }
  }
  t.true(generated.accounts[1].global !== undefined, "the parent's world is left whole");
  const size = (world: World) => JSON.stringify(world).length;
  t.true(size(skeleton) * 10 < size(generated), `skeleton ${size(skeleton)} characters, whole ${size(generated)}`);

  // The built-in organization peers VPCs across accounts: both ends stay whole in every worker.
  const demo = builtinWorld();
  const shared = sharedAccounts(demo);
  t.true(shared.has(demo.organization.managementAccountId));
  t.true(shared.has('222222222222') && shared.has('333333333333'), [...shared].join(', '));
  t.true(shared.size < demo.accounts.length);
});

test('the built-in organization (cross-account peering, organization trails) through two workers: the same graph as one thread', async (t) => {
  const single = await simulate(builtinWorld(), { config: { workers: 1 } });
  const diagnostics: WorkerDiagnostics[] = [];
  const pooled = await simulate(builtinWorld(), { config: { workers: 2 }, onWorkerDone: (d) => diagnostics.push(d) });
  t.is(diagnostics.length, 2);
  t.is(pooled.summary.snapshot.sha256, single.summary.snapshot.sha256);
  t.deepEqual(pooled.summary.errors, single.summary.errors);
  const peerings = (result: IngestResult) =>
    [...result.graph.allRelationships()]
      .filter((relationship) => relationship._type === 'aws_vpc_connects_vpc')
      .map((relationship) => relationship._key)
      .sort();
  t.true(peerings(single).length >= 2, 'the peered VPCs are connected');
  t.deepEqual(peerings(pooled), peerings(single));
  t.deepEqual(
    diagnostics.map((d) => d.retained.simulatedAccounts),
    [0, 0],
  );
});

test('when every worker dies, the run writes the accounts it merged and carries the others forward, marked stale', async (t) => {
  const { ACCOUNTS_IN_FLIGHT_PER_WORKER } = await import('../../src/parallel/pool');
  // More accounts than two workers take at once: some are still waiting when the workers die.
  const accounts = 2 * ACCOUNTS_IN_FLIGHT_PER_WORKER + 9;
  const many = generateWorld({ accounts, regions: 2, resourcesPerRegion: 2, mix: 'realistic', seed: 8 }, allSimulators());
  const outputDir = temporaryDirectory();
  const config = { workers: 2, services: { include: ['kms', 'sqs'] } };
  const first = await simulate(many, { outputDir, config });
  const entitiesOf = (result: IngestResult) => {
    const byAccount = new Map<string, number>();
    for (const entity of result.graph.allEntities()) if (entity._accountId) byAccount.set(entity._accountId, (byAccount.get(entity._accountId) ?? 0) + 1);
    return byAccount;
  };
  const before = entitiesOf(first);
  // Each worker is stopped as soon as it has handed its first account over (as an out-of-memory
  // death would stop it): the accounts it holds then are lost, and those still waiting find no
  // worker left.
  const merged: string[] = [];
  const second = await simulate(many, {
    outputDir,
    config,
    onWorkerStarted: (_index, thread) => {
      let stopped = false;
      thread.on('message', (message: { type: string; graph?: { accountId: string } }) => {
        if (message.type !== 'account' || !message.graph) return;
        // Handed over before the thread stopped: merged all the same.
        merged.push(message.graph.accountId);
        if (!stopped) void thread.terminate();
        stopped = true;
      });
    },
  });
  t.true(merged.length >= 2, `both workers handed accounts over (${merged.join(', ')})`);
  t.true(merged.length < accounts);
  // Every account not merged has a failed record and an error; the merged ones have their records.
  const failed = new Set(second.metadata.collectors.filter((record) => record.collector === '*' && record.status === 'failed').map((r) => r.accountId));
  t.deepEqual(
    [...failed].sort(),
    many.accounts
      .map((account) => account.id)
      .filter((id) => !merged.includes(id))
      .sort(),
  );
  for (const accountId of merged) t.true(second.metadata.collectors.some((record) => record.accountId === accountId && record.status === 'succeeded'));
  t.true(second.summary.errors.some((error) => failed.has(error.account) && /collector worker \d (exited|failed)/.test(error.message)));
  // Nothing is lost: the merged accounts are fresh, the others carried forward and marked stale.
  t.is(second.summary.totals.entities, first.summary.totals.entities);
  const stale = new Map<string, number>();
  for (const entity of second.graph.allEntities())
    if (entity._stale && entity._accountId) stale.set(entity._accountId, (stale.get(entity._accountId) ?? 0) + 1);
  for (const accountId of failed) t.is(stale.get(accountId), before.get(accountId), `${accountId}: all its entities are carried forward as stale`);
  for (const accountId of merged) t.is(stale.get(accountId), undefined, `${accountId} was collected`);
});

test('a worker that runs out of memory under its limit starts again with twice the limit, and its unfinished accounts are collected again: the same graph', async (t) => {
  const single = await simulate(world(), { config: { workers: 1 } });
  const warnings: string[] = [];
  const started: number[] = [];
  const done: WorkerDiagnostics[] = [];
  // 16 MB of old generation: each worker runs out while it loads the SDK or collects its first account.
  const pooled = await simulate(world(), {
    config: { workers: 2 },
    workerOldGenerationMb: 16,
    logger: { info: () => undefined, debug: () => undefined, warn: (message: string) => warnings.push(message) },
    onWorkerStarted: (index) => started.push(index),
    onWorkerDone: (diagnostics) => done.push(diagnostics),
  });
  t.true(
    warnings.some((message) => /collector worker \d ran out of memory under its 16 MB limit: started again with 32 MB/.test(message)),
    warnings.join('\n'),
  );
  t.true(started.length > 2, `threads started: ${started.join(', ')}`);
  t.deepEqual(pooled.summary.errors, []);
  t.deepEqual(pooled.summary.notRefreshed, []);
  t.is(pooled.summary.snapshot.sha256, single.summary.snapshot.sha256);
  t.is(pooled.summary.totals.entities, single.summary.totals.entities);
  t.true(pooled.summary.apiCalls >= single.summary.apiCalls, 'the calls of the threads that ran out are counted');
  // Each worker reports what its lost threads did, so that benchmarks divide all the CPU spent.
  t.is(
    done.reduce((sum, diagnostics) => sum + (diagnostics.lostThreads?.threads ?? 0), 0),
    started.length - 2,
  );
  for (const diagnostics of done) {
    const lost = diagnostics.lostThreads;
    // A thread that ran out while loading the SDK made no call and reported nothing.
    if (!lost?.calls.calls) continue;
    t.truthy(lost.simulated, `worker ${diagnostics.index}: ${JSON.stringify(lost)}`);
    t.is(lost.simulated!.calls, lost.calls.calls, 'every call its lost threads made reached the simulated organization');
    t.is(
      Object.values(lost.simulated!.byOperation).reduce((sum, calls) => sum + calls, 0),
      lost.simulated!.calls,
    );
  }
  t.deepEqual(
    pooled.metadata.collectors.map((record) => `${record.accountId}|${record.region}|${record.collector}|${record.status}`),
    single.metadata.collectors.map((record) => `${record.accountId}|${record.region}|${record.collector}|${record.status}`),
  );
});
