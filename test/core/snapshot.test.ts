import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { createEntity, createRelationship, RelationshipVerb } from '../../src/graph';
import {
  diffEntities,
  readSnapshot,
  readSnapshotMetadata,
  scanSnapshotObjects,
  SnapshotFormatError,
  SnapshotStore,
  writeMetadata,
  writeSnapshotFile,
  type CollectorRunRecord,
} from '../../src/snapshot';
import { emptyMetadata } from '../helpers/metadata';
import { temporaryDirectory } from '../helpers/simulate';

const metadata = (endedAt: string) =>
  emptyMetadata({ startedAt: endedAt, endedAt, durationMs: 1, accounts: [{ accountId: '111111111111' }], regions: ['us-east-1'] });

function graph(count: number) {
  const entities = Array.from({ length: count }, (_, index) =>
    createEntity({
      _key: `arn:aws:ec2:us-east-1:111111111111:volume/vol-${String(index).padStart(6, '0')}`,
      _type: 'aws_ebs_volume',
      _class: ['DataStore', 'Disk'],
      tags: { Name: `volume "${index}",\nwith a newline` },
      properties: { encrypted: index % 2 === 0, classification: null, size: index },
    }),
  );
  const relationships = entities.slice(1).map((entity, index) => createRelationship({ from: entities[index], verb: RelationshipVerb.USES, to: entity }));
  return { entities, relationships };
}

test('snapshots round-trip, and the hash ignores order and run metadata', async (t) => {
  const directory = temporaryDirectory();
  const { entities, relationships } = graph(2500);
  const a = await writeSnapshotFile(path.join(directory, 'a.json'), entities, relationships, metadata('2026-01-01T00:00:00.000Z'));
  const b = await writeSnapshotFile(
    path.join(directory, 'b.json'),
    [...entities].reverse().map((e) => Object.fromEntries(Object.entries(e).reverse()) as typeof e),
    [...relationships].reverse(),
    metadata('2026-02-02T00:00:00.000Z'),
  );
  t.is(a.graphSha256, b.graphSha256);
  t.not(await fs.readFile(a.path, 'utf8'), await fs.readFile(b.path, 'utf8'));
  const read = await readSnapshot(a.path);
  t.is(read.entities.length, 2500);
  t.is(read.relationships.length, 2499);
  t.deepEqual(
    read.entities.find((e) => e._key.endsWith('vol-000007')),
    entities[7],
  );
  t.is(read.metadata.graphSha256, a.graphSha256);
  t.is((await readSnapshotMetadata(a.path)).graphSha256, a.graphSha256);
  // The file is valid JSON as a whole too.
  t.is((JSON.parse(await fs.readFile(a.path, 'utf8')) as { entities: unknown[] }).entities.length, 2500);
  const changed = await writeSnapshotFile(
    path.join(directory, 'c.json'),
    [{ ...entities[0], encrypted: false }, ...entities.slice(1)],
    relationships,
    metadata('2026-01-01T00:00:00.000Z'),
  );
  t.not(changed.graphSha256, a.graphSha256);
});

test('a truncated or foreign file gets an error naming the file and line', async (t) => {
  const directory = temporaryDirectory();
  const { entities, relationships } = graph(10);
  const written = await writeSnapshotFile(path.join(directory, 'a.json'), entities, relationships, metadata('2026-01-01T00:00:00.000Z'));
  const text = await fs.readFile(written.path, 'utf8');
  const truncated = path.join(directory, 'truncated.json');
  await fs.writeFile(truncated, text.slice(0, text.indexOf('],"relationships"')));
  await t.throwsAsync(readSnapshot(truncated), { instanceOf: SnapshotFormatError, message: /truncated\.json:\d+: truncated/ });
  const foreign = path.join(directory, 'foreign.json');
  await fs.writeFile(foreign, '{"hello": "world"}\n');
  await t.throwsAsync(readSnapshot(foreign), { message: /foreign\.json:1: not an aws-org-graph\.snapshot\/1 snapshot/ });
  const corrupt = path.join(directory, 'corrupt.json');
  await fs.writeFile(corrupt, text.replace('"size":3', '"size":3,,'));
  await t.throwsAsync(readSnapshot(corrupt), { message: /corrupt\.json:5: not a JSON object/ });
});

test('the store keeps every snapshot and moves latest only after a complete write', async (t) => {
  const store = new SnapshotStore(temporaryDirectory());
  t.is(await store.latest(), undefined);
  const { entities, relationships } = graph(5);
  const first = await store.write(entities, relationships, metadata('2026-01-01T00:00:00.000Z'));
  t.is((await store.latest())?.graphSha256, first.graphSha256);
  await t.throwsAsync(
    store.write(entities.slice(1), relationships.slice(1), metadata('2026-01-02T00:00:00.000Z'), {
      afterBytes: () => Promise.reject(new Error('power cut')),
    }),
  );
  t.is((await store.latest())?.graphSha256, first.graphSha256);
  t.deepEqual((await fs.readdir(path.join(store.directory, 'snapshots'))).length, 1);
  const mode = (await fs.stat(first.path)).mode & 0o777;
  t.is(mode, 0o600, 'snapshots are readable by their owner only');
});

