import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import type { Entity } from '../../src/graph/types';
import { GraphIndex, runQuery, type Row } from '../../src/query';
import { readSnapshot } from '../../src/snapshot/reader';
import { builtinWorld, simulate } from '../helpers/simulate';

/**
 * JupiterOne's alert rules against the built-in simulated organization, read back from the
 * snapshot file the ingestion wrote. The expected findings are the misconfigurations the world
 * files document (src/services/ec2/sim/demo-world.yaml, src/services/s3/sim/demo-world.yaml).
 */
const index = (async () => {
  const result = await simulate(builtinWorld());
  return GraphIndex.fromSnapshot(await readSnapshot(result.summary.snapshot.path));
})();

const packs = path.join(path.dirname(require.resolve('@jupiterone/jupiterone-alert-rules/package.json')), 'rule-packs');
const rules = readdirSync(packs)
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) => JSON.parse(readFileSync(path.join(packs, file), 'utf8')) as Array<{ name: string; queries: Array<{ query: string }> }>);
const rule = (name: string) => (rules.find((candidate) => candidate.name === name) as (typeof rules)[number]).queries[0].query;

test('every alert rule runs on the simulated organization', async (t) => {
  const graph = await index;
  for (const { name, queries } of rules) t.notThrows(() => runQuery(graph, queries[0].query), name);
});

test('the open-SSH security group is found, with the Internet as the source', async (t) => {
  const result = runQuery(await index, rule('ec2-restricted-ssh'));
  t.is(result.type, 'table');
  const rows = result.data as Row[];
  t.true(
    rows.some((row) => row['sg.displayName'] === 'bastion-ssh' && row['src.CIDR'] === '0.0.0.0/0' && row['rule.fromPort'] === 22),
    JSON.stringify(rows),
  );
  t.true(rows.every((row) => row['rule.ipProtocol'] === 'tcp' && (row['rule.fromPort'] as number) <= 22 && (row['rule.toPort'] as number) >= 22));
});

test('the public buckets are found', async (t) => {
  const result = runQuery(await index, 'FIND aws_s3_bucket WITH public = true');
  const buckets = (result.data as Entity[]).map((bucket) => bucket.bucketName);
  t.true(buckets.includes('acme-prod-public-assets'), String(buckets));
  t.true(buckets.includes('acme-staging-website'), String(buckets));
  t.false(buckets.includes('acme-prod-legacy-exports'), 'its public grant is neutralized by the public access block');
});

test('the unencrypted volume of an instance is found', async (t) => {
  const result = runQuery(await index, rule('ec2-encrypted-volumes'));
  t.true((result.data as Row[]).some((row) => row['v.volumeId'] === 'vol-02221000000000306' && row['v.encrypted'] === false));
});

test('the S3 public-read rule finds the bucket whose ACL grants AllUsers READ, and not the one whose ACL is blocked', async (t) => {
  const query = rules.find((candidate) => /ALLOWS as grant Everyone where grant.permission='READ'$/.test(candidate.queries[0].query));
  if (!query) return t.fail('the alert pack has an S3 public-read rule');
  const names = (runQuery(await index, query.queries[0].query).data as Entity[]).map((e) => e.bucketName).sort();
  t.deepEqual(names, ['acme-staging-website']);
});

test('the root-MFA rule finds exactly the account whose root user has no MFA', async (t) => {
  const query = rules.find((candidate) => /AccountMFAEnabled!=1/.test(candidate.queries[0].query));
  if (!query) return t.fail('the alert pack has a root-MFA rule');
  const accounts = (runQuery(await index, query.queries[0].query).data as Entity[]).map((e) => e.accountId).sort();
  t.deepEqual(accounts, ['222222222222']);
});
