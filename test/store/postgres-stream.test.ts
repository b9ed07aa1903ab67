// A graph kept on disk (`spill`) written into PostgreSQL as it streams (`writeOrdered`): the same
// snapshot as the files store's, history that costs only what changed, and a stream that fails
// half-way leaves nothing of itself.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import test from 'ava';
import pg from 'pg';
import { stringify } from 'yaml';
import type { Entity, Relationship } from '../../src/graph';
import { SpilledGraph } from '../../src/graph';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import type { World } from '../../src/sim/types';
import { readSnapshot } from '../../src/snapshot/reader';
import { KeyOrdered } from '../../src/snapshot/writer';
import { graphInMemory } from '../../src/store/committed';
import { READ_INDEXES, UNIQUE_INDEXES } from '../../src/store/postgres/migrations';
import { graphSha256, PostgresStorage } from '../../src/store/postgres/store';
import { runBinary } from '../helpers/cli';
import { emptyMetadata } from '../helpers/metadata';
import { freshDatabase } from '../helpers/postgres';
import { simulate, temporaryDirectory } from '../helpers/simulate';

/** Many accounts, few resources (as the spill tests): enough for worker threads and a graph on disk. */
function world(faults: World['faults'] = []): World {
  const generated = generateWorld({ accounts: 24, regions: 2, resourcesPerRegion: 2, mix: 'realistic', seed: 7 }, allSimulators());
  return { ...generated, faults };
}

const at = (iso: string) => () => new Date(iso);

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const count = (url: string, sql: string) => withClient(url, async (client) => Number((await client.query<{ count: string }>(sql)).rows[0].count));

