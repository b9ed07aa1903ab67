import test from 'ava';
import { createEntity, createRelationship } from '../../src/graph/convert';
import type { Entity, Relationship } from '../../src/graph/types';
import { GraphIndex, runQuery } from '../../src/query';
import { buildGraph, NOW } from './fixtures';

test('entities by key, type and class; relationships by verb and direction', (t) => {
  const { entities, relationships } = buildGraph();
  const index = GraphIndex.fromSnapshot({ entities, relationships });
  t.is(index.entityCount, entities.length);
  t.is(index.relationships.length, relationships.length);
  const web1 = index.idOf('key:aws_instance:web1') as number;
  t.is(index.entities[web1].displayName, 'web-1');
  t.is(index.idOf('no-such-key'), undefined);
  t.deepEqual(
    [...index.ofType('aws_ebs_volume')].map((id) => index.entities[id].name),
    ['vol-1', 'vol-2', 'vol-3', 'vol-4'],
  );
  t.deepEqual(
    [...index.ofClass('Database')].map((id) => index.entities[id].name),
    ['orders-db', 'reports'],
  );
  t.is(index.ofType('nothing').length, 0);

  const edges = (direction: 'out' | 'in', verb?: string) => {
    const [start, end] = index.edgeRange(web1, direction, verb === undefined ? undefined : index.verbId(verb));
    const list = direction === 'out' ? index.outEdges : index.inEdges;
    return Array.from(list.subarray(start, end), (r) => index.relationships[r]._key).sort();
  };
  t.deepEqual(edges('out', 'USES'), ['key:aws_instance:web1|uses|key:aws_ebs_volume:vol1', 'key:aws_instance:web1|uses|key:aws_iam_role:deployer']);
  t.deepEqual(edges('out', 'HAS'), ['key:aws_instance:web1|has|key:aws_inspector_finding:finding1']);
  t.deepEqual(edges('in', 'PROTECTS'), [
    'key:aws_security_group:sg-default|protects|key:aws_instance:web1',
    'key:aws_security_group:sg-web|protects|key:aws_instance:web1',
  ]);
  t.deepEqual(edges('in', 'HAS'), ['key:aws_subnet:subnet-public|has|key:aws_instance:web1']);
  t.deepEqual(edges('in', 'USES'), []);
  t.is(edges('out').length + edges('in').length, 6);
  // Verbs are matched whatever their case.
  t.is(index.verbId('uses'), index.verbId('USES'));
});

test('an equality index holds each value of a property over a type, absent values included', (t) => {
  const { index } = buildGraph();
  const scope = { field: '_type', name: 'aws_ebs_volume' } as const;
  t.false(index.hasPosting(scope, 'encrypted'));
  const posting = index.posting(scope, 'encrypted');
  t.true(index.hasPosting(scope, 'encrypted'));
  t.is(index.posting(scope, 'encrypted'), posting);
  t.deepEqual([...posting.keys()].sort(), ['bf', 'bt', 'sfalse']);
  t.deepEqual(
    (posting.get('bf') ?? []).map((id) => index.entities[id].name),
    ['vol-2', 'vol-3'],
  );
  t.deepEqual(
    (index.posting({ field: '_type', name: 'aws_s3_bucket' }, 'mfaDelete').get('u') ?? []).map((id) => index.entities[id].name),
    ['www-site'],
  );
  t.deepEqual(
    (index.posting({ field: '_class', name: 'DataStore' }, 'destinationBuckets').get('sorg-logs-replica') ?? []).map((id) => index.entities[id].name),
    ['org-logs'],
  );
});

/**
 * The example organization plus many unrelated entities and relationships, with every read of an
 * entity counted after the index is built. Queries that name types must not read the filler.
 */
