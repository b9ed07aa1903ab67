import test from 'ava';
import { createEntity, createRelationship } from '../../src/graph/convert';
import type { Entity } from '../../src/graph/types';
import { GraphIndex, runQuery, type QueryResult, type Row } from '../../src/query';
import { buildGraph, names, NOW } from './fixtures';

const { index } = buildGraph();
const run = (query: string) => runQuery(index, query, { now: NOW });
const found = (query: string) => names(run(query));

function rows(result: QueryResult): Row[] {
  if (result.type !== 'table' && result.type !== 'aggregate') throw new Error(`expected rows, got ${result.type}`);
  return result.data;
}

test('FIND by type, class, several classes, alternation and *', (t) => {
  const instances = run('FIND aws_instance');
  t.is(instances.type, 'list');
  t.is(instances.total, 4);
  t.deepEqual(names(instances), ['web-1', 'web-2', 'batch', 'classic']);
  // `_class` is an array: Host matches the instances and the database.
  t.deepEqual(found('FIND Host'), ['web-1', 'web-2', 'batch', 'classic', 'orders-db']);
  t.deepEqual(found('FIND Disk'), ['vol-1', 'vol-2', 'vol-3', 'vol-4']);
  t.deepEqual(found('FIND (aws_iam_role|AccessPolicy)'), ['ci-deploy', 'auditor', 'AdministratorAccess', 'S3ReadOnly', 'DeployPolicy', 'carol-inline']);
  // An entity in two alternatives is listed once.
  t.deepEqual(found('FIND (Database|DataStore) WITH public = true'), ['www-site', 'upload-dropbox', 'orders-db']);
  t.is(run('FIND *').total, index.entityCount);
  t.deepEqual(found('FIND no_such_type'), []);
  t.deepEqual(found('FIND NoSuchClass'), []);
});

test('WITH equality is strict: booleans are not strings, strings are case-sensitive', (t) => {
  t.deepEqual(found('FIND aws_ebs_volume WITH encrypted = false'), ['vol-2', 'vol-3']);
  t.deepEqual(found("FIND aws_ebs_volume WITH encrypted = 'false'"), ['vol-4']);
  t.deepEqual(found('FIND aws_ebs_volume WITH encrypted != true'), ['vol-2', 'vol-3', 'vol-4']);
  t.deepEqual(found("FIND aws_iam_user WITH tag.Team = 'Security'"), []);
  t.deepEqual(found('FIND aws_iam_user WITH tag.Team = "security"'), ['alice']);
  t.deepEqual(found('FIND aws_account WITH AccountMFAEnabled = 1'), ['management']);
});

test('WITH orderings compare numbers with numbers', (t) => {
  t.deepEqual(found('FIND aws_ebs_volume WITH size > 20'), ['vol-2', 'vol-4']);
  t.deepEqual(found('FIND aws_ebs_volume WITH size >= 20'), ['vol-2', 'vol-3', 'vol-4']);
  t.deepEqual(found('FIND aws_ebs_volume WITH size < 20'), ['vol-1']);
  t.deepEqual(found('FIND aws_ebs_volume WITH size <= 8'), ['vol-1']);
  t.deepEqual(found('FIND aws_ebs_volume WITH size > -1 AND size < 10.5'), ['vol-1']);
  // A boolean is not ordered; a string is compared with strings only.
  t.deepEqual(found('FIND aws_s3_bucket WITH mfaDelete < 1'), []);
  t.deepEqual(found("FIND aws_s3_bucket WITH bucketName < 'd'"), ['ci-artifacts']);
});