async function indexNames(url: string): Promise<string[]> {
  const names = [...READ_INDEXES, ...UNIQUE_INDEXES].map((index) => index.name);
  return withClient(url, async (client) =>
    (await client.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname = ANY($1) ORDER BY relname`, [names])).rows.map((row) => row.relname),
  );
}

test('a run whose graph is on disk streams it into PostgreSQL: the files store’s snapshot, first run and carry-forward, only changed rows added', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const store = new PostgresStorage(url);
  t.teardown(() => store.close());
  const outputDir = temporaryDirectory();
  const options = { spill: true, config: { workers: 2 } };

  const first = { clock: at('2026-12-07T10:00:00Z') };
  const files1 = await simulate(world(), { ...options, ...first, outputDir });
  const db1 = await simulate(world(), { ...options, ...first, store });
  t.true(db1.graph instanceof SpilledGraph, 'the run kept its graph on disk');
  t.is(db1.graphKept, 'disk');
  t.is(db1.summary.snapshot.path, 'postgres:snapshot/1');
  t.is(db1.summary.snapshot.sha256, files1.summary.snapshot.sha256);
  t.deepEqual(db1.summary.totals, files1.summary.totals);

  // The rows are the file's objects, timestamps included; the metadata's counts, filled in as the objects streamed, were stored.
  const fileSnapshot = await readSnapshot(files1.summary.snapshot.path);
  const read1 = await store.read({ id: 'postgres:snapshot/1' });
  t.is(read1.entities.length, fileSnapshot.entities.length);
  t.is(read1.relationships.length, fileSnapshot.relationships.length);
  const fileEntities = new Map(fileSnapshot.entities.map((entity) => [entity._key, entity]));
  t.true(
    read1.entities.every((entity) => isDeepStrictEqual(entity, fileEntities.get(entity._key))),
    'every row is its file line',
  );
  t.is(graphSha256(read1.entities, read1.relationships), files1.summary.snapshot.sha256);
  t.deepEqual(read1.metadata.counts, fileSnapshot.metadata.counts);
  t.is(read1.metadata.counts.totalEntities, files1.summary.totals.entities);
  t.deepEqual(read1.metadata.changes, fileSnapshot.metadata.changes);
  t.deepEqual(await indexNames(url), [...READ_INDEXES, ...UNIQUE_INDEXES].map((index) => index.name).sort(), 'the first load built every index');

  // The graph read back for compliance and alerts comes from the store, not from a file.
  const inMemory = await graphInMemory(db1, store);
  t.is(inMemory.graphKept, 'memory');
  t.is([...inMemory.graph.allEntities()].length, db1.summary.totals.entities);

  // Second run: KMS and EC2 fail in two accounts, carried forward stale from the first snapshot.
  const failing = world();
  const faults: World['faults'] = [
    { account: failing.accounts[3].id, service: 'kms', error: 'AccessDenied' },
    { account: failing.accounts[5].id, service: 'ec2', error: 'AccessDenied' },
  ];
  const second = { clock: at('2026-12-07T11:00:00Z') };
  const files2 = await simulate(world(faults), { ...options, ...second, outputDir });
  const rowsBefore = await count(url, 'SELECT count(*) FROM entities');
  const db2 = await simulate(world(faults), { ...options, ...second, store });
  t.is(db2.graphKept, 'disk');
  t.true(db2.summary.totals.staleEntities > 0, 'the second run carried stale entities forward');
  t.is(db2.summary.snapshot.sha256, files2.summary.snapshot.sha256);
  t.deepEqual(db2.summary.changes, files2.summary.changes);

  // A new row for each entity whose content changed (stale ones too) or is new; the others keep theirs.
  const secondFile = await readSnapshot(files2.summary.snapshot.path);
  const changed = secondFile.entities.filter((entity) => !isDeepStrictEqual(entity, fileEntities.get(entity._key))).length;
  t.true(changed > 0);
  t.is((await count(url, 'SELECT count(*) FROM entities')) - rowsBefore, changed);
  t.is(await count(url, 'SELECT count(*) FROM entities WHERE valid_to IS NULL'), db2.summary.totals.entities);
  // Both snapshots still read as they were written.
  const again1 = await store.read({ id: 'postgres:snapshot/1' });
  t.is(graphSha256(again1.entities, again1.relationships), files1.summary.snapshot.sha256);
  const read2 = await store.read({ id: 'postgres:snapshot/2' });
  t.is(graphSha256(read2.entities, read2.relationships), files2.summary.snapshot.sha256);
  t.is(read2.metadata.previous?.path, 'postgres:snapshot/1');
});

const ACCOUNT = '123456789012';
const entity = (key: string, extra: Record<string, unknown> = {}): Entity =>
  ({ _key: key, _type: 'aws_thing', _class: ['Resource'], name: key, displayName: key, _accountId: ACCOUNT, ...extra }) as Entity;
const edge = (from: string, to: string): Relationship =>
  ({
    _key: `${from}|has|${to}`,
    _type: 'aws_thing_has_thing',
    _class: 'HAS',
    _fromEntityKey: from,
    _toEntityKey: to,
    displayName: 'HAS',
    _accountId: ACCOUNT,
  }) as Relationship;

/** `count` entities (about 2 MB of rows, more than one COPY batch) and a chain of edges, in key order. */
function orderedGraph(size: number, note: string) {
  const entities = Array.from({ length: size }, (_, index) => entity(`thing-${String(index).padStart(6, '0')}`, { note, padding: 'x'.repeat(200) }));
  const relationships = entities.slice(1).map((to, index) => edge(entities[index]._key, to._key));
  relationships.sort((a, b) => (a._key < b._key ? -1 : 1));
  return { entities, relationships };
}

/** Streams the objects and fills in the metadata's counts as they go (as ingestion does). */
function streamed(graph: { entities: Entity[]; relationships: Relationship[] }) {
  const metadata = emptyMetadata();
  function* entities() {
    for (const object of graph.entities) yield object;
    metadata.counts = { ...metadata.counts, totalEntities: graph.entities.length };
  }
  function* relationships() {
    for (const object of graph.relationships) yield object;
    metadata.counts = { ...metadata.counts, totalRelationships: graph.relationships.length };
  }
  return { entities: new KeyOrdered(entities()), relationships: new KeyOrdered(relationships()), metadata };
}

test('a stream into PostgreSQL that fails half-way leaves nothing of itself: an empty store stays empty with every index, a later run leaves the last snapshot as it was', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const allIndexes = [...READ_INDEXES, ...UNIQUE_INDEXES].map((index) => index.name).sort();
  const powerCut = { afterBytes: (bytes: number) => (bytes > 0 ? Promise.reject(new Error('power cut')) : undefined) };

  // A first load (no index while it streams) cut after its first batch.
  const cut = new PostgresStorage(url);
  t.teardown(() => cut.close());
  const first = orderedGraph(8_000, 'first');
  const firstStream = streamed(first);
  await t.throwsAsync(cut.writeOrdered(firstStream.entities, firstStream.relationships, firstStream.metadata, powerCut), { message: 'power cut' });
  t.is(await count(url, 'SELECT count(*) FROM entities'), 0);
  t.deepEqual(await indexNames(url), allIndexes);
  await cut.fail('power cut');

  // Objects whose JSON COPY would misread (a backslash, a tab, nested values) come back whole; the hash is the graph's.
  const store = new PostgresStorage(url);
  t.teardown(() => store.close());
  const tricky = {
    entities: [
      entity('a', { _createdOn: 1_700_000_000_000, _updatedOn: 1_700_000_000_001, tags: ['x'] }),
      entity('b', { policy: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }, _createdOn: 1_700_000_000_000 }),
      entity('c', { note: 'back\\slash\ttab\nnewline' }),
      ...first.entities,
    ],
    relationships: [edge('a', 'b'), ...first.relationships].sort((x, y) => (x._key < y._key ? -1 : 1)),
  };
  const trickyStream = streamed(tricky);
  const written = await store.writeOrdered(trickyStream.entities, trickyStream.relationships, trickyStream.metadata);
  t.is(written.graphSha256, graphSha256(tricky.entities, tricky.relationships));
  t.deepEqual(await indexNames(url), allIndexes);
  const read = await store.read((await store.latest())!);
  t.is(read.metadata.counts.totalEntities, tricky.entities.length, 'the counts filled in while streaming were stored');
  t.is(read.metadata.counts.totalRelationships, tricky.relationships.length);
  const byKey = new Map(read.entities.map((object) => [object._key, object]));
  for (const object of tricky.entities.slice(0, 3)) t.deepEqual(byKey.get(object._key), object);
  t.is(read.entities.length, tricky.entities.length);
  t.is(read.relationships.length, tricky.relationships.length);

  // A later run (merged through staging) cut half-way: the store keeps the first snapshot, row for row.
  const rows = await count(url, 'SELECT count(*) FROM entities');
  const later = orderedGraph(8_000, 'later');
  const laterStream = streamed(later);
  await t.throwsAsync(store.writeOrdered(laterStream.entities, laterStream.relationships, laterStream.metadata, powerCut), { message: 'power cut' });
  await store.fail('power cut');
  t.is(await count(url, 'SELECT count(*) FROM entities'), rows);
  t.deepEqual(await store.latest(), { id: 'postgres:snapshot/2' });

  // The same run whole: every changed entity gets a row, the three others are closed, nothing else moves.
  const whole = streamed(later);
  const laterWritten = await store.writeOrdered(whole.entities, whole.relationships, whole.metadata);
  t.is(laterWritten.graphSha256, graphSha256(later.entities, later.relationships));
  t.is(await count(url, 'SELECT count(*) FROM entities'), rows + later.entities.length);
  t.is(await count(url, 'SELECT count(*) FROM entities WHERE valid_to IS NULL'), later.entities.length);
  t.is(await count(url, 'SELECT count(*) FROM relationships WHERE valid_to IS NULL'), later.relationships.length);
  const latest = await store.read((await store.latest())!);
  t.is(graphSha256(latest.entities, latest.relationships), laterWritten.graphSha256);
  const previous = await store.read({ id: 'postgres:snapshot/2' });
  t.is(graphSha256(previous.entities, previous.relationships), written.graphSha256);
});

test('orggraph ingest into PostgreSQL with its graph on disk evaluates compliance on the graph read back from the store', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const directory = temporaryDirectory('orggraph-stream-cli-');
  const worldFile = path.join(directory, 'world.yaml');
  writeFileSync(worldFile, stringify(world()));
  const run = await runBinary(['ingest', '--simulate', worldFile, '--store', 'postgres', '--json'], { ORGGRAPH_STORE_URL: url });
  t.is(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as {
    snapshot: { path: string };
    totals: { entities: number };
    compliance: Array<{ framework: string; pass: number; fail: number; failing: string[] }>;
  };
  t.is(summary.snapshot.path, 'postgres:snapshot/1');
  t.true(summary.totals.entities > 0);
  // The same evaluation as a reader of the store makes afterwards, on the same graph.
  const compliance = await runBinary(['compliance', '--json', '--store', 'postgres'], { ORGGRAPH_STORE_URL: url });
  t.true(compliance.code === 0 || compliance.code === 1, compliance.stderr);
  const report = JSON.parse(compliance.stdout) as { framework: { id: string }; overall: { pass: number; fail: number }; failing: string[] };
  t.true(report.overall.fail > 0 && report.overall.pass > 0, 'the generated organization passes some controls and fails others');
  t.deepEqual(summary.compliance, [
    { ...summary.compliance[0], framework: report.framework.id, pass: report.overall.pass, fail: report.overall.fail, failing: report.failing },
  ]);
});