function countedGraph(filler: number): { index: GraphIndex; reads: () => number; reset: () => void } {
  const { entities, relationships } = buildGraph();
  const all: Entity[] = [...entities];
  const edges: Relationship[] = [...relationships];
  let previous: Entity | undefined;
  for (let i = 0; i < filler; i++) {
    const group = createEntity({
      _key: `log-group-key-${i}`,
      _type: 'aws_cloudwatch_log_group',
      _class: 'Logs',
      name: `/aws/lambda/fn-${i}`,
      properties: { retentionInDays: i % 30, encrypted: i % 2 === 0 },
    });
    all.push(group);
    if (previous) edges.push(createRelationship({ from: previous, verb: 'HAS', to: group }));
    previous = group;
  }
  let reads = 0;
  const counted = new Proxy(all, {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  const index = new GraphIndex(counted, edges);
  return { index, reads: () => reads, reset: () => (reads = 0) };
}

test('work grows with the result, not with the graph', (t) => {
  const filler = 20_000;
  const { index, reads, reset } = countedGraph(filler);
  const cost = (query: string) => {
    reset();
    const result = runQuery(index, query, { now: NOW });
    return { reads: reads(), total: result.total };
  };
  const bounded = [
    "FIND aws_instance WITH instanceId = 'i-002' THAT USES aws_ebs_volume",
    'FIND aws_ebs_volume THAT !USES aws_instance',
    'FIND aws_security_group WITH default = false THAT PROTECTS aws_instance WITH active = true THAT USES aws_ebs_volume WITH encrypted = false',
    // `*` on one side: start from the other, selective side.
    'FIND * THAT ALLOWS Internet',
    'FIND * AS x THAT HAS aws_inspector_finding WITH severity = "High" RETURN x.name',
    "FIND * WITH _key = 'key:aws_account:mgmt' THAT HAS *",
    "FIND * WITH _type = 'aws_iam_user' THAT RELATES TO aws_iam_group",
    'FIND aws_iam_group (THAT HAS aws_iam_user)? THAT ASSIGNED AccessPolicy RETURN TREE',
  ];
  for (const query of bounded) {
    const { reads: count, total } = cost(query);
    t.true(total > 0, `${query} finds something`);
    t.true(count < 50, `${query} read ${count} entities of ${index.entityCount}`);
  }
  // A rare value gets an equality index the first time (one pass over its type), then costs nothing.
  const logGroups = { field: '_type', name: 'aws_cloudwatch_log_group' } as const;
  const rare = "FIND aws_cloudwatch_log_group WITH name = '/aws/lambda/fn-777'";
  t.false(index.hasPosting(logGroups, 'name'));
  const first = cost(rare);
  t.is(first.total, 1);
  t.true(first.reads > filler && first.reads < filler + 100, `${first.reads} reads`);
  t.true(index.hasPosting(logGroups, 'name'));
  t.deepEqual(cost(rare), { reads: 2, total: 1 });
  // A common value narrows little: no index, the type is read (and only the type, plus a sample).
  const common = cost('FIND aws_cloudwatch_log_group WITH encrypted = true');
  t.is(common.total, filler / 2);
  t.true(common.reads >= filler && common.reads < filler + 400, `${common.reads} reads`);
  t.false(index.hasPosting(logGroups, 'encrypted'));
  // Only a query over every entity with nothing to narrow it reads them all.
  t.true(cost('FIND * WITH encrypted = false').reads >= filler);
  t.true(cost('FIND "fn-19999"').reads >= filler);
  const anyRare = "FIND * WITH name = '/aws/lambda/fn-123'";
  t.true(cost(anyRare).reads >= filler);
  t.deepEqual(cost(anyRare), { reads: 2, total: 1 });
});

test("a run's graph is indexed once, for compliance, alerts and saved questions alike", (t) => {
  const { entities, relationships } = buildGraph();
  const graph = { allEntities: () => entities.values(), allRelationships: () => relationships.values() };
  const index = GraphIndex.ofGraph(graph);
  t.is(GraphIndex.ofGraph(graph), index);
  t.deepEqual(
    runQuery(index, 'FIND aws_s3_bucket THAT HAS * RETURN COUNT(aws_s3_bucket)', { now: NOW }),
    runQuery(new GraphIndex(entities, relationships), 'FIND aws_s3_bucket THAT HAS * RETURN COUNT(aws_s3_bucket)', { now: NOW }),
  );
  // Another graph, even of the same objects, has its own.
  const other = { allEntities: () => entities.slice(1).values(), allRelationships: () => relationships.values() };
  t.not(GraphIndex.ofGraph(other), index);
  t.is(GraphIndex.ofGraph(other).entities.length, entities.length - 1);
});
