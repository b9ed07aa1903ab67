import test from 'ava';
import { compactCopy, createEntity, createRelationship, GraphStore, RelationshipVerb, SpilledGraph, type Entity, type Relationship } from '../../src/graph';
import { temporaryDirectory } from '../helpers/simulate';
import { canonicalJson } from '../../src/snapshot/format';
import { generateGraph } from '../../bench/snapshot.bench';

/** Entities and relationships as collectors make them, plus a few unusual ones. */
function objects(): { entities: Entity[]; relationships: Relationship[] } {
  const { entities, relationships } = generateGraph(600);
  const account = createEntity({
    _key: 'aws:account:111111111111',
    _type: 'aws_account',
    _class: 'Account',
    name: 'Production',
    properties: { accountId: '111111111111', mfaEnabled: null },
  });
  const odd = createEntity({
    _key: 'arn:aws:s3:::bucket-with-"quotes"-and-ünïcode-🚀',
    _type: 'aws_s3_bucket',
    _class: ['DataStore'],
    name: 'arn:aws:s3:::bucket-with-"quotes"-and-ünïcode-🚀', // the name repeats the key
    tags: { Name: 'a name tag that repeats nothing else', Owner: 'team-a' },
    properties: {
      values: ['x', 'y', 'x'],
      numbers: [1, 2],
      flags: [true],
      empty: [],
      nothing: null,
      combining: 'e\u0301',
      decomposed: 'cafe\u0301 au lait, s\u0301il vous pla\u0131t',
    },
  });
  const frozen = Object.freeze(createEntity({ _key: 'arn:aws:kms:us-east-1:111111111111:key/frozen', _type: 'aws_kms_key', _class: 'CryptoKey' }));
  const extra = [account, odd, frozen];
  const edges = extra
    .slice(1)
    .map((entity) => createRelationship({ from: account, verb: RelationshipVerb.HAS, to: entity, properties: { note: 'edge "with" quotes' } }));
  // An edge to an entity added later, and one whose ends are fresh strings equal to the keys.
  edges.push(
    createRelationship({ from: account, verb: RelationshipVerb.HAS, to: { _key: 'arn:aws:iam::111111111111:role/added-later', _type: 'aws_iam_role' } }),
  );
  edges.push(
    createRelationship({
      from: { _key: `aws:account:${'111111111111'}`, _type: 'aws_account' },
      verb: RelationshipVerb.USES,
      to: { _key: `${odd._key}`, _type: odd._type },
    }),
  );
  return { entities: [...entities, ...extra], relationships: [...relationships, ...edges] };
}

test('adding objects keeps each object, its content and its property order', (t) => {
  const { entities, relationships } = objects();
  const before = [...entities, ...relationships].map((object) => ({ json: canonicalJson(object), keys: Object.keys(object), clone: structuredClone(object) }));
  const graph = new GraphStore();
  for (const entity of entities) t.true(graph.addEntity(entity));
  for (const relationship of relationships) t.true(graph.addRelationship(relationship));
  [...entities, ...relationships].forEach((object, index) => {
    t.is(canonicalJson(object), before[index].json);
    t.deepEqual(Object.keys(object), before[index].keys);
    t.deepEqual({ ...object, _class: [object._class].flat() }, { ...before[index].clone, _class: [before[index].clone._class].flat() });
  });
  for (const entity of entities) t.is(graph.getEntity(entity._key), entity);
  for (const relationship of relationships) t.is(graph.getRelationship(relationship._key), relationship);
  t.deepEqual([...graph.allEntities()], entities);
  t.deepEqual([...graph.allRelationships()], relationships);
  t.is(graph.entitiesOfType('aws_s3_bucket').length, entities.filter((e) => e._type === 'aws_s3_bucket').length);
});

