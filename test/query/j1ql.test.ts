import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { createEntity, createRelationship, type RawValue } from '../../src/graph/convert';
import type { Entity, Relationship, RelationshipVerb } from '../../src/graph/types';
import {
  DefinitionFileError,
  GraphIndex,
  loadSmartClasses,
  parameterNames,
  parseQuery,
  QuerySemanticError,
  QuerySyntaxError,
  readSmartClasses,
  runQuery,
  type QueryResult,
  type Row,
  type RunOptions,
} from '../../src/query';
import { buildGraph, names, NOW } from './fixtures';

const { index } = buildGraph();
const run = (query: string, options: RunOptions = {}) => runQuery(index, query, { now: NOW, ...options });
const found = (query: string, options: RunOptions = {}) => names(run(query, options));
const DAY = 86_400_000;

function rows(result: QueryResult): Row[] {
  if (result.type !== 'table' && result.type !== 'aggregate') throw new Error(`expected rows, got ${result.type}`);
  return result.data;
}

/** A small graph built from a list of entities and edges, for questions the shared fixture cannot ask. */
function graph(
  build: (
    entity: (id: string, type: string, classes: string | string[], properties?: Record<string, RawValue>) => Entity,
    edge: (from: string, verb: RelationshipVerb, to: string, properties?: Record<string, RawValue>, suffix?: string) => Relationship,
  ) => void,
): GraphIndex {
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  const byId = new Map<string, Entity>();
  build(
    (id, type, classes, properties = {}) => {
      const created = createEntity({ _key: `key:${type}:${id}`, _type: type, _class: classes, name: id, properties });
      entities.push(created);
      byId.set(id, created);
      return created;
    },
    (from, verb, to, properties, suffix) => {
      const created = createRelationship({ from: byId.get(from) as Entity, verb, to: byId.get(to) as Entity, properties, keySuffix: suffix });
      relationships.push(created);
      return created;
    },
  );
  return new GraphIndex(entities, relationships);
}

// ---- 1. aggregates --------------------------------------------------------------------------

/** JupiterOne's worked example: three teams whose leads are alice, bob and alice. */
const teams = graph((entity, edge) => {
  entity('platform', 'team', 'Team', { teamLead: 'alice', department: 'eng', headcount: 5, skills: ['go', 'ts'] });
  entity('security', 'team', 'Team', { teamLead: 'bob', department: 'eng', headcount: 3, skills: ['ts', 'rust'] });
  entity('data', 'team', 'Team', { teamLead: 'alice', department: 'analytics', headcount: 4, skills: ['sql', 'go'] });
  entity('interns', 'team', 'Team', { department: 'analytics', headcount: 2 });
  entity('ann', 'person', 'Person', { age: 30 });
  entity('ben', 'person', 'Person', { age: 40 });
  edge('platform', 'HAS', 'ann');
  edge('security', 'HAS', 'ann');
  edge('data', 'HAS', 'ben');
});

test('count(x.prop) counts distinct values, as J1QL documents (alice, bob, alice: 2)', (t) => {
  const result = runQuery(teams, 'FIND team AS t RETURN count(t.teamLead), count(t)');
  t.deepEqual(rows(result), [{ 'count(t.teamLead)': 2, 'count(t)': 4 }]);
  // Grouped: eng has alice and bob, analytics alice once (interns have no lead: not counted).
  t.deepEqual(rows(runQuery(teams, 'FIND team AS t RETURN t.department, count(t.teamLead), count(t)')), [
    { 't.department': 'eng', 'count(t.teamLead)': 2, 'count(t)': 2 },
    { 't.department': 'analytics', 'count(t.teamLead)': 1, 'count(t)': 2 },
  ]);
  // List values count element by element, distinct across entities: go, ts, rust, sql.
  t.deepEqual(rows(runQuery(teams, 'FIND team AS t RETURN count(t.skills)')), [{ 'count(t.skills)': 4 }]);
});

test('the issue example: count(i.vpcId) is the number of distinct VPC ids', (t) => {
  // Three instances in vpc-1, one without a VPC.
  t.deepEqual(rows(run('FIND aws_instance AS i RETURN count(i.vpcId)')), [{ 'count(i.vpcId)': 1 }]);
  t.deepEqual(rows(run('FIND aws_instance AS i RETURN i.region, count(i.vpcId), count(i)')), [
    { 'i.region': 'us-east-1', 'count(i.vpcId)': 1, 'count(i)': 3 },
    { 'i.region': 'eu-west-1', 'count(i.vpcId)': 1, 'count(i)': 1 },
  ]);
});

