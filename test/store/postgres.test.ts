import test from 'ava';
import pg from 'pg';
import { readSnapshot } from '../../src/snapshot/reader';
import { canonicalJson } from '../../src/snapshot/format';
import { graphSha256, PostgresStorage, redactUrl } from '../../src/store/postgres/store';
import { freshDatabase } from '../helpers/postgres';
import { emptyMetadata } from '../helpers/metadata';
import { MIGRATIONS, READ_INDEXES, UNIQUE_INDEXES } from '../../src/store/postgres/migrations';
import type { Entity, Relationship } from '../../src/graph';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';
import type { World } from '../../src/sim/types';

/** The first array held under `name` anywhere in a world (depth first). */
function firstArray(value: unknown, name: string): unknown[] | undefined {
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key === name && Array.isArray(child)) return child;
    const found = firstArray(child, name);
    if (found) return found;
  }
  return undefined;
}

const clockAt = (iso: string) => () => new Date(iso);

async function rowCounts(url: string): Promise<{ entities: number; relationships: number; current: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const count = async (sql: string) => Number((await client.query<{ count: string }>(sql)).rows[0].count);
    return {
      entities: await count('SELECT count(*) FROM entities'),
      relationships: await count('SELECT count(*) FROM relationships'),
      current: await count('SELECT count(*) FROM entities WHERE valid_to IS NULL'),
    };
  } finally {
    await client.end();
  }
}

test('a run into PostgreSQL stores the same graph as the files store, and history costs only what changed', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const world = builtinWorld();
  const files = await simulate(world, { clock: clockAt('2026-01-01T00:00:00Z') });
  const store = new PostgresStorage(url);
  t.teardown(() => store.close());
  const first = await simulate(builtinWorld(), { store, clock: clockAt('2026-01-01T00:00:00Z') });
  t.is(first.summary.snapshot.sha256, files.summary.snapshot.sha256);
  t.regex(first.summary.snapshot.path, /^postgres:snapshot\/1$/);

  // Read back: the same objects, timestamps included, and the same hash.
  const latest = await store.latest();
  t.deepEqual(latest, { id: 'postgres:snapshot/1' });
  const read = await store.read(latest!);
  const fileSnapshot = await readSnapshot(files.summary.snapshot.path);
  t.is(graphSha256(read.entities, read.relationships), files.summary.snapshot.sha256);
  t.is(read.metadata.graphSha256, files.summary.snapshot.sha256);
  const byKey = new Map(fileSnapshot.entities.map((entity) => [entity._key, entity]));
  for (const entity of read.entities) t.deepEqual(entity, byKey.get(entity._key));
  t.is(read.entities.length, fileSnapshot.entities.length);

  // A second run where one bucket is gone and nothing else changed: one closed version, no new copy of the rest.
  const before = await rowCounts(url);
  const changed = builtinWorld();
  const buckets = firstArray(changed, 'buckets');
  t.truthy(buckets?.length, 'the built-in world has S3 buckets');
  buckets!.splice(0, 1);
  const second = await simulate(changed, { store, clock: clockAt('2026-01-02T00:00:00Z') });
  t.true(second.summary.changes.deleted >= 1);
  const after = await rowCounts(url);
  const changedObjects = second.summary.changes.created + second.summary.changes.updated;
  t.is(after.entities - before.entities, changedObjects, 'only changed or new entities get a new row');
  t.is(after.current, second.summary.totals.entities);
  // The first snapshot still reads as it was.
  t.is(
    graphSha256((await store.read({ id: 'postgres:snapshot/1' })).entities, (await store.read({ id: 'postgres:snapshot/1' })).relationships),
    first.summary.snapshot.sha256,
  );
  const secondRead = await store.read({ id: 'postgres:snapshot/2' });
  t.is(graphSha256(secondRead.entities, secondRead.relationships), second.summary.snapshot.sha256);
  // `_createdOn` of an unchanged entity is the first run's.
  const account = secondRead.entities.find((entity) => entity._type === 'aws_account');
  t.is(account?._createdOn, Date.parse('2026-01-01T00:00:00Z'));
});

const INDEX_NAMES = [...READ_INDEXES, ...UNIQUE_INDEXES].map((index) => index.name);

async function readIndexOids(url: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = (await client.query<{ relname: string; oid: number }>(`SELECT relname, oid FROM pg_class WHERE relname = ANY($1)`, [INDEX_NAMES])).rows;
    return new Map(rows.map((row) => [row.relname, Number(row.oid)]));
  } finally {
    await client.end();
  }
}

