import * as path from 'node:path';
import test from 'ava';
import { loadSimulatedWorld } from '../../src/sim/load-world';
import { complianceGraph, evaluateCompliance, requireFramework, type ComplianceReport, type ControlResult } from '../../src/compliance';
import { readSnapshot } from '../../src/snapshot/reader';
import type { World } from '../../src/sim/types';
import { simulate, temporaryDirectory } from '../helpers/simulate';

/**
 * Missing data is never a PASS: controls whose collectors did not run, failed (their entities
 * carried from the previous snapshot, marked `_stale`) or could not read a property report
 * NOT_EVALUATED with the reason. Worlds from worlds/*.yaml, with faults injected at the SDK boundary.
 */

const world = (file: string): World => loadSimulatedWorld(path.join(__dirname, 'worlds', file));

async function reportOf(snapshotPath: string, accounts?: string[]): Promise<ComplianceReport> {
  const snapshot = await readSnapshot(snapshotPath);
  return evaluateCompliance(complianceGraph(snapshot.entities, snapshot.relationships, snapshot.metadata), requireFramework('cis-aws-7.0'), { accounts });
}

function control(report: ComplianceReport, id: string): ControlResult {
  const found = report.controls.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no control ${id}`);
  return found;
}

test('a service left out of the run: its controls name the collector that did not run', async (t) => {
  const result = await simulate(world('passing.yaml'), { config: { services: { include: ['iam'] } } });
  const report = await reportOf(result.summary.snapshot.path);
  for (const id of ['2.16', '6.7']) {
    const imds = control(report, id);
    t.is(imds.status, 'NOT_EVALUATED');
    t.true(
      imds.reasons.some((reason) => /^input not collected: aws_instance.*collector ec2-instances did not run$/.test(reason)),
      JSON.stringify(imds.reasons),
    );
  }
  const ebs = control(report, '6.1.1');
  t.is(ebs.status, 'NOT_EVALUATED', 'the aws_ec2 entity exists (account collector), but the collector that sets the EBS defaults did not run');
  t.true(
    ebs.reasons.some((reason) => /aws_ec2 \(ebsEncryptionByDefault\.\{region\}\): collector ec2-volumes did not run/.test(reason)),
    JSON.stringify(ebs.reasons),
  );
  t.is(control(report, '3.1.1').status, 'NOT_EVALUATED');
  t.is(control(report, '2.10').status, 'PASS', 'IAM ran');
});

test('a collector that fails: its carried entities are stale, and failing evidence among them does not make a FAIL', async (t) => {
  const directory = temporaryDirectory();
  await simulate(world('failing.yaml'), { outputDir: directory });
  const broken = world('failing.yaml');
  broken.faults = [{ account: '444444444444', region: 'us-east-1', service: 'ec2', operation: 'DescribeInstances', error: 'AccessDenied' }];
  const second = await simulate(broken, { outputDir: directory });
  t.true(second.summary.notRefreshed.some((scope) => scope.collector === 'ec2-instances'));
  const report = await reportOf(second.summary.snapshot.path);

  const imds = control(report, '6.7');
  t.is(imds.status, 'NOT_EVALUATED', JSON.stringify(imds));
  t.true(imds.reasons.includes('input stale: aws_instance: collector ec2-instances failed in 444444444444/us-east-1'), JSON.stringify(imds.reasons));
  t.true(
    imds.reasons.some((reason) => /^input stale: 2 aws_instances in 444444444444 carried from the previous snapshot/.test(reason)),
    JSON.stringify(imds.reasons),
  );
  // Last run's failing instance is still shown, marked stale.
  t.deepEqual(
    imds.evidence.map((entity) => [entity.displayName, entity.stale]),
    [['web-1', true]],
  );
  t.deepEqual(imds.accounts, [{ accountId: '444444444444', status: 'NOT_EVALUATED', failing: 0, reasons: imds.reasons }]);
  // Other controls of the same account are unaffected.
  t.is(control(report, '6.3').status, 'FAIL');
});

test('a property that could not be read (no credential report): users lack it, the control is NOT_EVALUATED, not PASS', async (t) => {
  const broken = world('passing.yaml');
  broken.faults = [{ service: 'iam', operation: 'GetCredentialReport', error: 'AccessDenied' }];
  const result = await simulate(broken);
  const report = await reportOf(result.summary.snapshot.path);
  const mfa = control(report, '2.10');
  t.is(mfa.status, 'NOT_EVALUATED', JSON.stringify(mfa));
  t.true(mfa.reasons.includes('input incomplete: 2 aws_iam_users in 444444444444 lack passwordEnabled'), JSON.stringify(mfa.reasons));
  // Root-user facts from the credential report are missing too; the account summary still answers root MFA.
  t.is(control(report, '2.5').status, 'PASS');
  t.is(control(report, '2.11').status, 'NOT_EVALUATED');
});

test('--account restricts the evaluation and the evidence to the accounts named', async (t) => {
  const directory = temporaryDirectory();
  const result = await simulate(loadSimulatedWorld(true), { outputDir: directory });
  const all = await reportOf(result.summary.snapshot.path);
  const one = await reportOf(result.summary.snapshot.path, ['222222222222']);
  t.deepEqual(one.accounts, ['222222222222']);
  const allAdmin = control(all, '2.14');
  const oneAdmin = control(one, '2.14');
  t.true(allAdmin.evidence.some((entity) => entity.accountId === '111111111111'));
  t.true(oneAdmin.evidence.length > 0);
  t.true(oneAdmin.evidence.every((entity) => entity.accountId === '222222222222'));
  t.deepEqual(
    oneAdmin.accounts.map((account) => account.accountId),
    ['222222222222'],
  );
});

test('a per-region property that could not be read in one region: NOT_EVALUATED naming the region, unless another fails', async (t) => {
  const broken = world('passing.yaml');
  broken.faults = [{ region: 'eu-west-1', service: 'ec2', operation: 'GetEbsEncryptionByDefault', error: 'AccessDenied' }];
  const report = await reportOf((await simulate(broken)).summary.snapshot.path);
  const ebs = control(report, '6.1.1');
  t.is(ebs.status, 'NOT_EVALUATED');
  t.deepEqual(ebs.reasons, ['input incomplete: 1 aws_ec2 in 444444444444 lack ebsEncryptionByDefault.eu-west-1']);

  const failing = world('failing.yaml');
  failing.faults = [{ region: 'us-east-1', service: 'ec2', operation: 'GetEbsEncryptionByDefault', error: 'AccessDenied' }];
  const known = control(await reportOf((await simulate(failing)).summary.snapshot.path), '6.1.1');
  t.is(known.status, 'FAIL', 'eu-west-1 was read and is off: a known failure stands');
});