test('min, max, sum and avg take each entity once, list elements one by one', (t) => {
  // ann is reached from two teams: her age counts once.
  t.deepEqual(rows(runQuery(teams, 'FIND team AS t THAT HAS person AS p RETURN count(p), sum(p.age), avg(p.age), min(p.age), max(p.age), count(*)')), [
    { 'count(p)': 2, 'sum(p.age)': 70, 'avg(p.age)': 35, 'min(p.age)': 30, 'max(p.age)': 40, 'count(*)': 3 },
  ]);
  // Two teams have headcount... every value counts for sum even when equal: 5 + 3 + 4 + 2.
  t.deepEqual(rows(runQuery(teams, 'FIND team AS t RETURN sum(t.headcount), count(t.headcount)')), [{ 'sum(t.headcount)': 14, 'count(t.headcount)': 4 }]);
  // Grouped by the person: each group counts its own teams.
  t.deepEqual(rows(runQuery(teams, 'FIND team AS t THAT HAS person AS p RETURN p.name, count(t), sum(t.headcount), count(t.teamLead)')), [
    { 'p.name': 'ann', 'count(t)': 2, 'sum(t.headcount)': 8, 'count(t.teamLead)': 2 },
    { 'p.name': 'ben', 'count(t)': 1, 'sum(t.headcount)': 4, 'count(t.teamLead)': 1 },
  ]);
  // Text values are not numbers: min and sum have nothing to work on.
  t.deepEqual(rows(runQuery(teams, 'FIND team AS t RETURN min(t.teamLead), sum(t.teamLead)')), [{ 'min(t.teamLead)': null, 'sum(t.teamLead)': null }]);
});

test('count(*) counts the matches of each group', (t) => {
  t.deepEqual(rows(run('FIND aws_instance RETURN count(*)')), [{ 'count(*)': 4 }]);
  // Matches, not entities: web-1 is protected by two groups.
  t.deepEqual(rows(run('FIND aws_security_group AS sg THAT PROTECTS aws_instance AS i RETURN count(*), count(i), count(sg)')), [
    { 'count(*)': 4, 'count(i)': 3, 'count(sg)': 3 },
  ]);
  t.deepEqual(rows(run('FIND aws_security_group AS sg THAT PROTECTS aws_instance RETURN sg.name, count(*)')), [
    { 'sg.name': 'web', 'count(*)': 2 },
    { 'sg.name': 'ssh-open', 'count(*)': 1 },
    { 'sg.name': 'default', 'count(*)': 1 },
  ]);
  t.deepEqual(rows(run('FIND no_such_type RETURN count(*)')), [{ 'count(*)': 0 }]);
  t.throws(() => parseQuery('FIND aws_instance AS i RETURN sum(*)'), { instanceOf: QuerySyntaxError });
});

// ---- 2. verb aliases ------------------------------------------------------------------------

test('a relationship can be named by its verb in WHERE and RETURN', (t) => {
  t.deepEqual(found("FIND aws_s3_bucket THAT ALLOWS Everyone WHERE ALLOWS.permission = 'READ'"), ['www-site']);
  t.deepEqual(found("FIND aws_s3_bucket THAT ALLOWS Everyone WHERE ALLOWS.permission ^= 'READ'"), ['www-site', 'upload-dropbox']);
  t.deepEqual(rows(run('FIND aws_s3_bucket AS b THAT ALLOWS Everyone RETURN b.name, ALLOWS.permission ORDER BY b.name')), [
    { 'b.name': 'upload-dropbox', 'ALLOWS.permission': 'WRITE' },
    { 'b.name': 'upload-dropbox', 'ALLOWS.permission': 'READ_ACP' },
    { 'b.name': 'www-site', 'ALLOWS.permission': 'READ' },
  ]);
  // Any case, as verbs are.
  t.deepEqual(found("FIND aws_s3_bucket THAT allows Everyone WHERE allows.permission = 'WRITE'"), ['upload-dropbox']);
  // JupiterOne's example shape: an absent property on the edge.
  t.deepEqual(found('FIND aws_security_group THAT ALLOWS Internet WHERE ALLOWS.fromPort = 22'), ['ssh-open']);
  t.deepEqual(found('FIND aws_security_group THAT ALLOWS Internet WHERE ALLOWS.completedOn = undefined'), ['web', 'ssh-open']);
  // Inside an optional group the verb names the optional edge.
  t.deepEqual(rows(run("FIND aws_s3_bucket WITH bucketName ^= 'w' AS b (THAT ALLOWS Everyone)? RETURN b.name, ALLOWS.permission")), [
    { 'b.name': 'www-site', 'ALLOWS.permission': null },
    { 'b.name': 'www-site', 'ALLOWS.permission': 'READ' },
  ]);
});

