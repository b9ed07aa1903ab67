import test from 'ava';
import { complianceGraph, evaluateCompliance, requireFramework, type ComplianceReport, type ControlResult } from '../../src/compliance';
import { selectCollectors } from '../../src/services';
import { readSnapshot } from '../../src/snapshot/reader';
import { builtinWorld, simulate } from '../helpers/simulate';

/**
 * CIS v7.0's AWS Organizations controls (2.1.1-2.1.6) on the demo organization, whose Organizations
 * section (src/services/organizations/sim/demo-world.yaml) plants one finding for each, and in
 * single-account mode, where the organization's facts are not collected.
 */

const COLLECTORS = () => selectCollectors({ include: ['organizations', 's3', 'lambda', 'ec2'] });

async function report(config: Record<string, unknown> = {}, world = builtinWorld()): Promise<ComplianceReport> {
  const result = await simulate(world, { collectors: COLLECTORS(), config });
  const snapshot = await readSnapshot(result.summary.snapshot.path);
  return evaluateCompliance(complianceGraph(snapshot.entities, snapshot.relationships, snapshot.metadata), requireFramework('cis-aws-7.0'));
}

const organization = report();
const singleAccount = report({ organization: undefined, accounts: [{ id: '222222222222' }] });

function control(result: ComplianceReport, id: string): ControlResult {
  const found = result.controls.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no control ${id}`);
  return found;
}

const names = (result: ControlResult) => result.evidence.map((entity) => `${entity._type} ${entity.accountId} ${entity.displayName}`);
const statuses = (result: ControlResult) => Object.fromEntries(result.accounts.map((account) => [account.accountId, account.status]));

test('2.1.1: the management account, whose root sessions are off', async (t) => {
  const result = control(await organization, '2.1.1');
  t.is(result.status, 'MANUAL');
  t.deepEqual(names(result), ['aws_account 111111111111 acme-management']);
  t.deepEqual(statuses(result), { '111111111111': 'FAIL', '222222222222': 'PASS', '333333333333': 'PASS' });
});

/** The demo world's Organizations section (the management account's), to change a test's copy. */
function organizationsSection(world: ReturnType<typeof builtinWorld>) {
  return world.accounts[0].global?.organizations as {
    roots: Array<{ PolicyTypes: Array<{ Type: string; Status: string }> }>;
    policies: Array<{ Id: string; Type: string; Targets?: string[] }>;
  };
}

test('2.1.2: SCPs and/or RCPs are a baseline: the staging account, with no SCP beyond FullAWSAccess, inherits the root’s RCP', async (t) => {
  const result = control(await organization, '2.1.2');
  t.is(result.status, 'MANUAL');
  t.deepEqual(names(result), []);
  t.deepEqual(statuses(result), { '111111111111': 'PASS', '222222222222': 'PASS', '333333333333': 'PASS' });
  t.deepEqual(result.reasons, []);
});

test('2.1.2: without the root’s RCP (detached, or RCPs not enabled at the root) the staging account inherits no baseline at all', async (t) => {
  const detached = builtinWorld();
  const rcp = organizationsSection(detached).policies.find((policy) => policy.Id === 'p-rcptls0001');
  if (!rcp) return t.fail('the demo organization has an RCP');
  rcp.Targets = [];
  const disabled = builtinWorld();
  for (const root of organizationsSection(disabled).roots) root.PolicyTypes = root.PolicyTypes.filter((type) => type.Type !== 'RESOURCE_CONTROL_POLICY');
  for (const world of [detached, disabled]) {
    const result = control(await report({}, world), '2.1.2');
    t.deepEqual(names(result), ['aws_account 333333333333 acme-stg']);
    // The production account's SCPs are its baseline (RCPs or not).
    t.deepEqual(statuses(result), { '111111111111': 'PASS', '222222222222': 'PASS', '333333333333': 'FAIL' });
  }
});

test('2.1.2: policies that could not be listed leave the members NOT_EVALUATED, never FAIL', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'organizations', operation: 'ListPolicies', error: 'AccessDenied' }];
  const result = control(await report({}, world), '2.1.2');
  t.deepEqual(names(result), []);
  t.deepEqual(statuses(result), { '111111111111': 'PASS', '222222222222': 'NOT_EVALUATED', '333333333333': 'NOT_EVALUATED' });
  t.true(
    result.reasons.some((reason) => reason.includes('lack inheritedRcpCount')),
    JSON.stringify(result.reasons),
  );
});

test('2.1.3: workloads of the management account, from the graph (its buckets), none of the members’', async (t) => {
  const result = control(await organization, '2.1.3');
  t.true(result.evidenceTotal > 0);
  t.true(
    result.evidence.every((entity) => entity.accountId === '111111111111' && entity._type === 'aws_s3_bucket'),
    JSON.stringify(result.evidence),
  );
  t.deepEqual(statuses(result), { '111111111111': 'FAIL', '222222222222': 'PASS', '333333333333': 'PASS' });
});

test('2.1.4: the member account directly under the root', async (t) => {
  const result = control(await organization, '2.1.4');
  t.deepEqual(names(result), ['aws_account 333333333333 acme-stg']);
});

test('2.1.5 and 2.1.6: the management account, without a delegation policy and with CloudTrail and Config run from it', async (t) => {
  for (const id of ['2.1.5', '2.1.6']) {
    const result = control(await organization, id);
    t.deepEqual(names(result), ['aws_account 111111111111 acme-management'], id);
    t.deepEqual(result.reasons, [], id);
  }
});

test('single-account mode: the six report NOT_EVALUATED for the account (no organization facts), never FAIL', async (t) => {
  const result = await singleAccount;
  for (const id of ['2.1.1', '2.1.2', '2.1.3', '2.1.4', '2.1.5', '2.1.6']) {
    const found = control(result, id);
    t.is(found.status, 'MANUAL', id);
    t.is(found.evidenceTotal, 0, id);
    t.deepEqual(statuses(found), { '222222222222': 'NOT_EVALUATED' }, id);
    t.true(
      found.reasons.some((reason) => reason.includes('lack master')),
      `${id}: ${JSON.stringify(found.reasons)}`,
    );
  }
});