test('missing properties: = undefined is true, != value is true, anything else is false', (t) => {
  t.deepEqual(found('FIND aws_s3_bucket WITH mfaDelete = undefined'), ['www-site']);
  t.deepEqual(found('FIND aws_s3_bucket WITH mfaDelete != undefined'), ['org-logs', 'ci-artifacts', 'upload-dropbox']);
  t.deepEqual(found('FIND aws_s3_bucket WITH mfaDelete != true'), ['www-site', 'ci-artifacts']);
  t.deepEqual(found('FIND aws_s3_bucket WITH mfaDelete = false'), ['ci-artifacts']);
  t.deepEqual(found('FIND aws_instance WITH vpcId = undefined'), ['classic']);
  // null and an empty array count as missing.
  t.deepEqual(found('FIND aws_ebs_volume WITH classification = undefined'), ['vol-1', 'vol-3', 'vol-4']);
  t.deepEqual(found('FIND aws_s3_bucket WITH destinationBuckets = undefined'), ['www-site', 'ci-artifacts', 'upload-dropbox']);
  t.deepEqual(found("FIND aws_s3_bucket WITH classification !^= 'c'"), ['org-logs', 'www-site']);
});

test('sets: = any of them, != none of them, AND all of them (arrays)', (t) => {
  t.deepEqual(found("FIND aws_iam_user WITH username = ('alice' OR 'bob')"), ['alice', 'bob']);
  t.deepEqual(found("FIND aws_iam_user WITH username != ('alice' OR 'bob')"), ['carol']);
  t.deepEqual(found("FIND * WITH _class = ('DataStore' AND 'Database')"), ['orders-db', 'reports']);
  t.deepEqual(found("FIND DataStore WITH _class != ('Database' AND 'Disk')"), [
    'vol-1',
    'vol-2',
    'vol-3',
    'vol-4',
    'org-logs',
    'www-site',
    'ci-artifacts',
    'upload-dropbox',
    'orders-db',
    'reports',
  ]);
  t.deepEqual(found("FIND DataStore WITH _class != ('Database' OR 'Disk')"), ['org-logs', 'www-site', 'ci-artifacts', 'upload-dropbox']);
  t.deepEqual(found("FIND aws_ebs_volume WITH size = (8 OR 50) AND encrypted = (true OR 'false')"), ['vol-1', 'vol-4']);
});

test('AND, OR and parentheses', (t) => {
  t.deepEqual(found("FIND aws_iam_user WITH mfaEnabled = false AND passwordEnabled = true OR username = 'alice'"), ['alice', 'bob']);
  t.deepEqual(found("FIND aws_iam_user WITH mfaEnabled = false AND (passwordEnabled = true OR username = 'alice')"), ['bob']);
});

test('string operators, on strings and on array elements', (t) => {
  t.deepEqual(found("FIND aws_s3_bucket WITH bucketName ~= 'site'"), ['www-site']);
  t.deepEqual(found("FIND aws_s3_bucket WITH bucketName ^= 'ci-'"), ['ci-artifacts']);
  t.deepEqual(found("FIND aws_s3_bucket WITH bucketName $= 's'"), ['org-logs', 'ci-artifacts']);
  t.deepEqual(found("FIND aws_s3_bucket WITH bucketName !~= 'o'"), ['www-site', 'ci-artifacts']);
  t.deepEqual(found("FIND aws_s3_bucket WITH bucketName !^= 'w'"), ['org-logs', 'ci-artifacts', 'upload-dropbox']);
  t.deepEqual(found("FIND aws_s3_bucket WITH bucketName !$= 's'"), ['www-site', 'upload-dropbox']);
  // Case-sensitive.
  t.deepEqual(found("FIND aws_iam_user WITH tag.Team ~= 'platform'"), ['bob']);
  // `_class` is an array: any element.
  t.deepEqual(found("FIND * WITH _class ^= 'Data'"), [
    'vol-1',
    'vol-2',
    'vol-3',
    'vol-4',
    'org-logs',
    'www-site',
    'ci-artifacts',
    'upload-dropbox',
    'orders-db',
    'reports',
  ]);
  t.deepEqual(found("FIND * WITH _class $= 'Role'"), ['ci-deploy', 'auditor']);
  t.deepEqual(found("FIND aws_s3_bucket WITH destinationBuckets ~= 'replica'"), ['org-logs']);
  // A number is not a string.
  t.deepEqual(found("FIND aws_ebs_volume WITH size ~= '0'"), []);
});

