import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import type { Entity, Relationship } from '../../src/graph';
import { canonicalJson } from '../../src/snapshot/format';
import { canonicalLine, writeSnapshotFile } from '../../src/snapshot/writer';
import { readSnapshot } from '../../src/snapshot';
import { generateGraph } from '../../bench/snapshot.bench';
import { temporaryDirectory } from '../helpers/simulate';
import { emptyMetadata } from '../helpers/metadata';

const entity = (properties: Record<string, unknown>): Entity =>
  ({ _key: 'arn:aws:test:::thing/1', _type: 'thing', _class: ['Resource'], name: 'n', displayName: 'd', ...properties }) as Entity;

test('the fast canonical line is byte for byte the canonical JSON, escapes, numbers and odd keys included', (t) => {
  const cases: Entity[] = [
    entity({}),
    entity({ quote: 'say "hi"', backslash: 'C:\\path', newline: 'a\nb', tab: '\t', control: '\u0001\u001f', del: '\u007f' }),
    entity({ unicode: 'Zürich — 東京 🚀', loneHigh: '\ud800', loneLow: 'x\udc00y', lineSeparator: '\u2028' }),
    entity({ zero: 0, negativeZero: -0, big: 1e21, small: 1e-7, nan: Number.NaN, infinite: Number.POSITIVE_INFINITY, float: 0.1 + 0.2 }),
    entity({ yes: true, no: false, nothing: null, missing: undefined, list: ['b', 'a'], numbers: [3, 1, -0], empty: [], mixed: [null, undefined, 'x'] }),
    entity({ '10': 'ten', '9': 'nine', '-1': 'minus', 'tag.Name': 'web', 'tag.a"b': 'quoted key', 'key\nline': 1, '': 'empty key' }),
    entity({ nested: { b: 1, a: { c: 2 } }, arrayOfObjects: [{ z: 1, y: 2 }] }), // filtered by the property list: falls back
    entity({ when: new Date('2024-01-02T03:04:05Z') }), // toJSON: falls back
  ];
  for (const object of cases) t.is(canonicalLine(object), canonicalJson(object));
  const relationship: Relationship = {
    _key: 'a|has|b',
    _type: 'a_has_b',
    _class: 'HAS',
    _fromEntityKey: 'a',
    _toEntityKey: 'b',
    displayName: 'HAS',
    _accountId: '111111111111',
  };
  t.is(canonicalLine(relationship), canonicalJson(relationship));
  for (const object of [...generateGraph(200).entities, ...generateGraph(200).relationships]) t.is(canonicalLine(object), canonicalJson(object));
});

test('the canonical line is the canonical JSON for objects of many shapes, interleaved', (t) => {
  const objects: Entity[] = [];
  for (let round = 0; round < 3; round++) {
    for (let shape = 0; shape < 40; shape++) {
      // 40 lists of names, each also in reverse order, met in turns: more than the recent shapes.
      const properties = Object.fromEntries(Array.from({ length: 1 + (shape % 7) }, (_, index) => [`p${shape}_${index}`, index % 2 ? `v${round}` : round]));
      const object = entity({ ...properties, list: shape % 3 ? ['a', shape] : [{ nested: shape }] });
      objects.push(object, Object.fromEntries(Object.entries(object).reverse()) as Entity);
    }
  }
  objects.push(
    JSON.parse(
      '{"_key":"k-0000000001","_type":"t","_class":["A"],"name":"n","displayName":"d","__proto__":"own","4294967295":"not an index","4294967294":"an index"}',
    ) as Entity,
  );
  for (const object of objects) t.is(canonicalLine(object), canonicalJson(object));
});

test('the snapshot file is sorted by key, one canonical object per line, and reads back', async (t) => {
  const { entities, relationships } = generateGraph(500);
  const shuffled = [...entities].reverse();
  const file = path.join(temporaryDirectory(), 'snapshot.json');
  const metadata = emptyMetadata({
    tool: { name: 'test', version: '0' },
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:00:00.000Z',
    counts: { entities: {}, relationships: {}, totalEntities: 500, totalRelationships: 500, staleEntities: 0 },
  });
  const written = await writeSnapshotFile(file, shuffled, new Set(relationships), metadata);
  t.deepEqual(shuffled, [...entities].reverse(), 'the caller’s array is not reordered');
  const again = await writeSnapshotFile(path.join(path.dirname(file), 'again.json'), entities, relationships, metadata);
  t.is(again.graphSha256, written.graphSha256, 'the order objects come in does not matter');
  const lines = readFileSync(file, 'utf8').split('\n');
  const sortedKeys = entities.map((e) => e._key).sort();
  t.is(lines[1], `${canonicalJson(entities.find((e) => e._key === sortedKeys[0]) as Entity)},`);
  const snapshot = await readSnapshot(file);
  t.deepEqual(
    snapshot.entities.map((e) => e._key),
    sortedKeys,
  );
  t.is(snapshot.relationships.length, 500);
  t.is(snapshot.metadata.graphSha256, written.graphSha256);
});
