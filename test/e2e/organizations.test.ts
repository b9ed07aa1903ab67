import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import type { ComplianceReport } from '../../src/compliance';
import type { Entity } from '../../src/graph';
import { BASE_CREDENTIALS, MANAGEMENT, PRODUCTION, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS of test/wire: the AWS Organizations facts of CIS
// v7.0 2.1.x, read from the management account over Organizations' JSON 1.1 and IAM's awsQuery
// (test/wire/fixtures/organizations.yaml and iam.yaml), then `orggraph compliance` showing the
// controls' evidence from the snapshot the run wrote.

const CLI = path.join(__dirname, '..', '..', 'bin', 'orggraph.js');

let organizationRun: Promise<CliRun> | undefined;
const organization = () =>
  (organizationRun ??= runIngest(scenario(), ['--organization', MANAGEMENT, '--services', 'organizations,s3', '--workers', '2'], { keepOutput: true }));

test.after.always(async () => {
  const run = await organizationRun;
  if (run?.outDir) await rm(run.outDir, { recursive: true, force: true });
});

function entity(run: CliRun, key: string): Entity {
  const found = run.snapshot?.entities.find((e) => e._key === key);
  if (!found) throw new Error(`no entity ${key} in the snapshot`);
  return found;
}

async function compliance(run: CliRun, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  if (!run.outDir) throw new Error('the run kept no output directory');
  return promisify(execFile)(process.execPath, [CLI, 'compliance', '--dir', path.join(run.outDir, 'snapshots'), ...args]);
}

test('the run is clean: every request answered from the fixtures, signed, no secret written', async (t) => {
  const run = await organization();
  t.is(run.code, 0, run.stderr);
  t.deepEqual(run.summary?.errors, []);
  t.deepEqual(run.server.unanswered(), []);
  t.deepEqual(secretLeaks(run, [...run.server.secrets(), BASE_CREDENTIALS.secretAccessKey]), []);
});

test('Organizations and IAM are asked from the management account only, by the organizations collector', async (t) => {
  const run = await organization();
  const calls = run.server.calls().filter((call) => call.collector === 'organizations-accounts');
  t.deepEqual([...new Set(calls.map((call) => call.account))], [MANAGEMENT]);
  t.deepEqual([...new Set(calls.map((call) => call.action))].sort(), [
    'iam:ListOrganizationsFeatures',
    'organizations:DescribeResourcePolicy',
    'organizations:ListAWSServiceAccessForOrganization',
    'organizations:ListAccountsForParent',
    'organizations:ListDelegatedAdministrators',
    'organizations:ListOrganizationalUnitsForParent',
    'organizations:ListPolicies',
    'organizations:ListRoots',
    'organizations:ListTargetsForPolicy',
  ]);
  // FullAWSAccess allows everything: its targets are not read; the one custom SCP's are.
  t.deepEqual(
    calls.filter((call) => call.action === 'organizations:ListTargetsForPolicy').map((call) => call.input.PolicyId),
    ['p-examplepolicyid111'],
  );
  // The tree is walked parent by parent.
  t.deepEqual(
    calls
      .filter((call) => call.action === 'organizations:ListAccountsForParent')
      .map((call) => call.input.ParentId)
      .sort(),
    ['ou-exa1-workload', 'r-exa1'],
  );
});

test('the facts on the aws_account entities', async (t) => {
  const run = await organization();
  t.like(entity(run, `aws:account:${MANAGEMENT}`), {
    master: true,
    organizationalUnitPath: 'Root',
    organizationRootCredentialsManagementEnabled: true,
    organizationRootSessionsEnabled: false,
    organizationDelegationPolicyPresent: true,
    organizationTrustedServices: ['guardduty.amazonaws.com', 'iam.amazonaws.com', 'securityhub.amazonaws.com'],
    organizationUndelegatedSecurityServices: ['guardduty.amazonaws.com', 'securityhub.amazonaws.com'],
    organizationUndelegatedSecurityServiceCount: 2,
  });
  const production = entity(run, `aws:account:${PRODUCTION}`);
  t.like(production, {
    master: false,
    organizationalUnitId: 'ou-exa1-workload',
    organizationalUnitPath: 'Root/Workloads',
    inheritedScpCount: 0,
    inheritedRcpCount: 0,
  });
  t.is(production.inheritedScpNames, undefined);
});

test('orggraph compliance shows the 2.1.x evidence to review', async (t) => {
  const run = await organization();
  const { stdout } = await compliance(run);
  const block = (id: string) => stdout.split('\n\n').find((text) => text.startsWith(`${id} MANUAL:`)) ?? '';
  t.regex(block('2.1.1'), /aws_account .*\[aws:account:111111111111\]/);
  t.regex(block('2.1.2'), /aws_account .*\[aws:account:222222222222\]/);
  t.regex(block('2.1.3'), /aws_s3_bucket 111111111111-app-data \[arn:aws:s3:::111111111111-app-data\]/);
  t.notRegex(block('2.1.3'), /222222222222-/);
  t.regex(block('2.1.6'), /aws_account .*\[aws:account:111111111111\]/);
  // A delegation policy exists and the production account sits in an OU: nothing to review.
  t.is(block('2.1.5'), '');
  t.is(block('2.1.4'), '');

  const report = JSON.parse((await compliance(run, '--json')).stdout) as ComplianceReport;
  const delegation = report.controls.find((control) => control.id === '2.1.5');
  t.like(delegation, { status: 'MANUAL', evidenceTotal: 0 });
  t.deepEqual(
    delegation?.accounts.map((account) => account.status),
    ['PASS', 'PASS'],
  );
});