/** The primary-key constraints of the two graph tables, by name. */
async function primaryKeys(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = (
      await client.query<{ conname: string }>(
        `SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('entities'::regclass, 'relationships'::regclass) ORDER BY conname`,
      )
    ).rows;
    return rows.map((row) => row.conname);
  } finally {
    await client.end();
  }
}

test('the graph tables indexes are those of migration 1; a first load builds them once at the end, a later one keeps them, and a store missing one repairs it on open', async (t) => {
  const migrationSql = MIGRATIONS.find((migration) => migration.version === 1)!.sql;
  for (const index of READ_INDEXES) t.true(migrationSql.includes(`CREATE INDEX ${index.name} ON ${index.definition};`), index.name);
  for (const index of UNIQUE_INDEXES) {
    // The table's primary key: `PRIMARY KEY (part, key, valid_from)` in its CREATE TABLE.
    if (index.primaryKey) t.true(migrationSql.includes(`PRIMARY KEY ${index.definition.slice(index.table.length + 1)}`), index.name);
    else t.true(migrationSql.includes(`CREATE UNIQUE INDEX ${index.name} ON ${index.definition};`), index.name);
  }

  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const store = new PostgresStorage(url);
  t.teardown(() => store.close());
  const beforeLoad = await (async () => {
    await store.writeProblem(); // migrates
    return readIndexOids(url);
  })();
  t.is(beforeLoad.size, INDEX_NAMES.length);
  t.deepEqual(await primaryKeys(url), ['entities_pkey', 'relationships_pkey']);
  const first = await simulate(builtinWorld(), { store, clock: clockAt('2026-01-01T00:00:00Z') });
  const afterFirst = await readIndexOids(url);
  t.is(afterFirst.size, INDEX_NAMES.length, 'every index exists after the first load');
  t.deepEqual(await primaryKeys(url), ['entities_pkey', 'relationships_pkey'], 'the primary keys are constraints again');
  for (const [name, oid] of afterFirst) t.not(oid, beforeLoad.get(name), `${name} was built after the load`);
  const read = await store.read((await store.latest())!);
  t.is(graphSha256(read.entities, read.relationships), first.summary.snapshot.sha256);

  await simulate(builtinWorld(), { store, clock: clockAt('2026-01-02T00:00:00Z') });
  t.deepEqual(await readIndexOids(url), afterFirst, 'a load into a store with rows keeps its indexes');

  // A load that died between dropping and building leaves a store without an index: the next process builds it.
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('DROP INDEX entities_properties; ALTER TABLE relationships DROP CONSTRAINT relationships_pkey; DROP INDEX entities_current');
  await admin.end();
  const reopened = new PostgresStorage(url);
  t.teardown(() => reopened.close());
  await reopened.writeProblem();
  const repaired = await readIndexOids(url);
  for (const name of INDEX_NAMES) t.true(repaired.has(name), name);
  t.deepEqual(await primaryKeys(url), ['entities_pkey', 'relationships_pkey']);
});

test('a first load stores objects whole (nested values, a lone timestamp) and one with a duplicate key fails, leaving the store empty with every index', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const account = '123456789012';
  const entity = (key: string, extra: Record<string, unknown> = {}): Entity =>
    ({ _key: key, _type: 'aws_thing', _class: ['Resource'], name: key, displayName: key, _accountId: account, ...extra }) as Entity;
  const edge: Relationship = {
    _key: 'a|has|b',
    _type: 'aws_thing_has_thing',
    _class: 'HAS',
    _fromEntityKey: 'a',
    _toEntityKey: 'b',
    displayName: 'HAS',
    _accountId: account,
  } as Relationship;
  const metadata = (entities: number, relationships: number) =>
    emptyMetadata({ counts: { entities: {}, relationships: {}, totalEntities: entities, totalRelationships: relationships, staleEntities: 0 } });

  const failing = new PostgresStorage(url);
  t.teardown(() => failing.close());
  const duplicated = [entity('a'), entity('b'), entity('a', { name: 'again' })];
  await t.throwsAsync(failing.write(duplicated, [edge], metadata(3, 1)), { message: /entities_(pkey|current)|duplicate/ });
  t.deepEqual(await rowCounts(url), { entities: 0, relationships: 0, current: 0 });
  t.is((await readIndexOids(url)).size, INDEX_NAMES.length);
  t.deepEqual(await primaryKeys(url), ['entities_pkey', 'relationships_pkey']);
  await failing.fail('duplicate key'); // as a failed ingestion does

  // Objects that are not flat, or whose timestamps are not both whole numbers, come back as they went in.
  const store = new PostgresStorage(url);
  t.teardown(() => store.close());
  const entities = [
    entity('a', { _createdOn: 1_700_000_000_000, _updatedOn: 1_700_000_000_001, tags: ['x'] }),
    entity('b', { policy: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }, _createdOn: 1_700_000_000_000 }),
    entity('c', { note: 'back\\slash\ttab' }),
  ];
  const written = await store.write(entities, [edge], metadata(3, 1));
  t.is(written.graphSha256, graphSha256(entities, [edge]));
  const read = await store.read((await store.latest())!);
  const byKey = new Map(read.entities.map((object) => [object._key, object]));
  for (const object of entities) t.deepEqual(byKey.get(object._key), object);
  t.deepEqual(read.relationships, [edge]);
});