test('bracketed and dotted property names', (t) => {
  t.deepEqual(found("FIND aws_s3_bucket WITH [tag.cost-center] = 'cc-200'"), ['www-site']);
  t.deepEqual(found("FIND aws_instance WITH tag.Name = 'web-1'"), ['web-1']);
  t.deepEqual(found('FIND aws_instance WITH tag.Production = true'), ['web-1']);
  t.deepEqual(found("FIND aws_instance AS i WHERE i.[tag.AccountName] = 'dev'"), ['classic']);
});

test('relative and absolute dates against epoch-ms properties', (t) => {
  t.deepEqual(found('FIND aws_iam_user WITH createdOn > date.now - 60 days'), ['bob', 'carol']);
  t.deepEqual(found('FIND aws_iam_user WITH createdOn > date.now-6days'), ['carol']);
  t.deepEqual(found('FIND aws_iam_user WITH createdOn < date.now - 1 year'), ['alice']);
  t.deepEqual(found('FIND aws_iam_user WITH createdOn > date.now - 2 months'), ['bob', 'carol']);
  t.deepEqual(found('FIND aws_iam_role WITH lastUsedOn > date.now - 72 hours'), ['ci-deploy']);
  t.deepEqual(found('FIND aws_iam_role WITH lastUsedOn > date.now - 24 hours'), []);
  t.deepEqual(found('FIND aws_acm_certificate WITH expiresOn < date.now + 30days'), ['shop.example.com']);
  t.deepEqual(found('FIND aws_iam_user WITH createdOn < date(2024-06-01)'), ['alice']);
  t.deepEqual(found('FIND aws_iam_user WITH createdOn >= date(2024-12-16T12:00:00Z)'), ['bob', 'carol']);
  // The clock is an option: the same query a year later finds no recent user.
  t.deepEqual(names(runQuery(index, 'FIND aws_iam_user WITH createdOn > date.now - 60 days', { now: NOW + 365 * 86_400_000 })), []);
});

test('THAT follows edges in both directions unless >> or << is given', (t) => {
  t.deepEqual(found('FIND aws_ebs_volume THAT USES aws_instance'), ['vol-1', 'vol-2', 'vol-3']);
  t.deepEqual(found('FIND aws_ebs_volume THAT USES >> aws_instance'), []);
  t.deepEqual(found('FIND aws_ebs_volume THAT USES << aws_instance'), ['vol-1', 'vol-2', 'vol-3']);
  t.deepEqual(found('FIND aws_instance THAT USES >> aws_ebs_volume'), ['web-1', 'web-2', 'batch']);
  t.deepEqual(found('FIND aws_instance THAT uses aws_ebs_volume WITH encrypted = false'), ['web-2', 'batch']);
  t.deepEqual(found('FIND aws_account THAT HAS >> aws_account'), ['management']);
  t.deepEqual(found('FIND aws_account THAT HAS << aws_account'), ['development']);
  t.deepEqual(found('FIND User THAT IS Person'), []);
});

test('RELATES TO is any verb; (A|B) is either verb', (t) => {
  t.deepEqual(found('FIND aws_iam_role THAT RELATES TO aws_account'), ['ci-deploy', 'auditor']);
  t.deepEqual(found('FIND aws_iam_role THAT (ASSIGNED|USES) *'), ['ci-deploy']);
  t.deepEqual(found('FIND aws_iam_role THAT (HAS|TRUSTS) aws_account WITH master = true'), ['auditor']);
  t.deepEqual(found('FIND * THAT (ALLOWS|PERMITS) (Internet|Everyone)'), ['web', 'ssh-open', 'www-site', 'upload-dropbox']);
});

