import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { run } from '../../provider/implementation';
import type { GraphSnapshotOutputs } from '../../provider/types';
import { temporaryDirectory } from '../helpers/simulate';

/**
 * Compliance where users look besides `orggraph compliance`: the Pulumi resource's `compliance`
 * output, and the pipeline gate (examples/pipeline-check) that fails on compliance regressions.
 */

const worlds = path.join(__dirname, 'worlds');
const SCRIPT = path.join(__dirname, '..', '..', 'examples', 'pipeline-check', 'check-outputs.mjs');

const outputs = (async () => {
  const destination = temporaryDirectory();
  const passing = await run({ simulate: path.join(worlds, 'passing.yaml'), destination });
  // The same destination, the organization now misconfigured: the second update regresses.
  const failing = await run({ simulate: path.join(worlds, 'failing.yaml'), destination });
  return { passing, failing };
})();

function file(content: unknown): string {
  const target = path.join(temporaryDirectory('orggraph-check-'), 'outputs.json');
  writeFileSync(target, JSON.stringify(content));
  return target;
}

function check(current: GraphSnapshotOutputs, args: string[]) {
  // Alerts gate separately (test/alerts/pipeline-gate.test.ts): here only compliance and counts.
  const result = spawnSync(process.execPath, [SCRIPT, '--current', file(current), '--alert-levels', 'none', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the Pulumi resource outputs the score per framework and the failing control ids', async (t) => {
  const { passing, failing } = await outputs;
  t.deepEqual(passing.compliance, [{ framework: 'cis-aws-7.0', score: 100, coverage: 73.5, pass: 25, fail: 0, notEvaluated: 9, failing: [] }]);
  const [cis] = failing.compliance ?? [];
  t.like(cis, { framework: 'cis-aws-7.0', score: 0, pass: 0, fail: 25, notEvaluated: 9 });
  t.deepEqual(cis.failing.slice(0, 4), ['2.4', '2.5', '2.8', '2.9']);
  t.is(cis.failing.length, 25);
});

test('the pipeline gate fails on controls that newly fail, and passes when nothing regressed', async (t) => {
  const { passing, failing } = await outputs;
  const regressed = check(failing, ['--previous', file(passing), '--max-drop', '100', '--json']);
  t.is(regressed.status, 1, regressed.stdout + regressed.stderr);
  const result = JSON.parse(regressed.stdout) as { failures: Array<{ check: string; reason: string; details?: string[] }>; complianceRegressions: unknown[] };
  const compliance = result.failures.find((failure) => failure.check === 'compliance');
  t.is(compliance?.reason, 'cis-aws-7.0: 25 control(s) newly failing (score 100% -> 0%)');
  t.deepEqual(compliance?.details?.slice(0, 2), ['2.4', '2.5']);

  // The reverse (everything fixed) is no regression; the same outputs twice neither.
  t.is(check(passing, ['--previous', file(failing), '--max-drop', '100']).status, 0);
  const same = check(failing, ['--previous', file(failing)]);
  t.is(same.status, 0, same.stdout);
  t.notRegex(same.stdout, /compliance/);

  // --allow-compliance-regression makes it a warning; --min-compliance-score is an absolute floor.
  const allowed = check(failing, ['--previous', file(passing), '--max-drop', '100', '--allow-compliance-regression']);
  t.is(allowed.status, 0);
  t.regex(allowed.stdout, /^warning: cis-aws-7\.0: 25 control\(s\) newly failing/m);
  const floor = check(failing, ['--min-compliance-score', '80']);
  t.is(floor.status, 1);
  t.regex(floor.stdout, /^FAIL: cis-aws-7\.0 compliance score 0% is below 80%$/m);
  t.is(check(passing, ['--min-compliance-score', '80']).status, 0);
  t.is(check(passing, ['--min-compliance-score', 'high']).status, 2);
});

test('outputs of an older version without compliance are not compared, with a warning', async (t) => {
  const { failing } = await outputs;
  const { compliance: _dropped, ...older } = failing;
  const result = check(failing, ['--previous', file(older), '--max-drop', '100']);
  t.is(result.status, 0, result.stdout);
  t.regex(result.stdout, /warning: cis-aws-7\.0: not in the previous outputs, failing controls not compared/);
});
