import test from 'ava';
import type { Entity } from '../../src/graph';
import { BASE_CREDENTIALS, MANAGEMENT, PRODUCTION, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS of test/wire: the CIS inputs that are facts rather
// than resources (docs/cis-inputs.md), over their own wire protocols: S3 Control's account-level
// Block Public Access (restXml, the account id in the host name), Security Hub (REST-JSON, not
// enabled outside us-east-1), root virtual MFA and server certificates (IAM awsQuery), instance
// metadata options and default security groups (EC2), bucket MFA delete (S3).

let cisRun: Promise<CliRun> | undefined;
const cis = () => (cisRun ??= runIngest(scenario(), ['--accounts', `${MANAGEMENT},${PRODUCTION}`, '--services', 's3,securityhub,iam,ec2,kms']));

function entity(run: CliRun, key: string): Entity {
  const found = run.snapshot?.entities.find((e) => e._key === key);
  if (!found) throw new Error(`no entity ${key} in the snapshot`);
  return found;
}

test('the run is clean: every request answered from the fixtures, signed, no secret written', async (t) => {
  const run = await cis();
  t.is(run.code, 0, run.stderr);
  t.deepEqual(run.summary?.errors, []);
  t.deepEqual(run.server.unanswered(), []);
  t.deepEqual(secretLeaks(run, [...run.server.secrets(), BASE_CREDENTIALS.secretAccessKey]), []);
});

test('S3 Control: the account-level Block Public Access on aws_account, one call per account, authorized as s3:GetAccountPublicAccessBlock', async (t) => {
  const run = await cis();
  t.like(entity(run, `aws:account:${MANAGEMENT}`), {
    s3BlockPublicAcls: true,
    s3IgnorePublicAcls: true,
    s3BlockPublicPolicy: true,
    s3RestrictPublicBuckets: true,
    s3PublicAccessBlocked: true,
  });
  // Never set (NoSuchPublicAccessBlockConfiguration): every flag false, and no error.
  t.like(entity(run, `aws:account:${PRODUCTION}`), { s3BlockPublicAcls: false, s3PublicAccessBlocked: false });
  const calls = run.server.calls().filter((call) => call.action === 's3control:GetPublicAccessBlock');
  t.deepEqual(calls.map((call) => call.account).sort(), [MANAGEMENT, PRODUCTION]);
  t.true(calls.every((call) => call.iamAction === 's3:GetAccountPublicAccessBlock' && call.collector === 's3-account-public-access-block'));
});

test('Security Hub: a hub where enabled; InvalidAccessException elsewhere is "not enabled", not an error', async (t) => {
  const run = await cis();
  for (const accountId of [MANAGEMENT, PRODUCTION]) {
    t.like(entity(run, `arn:aws:securityhub:us-east-1:${accountId}:hub/default`), {
      _type: 'aws_securityhub_hub',
      region: 'us-east-1',
      subscribedOn: Date.parse('2019-11-19T23:15:10.046Z'),
      controlFindingGenerator: 'SECURITY_CONTROL',
      cisStandardEnabled: true,
    });
    t.like(entity(run, `aws:${accountId}:service:securityhub`), { 'enabled.us-east-1': true, 'enabled.eu-west-1': false, disabledRegions: ['eu-west-1'] });
  }
  t.true(run.server.calls().some((call) => call.action === 'securityhub:DescribeHub' && call.error === 'InvalidAccessException'));
});

test('the other inputs on the wire: root virtual MFA, instance metadata options, default security groups, MFA delete', async (t) => {
  const run = await cis();
  // The fixture's root MFA is the virtual `root-account-mfa-device`: not hardware.
  t.like(entity(run, `aws:account:${PRODUCTION}`), { mfaEnabled: true, rootUserHardwareMfaEnabled: false });
  const instance = run.snapshot?.entities.find((e) => e._type === 'aws_instance' && e.accountId === PRODUCTION);
  t.like(instance, { httpTokens: 'optional', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1, imdsv2Required: false });
  const defaultGroup = entity(run, `arn:aws:ec2:us-east-1:${PRODUCTION}:security-group/sg-903004f8`);
  t.like(defaultGroup, { default: true, ingressRuleCount: 1, egressRuleCount: 1 });
  t.like(entity(run, `arn:aws:s3:::${PRODUCTION}-app-data`), { versioningEnabled: true, mfaDelete: false });
  // IAM server certificates (awsQuery): when each expires.
  t.like(entity(run, `arn:aws:iam::${PRODUCTION}:server-certificate/company/servercerts/ProdServerCert`), {
    _type: 'aws_iam_server_certificate',
    id: 'ASCACKCEVSQ6CEXAMPLE1',
    path: '/company/servercerts/',
    expiresOn: Date.parse('2012-05-08T01:02:03.004Z'),
    uploadedOn: Date.parse('2010-05-08T01:02:03.004Z'),
  });
});