test('THAT !VERB keeps entities without such an edge', (t) => {
  t.deepEqual(found('Find aws_ebs_volume that !USES aws_instance'), ['vol-4']);
  t.deepEqual(found('FIND aws_iam_user THAT !ASSIGNED AccessPolicy'), ['alice', 'bob']);
  // The target's filter is part of what must be absent.
  t.deepEqual(found('FIND aws_instance THAT !USES aws_ebs_volume WITH encrypted = true'), ['web-2', 'batch', 'classic']);
  t.deepEqual(found('FIND aws_iam_role THAT !RELATES TO aws_iam_policy'), ['auditor']);
  // The next hop continues from the entity before the negation.
  t.deepEqual(found('FIND aws_instance THAT !HAS Finding THAT USES aws_ebs_volume'), ['web-2']);
});

test('several hops with filters', (t) => {
  t.deepEqual(found('FIND aws_subnet WITH public = true THAT HAS aws_instance THAT USES aws_ebs_volume WITH encrypted = false'), ['public-a']);
  t.deepEqual(found('FIND aws_subnet THAT HAS aws_instance WITH active = false THAT USES aws_ebs_volume'), ['private-a']);
  t.deepEqual(found('FIND aws_vpc THAT CONTAINS aws_subnet THAT HAS aws_instance THAT PROTECTS aws_security_group WITH default = true'), ['main-vpc']);
  t.deepEqual(found('FIND aws_iam_group THAT HAS aws_iam_user THAT ASSIGNED aws_iam_policy THAT ALLOWS aws_account'), ['devs']);
  t.deepEqual(
    found('FIND aws_security_group WITH default = false THAT PROTECTS aws_instance WITH active = true THAT USES aws_ebs_volume WITH encrypted = false'),
    ['web'],
  );
});

test('the answer does not depend on which step the match starts from', (t) => {
  // The instance is the most selective step: matching starts in the middle and grows both ways.
  t.deepEqual(rows(run("FIND * AS a THAT PROTECTS aws_instance WITH instanceId = 'i-001' AS i THAT USES * AS b RETURN a.name, i.name, b.name")), [
    { 'a.name': 'web', 'i.name': 'web-1', 'b.name': 'ci-deploy' },
    { 'a.name': 'web', 'i.name': 'web-1', 'b.name': 'vol-1' },
    { 'a.name': 'default', 'i.name': 'web-1', 'b.name': 'ci-deploy' },
    { 'a.name': 'default', 'i.name': 'web-1', 'b.name': 'vol-1' },
  ]);
  // From the right end.
  t.deepEqual(rows(run("FIND * AS x THAT HAS aws_inspector_finding WITH severity = 'High' AS f RETURN x.name, f.severity")), [
    { 'x.name': 'web-1', 'f.severity': 'High' },
  ]);
  t.deepEqual(found('FIND * THAT HAS aws_instance THAT HAS aws_inspector_finding WITH numericSeverity < 5'), ['private-a']);
});

test('a path never follows the same relationship twice', (t) => {
  // Groups that share an instance with another group; ssh-open alone protects batch.
  t.deepEqual(found('FIND aws_security_group THAT PROTECTS aws_instance THAT PROTECTS aws_security_group'), ['web', 'default']);
  t.deepEqual(rows(run('FIND aws_instance AS a THAT RELATES TO * AS x THAT RELATES TO aws_instance AS b RETURN a.name, x.name, b.name')), [
    { 'a.name': 'web-1', 'x.name': 'public-a', 'b.name': 'web-2' },
    { 'a.name': 'web-1', 'x.name': 'web', 'b.name': 'web-2' },
    { 'a.name': 'web-2', 'x.name': 'public-a', 'b.name': 'web-1' },
    { 'a.name': 'web-2', 'x.name': 'web', 'b.name': 'web-1' },
  ]);
});