test('the connection string is never printed: descriptions and messages redact the password', async (t) => {
  t.is(redactUrl('postgres://orggraph:s3cret@db.example.com:5432/graph'), 'postgres://orggraph:***@db.example.com:5432/graph');
  const store = new PostgresStorage('postgres://orggraph:s3cret@127.0.0.1:1/graph');
  t.teardown(() => store.close());
  const problem = await store.writeProblem();
  t.truthy(problem);
  t.notRegex(problem!, /s3cret/);
  t.regex(problem!, /cannot use the PostgreSQL store postgres:\/\/orggraph:\*\*\*@127\.0\.0\.1:1\/graph/);
});

export type { World };
export { temporaryDirectory, canonicalJson };

import { generateWorld } from '../../src/sim/generate';
import { allSimulators } from '../../src/services';
import { accountEntityKey } from '../../src/graph';
import { IngestError } from '../../src/ingest';
import { shardOf } from '../../src/store/shard';

/**
 * A generated organization whose management account (the first) holds an Organizations section in
 * the API's shapes: members spread over two OUs with their own SCPs, an RCP on the root, a
 * delegated administrator. Every shard sets its own members' facts from it.
 */
function shardWorld(): World {
  const world = generateWorld(
    { accounts: 12, regions: 2, resourcesPerRegion: 6, mix: 'realistic', latencyMs: 0, throttling: false, seed: 21 },
    allSimulators(),
  );
  const [managementAccount, ...others] = world.accounts;
  const [administrator = '', ...members] = others.map((account) => account.id);
  const production = members.filter((_, index) => index % 2 === 0);
  managementAccount.global = {
    ...managementAccount.global,
    organizations: {
      roots: [
        {
          Id: 'r-shrd',
          Name: 'Root',
          PolicyTypes: [
            { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
            { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
          ],
        },
      ],
      organizationalUnits: [
        { Id: 'ou-shrd-workloads', Name: 'Workloads', ParentId: 'r-shrd' },
        { Id: 'ou-shrd-production', Name: 'Production', ParentId: 'ou-shrd-workloads' },
      ],
      accountParents: Object.fromEntries([administrator, ...production].map((id) => [id, id === administrator ? 'ou-shrd-workloads' : 'ou-shrd-production'])),
      policies: [
        { Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: true, Targets: ['r-shrd'] },
        { Id: 'p-denyleave01', Name: 'DenyLeaveOrganization', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: false, Targets: ['ou-shrd-workloads'] },
        { Id: 'p-regions0001', Name: 'DenyRegionsOutsideAllowed', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: false, Targets: ['ou-shrd-production'] },
        { Id: 'p-RCPFullAWSAccess', Name: 'RCPFullAWSAccess', Type: 'RESOURCE_CONTROL_POLICY', AwsManaged: true, Targets: ['r-shrd'] },
        { Id: 'p-rcptls0001', Name: 'EnforceSecureTransport', Type: 'RESOURCE_CONTROL_POLICY', AwsManaged: false, Targets: ['r-shrd'] },
      ],
      trustedServices: [
        { ServicePrincipal: 'guardduty.amazonaws.com', DateEnabled: '2020-02-10T11:00:00Z' },
        { ServicePrincipal: 'iam.amazonaws.com', DateEnabled: '2024-11-20T15:00:00Z' },
      ],
      delegatedAdministrators: [
        {
          Id: administrator,
          DelegationEnabledDate: '2021-05-04T10:00:00Z',
          Services: [{ ServicePrincipal: 'guardduty.amazonaws.com', DelegationEnabledDate: '2021-05-04T10:00:00Z' }],
        },
      ],
      rootAccessFeatures: ['RootCredentialsManagement', 'RootSessions'],
    },
  };
  return world;
}

test("4 concurrent shards write one graph whose sha256 is a single run's; readers see only committed snapshots; a failed shard carries its accounts forward", async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  // Every collector, Organizations included: each shard reads the organization with the management
  // account's role and sets the facts of its own accounts.
  const single = await simulate(shardWorld(), { clock: clockAt('2026-02-01T00:00:00Z') });
  t.deepEqual(single.summary.errors, []);
  const stores = [0, 1, 2, 3].map(() => new PostgresStorage(url));
  t.teardown(() => Promise.all(stores.map((store) => store.close())).then(() => undefined));
  const runs = await Promise.all(
    stores.map((store, index) => simulate(shardWorld(), { store, config: { shard: { index, count: 4 } }, clock: clockAt('2026-02-01T00:00:00Z') })),
  );
  // Every shard ingested only its accounts, and together all of them.
  const accounts = runs.flatMap((run) => run.summary.accounts.map((account) => account.accountId)).sort();
  t.deepEqual(accounts, single.summary.accounts.map((account) => account.accountId).sort());
  for (const [index, run] of runs.entries()) for (const account of run.summary.accounts) t.is(shardOf(account.accountId, 4), index);
  // Shards without the management account set their members' Organizations facts too.
  const [managementId, administratorId] = shardWorld().accounts.map((account) => account.id);
  const withoutManagement = runs.filter((run) => !run.summary.accounts.some((account) => account.accountId === managementId));
  t.true(withoutManagement.length > 0);
  for (const run of withoutManagement) {
    t.deepEqual(run.summary.errors, []);
    for (const { accountId } of run.summary.accounts) {
      const entity = run.graph.getEntity(accountEntityKey(accountId));
      t.regex(String(entity?.organizationalUnitPath), /^Root(\/Workloads(\/Production)?)?$/, accountId);
      t.deepEqual(entity?.inheritedRcpNames, ['EnforceSecureTransport'], accountId);
      t.is(typeof entity?.inheritedScpCount, 'number', accountId);
      if (accountId === administratorId) t.deepEqual(entity?.delegatedAdministratorServices, ['guardduty.amazonaws.com']);
    }
  }
  // The last one to finish committed the snapshot; the others said it was pending.
  t.is(runs.filter((run) => run.summary.snapshot.sha256 !== '').length, 1);
  const reader = stores[0];
  const first = await reader.read((await reader.latest())!);
  t.is(first.metadata.graphSha256, single.summary.snapshot.sha256);
  t.is(graphSha256(first.entities, first.relationships), single.summary.snapshot.sha256);
  t.is(first.metadata.counts.totalEntities, single.summary.totals.entities);
  t.deepEqual(first.metadata.accounts, single.metadata.accounts);

  // Next round: shard 3 cannot list the organization (its run fails before collecting anything).
  const management = single.metadata.accounts[0].accountId;
  const denied = single.metadata.accounts.map((account) => account.accountId).filter((id) => shardOf(id, 4) === 3);
  t.true(denied.length > 0);
  const failing = (): World => ({
    ...shardWorld(),
    faults: [{ account: management, service: 'organizations', operation: 'ListAccounts', error: 'AccessDenied' }],
  });
  const clock = clockAt('2026-02-02T00:00:00Z');
  for (const index of [0, 1, 2]) {
    await simulate(shardWorld(), { store: stores[index], config: { shard: { index, count: 4 } }, clock });
    // Until every shard has finished, readers keep reading the first snapshot, whole.
    const latest = await reader.latest();
    t.deepEqual(latest, { id: 'postgres:snapshot/1' });
    const stillFirst = await reader.read(latest!);
    t.is(graphSha256(stillFirst.entities, stillFirst.relationships), single.summary.snapshot.sha256);
  }
  await t.throwsAsync(simulate(failing(), { store: stores[3], config: { shard: { index: 3, count: 4 } }, clock }), { instanceOf: IngestError });
  const second = await reader.read((await reader.latest())!);
  t.deepEqual(await reader.latest(), { id: 'postgres:snapshot/2' });
  t.true(second.metadata.errors.some((error) => error.code === 'ShardFailed'));
  t.deepEqual(second.metadata.shards, { count: 4, failed: [3] });
  // The failed shard's accounts are all there, as they were, marked stale; the others are fresh.
  const before = new Map(first.entities.map((entity) => [entity._key, entity]));
  for (const accountId of denied) {
    const carried = second.entities.filter((entity) => entity._accountId === accountId);
    t.is(carried.length, first.entities.filter((entity) => entity._accountId === accountId).length);
    for (const entity of carried) {
      t.true(entity._stale, entity._key);
      const { _stale: _ignored, ...rest } = entity;
      t.deepEqual(rest, before.get(entity._key));
    }
    t.true(second.metadata.notRefreshed.some((scope) => scope.accountId === accountId));
  }
  t.false(second.entities.some((entity) => entity._accountId !== undefined && !denied.includes(entity._accountId) && entity._stale));
  t.is(second.metadata.graphSha256, graphSha256(second.entities, second.relationships));
});
