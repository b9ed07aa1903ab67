import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { cidrEntity, createEntity, createRelationship, GraphStore, RelationshipVerb, type Entity, type Relationship } from '../../src/graph';
import { carryForward } from '../../src/ingest';
import { selectCollectors } from '../../src/services';
import {
  canonicalJson,
  diffEntities,
  EntityDigest,
  inScope,
  readPreviousSnapshot,
  readSnapshot,
  scanLines,
  SnapshotFormatError,
  writeSnapshotFile,
  type Snapshot,
  type UnrefreshedScope,
} from '../../src/snapshot';
import { emptyMetadata } from '../helpers/metadata';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';

const metadata = () => emptyMetadata({ durationMs: 1 });

/** Entities that take the parser's slow paths: escapes, a volatile property, a nested object, odd names. */
function unusualEntities(): Entity[] {
  const base = (key: string, properties: Record<string, unknown>) =>
    ({
      _key: key,
      _type: 'aws_s3_bucket',
      _class: ['DataStore'],
      name: 'n',
      displayName: 'n',
      _accountId: '111111111111',
      _region: 'us-east-1',
      _collector: 's3',
      ...properties,
    }) as Entity;
  return [
    base('arn:aws:s3:::quote-"-and-backslash-\\-ünïcode-🚀', { note: 'ends with a backslash \\' }),
    base('arn:aws:s3:::stale-bucket', { _stale: true, size: 3 }),
    base('arn:aws:s3:::nested-bucket', { policy: { Statement: [{ Effect: 'Allow', _type: 'not the type' }] } }),
    base('arn:aws:s3:::brace-in-text', { description: 'a {brace} and "_key":"fake" in a value' }),
    base('arn:aws:s3:::odd-names', { 'x"_key': 'not the key', 'y,"_type': 'not the type', '10': 'ten' }),
  ];
}

/** A realistic previous snapshot (the simulated organization) plus unusual entities, on disk. */
async function previousSnapshot(): Promise<{ file: string; snapshot: Snapshot }> {
  const first = await simulate(builtinWorld());
  const read = await readSnapshot(first.summary.snapshot.path);
  const entities = [...read.entities, ...unusualEntities()];
  const file = path.join(temporaryDirectory(), 'previous.json');
  await writeSnapshotFile(file, entities, read.relationships, metadata());
  return { file, snapshot: await readSnapshot(file) };
}

test('the streaming read keeps exactly what carry-forward uses, and carrying forward from it gives the same graph', async (t) => {
  const { file, snapshot } = await previousSnapshot();
  const instance = snapshot.entities.find((e) => e._collector === 'ec2-instances') as Entity;
  const otherAccount = snapshot.entities.find((e) => e._accountId && e._accountId !== instance._accountId && e._type === 'aws_account')?._accountId as string;
  const failedScopes: UnrefreshedScope[] = [
    { accountId: otherAccount, region: '*', collector: '*' },
    { accountId: instance._accountId as string, region: instance._region as string, collector: 'ec2-instances' },
    { accountId: '111111111111', region: 'us-east-1', collector: 's3' },
  ];
  const everGrowingTypes = new Set(['aws_iam_policy']);
  const previous = await readPreviousSnapshot(file, { failedScopes, everGrowingTypes });

  const carried = (object: Entity | Relationship) => everGrowingTypes.has(object._type) || failedScopes.some((scope) => inScope(object, scope));
  const expectedEntities = snapshot.entities.filter((e) => e._source === 'system-mapper' || carried(e));
  // Edges that start from an entity of a failed scope come too (see carryForward).
  const failedKeys = new Set(
    snapshot.entities.filter((e) => !everGrowingTypes.has(e._type) && failedScopes.some((scope) => inScope(e, scope))).map((e) => e._key),
  );
  // And edges to an ever-growing entity (a finding keeps the HAS from what it was found on).
  const everGrowingKeys = new Set(snapshot.entities.filter((e) => everGrowingTypes.has(e._type)).map((e) => e._key));
  const expectedRelationships = snapshot.relationships.filter((r) => carried(r) || failedKeys.has(r._fromEntityKey) || everGrowingKeys.has(r._toEntityKey));
  t.true(
    expectedRelationships.some((r) => !carried(r)),
    'edges of other scopes that start from a failed one',
  );
  t.deepEqual(previous.entities, expectedEntities);
  t.deepEqual(previous.relationships, expectedRelationships);
  t.deepEqual(previous.metadata, snapshot.metadata);
  t.true(previous.entities.some((e) => e._source === 'system-mapper'));
  t.true(previous.entities.some((e) => e._accountId === instance._accountId && e._collector === 'ec2-instances'));
  t.true(previous.entities.some((e) => e._accountId === otherAccount));
  t.true(previous.entities.length < snapshot.entities.length / 2, 'most of the snapshot is not kept');
  t.true(previous.relationships.length > 0 && previous.relationships.length < snapshot.relationships.length / 2);

  // This run: everything outside the failed scopes was refreshed (unchanged), nothing inside.
  const current = () => {
    const graph = new GraphStore();
    for (const entity of snapshot.entities) if (!failedScopes.some((scope) => inScope(entity, scope))) graph.addEntity(structuredClone(entity));
    for (const relationship of snapshot.relationships) {
      if (!failedScopes.some((scope) => inScope(relationship, scope))) graph.addRelationship(structuredClone(relationship));
    }
    return graph;
  };
  const collectors = selectCollectors(undefined);
  const fromWhole = current();
  const fromKept = current();
  const notRefreshedWhole = carryForward(structuredClone(snapshot), fromWhole, failedScopes, everGrowingTypes, collectors);
  const notRefreshedKept = carryForward(previous, fromKept, failedScopes, everGrowingTypes, collectors);
  t.deepEqual(notRefreshedKept, notRefreshedWhole);
  t.true(notRefreshedKept.some((record) => record.entitiesCarried > 0));
  const lines = (graph: GraphStore) => [...[...graph.allEntities()].map(canonicalJson).sort(), ...[...graph.allRelationships()].map(canonicalJson).sort()];
  t.deepEqual(lines(fromKept), lines(fromWhole));
});

