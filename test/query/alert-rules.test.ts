import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import type { Entity } from '../../src/graph/types';
import { parseQuery, runQuery, type QueryResult } from '../../src/query';
import { buildGraph, NOW } from './fixtures';

interface AlertRule {
  name: string;
  queries: Array<{ name: string; query: string }>;
}

const packs = path.join(path.dirname(require.resolve('@jupiterone/jupiterone-alert-rules/package.json')), 'rule-packs');
const rules: Array<AlertRule & { pack: string }> = readdirSync(packs)
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) => (JSON.parse(readFileSync(path.join(packs, file), 'utf8')) as AlertRule[]).map((rule) => ({ ...rule, pack: file })));

test('the rule packs are there to check', (t) => {
  t.true(rules.length >= 20, `found ${rules.length} rules in ${packs}`);
  t.true(rules.every((rule) => rule.queries.length > 0));
});

test("every query of JupiterOne's published alert rules parses", (t) => {
  const failures: string[] = [];
  for (const rule of rules) {
    for (const query of rule.queries) {
      try {
        parseQuery(query.query);
      } catch (error) {
        failures.push(`${rule.pack} ${rule.name} (${query.name}): ${(error as Error).message}\n    ${query.query}`);
      }
    }
  }
  t.deepEqual(failures, [], `queries that do not parse:\n${failures.join('\n')}`);
});

/**
 * What each rule finds in the hand-built graph (display names of the list, or the rows), worked
 * out from test/query/fixtures.ts. An alert fires when `total > 0`.
 */
const expected: Record<string, string[] | Array<Record<string, unknown>>> = {
  'acm-certificate-expiration-check': ['shop.example.com'],
  'ec2-instances-in-vpc': ['classic'],
  'ec2-volume-inuse-check': ['vol-4'],
  'ec2-encrypted-volumes': [
    {
      'i.tag.AccountName': 'prod',
      'i.name': 'web-2',
      'i.instanceId': 'i-002',
      'i.state': 'running',
      'i.region': 'us-east-1',
      'i.webLink': null,
      'v.volumeId': 'vol-002',
      'v.encrypted': false,
      'v.webLink': null,
    },
    {
      'i.tag.AccountName': 'prod',
      'i.name': 'batch',
      'i.instanceId': 'i-003',
      'i.state': 'stopped',
      'i.region': 'eu-west-1',
      'i.webLink': null,
      'v.volumeId': 'vol-003',
      'v.encrypted': false,
      'v.webLink': null,
    },
  ],
  'ec2-restricted-ssh': [
    {
      'sg.displayName': 'ssh-open',
      'rule.ipProtocol': 'tcp',
      'rule.fromPort': 22,
      'rule.toPort': 22,
      'src.displayName': 'Internet',
      'src.ipAddress': null,
      'src.CIDR': '0.0.0.0/0',
    },
    {
      'sg.displayName': 'default',
      'rule.ipProtocol': 'tcp',
      'rule.fromPort': 0,
      'rule.toPort': 65535,
      'src.displayName': '10.0.0.0/8',
      'src.ipAddress': null,
      'src.CIDR': '10.0.0.0/8',
    },
  ],
  'iam-root-access-key-check': ['development'],
  'iam-password-policy': ['password-policy'],
  'iam-user-no-policies-check': ['carol'],
  'lambda-function-settings-check-runtime-nodejs610': ['legacy'],
  'rds-db-instance-backup-enabled': ['reports'],
  'rds-snapshots-public-prohibited': ['orders-db'],
  'rds-storage-encrypted': ['orders-db'],
  // www-site grants READ but is classified public; upload-dropbox grants WRITE and READ_ACP.
  's3-bucket-public-read-prohibited': [],
  's3-bucket-public-write-prohibited': ['upload-dropbox'],
  's3-bucket-public-acp-prohibited': ['upload-dropbox'],
  's3-bucket-replication-enabled': ['www-site', 'ci-artifacts', 'upload-dropbox'],
  's3-bucket-server-side-encryption-enabled': ['www-site'],
  's3-bucket-logging-enabled': ['org-logs'],
  's3-bucket-versioning-enabled': ['www-site', 'ci-artifacts'],
  'config-rule-noncompliant': ['s3-logging'],
  // `_createdOn` is JupiterOne's ingestion metadata, which snapshots do not carry: never fires.
  'high-severity-finding': [],
  'prod-resources-with-high-severity-finding': ['web-1'],
  'unencrypted-critical-data-stores': ['vol-2', 'orders-db'],
  'unclassified-data-stores': ['vol-1', 'vol-3', 'vol-4', 'upload-dropbox'],
};

function answer(result: QueryResult): unknown {
  if (result.type === 'list') return result.data.map((entity: Entity) => entity.displayName);
  if (result.type === 'table' || result.type === 'aggregate') return result.data;
  return result.data;
}

test('the rules find what the hand-built organization holds', (t) => {
  const { index } = buildGraph();
  const checked: string[] = [];
  for (const rule of rules) {
    if (!(rule.name in expected)) continue;
    const result = runQuery(index, rule.queries[0].query, { now: NOW });
    t.deepEqual(answer(result), expected[rule.name], `${rule.name}: ${rule.queries[0].query}`);
    t.is(result.total > 0, expected[rule.name].length > 0, `${rule.name} fires when something is found`);
    checked.push(rule.name);
  }
  // Every rule of the packs has an expected answer here, so a new rule in the package is noticed.
  t.deepEqual(checked.sort(), Object.keys(expected).sort());
  t.deepEqual(
    rules.map((rule) => rule.name).filter((name) => !(name in expected)),
    [],
  );
});