test('optional traversals add what they reach; later hops continue from both', (t) => {
  // Leading optional group: the related entities join the starting ones.
  t.deepEqual(found('FIND aws_iam_user (THAT ASSIGNED AccessPolicy)?'), ['alice', 'bob', 'carol', 'AdministratorAccess', 'carol-inline']);
  t.deepEqual(rows(run('FIND aws_iam_user AS u (THAT ASSIGNED AccessPolicy AS p)? RETURN u.username, p.policyName')), [
    { 'u.username': 'alice', 'p.policyName': null },
    { 'u.username': 'bob', 'p.policyName': null },
    { 'u.username': 'carol', 'p.policyName': null },
    { 'u.username': 'carol', 'p.policyName': 'AdministratorAccess' },
    { 'u.username': 'carol', 'p.policyName': 'carol-inline' },
  ]);
  // Groups assigned a policy directly, or through one of their users.
  t.deepEqual(found('FIND aws_iam_group (THAT HAS aws_iam_user)? THAT ASSIGNED AccessPolicy'), ['admins', 'devs', 'carol']);
  t.deepEqual(rows(run('FIND aws_iam_group (THAT HAS aws_iam_user)? AS who THAT ASSIGNED AccessPolicy AS p RETURN who.name, p.name')), [
    { 'who.name': 'admins', 'p.name': 'AdministratorAccess' },
    { 'who.name': 'devs', 'p.name': 'S3ReadOnly' },
    { 'who.name': 'carol', 'p.name': 'AdministratorAccess' },
    { 'who.name': 'carol', 'p.name': 'carol-inline' },
  ]);
  // After a mandatory hop, the starting entities stay the first step's.
  t.deepEqual(found('FIND aws_subnet THAT HAS aws_instance (THAT USES aws_ebs_volume)?'), ['public-a', 'private-a']);
  t.deepEqual(rows(run('FIND aws_instance AS i WITH active = true (THAT USES aws_ebs_volume AS v)? RETURN i.name, v.volumeId')), [
    { 'i.name': 'web-1', 'v.volumeId': null },
    { 'i.name': 'web-1', 'v.volumeId': 'vol-001' },
    { 'i.name': 'web-2', 'v.volumeId': null },
    { 'i.name': 'web-2', 'v.volumeId': 'vol-002' },
    { 'i.name': 'classic', 'v.volumeId': null },
  ]);
  // WHERE on an optional alias: a path where it is unbound has no value to compare.
  t.deepEqual(rows(run('FIND aws_instance AS i (THAT USES aws_ebs_volume AS v)? WHERE v.encrypted = false RETURN i.name, v.name')), [
    { 'i.name': 'web-2', 'v.name': 'vol-2' },
    { 'i.name': 'batch', 'v.name': 'vol-3' },
  ]);
});

test('AS on relationships, with WHERE on their properties', (t) => {
  t.deepEqual(
    rows(run("FIND AccessPolicy AS policy THAT ALLOWS AS grant * AS target WHERE grant.actions = 's3:GetObject' RETURN policy.policyName, target.name")),
    [{ 'policy.policyName': 'S3ReadOnly', 'target.name': 'org-logs' }],
  );
  t.deepEqual(found('FIND aws_security_group THAT ALLOWS AS rule aws_instance'), []);
  t.deepEqual(
    rows(run('FIND aws_security_group AS sg THAT ALLOWS AS rule Internet WHERE rule.ingress = true AND rule.toPort >= 100 RETURN sg.name, rule.portRange')),
    [{ 'sg.name': 'web', 'rule.portRange': '443-443' }],
  );
  t.deepEqual(found("FIND aws_iam_policy AS p THAT ALLOWS AS g * WHERE g.normalizedActions ^= 's3:put' OR g.admin = true"), [
    'AdministratorAccess',
    'DeployPolicy',
  ]);
});

