import test from 'ava';
import { createEntity, type Entity } from '../../src/graph';
import { CHANGED_KEYS_KEPT, diffEntities, EntityDigest } from '../../src/snapshot';

// The digest keeps no key strings: a hash table over 96-bit key hashes, pages of typed memory, and
// the keys deflated in blocks, read back to name deleted objects. These tests cross every boundary
// of that layout (table growth, pages of 16,384 slots, blocks of names) against a plain map.

const EARLIER = Date.UTC(2026, 10, 1);
const PREVIOUS = Date.UTC(2026, 11, 1);
const NOW = Date.UTC(2026, 11, 7, 12);

/** A bucket per index, keys of mixed lengths and scripts, in no particular order. */
function bucket(index: number, note = 'as collected'): Entity {
  const suffix = index % 13 === 0 ? `-ünïcode-🚀-${'x'.repeat(index % 200)}` : '';
  return createEntity({
    _key: `arn:aws:s3:::bucket-${(index * 7919) % 100_003}-${index}${suffix}`,
    _type: 'aws_s3_bucket',
    _class: 'DataStore',
    properties: { note, _accountId: String(100000000000 + (index % 37)) },
  });
}

function withTimestamps(entity: Entity, index: number): Entity {
  // Snapshots written before timestamps existed carry none: every ninth object here.
  if (index % 9 === 0) return entity;
  return { ...entity, _createdOn: index % 2 ? EARLIER : PREVIOUS, _updatedOn: PREVIOUS } as Entity;
}

test('the digest of 40,000 objects counts, stamps and names changes as a map of the keys does', (t) => {
  const count = 40_000;
  const previous = Array.from({ length: count }, (_, index) => withTimestamps(bucket(index), index));
  const digest = new EntityDigest(97);
  for (const entity of previous) digest.add(entity);
  // A key added twice: the later content counts, once.
  digest.add(withTimestamps(bucket(5, 'replaced'), 5));
  t.is(digest.size, count);

  const current: Entity[] = [];
  for (let index = 0; index < count + 500; index++) {
    if (index < count && (index % 11 === 0 || (index > 30_000 && index < 30_050))) continue; // deleted
    current.push(bucket(index, index % 17 === 0 ? 'changed' : 'as collected'));
  }
  const previousContent = previous.map((entity, index) => (index === 5 ? bucket(5, 'replaced') : entity));
  const expected = diffEntities(previousContent, current);
  t.deepEqual(digest.diff(current), expected.counts);
  t.true(expected.counts.created === 500 && expected.counts.deleted > 3_000 && expected.counts.updated > 2_000, JSON.stringify(expected.counts));

  const stamped = digest.stamp(current, NOW, PREVIOUS);
  t.deepEqual(stamped.counts, expected.counts);
  const smallest = (change: string) =>
    expected.changes
      .filter((item) => item.change === change)
      .map((item) => item._key)
      .slice(0, CHANGED_KEYS_KEPT);
  t.deepEqual(stamped.keys.deleted, smallest('deleted'));
  t.deepEqual(stamped.keys.created, smallest('created'));
  t.deepEqual(stamped.keys.updated, smallest('updated'));

  const before = new Map(previous.map((entity, index) => [entity._key, { entity, index }]));
  for (const entity of current) {
    const record = entity as Entity & { _createdOn: number; _updatedOn: number };
    const old = before.get(entity._key);
    if (!old) {
      t.deepEqual([record._createdOn, record._updatedOn], [NOW, NOW], entity._key);
      continue;
    }
    const carried = old.index % 9 !== 0;
    const createdOn = carried ? (old.index % 2 ? EARLIER : PREVIOUS) : PREVIOUS;
    const changed = old.index % 17 === 0 || old.index === 5;
    t.is(record._createdOn, createdOn, entity._key);
    t.is(record._updatedOn, changed ? NOW : PREVIOUS, entity._key);
    t.deepEqual(digest.timestampsOf(entity._key), carried ? { createdOn, updatedOn: PREVIOUS } : undefined);
  }
  t.is(digest.timestampsOf('arn:aws:s3:::never-seen'), undefined);
});

test('deleted keys are named from the last block of names, not yet deflated, and from none when nothing is deleted', (t) => {
  const previous = Array.from({ length: 10 }, (_, index) => bucket(index));
  const digest = new EntityDigest(4);
  for (const entity of previous) digest.add(entity);
  // 10 keys in blocks of 4: the last two are still pending.
  const current = previous.slice(0, 8);
  const stamped = digest.stamp(current, NOW);
  t.deepEqual(stamped.counts, { created: 0, updated: 0, deleted: 2 });
  t.deepEqual(stamped.keys.deleted, [previous[8]._key, previous[9]._key].sort());
  t.deepEqual(digest.stamp(previous, NOW).keys, { created: [], updated: [], deleted: [] });
  t.deepEqual(new EntityDigest().stamp([], NOW).counts, { created: 0, updated: 0, deleted: 0 });
});
