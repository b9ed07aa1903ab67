/** examples/pipeline-check gates on new HIGH and CRITICAL alerts (the `alerts` stack output). */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { temporaryDirectory } from '../helpers/simulate';

const SCRIPT = path.join(__dirname, '..', '..', 'examples', 'pipeline-check', 'check-outputs.mjs');

const level = (counts: Partial<Record<string, number>>) => ({ INFO: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0, ...counts });
const outputs = (newByLevel: Record<string, number>, fresh: Array<{ rule: string; alertLevel: string; key: string; displayName?: string }>) => ({
  entityCounts: { aws_account: 3 },
  totals: { entities: 3, relationships: 2, staleEntities: 0 },
  errorCount: 0,
  errors: [],
  typesNotRefreshed: [],
  snapshot: { uri: '.orggraph/snapshots/a.json', sha256: 'a'.repeat(64) },
  alerts: { rules: 83, counts: { NEW: fresh.length, ONGOING: 4, RESOLVED: 0 }, newByLevel, openByLevel: newByLevel, new: fresh, ruleErrors: 0 },
});

function check(content: unknown, args: string[] = []) {
  const file = path.join(temporaryDirectory('orggraph-gate-'), 'outputs.json');
  writeFileSync(file, JSON.stringify(content));
  const result = spawnSync(process.execPath, [SCRIPT, '--current', file, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('new HIGH or CRITICAL alerts fail the pipeline, naming them', (t) => {
  const current = outputs(level({ CRITICAL: 1, MEDIUM: 2 }), [
    { rule: 'aws-new-external-account-trust', alertLevel: 'CRITICAL', key: 'k1', displayName: 'new-vendor' },
    { rule: 'aws-ebs-volume-unencrypted', alertLevel: 'MEDIUM', key: 'vol-1' },
  ]);
  const result = check(current);
  t.is(result.status, 1, result.stdout + result.stderr);
  t.regex(result.stdout, /FAIL: 1 new HIGH\/CRITICAL alert\(s\)\n {2}CRITICAL aws-new-external-account-trust: new-vendor\n/);
  t.notRegex(result.stdout, /aws-ebs-volume-unencrypted/);
  // Other levels on request; none at all.
  t.is(check(current, ['--alert-levels', 'MEDIUM']).status, 1);
  t.is(check(current, ['--alert-levels', 'none']).status, 0);
  t.is(check(current, ['--alert-levels', 'URGENT']).status, 2);
});

test('only medium and lower new alerts, or ongoing ones, pass', (t) => {
  const result = check(outputs(level({ MEDIUM: 3 }), [{ rule: 'aws-ebs-volume-unencrypted', alertLevel: 'MEDIUM', key: 'vol-1' }]), ['--json']);
  t.is(result.status, 0, result.stdout + result.stderr);
  t.like(JSON.parse(result.stdout), { passed: true, newAlerts: 0 });
  // Outputs without alerts (rules disabled): a warning, not a failure.
  const { alerts: _none, ...without } = outputs(level({}), []);
  const plain = check(without);
  t.is(plain.status, 0);
  t.regex(plain.stdout, /warning: no alerts in the outputs/);
});