test('WHERE compares properties of two aliases', (t) => {
  t.deepEqual(rows(run('FIND aws_instance AS i THAT RELATES TO aws_subnet AS s WHERE i.vpcId = s.vpcId RETURN i.name, s.name')), [
    { 'i.name': 'web-1', 's.name': 'public-a' },
    { 'i.name': 'web-2', 's.name': 'public-a' },
    { 'i.name': 'batch', 's.name': 'private-a' },
  ]);
  t.deepEqual(
    rows(
      run('FIND aws_security_group AS a THAT PROTECTS aws_instance THAT PROTECTS aws_security_group AS b WHERE a.groupId != b.groupId RETURN a.name, b.name'),
    ),
    [
      { 'a.name': 'web', 'b.name': 'default' },
      { 'a.name': 'default', 'b.name': 'web' },
    ],
  );
  t.deepEqual(found('FIND aws_instance AS i THAT USES aws_ebs_volume AS v WHERE i.active = true AND v.size > 10'), ['web-2']);
  t.deepEqual(found('FIND aws_instance AS i THAT USES aws_ebs_volume AS v WHERE i.active = false OR v.size < 10'), ['web-1', 'batch']);
});

test('RETURN properties (null when missing), alias.*, whole objects and labels', (t) => {
  const result = run("FIND aws_instance WITH instanceId = ('i-001' OR 'i-004') AS i RETURN i.instanceId AS id, i.vpcId, i.tag.Name");
  t.is(result.type, 'table');
  t.deepEqual(result.type === 'table' && result.columns, ['id', 'i.vpcId', 'i.tag.Name']);
  t.deepEqual(rows(result), [
    { id: 'i-001', 'i.vpcId': 'vpc-1', 'i.tag.Name': 'web-1' },
    { id: 'i-004', 'i.vpcId': null, 'i.tag.Name': null },
  ]);
  const star = run("FIND aws_ebs_volume WITH volumeId = 'vol-001' AS v RETURN v.*");
  const [row] = rows(star);
  t.is(row['v.volumeId'], 'vol-001');
  t.is(row['v._type'], 'aws_ebs_volume');
  t.deepEqual(row['v._class'], ['DataStore', 'Disk']);
  t.true(star.type === 'table' && star.columns.includes('v.size'));
  const objects = rows(run("FIND aws_iam_user WITH username = 'bob' AS u THAT HAS AS membership aws_iam_group RETURN u, membership"));
  t.is((objects[0].u as Entity)._key, 'key:aws_iam_user:bob');
  t.is((objects[0].membership as { _class: string })._class, 'HAS');
  // A class name is an alias when it is not ambiguous.
  t.deepEqual(rows(run('FIND Certificate WITH expiresOn < date.now + 30 days RETURN Certificate.domainName')), [
    { 'Certificate.domainName': 'shop.example.com' },
  ]);
});

test('aggregates: count, count of a property, min, max, avg, sum; other columns group', (t) => {
  const totals = run('FIND aws_ebs_volume AS v RETURN count(v), min(v.size), max(v.size), sum(v.size), avg(v.size)');
  t.is(totals.type, 'aggregate');
  t.is(totals.total, 1);
  t.deepEqual(rows(totals), [{ 'count(v)': 4, 'min(v.size)': 8, 'max(v.size)': 100, 'sum(v.size)': 178, 'avg(v.size)': 44.5 }]);
  t.deepEqual(rows(run('FIND aws_ebs_volume AS v RETURN v.encrypted, count(v)')), [
    { 'v.encrypted': true, 'count(v)': 1 },
    { 'v.encrypted': false, 'count(v)': 2 },
    { 'v.encrypted': 'false', 'count(v)': 1 },
  ]);
  // Each entity or relationship counts once per group, however many paths reach it.
  t.deepEqual(rows(run('FIND aws_security_group AS sg THAT ALLOWS AS r * AS target RETURN sg.name, count(r), count(sg), count(target)')), [
    { 'sg.name': 'web', 'count(r)': 2, 'count(sg)': 1, 'count(target)': 1 },
    { 'sg.name': 'ssh-open', 'count(r)': 1, 'count(sg)': 1, 'count(target)': 1 },
    { 'sg.name': 'default', 'count(r)': 1, 'count(sg)': 1, 'count(target)': 1 },
  ]);
  // count(x.prop) counts distinct values: array elements one by one, missing ones not at all.
  t.deepEqual(rows(run('FIND aws_iam_policy AS p THAT ALLOWS AS g * RETURN p.policyName, count(g.actions)')), [
    { 'p.policyName': 'AdministratorAccess', 'count(g.actions)': 1 },
    { 'p.policyName': 'S3ReadOnly', 'count(g.actions)': 2 },
    { 'p.policyName': 'DeployPolicy', 'count(g.actions)': 1 },
  ]);
  t.deepEqual(rows(run('FIND aws_s3_bucket AS b RETURN count(b.mfaDelete), count(b.destinationBuckets)')), [
    { 'count(b.mfaDelete)': 2, 'count(b.destinationBuckets)': 1 },
  ]);
  // Two group keys.
  t.deepEqual(rows(run('FIND aws_instance AS i RETURN i.region, i.active, count(i) ORDER BY i.region')), [
    { 'i.region': 'eu-west-1', 'i.active': false, 'count(i)': 1 },
    { 'i.region': 'us-east-1', 'i.active': true, 'count(i)': 3 },
  ]);
  // Nothing matched: one row of zeros, and total 0 so an alert does not fire.
  const none = run('FIND aws_ebs_volume WITH size > 1000 AS v RETURN count(v), max(v.size)');
  t.deepEqual(rows(none), [{ 'count(v)': 0, 'max(v.size)': null }]);
  t.is(none.total, 0);
  t.throws(() => run('FIND aws_instance AS i RETURN i.region, count(i) ORDER BY i.name'), { message: /order by one of the returned group columns/ });
});

