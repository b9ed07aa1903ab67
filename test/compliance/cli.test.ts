import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import type { ComplianceReport } from '../../src/compliance';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';
import { runCli } from '../helpers/cli';

/**
 * `orggraph compliance` on the demo organization (`npm run demo`'s world), which deliberately
 * fails some CIS controls (src/services/{iam,ec2,s3,kms}/demo-world.yaml).
 */

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['compliance', ...args]);
}

const demo = (async () => {
  const directory = temporaryDirectory('orggraph-compliance-');
  await simulate(builtinWorld(), { outputDir: directory });
  return directory;
})();

/** What the demo world plants, and the evidence `orggraph compliance` must show for it. */
const DEMO_FAILURES: Array<[control: string, evidence: RegExp]> = [
  ['2.5', /aws_account acme-prod \[aws:account:222222222222\]/], // root user without MFA
  ['2.14', /aws_iam_policy AdministratorAccess \[arn:aws:iam::aws:policy\/AdministratorAccess@111111111111\]/],
  ['4.6', /aws_kms_key legacy \[arn:aws:kms:us-east-1:222222222222:key\//], // rotation off
  ['6.3', /aws_security_group bastion-ssh \[.*sg-02221000000000102\] account 222222222222 us-east-1/],
  ['6.7', /aws_instance legacy-reporting \[.*i-02221000000000204\]/], // IMDSv1
];

test.serial('on the demo organization, the deliberately failing controls are shown with their evidence', async (t) => {
  const { code, stdout, stderr } = await cli('--dir', await demo);
  t.is(stderr, '');
  t.is(code, 0, 'no --fail-on: the report is information');
  t.regex(stdout, /^CIS AWS Foundations Benchmark v7\.0 \(cis-aws-7\.0\), snapshot of .*, 3 account\(s\)\nOverall: /);
  for (const [id, evidence] of DEMO_FAILURES) {
    t.regex(stdout, new RegExp(`^${id.replace(/\./g, '\\.')}\\s+FAIL\\s`, 'm'), `${id} in the table`);
    const details = stdout.split('\n\n').find((block) => block.startsWith(`${id} FAIL:`));
    t.truthy(details, `${id} has a details block`);
    t.regex(details ?? '', evidence);
    t.regex(details ?? '', /failing per account: \d{12}: \d+/);
  }
  t.regex(
    stdout,
    /^2\.17 NOT_EVALUATED: .*\n {2}reason: input not collected: aws_iam_server_certificate \(iam:ListServerCertificates\): no collector produces it$/m,
  );
});

test.serial('--json: the report, with evidence, counts per account and scores', async (t) => {
  const { code, stdout } = await cli('--dir', await demo, '--json');
  t.is(code, 0);
  const report = JSON.parse(stdout) as ComplianceReport;
  t.is(report.framework.id, 'cis-aws-7.0');
  t.deepEqual(report.accounts, ['111111111111', '222222222222', '333333333333']);
  for (const [id] of DEMO_FAILURES) t.true(report.failing.includes(id), id);
  const ssh = report.controls.find((control) => control.id === '6.3');
  t.deepEqual(ssh?.accounts, [
    { accountId: '111111111111', status: 'PASS', failing: 0 },
    { accountId: '222222222222', status: 'FAIL', failing: 1 },
    { accountId: '333333333333', status: 'PASS', failing: 0 },
  ]);
  t.is(report.sections.length, 5);
  t.is(report.overall.fail, report.failing.length);
  t.true(report.overall.score !== null && report.overall.score < 50);
});

test.serial('--fail-on FAIL exits 1 naming the failing controls; --fail-on NOT_EVALUATED also trips on missing input', async (t) => {
  const failing = await cli('--dir', await demo, '--table', '--fail-on', 'FAIL');
  t.is(failing.code, 1);
  t.regex(failing.stderr, /--fail-on FAIL: cis-aws-7\.0 2\.4, 2\.5, .*6\.3/);
  t.regex(failing.stdout, /^control\s+status/);

  // An account where everything evaluated passes does not trip FAIL.
  const user = path.join(temporaryDirectory(), 'ssh.yaml');
  writeFileSync(
    user,
    'framework: ssh-only\ntitle: SSH\ncontrols:\n  - { id: "1", title: no SSH from anywhere, queries: [FIND aws_security_group WITH groupName = "no-such-group"] }\n',
  );
  t.is((await cli('--dir', await demo, '--framework-file', user, '--fail-on', 'FAIL')).code, 0);
  const missing = await cli('--dir', await demo, '--framework', 'cis-aws-5.0', '--table', '--fail-on', 'not_evaluated');
  t.is(missing.code, 1);
  t.regex(missing.stderr, /cis-aws-5\.0 .*3\.2/);
});

test.serial('a user framework file in the same format, beside a built-in one, mapping onto it', async (t) => {
  const file = path.join(temporaryDirectory(), 'mine.yaml');
  writeFileSync(
    file,
    `framework: acme-baseline
title: ACME baseline
mapsOnto: cis-aws-7.0
controls:
  - { id: "A-1", same: "6.3", title: No SSH or RDP from the internet }
  - id: "A-2"
    title: Production buckets are encrypted by default
    inputs: [{ type: aws_s3_bucket, properties: [defaultEncryptionEnabled] }]
    queries: ["FIND aws_s3_bucket WITH defaultEncryptionEnabled = false AND bucketName ^= 'acme-prod-'"]
`,
  );
  const { code, stdout, stderr } = await cli('--dir', await demo, '--framework', 'cis-aws-7.0', '--framework-file', file, '--json');
  t.is(stderr, '');
  t.is(code, 0);
  const [cis, mine] = JSON.parse(stdout) as ComplianceReport[];
  t.is(cis.framework.id, 'cis-aws-7.0');
  t.is(mine.framework.id, 'acme-baseline');
  const a1 = mine.controls.find((control) => control.id === 'A-1');
  t.is(a1?.status, 'FAIL');
  t.deepEqual(a1?.evidence, cis.controls.find((control) => control.id === '6.3')?.evidence);
  t.deepEqual(a1?.checkedBy, { framework: 'cis-aws-7.0', control: '6.3' });
  t.true(['PASS', 'FAIL'].includes(mine.controls.find((control) => control.id === 'A-2')?.status ?? ''));
});

test.serial('bad framework names and files exit 2 before any snapshot is read', async (t) => {
  const nowhere = path.join(temporaryDirectory(), 'no-snapshots-here');
  const unknown = await cli('--dir', nowhere, '--framework', 'cis-aws-9.0');
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /^orggraph: unknown framework "cis-aws-9\.0" \(built in: cis-aws-5\.0, cis-aws-6\.0, cis-aws-7\.0; or --framework-file <file>\)\n$/);

  const file = path.join(temporaryDirectory(), 'broken.yaml');
  writeFileSync(file, 'framework: broken\ntitle: Broken\ncontrols:\n  - id: "1"\n    title: x\n    queries: ["FIND aws_vpc WITH"]\n');
  const broken = await cli('--dir', nowhere, '--framework-file', file);
  t.is(broken.code, 2);
  t.true(broken.stderr.startsWith(`orggraph: ${file}:6:15: controls[0].queries[0]: bad J1QL`), broken.stderr);

  t.regex((await cli('--dir', nowhere, '--framework-file', path.join(nowhere, 'missing.yaml'))).stderr, /missing\.yaml: cannot read it \(ENOENT\)/);
  t.regex((await cli('--dir', nowhere, '--fail-on', 'WARN')).stderr, /--fail-on WARN: expected one of FAIL, NOT_EVALUATED/);
  t.regex((await cli('--dir', nowhere, '--account', '12')).stderr, /--account 12: expected a 12-digit account id/);
  // With good arguments, the missing snapshot is what is reported.
  t.regex((await cli('--dir', nowhere)).stderr, /no snapshot in .*no-snapshots-here yet/);
  const notInSnapshot = await cli('--dir', await demo, '--account', '999999999999');
  t.is(notInSnapshot.code, 2);
  t.regex(notInSnapshot.stderr, /--account 999999999999: not in the snapshot \(it has 111111111111, 222222222222, 333333333333\)/);
});

test.serial('the ingest summary has a compliance line (text) and entry (--json) per framework', async (t) => {
  const world = path.join(__dirname, 'worlds', 'failing.yaml');
  const json = await runCli(['ingest', '--simulate', world, '--out', temporaryDirectory(), '--json', '--quiet']);
  t.is(json.code, 0, json.stderr);
  const summary = JSON.parse(json.stdout) as { compliance: Array<{ framework: string; score: number; failing: string[]; notEvaluated: number }> };
  t.is(summary.compliance.length, 1);
  t.like(summary.compliance[0], { framework: 'cis-aws-7.0', score: 0, notEvaluated: 9 });
  t.deepEqual(summary.compliance[0].failing.slice(0, 3), ['2.4', '2.5', '2.8']);
  const text = await runCli([
    'ingest',
    '--simulate',
    path.join(__dirname, 'worlds', 'passing.yaml'),
    '--out',
    temporaryDirectory(),
    '--quiet',
    '--no-progress',
  ]);
  t.regex(text.stdout, /^Compliance cis-aws-7\.0: 100% \(coverage 73\.5%\), 25 PASS, 0 FAIL, 9 NOT_EVALUATED, 36 MANUAL$/m);
});