test('a verb used in two hops is ambiguous: the error asks for AS', (t) => {
  const error = t.throws(() => parseQuery('FIND aws_iam_group THAT HAS aws_iam_user THAT HAS aws_iam_access_key WHERE HAS.active = true'), {
    instanceOf: QuerySemanticError,
  });
  t.regex(error?.message ?? '', /HAS is ambiguous.*line 1, column 20 and line 1, column 42.*THAT HAS AS r/);
  // An explicit alias removes the ambiguity, and wins over the verb.
  t.notThrows(() => parseQuery('FIND aws_iam_group THAT HAS AS r aws_iam_user THAT HAS AS k aws_iam_access_key WHERE r.x = 1 AND k.y = 2'));
  t.deepEqual(found("FIND aws_s3_bucket THAT ALLOWS AS ALLOWS Everyone WHERE ALLOWS.permission = 'READ'"), ['www-site']);
  // A verb no hop uses is an unknown alias.
  t.throws(() => parseQuery("FIND aws_s3_bucket THAT ALLOWS Everyone WHERE HAS.permission = 'READ'"), { message: /unknown alias HAS/ });
});

// ---- 3. RETURN expressions ------------------------------------------------------------------

test('arithmetic on numbers in RETURN, with precedence, parentheses and nulls', (t) => {
  t.deepEqual(
    rows(run("FIND aws_ebs_volume WITH volumeId = ('vol-001' OR 'vol-002') AS v RETURN v.size * 2 + 1, (v.size + 10) / 2 AS half, -v.size, v.size / 0")),
    [
      { 'v.size * 2 + 1': 17, half: 9, '-v.size': -8, 'v.size / 0': null },
      { 'v.size * 2 + 1': 201, half: 55, '-v.size': -100, 'v.size / 0': null },
    ],
  );
  // Text and missing values make arithmetic null; labels keep needed parentheses only.
  t.deepEqual(rows(run("FIND aws_instance WITH instanceId = 'i-004' AS i RETURN i.createdOn + 1, i.name * 2, 10 - (2 - 1), 10 - 2 - 1")), [
    { 'i.createdOn + 1': null, 'i.name * 2': null, '10 - (2 - 1)': 9, '10 - 2 - 1': 7 },
  ]);
});

test('dates are epoch milliseconds: add durations (calendar months), subtract dates', (t) => {
  t.deepEqual(
    rows(
      run(
        "FIND aws_instance WITH instanceId = 'i-001' AS i RETURN (date.now - i.createdOn) / 1 day AS ageDays, i.createdOn + 90 days AS back, date(2024-01-31) + 1 month AS feb",
      ),
    ),
    [{ ageDays: 90, back: NOW, feb: Date.UTC(2024, 2, 2) }],
  );
  t.deepEqual(rows(run("FIND aws_acm_certificate WITH domainName = 'shop.example.com' AS c RETURN (c.expiresOn - date.now) / 1 hour AS hoursLeft")), [
    { hoursLeft: 240 },
  ]);
});

test('CONCAT joins text; missing values are empty, lists are joined with commas', (t) => {
  t.deepEqual(
    rows(
      run(
        "FIND aws_s3_bucket WITH bucketName = ('org-logs' OR 'www-site') AS b RETURN CONCAT(b.bucketName, ': ', b.classification, ' [', b.destinationBuckets, '] ', b.mfaDelete) AS summary",
      ),
    ),
    [{ summary: 'org-logs: internal [org-logs-replica] true' }, { summary: 'www-site: public [] ' }],
  );
  // An expression is a group key beside aggregates.
  t.deepEqual(rows(run('FIND aws_instance AS i RETURN concat(i.region, "/", i.state) AS place, count(i)')), [
    { place: 'us-east-1/running', 'count(i)': 3 },
    { place: 'eu-west-1/stopped', 'count(i)': 1 },
  ]);
  t.throws(() => parseQuery('FIND aws_instance AS i RETURN count(i) * 2'), { message: /count\(i\) cannot be part of an expression/ });
  t.throws(() => parseQuery('FIND aws_instance AS i RETURN i + 1'), { message: /whole entity/ });
  t.throws(() => parseQuery('FIND aws_instance AS i RETURN CONCAT(x.name)'), { message: /unknown alias x/ });
  t.throws(() => parseQuery('FIND aws_instance AS i RETURN upper(i.name)'), { instanceOf: QuerySyntaxError });
});

