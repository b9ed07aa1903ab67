import test from 'ava';
import pg from 'pg';
import { readSnapshot } from '../../src/snapshot/reader';
import { canonicalJson } from '../../src/snapshot/format';
import { graphSha256, PostgresStorage, redactUrl } from '../../src/store/postgres/store';
import { freshDatabase } from '../helpers/postgres';
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
  t.is(graphSha256((await store.read({ id: 'postgres:snapshot/1' })).entities, (await store.read({ id: 'postgres:snapshot/1' })).relationships), first.summary.snapshot.sha256);
  const secondRead = await store.read({ id: 'postgres:snapshot/2' });
  t.is(graphSha256(secondRead.entities, secondRead.relationships), second.summary.snapshot.sha256);
  // `_createdOn` of an unchanged entity is the first run's.
  const account = secondRead.entities.find((entity) => entity._type === 'aws_account');
  t.is(account?._createdOn, Date.parse('2026-01-01T00:00:00Z'));
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