test('entity changes are counted by key and content', (t) => {
  const { entities } = graph(4);
  const next = [{ ...entities[0], size: 99 }, entities[1], { ...entities[2], _stale: true }];
  const extra = createEntity({ _key: 'arn:aws:ec2:us-east-1:111111111111:volume/vol-new', _type: 'aws_ebs_volume', _class: 'Disk' });
  const { counts, changes } = diffEntities(entities, [...next, extra]);
  t.deepEqual(counts, { created: 1, updated: 1, deleted: 1 });
  t.deepEqual(changes.find((c) => c.change === 'updated')?.properties, ['size']);
});

test('metadata with more collector records than one piece is written as JSON.stringify writes it, and reads back', async (t) => {
  const collectors: CollectorRunRecord[] = Array.from({ length: 10_001 }, (_, index) => ({
    accountId: String(100000000000 + (index % 300)),
    region: index % 7 ? 'eu-west-1' : 'global',
    collector: `collector-"${index % 40}"-ünïcode`,
    service: 'ec2',
    status: index % 97 ? 'succeeded' : 'failed',
    ...(index % 5 ? { startedAt: new Date(Date.UTC(2026, 11, 7, 0, 0, index)).toISOString() } : {}),
    durationMs: index % 1000,
    apiCalls: index % 13,
    throttled: 0,
    entities: index % 20,
    relationships: index % 30,
    ...(index % 1000 === 3 ? { limited: { ecrImagesPerRepository: { _type: 'aws_ecr_image', value: 20, parents: 2, skipped: 7 } } } : {}),
  }));
  const base = emptyMetadata({ collectors });
  const metadata = { ...base, graphSha256: 'a'.repeat(64) };
  const pieces: string[] = [];
  await writeMetadata(metadata, async (text) => {
    pieces.push(text);
  });
  t.true(pieces.length > 3 && pieces.every((piece) => piece.length < 1_000_000), `${pieces.length} pieces`);
  t.is(pieces.join(''), JSON.stringify(metadata));

  const directory = temporaryDirectory();
  const written = await writeSnapshotFile(path.join(directory, 'large-metadata.json'), [], [], base);
  const read = await readSnapshot(written.path);
  t.deepEqual(read.metadata.collectors, collectors);
  t.is(read.metadata.graphSha256, written.graphSha256);
});

test('the objects of a snapshot are read without its metadata line, however long, which is neither parsed nor read whole', async (t) => {
  const directory = temporaryDirectory();
  const { entities, relationships } = graph(50);
  // 20,000 collector records: a metadata line of over 3 MB, three times the reader's 1 MiB buffer.
  const collectors: CollectorRunRecord[] = Array.from({ length: 20_000 }, (_, index) => ({
    accountId: String(100000000000 + index),
    region: 'eu-west-1',
    collector: 'ec2-instances',
    service: 'ec2',
    status: 'succeeded',
    durationMs: index,
    apiCalls: 1,
    throttled: 0,
    entities: 0,
    relationships: 0,
  }));
  const written = await writeSnapshotFile(path.join(directory, 'a.json'), entities, relationships, emptyMetadata({ collectors }));
  const text = await fs.readFile(written.path, 'utf8');
  const metadataAt = text.indexOf('\n],"metadata":') + 1;
  t.true(text.length - metadataAt > 3_000_000, `${text.length - metadataAt} characters`);
  const scan = async (file: string) => {
    const read = { entities: [] as string[], relationships: [] as string[] };
    await scanSnapshotObjects(file, {
      entity: (entity) => read.entities.push(entity._key),
      relationship: (relationship) => read.relationships.push(relationship._key),
    });
    return read;
  };
  const expected = { entities: entities.map((e) => e._key).sort(), relationships: relationships.map((r) => r._key).sort() };
  t.deepEqual(await scan(written.path), expected);

  // The line is damaged past its first MiB, and then cut: a reader of the metadata fails on it,
  // this one stops at its start, so it never sees either.
  const damaged = path.join(directory, 'damaged.json');
  await fs.writeFile(damaged, `${text.slice(0, metadataAt + 2_000_000)}!not JSON`);
  await t.throwsAsync(readSnapshot(damaged, { verify: false }), { message: /metadata is not JSON/ });
  t.deepEqual(await scan(damaged), expected);
  // Nor read whole: here it is longer than a string can be (600 MB, a hole in a sparse file).
  const endless = path.join(directory, 'endless.json');
  await fs.writeFile(endless, `${text.slice(0, metadataAt)}],"metadata":{"collectors":[`);
  await fs.truncate(endless, metadataAt + 600 * 2 ** 20);
  t.deepEqual(await scan(endless), expected);
  // A short metadata line (read in the same buffer as the objects) is not parsed either.
  const short = path.join(directory, 'short.json');
  await fs.writeFile(short, `${text.slice(0, metadataAt)}],"metadata":{not JSON}}\n`);
  t.deepEqual(await scan(short), expected);

  // Without the metadata line, the snapshot is truncated.
  const truncated = path.join(directory, 'truncated.json');
  await fs.writeFile(truncated, text.slice(0, metadataAt));
  await t.throwsAsync(scan(truncated), { instanceOf: SnapshotFormatError, message: /truncated\.json:\d+: truncated: the metadata line is missing/ });
  const corrupt = path.join(directory, 'corrupt.json');
  await fs.writeFile(corrupt, text.replace('"size":3', '"size":3,,'));
  await t.throwsAsync(scan(corrupt), { message: /corrupt\.json:5: not a JSON object/ });
});