test('a slash divides in RETURN and opens a regular expression after a comparison', (t) => {
  t.deepEqual(rows(run("FIND aws_ebs_volume WITH volumeId = 'vol-002' AS v RETURN v.size / 2, v.size / 4")), [{ 'v.size / 2': 50, 'v.size / 4': 25 }]);
});

// ---- 4. parameters --------------------------------------------------------------------------

test('parameters: ${ param.x } takes a value, a list means any of its values', (t) => {
  t.deepEqual(found('FIND aws_s3_bucket WITH bucketName = ${ param.bucket }', { params: { bucket: 'www-site' } }), ['www-site']);
  t.deepEqual(found('FIND aws_s3_bucket WITH bucketName = ${param.buckets}', { params: { buckets: ['www-site', 'org-logs'] } }), ['org-logs', 'www-site']);
  t.deepEqual(found('FIND aws_ebs_volume WITH size > ${ param.min } AND encrypted = ${ param.enc }', { params: { min: 10, enc: false } }), ['vol-2', 'vol-3']);
  t.deepEqual(found("FIND aws_s3_bucket WITH classification = ('critical' OR ${ param.more })", { params: { more: ['public', 'internal'] } }), [
    'org-logs',
    'www-site',
    'ci-artifacts',
  ]);
  t.deepEqual(found('FIND aws_security_group THAT ALLOWS AS r Internet WHERE r.fromPort = ${ param.port }', { params: { port: 22 } }), ['ssh-open']);
  t.deepEqual(rows(run("FIND aws_ebs_volume WITH volumeId = 'vol-001' AS v RETURN v.size * ${ param.factor } AS scaled", { params: { factor: 3 } })), [
    { scaled: 24 },
  ]);
  t.deepEqual(parameterNames(parseQuery('FIND x WITH a = ${ param.a } AND b = ${ param.b } WHERE x.c = ${ param.a }')), ['a', 'b']);
  // Without a value the error names the parameter; a list cannot be one RETURN value.
  t.throws(() => run('FIND aws_s3_bucket WITH bucketName = ${ param.bucket }'), { instanceOf: QuerySemanticError, message: /parameter bucket has no value/ });
  t.throws(() => run('FIND aws_s3_bucket AS b RETURN ${ param.l }', { params: { l: [1, 2] } }), { message: /is a list/ });
  // The parsed query is not changed by running it with values.
  const query = parseQuery('FIND aws_s3_bucket WITH bucketName = ${ param.bucket }');
  runQuery(index, query, { params: { bucket: 'www-site' } });
  t.deepEqual(names(runQuery(index, query, { params: { bucket: 'org-logs' } })), ['org-logs']);
});

// ---- 5. regular expressions -----------------------------------------------------------------

test('regular expressions: = and ~= search, ^= and $= anchor, flags, and != negates', (t) => {
  t.deepEqual(found('FIND aws_s3_bucket WITH bucketName = /SITE/i'), ['www-site']);
  t.deepEqual(found('FIND aws_s3_bucket WITH bucketName = /SITE/'), []);
  t.deepEqual(found('FIND aws_s3_bucket WITH bucketName ~= /-[a-z]{4}$/'), ['org-logs', 'www-site']);
  t.deepEqual(found('FIND aws_s3_bucket WITH bucketName ^= /ci|www/'), ['www-site', 'ci-artifacts']);
  t.deepEqual(found('FIND aws_s3_bucket WITH bucketName $= /s/'), ['org-logs', 'ci-artifacts']);
  t.deepEqual(found('FIND aws_s3_bucket WITH bucketName != /o/'), ['www-site', 'ci-artifacts']);
  // Any element of a list; never a number.
  t.deepEqual(found('FIND aws_s3_bucket WITH destinationBuckets = /replica$/'), ['org-logs']);
  t.deepEqual(found('FIND aws_ebs_volume WITH size = /0/'), []);
  // JupiterOne's example: a regular expression on an edge property in WHERE.
  t.deepEqual(found('FIND aws_iam_policy THAT ALLOWS AS r * WHERE r.actions = /^s3:(Get|Put)/'), ['S3ReadOnly', 'DeployPolicy']);
  t.deepEqual(found("FIND aws_s3_bucket WITH bucketName = ('org-logs' OR /^ci-/)"), ['org-logs', 'ci-artifacts']);
  t.throws(() => parseQuery('FIND x WITH a = /(unclosed/'), { instanceOf: QuerySyntaxError, message: /not a valid regular expression/ });
  t.throws(() => parseQuery('FIND x WITH a = /x/g'), { message: /flags/ });
});

