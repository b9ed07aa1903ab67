import * as path from 'node:path';
import test from 'ava';
import { loadSimulatedWorld } from '../../src/sim/load-world';
import { evaluateCompliance, complianceGraph, requireFramework, type ComplianceReport, type ControlResult } from '../../src/compliance';
import { readSnapshot } from '../../src/snapshot/reader';
import { simulate } from '../helpers/simulate';

/**
 * Every automated CIS AWS control, on an organization built to pass it (worlds/passing.yaml) and
 * one built to fail it (worlds/failing.yaml), ingested through the real collectors and read back
 * from the snapshot file. Controls whose input no collector produces must say so.
 */

const worlds = path.join(__dirname, 'worlds');

async function evaluateWorld(file: string): Promise<Map<string, ComplianceReport>> {
  const result = await simulate(loadSimulatedWorld(path.join(worlds, file)));
  const snapshot = await readSnapshot(result.summary.snapshot.path);
  const graph = complianceGraph(snapshot.entities, snapshot.relationships, snapshot.metadata);
  const cache = new Map<string, ControlResult>();
  return new Map(['cis-aws-7.0', 'cis-aws-6.0', 'cis-aws-5.0'].map((id) => [id, evaluateCompliance(graph, requireFramework(id), { cache })]));
}

const passing = evaluateWorld('passing.yaml');
const failing = evaluateWorld('failing.yaml');

