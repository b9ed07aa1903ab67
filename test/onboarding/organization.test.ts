import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import {
  accountOfProvider,
  calls,
  isSecretWrapper,
  MANAGEMENT,
  MEMBER_A,
  MEMBER_B,
  plainOccurrences,
  providerInput,
  recorded,
  SKIPPED,
  SUSPENDED,
  unwrapSecret,
  valueOf,
} from './mocks';
// Loaded after the mocks are set (the mocks module calls setMocks on import).
import type * as Onboarding from '../../onboarding';
import type { PolicyDocument } from '../../src/policy';
const onboarding = require('../../onboarding') as typeof Onboarding;

const EXTERNAL_ID = 'test-external-id_0123456789';

// One onboarding with the defaults, shared by the tests of this file (all read the same records).
const result = onboarding.onboardOrganization({ externalId: pulumi.secret(EXTERNAL_ID) });
const PREFIX = 'aws-org-graph';

async function done() {
  await valueOf(result.roleArns);
  return result;
}

function trustPolicyOf(inputs: Record<string, unknown>): PolicyDocument {
  return JSON.parse(String(unwrapSecret(inputs.assumeRolePolicy))) as PolicyDocument;
}

test('exactly the management role and the two ACTIVE, untagged member roles are created', async (t) => {
  await done();
  const roles = recorded(PREFIX, 'aws:iam/role:Role');
  t.is(roles.length, 3);
  const roleAccounts = roles.map((role) => /-(\d{12})-role$/.exec(role.name)?.[1]).sort();
  t.deepEqual(roleAccounts, [MANAGEMENT, MEMBER_A, MEMBER_B]);
  for (const role of roles) {
    t.is(role.inputs.name, 'JupiterOne');
    t.is(role.inputs.path, '/');
  }
  t.false(roles.some((role) => role.name.includes(SKIPPED) || role.name.includes(SUSPENDED)));
});