test('the digest counts the same changes as diffEntities', async (t) => {
  const { file, snapshot } = await previousSnapshot();
  const { digest } = await readPreviousSnapshot(file, { failedScopes: [], everGrowingTypes: new Set() });
  t.is(digest.size, snapshot.entities.length);

  const current: Entity[] = [];
  snapshot.entities.forEach((entity, index) => {
    if (index % 11 === 0) return; // deleted
    const copy = structuredClone(entity);
    if (index % 7 === 0)
      copy.checkedAt = index; // a property added
    else if (index % 5 === 0)
      delete (copy as Partial<Entity>).name; // one removed
    else if (index % 3 === 0)
      copy._stale = true; // volatile: not a change
    else if (index % 4 === 0) current.push(Object.fromEntries(Object.entries(copy).reverse()) as Entity); // another order: not a change
    if (index % 4 !== 0 || index % 3 === 0 || index % 5 === 0 || index % 7 === 0) current.push(copy);
  });
  const stale = current.find((e) => e._key === 'arn:aws:s3:::stale-bucket');
  if (stale) delete stale._stale; // only its `_stale` differs: not a change
  const nested = current.find((e) => e._key === 'arn:aws:s3:::nested-bucket');
  if (nested) nested.policy = JSON.stringify({ changed: true }) as unknown as string;
  current.push(createEntity({ _key: 'arn:aws:s3:::new-bucket-"x"', _type: 'aws_s3_bucket', _class: 'DataStore' }), cidrEntity('203.0.113.0/24'));

  const expected = diffEntities(snapshot.entities, current).counts;
  t.true(expected.created >= 2 && expected.updated > 10 && expected.deleted > 10, JSON.stringify(expected));
  t.deepEqual(digest.diff(current), expected);
  t.deepEqual(digest.diff(snapshot.entities), { created: 0, updated: 0, deleted: 0 });
  const graph = new GraphStore();
  for (const entity of current) graph.addEntity(entity);
  t.deepEqual(digest.diff(graph.allEntities()), diffEntities(snapshot.entities, graph.allEntities()).counts);

  // Entities added one by one give the same digest as a snapshot read.
  const added = new EntityDigest();
  for (const entity of snapshot.entities) added.add(entity);
  t.deepEqual(added.diff(current), expected);
});

