/** The pipeline step that fails a job on ingestion errors or entity-count drops (examples/pipeline-check). */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { temporaryDirectory } from '../helpers/simulate';
import { REPO_ROOT } from './helpers/host';

const SCRIPT = path.join(REPO_ROOT, 'examples', 'pipeline-check', 'check-outputs.mjs');

const baseline = {
  entityCounts: { aws_account: 3, aws_iam_role: 40, aws_kms_key: 7, aws_s3_bucket: 12 },
  totals: { entities: 62, relationships: 80, staleEntities: 0 },
  errorCount: 0,
  errors: [],
  typesNotRefreshed: [],
  snapshot: { uri: '.orggraph/snapshots/a.json', sha256: 'a'.repeat(64) },
};

function file(content: unknown): string {
  const target = path.join(temporaryDirectory('orggraph-check-'), 'outputs.json');
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
}

function check(args: string[], stdin?: string) {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { input: stdin, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('passes unchanged outputs, read from stdin', (t) => {
  const result = check(['--previous', file(baseline)], JSON.stringify(baseline));
  t.is(result.status, 0, result.stdout + result.stderr);
  t.regex(result.stdout, /62 entities, 0 error\(s\)/);
  t.regex(result.stdout, /passed/);
});

test('fails when the run had errors, listing them', (t) => {
  const current = {
    ...baseline,
    errorCount: 2,
    errors: [
      { account: '222222222222', region: 'us-east-1', service: 'kms', operation: 'kms:ListKeys', code: 'AccessDenied', message: 'not authorized' },
      { account: '222222222222', region: 'eu-west-1', service: 'kms', code: 'AccessDenied', message: 'not authorized' },
    ],
  };
  const result = check(['--current', file(current)]);
  t.is(result.status, 1);
  t.regex(result.stdout, /FAIL: 2 error\(s\) in the ingestion \(allowed: 0\)/);
  t.regex(result.stdout, /222222222222 us-east-1 kms kms:ListKeys: AccessDenied: not authorized/);
  t.regex(result.stdout, /warning: no previous outputs/);
  t.is(check(['--current', file(current), '--max-errors', '2']).status, 0);
});

test('fails when an entity count drops by more than the threshold, or a type disappears', (t) => {
  const current = { ...baseline, entityCounts: { aws_account: 3, aws_iam_role: 30, aws_s3_bucket: 11 } };
  const result = check(['--current', file(current), '--previous', file(baseline), '--json']);
  t.is(result.status, 1);
  const parsed = JSON.parse(result.stdout) as { passed: boolean; drops: Array<{ type: string; before: number; after: number; percent: number }> };
  t.false(parsed.passed);
  t.deepEqual(parsed.drops, [
    { type: 'aws_iam_role', before: 40, after: 30, percent: 25 },
    { type: 'aws_kms_key', before: 7, after: 0, percent: 100 },
  ]);
  // aws_s3_bucket: 12 -> 11 is 8.3%, under the default 10%.
  t.is(check(['--current', file(current), '--previous', file(baseline), '--max-drop', '30', '--ignore-type', 'aws_kms_key']).status, 0);
  t.is(check(['--current', file(current), '--previous', file(baseline), '--max-drop', '5', '--min-drop', '2', '--ignore-type', 'aws_kms_key']).status, 1);
  t.is(check(['--current', file(current), '--previous', file(baseline), '--max-drop', '30', '--min-drop', '11']).status, 0);
});

test('types not refreshed warn, or fail with --fail-on-stale', (t) => {
  const current = { ...baseline, typesNotRefreshed: ['aws_kms_key'] };
  const warned = check(['--current', file(current)]);
  t.is(warned.status, 0);
  t.regex(warned.stdout, /warning: 1 type\(s\) not refreshed, carried from the previous snapshot: aws_kms_key/);
  t.is(check(['--current', file(current), '--fail-on-stale']).status, 1);
});

test('--max-age fails outputs of an update that did not re-ingest', (t) => {
  const fresh = { ...baseline, startedAt: new Date(Date.now() - 5 * 60_000).toISOString() };
  t.is(check(['--current', file(fresh), '--max-age', '60']).status, 0);
  const old = { ...baseline, startedAt: new Date(Date.now() - 3 * 3600_000).toISOString() };
  const result = check(['--current', file(old), '--max-age', '60']);
  t.is(result.status, 1);
  t.regex(result.stdout, /the ingestion started 180 minutes ago .* more than 60: this update did not re-ingest/);
});

test('bad usage and unreadable outputs exit with 2 and say why', (t) => {
  const notJson = check(['--current', file('not json')]);
  t.is(notJson.status, 2);
  t.regex(notJson.stderr, /current outputs: not JSON/);
  const wrongStack = check(['--current', file({ bucketName: 'x' })]);
  t.is(wrongStack.status, 2);
  t.regex(wrongStack.stderr, /no entityCounts: not the outputs of an aws-org-graph stack/);
  t.is(check(['--current', file(baseline), '--max-drop', 'lots']).status, 2);
  t.is(check(['--current', file(baseline), '--bogus']).status, 2);
  t.is(check(['--current', '/no/such/file.json']).status, 2);
});