test('each member role goes through its own account provider; the management role through the default provider', async (t) => {
  await done();
  const providers = recorded(PREFIX, 'pulumi:providers:aws');
  t.deepEqual(providers.map((provider) => provider.name).sort(), [`${PREFIX}-${MEMBER_A}`, `${PREFIX}-${MEMBER_B}`]);
  for (const provider of providers) {
    const accountId = provider.name.slice(-12);
    const assumeRoles = providerInput<Array<{ roleArn: string; sessionName: string }>>(provider.inputs.assumeRoles);
    t.deepEqual(
      assumeRoles.map((role) => role.roleArn),
      [`arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`],
    );
    t.deepEqual(providerInput<string[]>(provider.inputs.allowedAccountIds), [accountId]);
  }

  // Every custom resource of an account's audit role (role, policies, attachments) uses that account's provider.
  const accountResources = recorded(PREFIX).filter((resource) => /^aws:iam\//.test(resource.type));
  t.true(accountResources.length >= 6);
  for (const resource of accountResources) {
    const accountId = /^aws-org-graph-(\d{12})-/.exec(resource.name)?.[1];
    t.truthy(accountId, resource.name);
    if (accountId === MANAGEMENT) t.is(resource.provider, undefined, `${resource.name} should use the default provider`);
    else t.is(accountOfProvider(resource.provider), accountId, `${resource.name} should use the provider of ${accountId}`);
  }
});

test('SecurityAudit and every extra policy are attached to each role', async (t) => {
  await done();
  const attachments = recorded(PREFIX, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment');
  const policies = recorded(PREFIX, 'aws:iam/policy:Policy');
  for (const accountId of [MANAGEMENT, MEMBER_A, MEMBER_B]) {
    const mine = attachments.filter((attachment) => attachment.name.startsWith(`${PREFIX}-${accountId}-`));
    t.true(mine.some((attachment) => attachment.inputs.policyArn === 'arn:aws:iam::aws:policy/SecurityAudit'));
    t.true(mine.every((attachment) => attachment.inputs.role === 'JupiterOne'));
    const myPolicies = policies.filter((policy) => policy.name.startsWith(`${PREFIX}-${accountId}-`));
    t.is(mine.length, 1 + myPolicies.length);
    for (const policy of myPolicies) t.true(mine.some((attachment) => attachment.inputs.policyArn === policy.state.arn));
  }
});

test('the trust policy lets the running account assume the role only with the External ID', async (t) => {
  await done();
  for (const role of recorded(PREFIX, 'aws:iam/role:Role')) {
    t.true(isSecretWrapper(role.inputs.assumeRolePolicy), 'the trust policy input is a secret');
    const trust = trustPolicyOf(role.inputs);
    t.is(trust.Version, '2012-10-17');
    t.is(trust.Statement.length, 1);
    const [statement] = trust.Statement;
    t.is(statement?.Effect, 'Allow');
    t.is(statement?.Action, 'sts:AssumeRole');
    t.deepEqual(statement?.Principal, { AWS: [`arn:aws:iam::${MANAGEMENT}:root`] });
    t.deepEqual(statement?.Condition, { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } });
  }
});

test('outputs: role ARNs per account, skipped accounts with reasons, the External ID as a secret', async (t) => {
  const { roleArns, skippedAccounts, externalId } = await done();
  t.deepEqual(await valueOf(roleArns), {
    [MANAGEMENT]: `arn:aws:iam::${MANAGEMENT}:role/JupiterOne`,
    [MEMBER_A]: `arn:aws:iam::${MEMBER_A}:role/JupiterOne`,
    [MEMBER_B]: `arn:aws:iam::${MEMBER_B}:role/JupiterOne`,
  });
  const skipped = await valueOf(skippedAccounts);
  t.deepEqual(
    [...skipped].sort((a, b) => a.id.localeCompare(b.id)),
    [
      { id: SKIPPED, name: 'sandbox', reason: 'tagged j1-integration:SKIP' },
      { id: SUSPENDED, name: 'closed-project', reason: 'account status is SUSPENDED' },
    ],
  );
  t.true(await pulumi.isSecret(externalId));
  t.is(await valueOf(externalId), EXTERNAL_ID);
  t.false(await pulumi.isSecret(roleArns));
  t.false(await pulumi.isSecret(skippedAccounts));
});

test('the organization is read through the data sources, tags only for ACTIVE accounts', async (t) => {
  await done();
  t.true(calls.some((call) => call.token === 'aws:organizations/getOrganization:getOrganization'));
  const tagLookups = calls.filter((call) => call.token === 'aws:organizations/getResourceTags:getResourceTags').map((call) => call.inputs.resourceId);
  t.deepEqual([...new Set(tagLookups)].sort(), [MANAGEMENT, MEMBER_A, MEMBER_B, SKIPPED]);
});

test('the External ID never appears in plain (non-secret) inputs or outputs', async (t) => {
  const { roleArns, skippedAccounts } = await done();
  const leaks = recorded(PREFIX).flatMap((resource) => [
    ...plainOccurrences(resource.inputs, EXTERNAL_ID).map((path) => `${resource.type} ${resource.name} inputs ${path}`),
    ...plainOccurrences(resource.state, EXTERNAL_ID).map((path) => `${resource.type} ${resource.name} state ${path}`),
  ]);
  t.deepEqual(leaks, []);
  t.false(JSON.stringify(await valueOf(roleArns)).includes(EXTERNAL_ID));
  t.false(JSON.stringify(await valueOf(skippedAccounts)).includes(EXTERNAL_ID));
  // The check itself can see a plain copy.
  t.deepEqual(plainOccurrences({ nested: [`x${EXTERNAL_ID}`] }, EXTERNAL_ID), ['$.nested[0]']);
});

test('the role resource reports its trust policy as a secret output', async (t) => {
  const roles = await result.roles;
  t.deepEqual(Object.keys(roles).sort(), [MANAGEMENT, MEMBER_A, MEMBER_B]);
  for (const role of Object.values(roles)) {
    t.true(await pulumi.isSecret(role.trustPolicy));
    t.true(await pulumi.isSecret(role.role.assumeRolePolicy));
  }
});