// ---- 6. smart classes -----------------------------------------------------------------------

const assets = graph((entity, edge) => {
  entity('prod-db', 'aws_db_instance', ['Database', 'DataStore'], { classification: 'critical', 'tag.Production': true });
  entity('prod-bucket', 'aws_s3_bucket', 'DataStore', { classification: 'critical', 'tag.Production': 'true', public: true });
  entity('dev-bucket', 'aws_s3_bucket', 'DataStore', { classification: 'critical', 'tag.Production': false });
  entity('web', 'aws_instance', 'Host', { classification: 'internal', 'tag.Production': true, tags: ['CriticalAsset'] });
  entity('user', 'aws_iam_user', 'User', { 'tag.Sev1': true });
  entity('finding', 'aws_inspector_finding', 'Finding', {});
  edge('web', 'HAS', 'finding');
});

test("smart classes: JupiterOne's #CriticalAsset, tag-derived classes, and a type after the class", (t) => {
  t.deepEqual(names(runQuery(assets, 'FIND #CriticalAsset')), ['prod-db', 'prod-bucket', 'web']);
  t.deepEqual(names(runQuery(assets, 'FIND #CriticalAsset DataStore')), ['prod-db', 'prod-bucket']);
  t.deepEqual(names(runQuery(assets, 'FIND #CriticalAsset (aws_instance|aws_db_instance)')), ['prod-db', 'web']);
  t.deepEqual(names(runQuery(assets, 'FIND #CriticalAsset THAT HAS Finding')), ['web']);
  t.deepEqual(names(runQuery(assets, 'FIND Finding THAT RELATES TO #CriticalAsset')), ['finding']);
  t.deepEqual(names(runQuery(assets, 'FIND #Production')), ['prod-db', 'prod-bucket', 'web']);
  t.deepEqual(names(runQuery(assets, 'FIND #Sev1')), ['user']);
  t.deepEqual(names(runQuery(assets, 'FIND #PublicDataStore')), ['prod-bucket']);
  t.deepEqual(names(runQuery(assets, 'FIND #NoSuchTag')), []);
});