test('RETURN TREE: the entities and relationships of every matched path', (t) => {
  const result = run("FIND aws_security_group WITH groupId = 'sg-0web' THAT PROTECTS aws_instance THAT USES aws_ebs_volume RETURN TREE");
  t.is(result.type, 'tree');
  if (result.type !== 'tree') return;
  t.is(result.total, 1);
  t.deepEqual(result.data.vertices.map((entity) => entity.displayName).sort(), ['vol-1', 'vol-2', 'web', 'web-1', 'web-2']);
  t.deepEqual(result.data.edges.map((edge) => edge._key).sort(), [
    'key:aws_instance:web1|uses|key:aws_ebs_volume:vol1',
    'key:aws_instance:web2|uses|key:aws_ebs_volume:vol2',
    'key:aws_security_group:sg-web|protects|key:aws_instance:web1',
    'key:aws_security_group:sg-web|protects|key:aws_instance:web2',
  ]);
  const empty = run('FIND aws_instance THAT IS Person RETURN TREE');
  t.deepEqual(empty, { type: 'tree', data: { vertices: [], edges: [] }, total: 0 });
});

test('UNIQUE drops repeated rows; without it every path is a row', (t) => {
  const query = 'FIND aws_instance AS i THAT RELATES TO aws_security_group RETURN i.name';
  t.deepEqual(
    rows(run(query)).map((row) => row['i.name']),
    ['web-1', 'web-1', 'web-2', 'batch'],
  );
  t.deepEqual(
    rows(run(query.replace('FIND', 'FIND UNIQUE'))).map((row) => row['i.name']),
    ['web-1', 'web-2', 'batch'],
  );
  t.is(run(query.replace('FIND', 'FIND UNIQUE')).total, 3);
  // Without RETURN the starting entities are listed once each.
  t.deepEqual(found('FIND aws_instance THAT RELATES TO aws_security_group'), ['web-1', 'web-2', 'batch']);
});