function control(report: ComplianceReport | undefined, id: string): ControlResult {
  const found = report?.controls.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no control ${id} in ${report?.framework.id}`);
  return found;
}

/** v7 id -> the evidence failing.yaml plants for it: `_type` and a pattern for the display name. */
const FAILING_EVIDENCE: Record<string, Array<[type: string, name: RegExp]>> = {
  '2.4': [['aws_account', /^noncompliant$/]],
  '2.5': [['aws_account', /^noncompliant$/]],
  '2.8': [['aws_iam_account_password_policy', /444444444444/]],
  '2.9': [['aws_iam_account_password_policy', /444444444444/]],
  '2.10': [['aws_iam_user', /^no-mfa$/]],
  '2.11': [
    ['aws_iam_access_key', /^dormant\/AKIA/],
    ['aws_iam_user', /^dormant$/],
  ],
  '2.12': [['aws_iam_access_key', /^old-key\/AKIA/]],
  '2.13': [['aws_iam_user', /^direct-grant$/]],
  '2.14': [['aws_iam_policy', /^AdministratorAccess$/]],
  '2.15': [['aws_iam', /IAM/]],
  '2.16': [['aws_instance', /^batch-1$/]],
  '3.1.1': [['aws_s3_bucket', /^noncompliant-open-/]],
  '3.1.4': [['aws_s3_bucket', /^noncompliant-open-/]],
  '3.2.1': [['aws_db_instance', /^noncompliant-db$/]],
  '3.2.2': [['aws_db_instance', /^noncompliant-db$/]],
  '3.2.3': [['aws_db_instance', /^noncompliant-db$/]],
  '4.6': [['aws_kms_key', /^0a1b2c3d-4444-4aaa-8bbb-000000000001$/]],
  '4.7': [['aws_vpc', /^vpc-04441000000000001$/]],
  '6.1.1': [['aws_ec2', /EC2/]],
  '6.1.2': [['aws_security_group', /^file-share$/]],
  '6.2': [['aws_network_acl', /^acl-04441000000000111$/]],
  '6.3': [['aws_security_group', /^ssh-anywhere$/]],
  '6.4': [['aws_security_group', /^rdp-ipv6$/]],
  '6.5': [['aws_security_group', /^default$/]],
  '6.7': [['aws_instance', /^web-1$/]],
};

/** v7 id -> the entity type that no collector produces yet. */
const NOT_COLLECTED: Record<string, string> = {
  '2.17': 'aws_iam_server_certificate',
  '2.18': 'aws_accessanalyzer_analyzer',
  '3.3.1': 'aws_efs_file_system',
  '4.2': 'aws_cloudtrail',
  '4.3': 'aws_config_recorder',
  '4.5': 'aws_cloudtrail',
  '4.8': 'aws_cloudtrail',
  '4.9': 'aws_cloudtrail',
  '5.16': 'aws_securityhub_hub',
};

test('the tables below cover every automated control of CIS v7.0 exactly once', (t) => {
  const automated = requireFramework('cis-aws-7.0')
    .controls.filter((candidate) => candidate.mode === 'automated')
    .map((candidate) => candidate.id)
    .sort();
  t.is(automated.length, 34);
  t.deepEqual([...Object.keys(FAILING_EVIDENCE), ...Object.keys(NOT_COLLECTED)].sort(), automated);
});

for (const [id, expected] of Object.entries(FAILING_EVIDENCE)) {
  test(`CIS v7.0 ${id} passes on the passing world and fails on the failing world with its evidence`, async (t) => {
    const pass = control((await passing).get('cis-aws-7.0'), id);
    t.is(pass.status, 'PASS', JSON.stringify(pass));
    t.is(pass.evidenceTotal, 0);
    t.deepEqual(pass.accounts, [{ accountId: '444444444444', status: 'PASS', failing: 0 }]);

    const fail = control((await failing).get('cis-aws-7.0'), id);
    t.is(fail.status, 'FAIL', JSON.stringify(fail));
    t.is(fail.evidenceTotal, expected.length, JSON.stringify(fail.evidence));
    for (const [type, name] of expected) {
      t.true(
        fail.evidence.some((entity) => entity._type === type && name.test(entity.displayName) && entity.accountId === '444444444444'),
        `${id}: expected ${type} ${name} in ${JSON.stringify(fail.evidence)}`,
      );
    }
    t.deepEqual(fail.accounts, [{ accountId: '444444444444', status: 'FAIL', failing: expected.length }]);
  });
}

for (const [id, type] of Object.entries(NOT_COLLECTED)) {
  test(`CIS v7.0 ${id} is NOT_EVALUATED on both worlds, naming ${type} as the missing input`, async (t) => {
    for (const reports of [await passing, await failing]) {
      const result = control(reports.get('cis-aws-7.0'), id);
      t.is(result.status, 'NOT_EVALUATED');
      t.true(
        result.reasons.some((reason) => reason.startsWith(`input not collected: ${type}`) && reason.includes('no collector produces it')),
        JSON.stringify(result.reasons),
      );
      t.is(result.evidenceTotal, 0);
    }
  });
}

test('CIS v6.0 2.12 (one active access key per user, dropped in v7) passes, and fails on the user with two active keys', async (t) => {
  t.is(control((await passing).get('cis-aws-6.0'), '2.12').status, 'PASS');
  const fail = control((await failing).get('cis-aws-6.0'), '2.12');
  t.is(fail.status, 'FAIL');
  t.is(fail.evidenceTotal, 2);
  t.true(
    fail.evidence.every((entity) => entity._type === 'aws_iam_access_key' && entity.displayName.startsWith('two-keys/')),
    JSON.stringify(fail.evidence),
  );
});

test('CIS v6.0 and v5.0 controls give the result of the v7.0 check they map onto, under their own ids', async (t) => {
  for (const reports of [await passing, await failing]) {
    const v7 = reports.get('cis-aws-7.0');
    const v6 = reports.get('cis-aws-6.0');
    const v5 = reports.get('cis-aws-5.0');
    // Root MFA: v7 2.5 = v6 2.4 = v5 1.4; access key rotation: v7 2.12 = v6 2.13 = v5 1.13; IMDSv2: 6.7 = 6.7 = 5.7.
    for (const [v7Id, v6Id, v5Id] of [
      ['2.5', '2.4', '1.4'],
      ['2.12', '2.13', '1.13'],
      ['6.7', '6.7', '5.7'],
      ['3.1.4', '3.1.4', '2.1.4'],
    ]) {
      const source = control(v7, v7Id);
      for (const [report, id] of [
        [v6, v6Id],
        [v5, v5Id],
      ] as const) {
        const mapped = control(report, id);
        t.is(mapped.status, source.status, `${report?.framework.id} ${id}`);
        t.deepEqual(mapped.evidence, source.evidence);
        t.deepEqual(mapped.checkedBy, { framework: 'cis-aws-7.0', control: v7Id });
      }
    }
    t.deepEqual(control(v5, '1.12').checkedBy, { framework: 'cis-aws-6.0', control: '2.12' });
    t.is(control(v5, '1.12').status, control(v6, '2.12').status);
  }
});

test('scores: per section and overall, PASS over evaluated controls, coverage over automated ones', async (t) => {
  const pass = (await passing).get('cis-aws-7.0') as ComplianceReport;
  t.deepEqual(pass.overall, { pass: 25, fail: 0, notEvaluated: 9, manual: 36, score: 100, coverage: 73.5 });
  t.deepEqual(pass.failing, []);
  const fail = (await failing).get('cis-aws-7.0') as ComplianceReport;
  t.deepEqual(fail.overall, { pass: 0, fail: 25, notEvaluated: 9, manual: 36, score: 0, coverage: 73.5 });
  t.deepEqual(fail.failing, Object.keys(FAILING_EVIDENCE));
  const networking = fail.sections.find((section) => section.id === '6');
  t.deepEqual(networking, { id: '6', title: 'Networking', pass: 0, fail: 7, notEvaluated: 0, manual: 2, score: 0, coverage: 100 });
  const monitoring = pass.sections.find((section) => section.id === '5');
  t.deepEqual(monitoring, { id: '5', title: 'Monitoring', pass: 0, fail: 0, notEvaluated: 1, manual: 15, score: null, coverage: 0 });
});

test('manual controls are MANUAL with guidance; those with review queries list what to look at', async (t) => {
  const fail = (await failing).get('cis-aws-7.0') as ComplianceReport;
  const manual = fail.controls.filter((result) => result.mode === 'manual');
  t.is(manual.length, 36);
  t.true(manual.every((result) => result.status === 'MANUAL' && (result.guidance ?? '').length > 40));
  const hardwareMfa = control(fail, '2.6');
  t.deepEqual(
    hardwareMfa.evidence.map((entity) => entity.displayName),
    ['noncompliant'],
  );
  t.is(control((await passing).get('cis-aws-7.0'), '2.6').evidenceTotal, 0);
});