test('identical _class lists are shared and frozen; entities stay changeable after they are added', (t) => {
  const graph = new GraphStore();
  const make = (id: string, _class: string | string[]) =>
    createEntity({ _key: `arn:aws:ec2:us-east-1:111111111111:volume/${id}`, _type: 'aws_ebs_volume', _class, properties: { size: 8 } });
  const a = make('vol-a', ['DataStore', 'Disk']);
  const b = make('vol-b', ['DataStore', 'Disk']);
  const c = make('vol-c', 'Disk');
  for (const entity of [a, b, c]) graph.addEntity(entity);
  t.is(a._class, b._class);
  t.deepEqual(a._class, ['DataStore', 'Disk']);
  t.deepEqual(c._class, ['Disk']);
  t.true(Object.isFrozen(a._class));
  t.throws(() => a._class.push('Image'), { instanceOf: TypeError }, 'a shared list cannot be changed for one entity through another');

  // What collectors and ingest do after adding: set facts, delete properties, replace an entity.
  const stored = graph.getEntity(a._key) as Entity;
  stored.mfaEnabled = true;
  stored._class = [...stored._class, 'Image'];
  delete stored.size;
  t.is(graph.getEntity(a._key)?.mfaEnabled, true);
  t.false('size' in (graph.getEntity(a._key) as Entity));
  const replacement = make('vol-a', 'Image');
  t.false(graph.addEntity(replacement));
  t.is(graph.getEntity(a._key), replacement);
  t.deepEqual(
    graph
      .entitiesOfType('aws_ebs_volume')
      .map((e) => e._key)
      .sort(),
    [a._key, b._key, c._key].sort(),
  );
});

test('many distinct values of one property, and many of another that repeat, keep their content', (t) => {
  const graph = new GraphStore();
  const entities = Array.from({ length: 5000 }, (_, index) =>
    createEntity({
      _key: `arn:aws:ec2:eu-west-1:111111111111:instance/i-${index.toString(16).padStart(17, '0')}`,
      _type: 'aws_instance',
      _class: 'Host',
      name: `instance-${index}`,
      properties: { state: index % 7 ? 'running' : 'stopped', privateDnsName: `ip-10-0-${index >> 8}-${index & 255}.eu-west-1.compute.internal` },
    }),
  );
  const expected = entities.map((entity) => canonicalJson(entity));
  for (const entity of entities) graph.addEntity(entity);
  t.deepEqual(
    [...graph.allEntities()].map((entity) => canonicalJson(entity)),
    expected,
  );
});

test('compactCopy copies own properties in order, whatever their names', (t) => {
  const entity = createEntity({
    _key: 'arn:aws:iam::111111111111:user/alice',
    _type: 'aws_iam_user',
    _class: 'User',
    properties: { 10: 'ten', 2: 'two', 'tag.a"b': 'q', '': 'empty' },
  });
  const copy = compactCopy(entity);
  t.not(copy, entity);
  t.deepEqual(Object.keys(copy), Object.keys(entity));
  t.deepEqual(copy, entity);
  const withProto = JSON.parse('{"_key":"k-0000000001","_type":"t","_class":["A"],"name":"n","displayName":"n","__proto__":"own"}') as Entity;
  const protoCopy = compactCopy(withProto);
  t.is(Object.getPrototypeOf(protoCopy), Object.prototype);
  t.is(Object.getOwnPropertyDescriptor(protoCopy, '__proto__')?.value, 'own');
  const wide = createEntity({
    _key: 'arn:aws:ec2:us-east-1:111111111111:instance/i-wide',
    _type: 'aws_instance',
    _class: 'Host',
    properties: Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`property${index}`, index])),
  });
  t.is(Object.keys(wide).length, 205);
  t.is(wide.property199, 199);
});

test('entities of a type in one account are indexed by the account they were added under, and follow replacements', (t) => {
  const { entities } = generateGraph(1200);
  const graph = new GraphStore();
  for (const entity of entities) graph.addEntity(entity);
  const [sample] = entities;
  const accountId = String(sample._accountId);
  const expected = entities.filter((entity) => entity._type === sample._type && entity._accountId === accountId).map((entity) => entity._key);
  t.true(expected.length > 1, `several ${sample._type} in ${accountId}`);
  t.deepEqual(
    graph.entitiesOfTypeInAccount(sample._type, accountId).map((entity) => entity._key),
    expected,
  );
  t.deepEqual(graph.entitiesOfTypeInAccount(sample._type, '000000000000'), []);
  // Replaced under another account: it moves from one list to the other.
  graph.addEntity({ ...sample, _accountId: '000000000000' });
  t.deepEqual(
    graph.entitiesOfTypeInAccount(sample._type, accountId).map((entity) => entity._key),
    expected.slice(1),
  );
  t.deepEqual(
    graph.entitiesOfTypeInAccount(sample._type, '000000000000').map((entity) => entity._key),
    [sample._key],
  );
});