test('ORDER BY (missing values last), SKIP and LIMIT; total counts everything', (t) => {
  t.deepEqual(found('FIND aws_iam_user AS u ORDER BY u.createdOn DESC'), ['carol', 'bob', 'alice']);
  t.deepEqual(found('FIND aws_s3_bucket AS b ORDER BY b.classification'), ['ci-artifacts', 'org-logs', 'www-site', 'upload-dropbox']);
  t.deepEqual(found('FIND aws_s3_bucket AS b ORDER BY b.classification DESC'), ['www-site', 'org-logs', 'ci-artifacts', 'upload-dropbox']);
  t.deepEqual(found('FIND aws_instance AS i ORDER BY i.region DESC, i.instanceId DESC'), ['classic', 'web-2', 'web-1', 'batch']);
  // Ordering the starting entities by what they lead to.
  t.deepEqual(found('FIND aws_instance AS i THAT USES aws_ebs_volume AS v ORDER BY v.size DESC'), ['web-2', 'batch', 'web-1']);
  const page = run('FIND aws_ebs_volume AS v ORDER BY v.size SKIP 1 LIMIT 2');
  t.deepEqual(names(page), ['vol-3', 'vol-4']);
  t.is(page.total, 4);
  const tablePage = run('FIND aws_ebs_volume AS v RETURN v.volumeId ORDER BY v.size DESC LIMIT 1');
  t.deepEqual(rows(tablePage), [{ 'v.volumeId': 'vol-002' }]);
  t.is(tablePage.total, 4);
  t.deepEqual(names(run('FIND aws_ebs_volume LIMIT 0')), []);
  t.is(run('FIND aws_ebs_volume LIMIT 0').total, 4);
});

test('LIMIT defaults to 250', (t) => {
  const entities = Array.from({ length: 300 }, (_, i) =>
    createEntity({ _key: `bucket-key-${i}`, _type: 'aws_s3_bucket', _class: 'DataStore', name: `b${i}`, properties: { n: i } }),
  );
  const many = new GraphIndex(entities, []);
  const result = runQuery(many, 'FIND aws_s3_bucket');
  t.is(result.total, 300);
  t.is((result.data as Entity[]).length, 250);
  t.is((runQuery(many, 'FIND aws_s3_bucket LIMIT 300').data as Entity[]).length, 300);
  t.is((runQuery(many, 'FIND aws_s3_bucket', { defaultLimit: 10 }).data as Entity[]).length, 10);
  t.is(rows(runQuery(many, 'FIND aws_s3_bucket AS b RETURN b.n')).length, 250);
});

test('a quoted string searches names, display names, ids and ARNs for whole words, case-insensitively', (t) => {
  // alice's email holds example.com too, but email is not searched.
  t.deepEqual(found('"example.com"'), ['shop.example.com', 'api.example.com']);
  t.deepEqual(found("'WEB-1'"), ['web-1', 'CVE-2024-0001 on web-1']);
  t.deepEqual(found("FIND 'web' WITH _class = 'Firewall'"), ['web']);
  // destinationBuckets is not searched, and `replica` is no whole word of org-logs' names.
  t.deepEqual(found("FIND 'replica'"), []);
  t.deepEqual(found('FIND aws_instance THAT HAS "CVE-2024"'), ['web-1']);
});

test('comments do not change the answer', (t) => {
  t.deepEqual(found('// volumes nobody uses\nFIND aws_ebs_volume /* any */ THAT !USES aws_instance // attached'), ['vol-4']);
});

test('self-loops are traversed once; relationships to unknown entities are ignored', (t) => {
  const a = createEntity({ _key: 'entity-a-key', _type: 'thing', _class: 'Resource', name: 'a' });
  const b = createEntity({ _key: 'entity-b-key', _type: 'thing', _class: 'Resource', name: 'b' });
  const loop = createRelationship({ from: a, verb: 'USES', to: a });
  const ab = createRelationship({ from: a, verb: 'USES', to: b });
  const dangling = createRelationship({ from: a, verb: 'USES', to: { _key: 'missing-entity', _type: 'thing' } });
  const small = new GraphIndex([a, b], [loop, ab, dangling]);
  t.is(small.relationships.length, 2);
  t.is(small.danglingRelationships, 1);
  t.deepEqual(rows(runQuery(small, 'FIND thing AS x THAT USES thing AS y RETURN x.name, y.name')), [
    { 'x.name': 'a', 'y.name': 'a' },
    { 'x.name': 'a', 'y.name': 'b' },
    { 'x.name': 'b', 'y.name': 'a' },
  ]);
});