test('lines are read whole: longer than the read buffer, CRLF, no final line feed', async (t) => {
  const directory = temporaryDirectory();
  const long = 'x'.repeat(3 << 20);
  const entities = [
    createEntity({ _key: 'arn:aws:s3:::long-bucket', _type: 'aws_s3_bucket', _class: 'DataStore', properties: { policy: long } }),
    createEntity({ _key: 'arn:aws:s3:::short-bucket', _type: 'aws_s3_bucket', _class: 'DataStore', properties: { note: 'ünïcode 🚀' } }),
  ];
  const relationships = [createRelationship({ from: entities[0], verb: RelationshipVerb.HAS, to: entities[1] })];
  const file = path.join(directory, 'snapshot.json');
  await writeSnapshotFile(file, entities, relationships, metadata());
  const read = await readSnapshot(file);
  t.is(read.entities.find((e) => e._key === 'arn:aws:s3:::long-bucket')?.policy, long);
  t.deepEqual(read.relationships, relationships);

  const text = await fs.readFile(file, 'utf8');
  const crlf = path.join(directory, 'crlf.json');
  await fs.writeFile(crlf, text.replace(/\n/g, '\r\n').trimEnd());
  t.deepEqual(await readSnapshot(crlf), read);
  const seen: string[] = [];
  t.is(await scanLines(crlf, (line) => void seen.push(line)), text.trimEnd().split('\n').length);
  t.deepEqual(seen, text.trimEnd().split('\n'));
  const previous = await readPreviousSnapshot(crlf, { failedScopes: [], everGrowingTypes: new Set() });
  t.deepEqual(previous.digest.diff(entities), { created: 0, updated: 0, deleted: 0 });
  t.true(previous.contentMatches, 'line breaks are not content');
});

test('the content of a previous snapshot is checked against its graphSha256, lines longer than the read buffer included', async (t) => {
  const directory = temporaryDirectory();
  const entities = unusualEntities();
  // A line of more than a MiB (the reader's buffer), before and after ordinary ones.
  entities.push({ ...entities[0], _key: 'arn:aws:s3:::large', note: 'x'.repeat(1_500_000) } as Entity);
  const relationships = [createRelationship({ from: entities[0], verb: RelationshipVerb.HAS, to: entities[1] })];
  const written = await writeSnapshotFile(path.join(directory, 'a.json'), entities, relationships, metadata());
  const options = { failedScopes: [], everGrowingTypes: new Set<string>() };
  t.true((await readPreviousSnapshot(written.path, options)).contentMatches);

  const text = await fs.readFile(written.path, 'utf8');
  const variants = {
    'an unparsed entity line': text.replace('"name":"n"', '"name":"m"'),
    'the long line': text.replace('xxxxx', 'xxxxy'),
    'a relationship line': text.replace('"_class":"HAS"', '"_class":"HAS","note":"added"'),
    'the order of two lines': (() => {
      const lines = text.split('\n');
      [lines[1], lines[2]] = [lines[2], lines[1]];
      return lines.join('\n');
    })(),
  };
  for (const [change, variant] of Object.entries(variants)) {
    t.not(variant, text, change);
    const file = path.join(directory, 'edited.json');
    await fs.writeFile(file, variant);
    t.false((await readPreviousSnapshot(file, options)).contentMatches, change);
  }
});

test('a truncated or corrupt previous snapshot is an error naming the file and line', async (t) => {
  const directory = temporaryDirectory();
  const entities = unusualEntities();
  const written = await writeSnapshotFile(path.join(directory, 'a.json'), entities, [], metadata());
  const text = await fs.readFile(written.path, 'utf8');
  const truncated = path.join(directory, 'truncated.json');
  await fs.writeFile(truncated, text.slice(0, text.indexOf('],"relationships"')));
  const options = { failedScopes: [], everGrowingTypes: new Set<string>() };
  await t.throwsAsync(readPreviousSnapshot(truncated, options), { instanceOf: SnapshotFormatError, message: /truncated\.json:\d+: truncated/ });
  // Lines that are parsed (kept, or not readable without parsing: here a nested object) are checked.
  const corrupt = path.join(directory, 'corrupt.json');
  await fs.writeFile(corrupt, text.replace('"policy":{}', '"policy":{,}'));
  await t.throwsAsync(readPreviousSnapshot(corrupt, options), { instanceOf: SnapshotFormatError, message: /corrupt\.json:\d+: not a JSON object/ });
});