test('smart classes from a user file: added to the shipped ones, checked with file and line', (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-smart-'));
  const file = path.join(directory, 'classes.yaml');
  writeFileSync(
    file,
    [
      'Exposed:',
      '  description: public or internet-facing',
      '  queries:',
      '    - FIND * WITH public = true',
      '    - FIND Host THAT HAS Finding',
      'CriticalAsset:',
      '  queries:',
      '    - FIND User',
    ].join('\n'),
  );
  const classes = loadSmartClasses(file);
  t.deepEqual(names(runQuery(assets, 'FIND #Exposed', { smartClasses: classes })), ['prod-bucket', 'web']);
  // The user's definition replaces the shipped one; shipped ones stay.
  t.deepEqual(names(runQuery(assets, 'FIND #CriticalAsset', { smartClasses: classes })), ['user']);
  t.deepEqual(names(runQuery(assets, 'FIND #PublicDataStore', { smartClasses: classes })), ['prod-bucket']);

  writeFileSync(file, ['Ok:', '  queries:', '    - FIND Host', 'Broken:', '  queries:', '    - FIND Host WITH', ''].join('\n'));
  const error = t.throws(() => readSmartClasses(file), { instanceOf: DefinitionFileError });
  t.is(error?.line, 6);
  t.is(error?.field, 'Broken.queries[0]');
  t.regex(error?.message ?? '', /classes\.yaml:6: Broken\.queries\[0\]: bad query/);
  writeFileSync(file, ['Ok:', '  querys:', '    - FIND Host'].join('\n'));
  t.throws(() => readSmartClasses(file), { message: /classes\.yaml:2: Ok\.querys: unknown field/ });
  writeFileSync(file, ['Loop:', '  queries:', "    - 'FIND #Loop'"].join('\n'));
  t.throws(() => runQuery(assets, 'FIND #Loop', { smartClasses: loadSmartClasses(file) }), { message: /#Loop -> #Loop/ });
  // A class whose definition takes a parameter is recomputed for each value.
  writeFileSync(file, ['Classified:', '  queries:', '    - FIND DataStore WITH classification = ${ param.level }'].join('\n'));
  const parameterized = loadSmartClasses(file);
  t.deepEqual(names(runQuery(assets, 'FIND #Classified', { smartClasses: parameterized, params: { level: 'critical' } })), [
    'prod-db',
    'prod-bucket',
    'dev-bucket',
  ]);
  t.deepEqual(names(runQuery(assets, 'FIND #Classified', { smartClasses: parameterized, params: { level: 'internal' } })), []);
});

// ---- 7. metadata ----------------------------------------------------------------------------

test("JupiterOne's metadata (_createdOn, _beginOn, _version) are ordinary, possibly absent properties", (t) => {
  const history = graph((entity) => {
    entity('old', 'aws_s3_bucket', 'DataStore', { _createdOn: NOW - 400 * DAY, _beginOn: NOW - 2 * DAY, _version: 7 });
    entity('new', 'aws_s3_bucket', 'DataStore', { _createdOn: NOW - 3 * DAY, _beginOn: NOW - 3 * DAY, _version: 1 });
    entity('unknown', 'aws_s3_bucket', 'DataStore', {});
  });
  const options = { now: NOW };
  t.deepEqual(names(runQuery(history, 'FIND aws_s3_bucket WITH _createdOn > date.now - 7 days', options)), ['new']);
  t.deepEqual(names(runQuery(history, 'FIND aws_s3_bucket WITH _version > 1', options)), ['old']);
  t.deepEqual(names(runQuery(history, 'FIND aws_s3_bucket WITH _createdOn = undefined', options)), ['unknown']);
  t.deepEqual(
    rows(runQuery(history, 'FIND aws_s3_bucket AS b RETURN b.name, (date.now - b._createdOn) / 1 day AS ageDays, b._version ORDER BY b._version', options)),
    [
      { 'b.name': 'new', ageDays: 3, 'b._version': 1 },
      { 'b.name': 'old', ageDays: 400, 'b._version': 7 },
      { 'b.name': 'unknown', ageDays: null, 'b._version': null },
    ],
  );
  t.deepEqual(rows(runQuery(history, 'FIND aws_s3_bucket AS b WHERE b._beginOn >= date.now - 2 days RETURN max(b._version), min(b._createdOn)', options)), [
    { 'max(b._version)': 7, 'min(b._createdOn)': NOW - 400 * DAY },
  ]);
});

// ---- 8. full-text search --------------------------------------------------------------------

test('full-text search: whole words of names, display names, ids, keys and ARNs; every word must match', (t) => {
  const searchable = graph((entity) => {
    entity('web-1', 'aws_instance', 'Host', {
      id: 'i-0abc',
      arn: 'arn:aws:ec2:us-east-1:111111111111:instance/i-0abc',
      displayName: 'Web Server One',
      description: 'needle in description',
    });
    entity('web-10', 'aws_instance', 'Host', { id: 'i-0def', arn: 'arn:aws:ec2:us-east-1:111111111111:instance/i-0def' });
    entity('prod-data', 'aws_s3_bucket', 'DataStore', { arn: 'arn:aws:s3:::prod-data' });
  });
  const search = (text: string) => (runQuery(searchable, `FIND '${text}'`).data as Entity[]).map((entity) => entity.name);
  t.deepEqual(search('web-1'), ['web-1']);
  t.deepEqual(search('WEB'), ['web-1', 'web-10']);
  t.deepEqual(search('server one'), ['web-1']);
  t.deepEqual(search('one server'), ['web-1']);
  t.deepEqual(search('i-0def'), ['web-10']);
  t.deepEqual(search('arn:aws:s3:::prod-data'), ['prod-data']);
  t.deepEqual(search('111111111111'), ['web-1', 'web-10']);
  t.deepEqual(search('key:aws_s3_bucket:prod-data'), ['prod-data']);
  // Not part of a word, not other properties.
  t.deepEqual(search('serv'), []);
  t.deepEqual(search('needle'), []);
  t.deepEqual(search('server two'), []);
  // With filters and as a traversal target.
  t.deepEqual(
    (runQuery(searchable, "FIND 'web' WITH id = 'i-0def'").data as Entity[]).map((entity) => entity.name),
    ['web-10'],
  );
  // The index is built once and kept.
  t.is(searchable.textIndex(), searchable.textIndex());
  t.true(searchable.textIndex().byteSize > 0);
});