test("removing an account's objects takes them out of the graph and of both indexes, and leaves the rest and what replaced them", (t) => {
  const { entities, relationships } = generateGraph(6000);
  const graph = new GraphStore();
  for (const entity of entities) graph.addEntity(entity);
  for (const relationship of relationships) graph.addRelationship(relationship);
  const accountId = String(entities[0]._accountId);
  const ofAccount = { entities: entities.filter((e) => e._accountId === accountId), relationships: relationships.filter((r) => r._accountId === accountId) };
  t.true(ofAccount.entities.length > 10 && ofAccount.relationships.length > 10);
  // One of them was replaced by another object under the same key: the replacement stays.
  const replaced = ofAccount.entities[1];
  const replacement = { ...replaced, name: 'replacement' };
  graph.addEntity(replacement);

  graph.remove(ofAccount);
  const left = entities.filter((e) => e._accountId !== accountId);
  t.is(graph.entityCount, left.length + 1);
  t.is(graph.getEntity(replaced._key), replacement);
  t.false(graph.hasEntity(ofAccount.entities[0]._key));
  t.is(graph.relationshipCount, relationships.length - ofAccount.relationships.length);
  for (const type of new Set(entities.map((e) => e._type))) {
    const expected = [...left.filter((e) => e._type === type), ...(replacement._type === type ? [replacement] : [])].map((e) => e._key).sort();
    t.deepEqual(
      graph
        .entitiesOfType(type)
        .map((e) => e._key)
        .sort(),
      expected,
      type,
    );
    t.deepEqual(
      graph.entitiesOfTypeInAccount(type, accountId).map((e) => e._key),
      replacement._type === type ? [replacement._key] : [],
      type,
    );
  }
  const other = left[0];
  t.true(graph.entitiesOfTypeInAccount(other._type, String(other._accountId)).includes(other));
});

test('an edge drawn by two collectors is kept from the same one whichever finishes first', (t) => {
  const api = createEntity({
    _key: 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5',
    _type: 'aws_api_gateway_rest_api',
    _class: ['Gateway'],
    name: 'orders',
  });
  const fn = createEntity({
    _key: 'arn:aws:lambda:us-east-1:222222222222:function:orders-api',
    _type: 'aws_lambda_function',
    _class: ['Function'],
    name: 'orders-api',
  });
  const drawnBy = (collector: string): Relationship => ({
    ...createRelationship({ from: api, verb: RelationshipVerb.TRIGGERS, to: fn }),
    _collector: collector,
  });
  // In memory and on disk (a spilled run's graph) alike.
  for (const makeGraph of [() => new GraphStore(), () => new SpilledGraph(temporaryDirectory())]) {
    const owners = [
      ['lambda-functions', 'apigateway-rest-apis'],
      ['apigateway-rest-apis', 'lambda-functions'],
    ].map((order) => {
      const graph = makeGraph();
      for (const collector of order) graph.addRelationship(drawnBy(collector));
      const collectors = [...graph.allRelationships()].map((relationship) => relationship._collector);
      if (graph instanceof SpilledGraph) graph.close();
      return collectors;
    });
    t.deepEqual(owners, [['apigateway-rest-apis'], ['apigateway-rest-apis']]);
  }
  // A collector that draws its own edge again still replaces it (a later page, a richer copy).
  const graph = new GraphStore();
  graph.addRelationship(drawnBy('lambda-functions'));
  graph.addRelationship({ ...drawnBy('lambda-functions'), sourceArn: 'arn:aws:execute-api:us-east-1:222222222222:a1b2c3d4e5/*' });
  t.is(graph.getRelationship(drawnBy('x')._key)?.sourceArn, 'arn:aws:execute-api:us-east-1:222222222222:a1b2c3d4e5/*');
});
