import { existsSync } from 'node:fs';
import test from 'ava';
import { GraphStore, SpilledGraph, type Entity, type Relationship } from '../../src/graph';
import { temporaryDirectory } from '../helpers/simulate';

function entity(key: string, type: string, accountId: string, extra: Record<string, unknown> = {}): Entity {
  return { _key: key, _type: type, _class: ['Resource'], _accountId: accountId, name: key, ...extra } as Entity;
}

function edge(from: string, to: string): Relationship {
  return { _key: `${from}|has|${to}`, _type: 'x_has_y', _class: 'HAS', _fromEntityKey: from, _toEntityKey: to } as Relationship;
}

/** The same calls on both graphs. */
function build(graph: GraphStore): void {
  graph.addEntity(entity('b', 'aws_role', '111'));
  graph.addEntity(entity('a', 'aws_role', '222'));
  graph.addEntity(entity('c', 'aws_user', '111', { tags: ['x', 'y'] }));
  graph.addEntity({ ...entity('m', 'aws_account', '111'), _source: 'system-mapper' } as Entity);
  // A second entity of one key replaces the first, and moves to the end of its type's list.
  graph.addEntity(entity('b', 'aws_role', '111', { replaced: true }));
  graph.addRelationship(edge('a', 'b'));
  graph.addRelationship(edge('c', 'z'));
}

const keys = (entities: Iterable<{ _key: string }>) => [...entities].map((e) => e._key);

test('a graph on disk answers as the graph in memory: lists in the same order, replacements, removals', (t) => {
  const memory = new GraphStore();
  const disk = new SpilledGraph(temporaryDirectory());
  try {
    build(memory);
    build(disk);
    for (const graph of [memory, disk]) graph.removeRelationship(edge('c', 'z')._key);
    for (const type of ['aws_role', 'aws_user', 'aws_account']) t.deepEqual(keys(disk.entitiesOfType(type)), keys(memory.entitiesOfType(type)), type);
    t.deepEqual(keys(disk.entitiesOfTypeInAccount('aws_role', '111')), keys(memory.entitiesOfTypeInAccount('aws_role', '111')));
    t.deepEqual(disk.getEntity('b'), memory.getEntity('b'));
    t.deepEqual(disk.getEntity('c'), memory.getEntity('c'));
    t.is(disk.entityCount, memory.entityCount);
    t.is(disk.relationshipCount, memory.relationshipCount);
    t.deepEqual(keys(disk.sortedEntities()), ['a', 'b', 'c', 'm']);
    t.deepEqual(keys(disk.sortedRelationships()), [edge('a', 'b')._key]);
    // The placeholder stays in memory; the others are on disk.
    t.like(disk.held(), { resident: 1, spilled: { entities: 3, relationships: 1 } });
  } finally {
    disk.close();
  }
});

test('a scan of a type on disk reads what the list holds, in its order, and keeps none of it', (t) => {
  const memory = new GraphStore();
  const disk = new SpilledGraph(temporaryDirectory());
  try {
    build(memory);
    build(disk);
    disk.addEntity({ ...entity('p', 'aws_role', '111'), _source: 'system-mapper' } as Entity);
    memory.addEntity({ ...entity('p', 'aws_role', '111'), _source: 'system-mapper' } as Entity);
    // One read from disk before the scan: the scan gives that object, not another copy.
    const read = disk.getEntity('a')!;
    const cachedBefore = disk.held().cached;
    const scanned = [...disk.scanEntitiesOfType('aws_role')];
    t.deepEqual(scanned, [...memory.scanEntitiesOfType('aws_role')]);
    t.deepEqual(keys(scanned), ['a', 'b', 'p']);
    t.is(scanned[0], read);
    t.is(disk.held().cached, cachedBefore, 'nothing read by the scan is kept');
    t.deepEqual([...disk.scanEntitiesOfType('aws_nothing')], []);
  } finally {
    disk.close();
  }
});

test('reads in file order go through a window read ahead, and give every object as written, whatever the order and size', (t) => {
  const disk = new SpilledGraph(temporaryDirectory());
  try {
    const written = new Map<string, Entity>();
    const add = (index: number) => {
      // Sizes from a few bytes to more than the window (256 KB): a policy document can be large.
      const padding = 'x'.repeat(index % 97 === 0 ? 300_000 : (index * 37) % 2_000);
      const added = entity(`e${String(index).padStart(5, '0')}`, 'aws_thing', String(111 + (index % 3)), { padding });
      written.set(added._key, structuredClone(added));
      disk.addEntity(added);
    };
    for (let index = 0; index < 3_000; index++) add(index);
    const check = (label: string, keys: readonly string[]) => {
      for (const key of keys) {
        t.deepEqual(disk.getEntity(key), written.get(key), `${label}: ${key}`);
        disk.settle();
      }
    };
    const inOrder = [...written.keys()];
    t.deepEqual([...disk.allEntities()], [...written.values()], 'every object, in file order');
    check('backwards', [...inOrder].reverse());
    check(
      'every seventh',
      inOrder.filter((_, index) => index % 7 === 0),
    );
    // Lines written after a window was read, and an object written again (a new line further on).
    for (let index = 3_000; index < 3_200; index++) add(index);
    const changed = { ...written.get('e00005')!, replaced: true };
    written.set('e00005', structuredClone(changed));
    disk.addEntity(changed);
    check('after more writes', [...written.keys()]);
    t.deepEqual([...disk.scanEntitiesOfType('aws_thing')].length, 3_200);
  } finally {
    disk.close();
  }
});

test('a change to an object read from disk is kept until the settle, written back by it, and the directory goes on close', (t) => {
  const directory = temporaryDirectory();
  const disk = new SpilledGraph(directory);
  build(disk);
  const role = disk.getEntity('a')!;
  role.restored = 'from the previous snapshot';
  t.is(disk.getEntity('a'), role, 'the same object until the settle');
  t.is(disk.held().cached, 1);
  disk.settle();
  t.is(disk.held().cached, 0, 'forgotten by the settle');
  t.not(disk.getEntity('a'), role, 'read again from disk');
  t.is(disk.getEntity('a')!.restored, 'from the previous snapshot', 'the change was written back');
  // A list read across accounts is kept through plain settles (the mappings read it task after task).
  const roles = disk.entitiesOfType('aws_role');
  disk.settle();
  t.is(disk.entitiesOfType('aws_role'), roles);
  disk.settle({ types: true });
  t.not(disk.entitiesOfType('aws_role'), roles);
  t.true(existsSync(disk.directory));
  const counts = { entities: disk.entityCount, relationships: disk.relationshipCount, spilled: disk.held().spilled };
  disk.close();
  t.false(existsSync(disk.directory));
  // Its keys and lists are gone with it (they are most of what a large run's graph held); its counts stay.
  t.throws(() => disk.getEntity('b'), { message: /spilled to disk/ });
  t.throws(() => disk.hasEntity('a'), { message: /spilled to disk/ });
  t.throws(() => disk.entitiesOfTypeInAccount('aws_role', '111'), { message: /spilled to disk/ });
  t.throws(() => [...disk.allRelationships()], { message: /spilled to disk/ });
  t.deepEqual({ entities: disk.entityCount, relationships: disk.relationshipCount, spilled: disk.held().spilled }, counts);
  t.is(counts.entities, 4);
});
