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
  disk.close();
  t.false(existsSync(disk.directory));
  t.throws(() => disk.getEntity('b'), { message: /spilled to disk/ });
});
