import test from 'ava';
import type { Entity, GraphStore } from '../../src/graph';
import { iamCollectors } from '../../src/services/iam/collectors';
import type { WorldIam } from '../../src/services/iam/sim/simulator';
import type { IngestResult } from '../../src/ingest';
import type { World } from '../../src/sim/types';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const IAM_COLLECTORS = new Set(['account', ...iamCollectors.map((c) => c.id)]);
const DAY = 86_400_000;

function ingestedIam(world: World): Array<{ id: string; iam: WorldIam }> {
  return world.accounts
    .filter((a) => (a.status ?? 'ACTIVE') === 'ACTIVE' && a.tags?.['j1-integration'] !== 'SKIP')
    .map((a) => ({ id: a.id, iam: (a.global?.iam ?? {}) as WorldIam }));
}

function inAccount(graph: GraphStore, type: string, accountId: string): readonly Entity[] {
  // Ingested entities only: the mappings may add stand-ins (system-mapper) for trusted principals.
  return graph.entitiesOfType(type).filter((e) => e._accountId === accountId && e._source !== 'system-mapper');
}

function byName(graph: GraphStore, type: string, accountId: string, name: string): Entity | undefined {
  return inAccount(graph, type, accountId).find((e) => e.name === name);
}

function edgesFrom(graph: GraphStore, key: string, verb: string): Entity[] {
  return [...graph.allRelationships()]
    .filter((r) => r._fromEntityKey === key && r._class === verb)
    .map((r) => graph.getEntity(r._toEntityKey))
    .filter((e): e is Entity => e !== undefined);
}

/** Errors of IAM and the account collector (other services are not this test's business). */
function iamErrors(result: IngestResult) {
  return result.summary.errors.filter((e) => e.service === 'iam' || e.service === 'account');
}

// One ingestion of the built-in world with a page size of one: every list call crosses every page boundary.
let paged: Promise<{ world: World; result: IngestResult }> | undefined;
function pagedRun() {
  paged ??= (async () => {
    const world = builtinWorld();
    world.behaviour = { ...world.behaviour, pageSize: 1 };
    return { world, result: await simulate(world) };
  })();
  return paged;
}

test('every IAM type and relationship the collectors declare is in the simulated organization, and every entity is valid', async (t) => {
  const { result } = await pagedRun();
  const { graph } = result;
  t.deepEqual(iamErrors(result), []);
  for (const collector of iamCollectors) {
    for (const entity of collector.entities) t.true((result.summary.counts.entities[entity._type] ?? 0) > 0, `no ${entity._type}`);
  }
  const present = new Set<string>();
  for (const relationship of graph.allRelationships()) {
    const from = graph.getEntity(relationship._fromEntityKey);
    const to = graph.getEntity(relationship._toEntityKey);
    if (from && to) present.add(`${from._type} ${relationship._class} ${to._type}`);
  }
  for (const collector of iamCollectors) {
    for (const declared of collector.relationships) {
      for (const to of Array.isArray(declared.to) ? declared.to : [declared.to]) {
        t.true(present.has(`${declared.from} ${declared.verb} ${to}`), `no ${declared.from} ${declared.verb} ${to}`);
      }
    }
  }
  // Inline-policy edges have their own _type, distinct from the managed-policy edges.
  for (const type of ['aws_iam_user_has_user_policy', 'aws_iam_group_has_group_policy', 'aws_iam_role_has_role_policy', 'aws_iam_role_has_policy']) {
    t.true((result.summary.counts.relationships[type] ?? 0) > 0, type);
  }
  const mine = [...graph.allEntities()].filter((e) => IAM_COLLECTORS.has(e._collector ?? ''));
  t.true(mine.length > 50);
  const issues = graphIssues(graph).filter((issue) => mine.some((e) => e._key === issue._key));
  t.deepEqual(issues, []);
});

test('the collectors read exactly what the world holds, page by page, and the same as with large pages', async (t) => {
  const { world, result } = await pagedRun();
  const { graph } = result;
  for (const { id, iam } of ingestedIam(world)) {
    t.is(inAccount(graph, 'aws_iam_user', id).length, iam.users?.length ?? 0, `${id} users`);
    t.is(inAccount(graph, 'aws_iam_group', id).length, iam.groups?.length ?? 0, `${id} groups`);
    t.is(inAccount(graph, 'aws_iam_role', id).length, iam.roles?.length ?? 0, `${id} roles`);
    t.is(inAccount(graph, 'aws_iam_saml_provider', id).length, iam.samlProviders?.length ?? 0, `${id} SAML providers`);
    t.is(inAccount(graph, 'aws_iam_account_password_policy', id).length, iam.PasswordPolicy ? 1 : 0, `${id} password policy`);
    t.is(
      inAccount(graph, 'aws_iam_access_key', id).length,
      (iam.users ?? []).reduce((n, u) => n + (u.AccessKeyMetadata?.length ?? 0), 0),
      `${id} keys`,
    );
    t.is(
      inAccount(graph, 'mfa_device', id).length,
      (iam.users ?? []).reduce((n, u) => n + (u.MFADevices?.length ?? 0), 0),
      `${id} MFA devices`,
    );
    const count = (lists: Array<unknown[] | undefined>) => lists.reduce((n: number, list) => n + (list?.length ?? 0), 0);
    t.is(inAccount(graph, 'aws_iam_user_policy', id).length, count((iam.users ?? []).map((u) => u.UserPolicyList)), `${id} user policies`);
    t.is(inAccount(graph, 'aws_iam_group_policy', id).length, count((iam.groups ?? []).map((g) => g.GroupPolicyList)), `${id} group policies`);
    t.is(inAccount(graph, 'aws_iam_role_policy', id).length, count((iam.roles ?? []).map((r) => r.RolePolicyList)), `${id} role policies`);
    // Customer policies all; AWS-managed ones only when attached to something in the account.
    const attachedNames = new Set<string>([
      ...[...(iam.users ?? []), ...(iam.groups ?? []), ...(iam.roles ?? [])].flatMap((p) => (p.AttachedManagedPolicies ?? []).map((a) => a.PolicyName ?? '')),
      ...[...(iam.users ?? []), ...(iam.roles ?? [])].flatMap((p) =>
        p.PermissionsBoundary ? [p.PermissionsBoundary.PermissionsBoundaryArn?.split('/').pop() ?? ''] : [],
      ),
    ]);
    const customerNames = new Set((iam.policies ?? []).map((p) => p.PolicyName));
    const policies = inAccount(graph, 'aws_iam_policy', id);
    t.deepEqual(
      policies.map((p) => p.name).sort(),
      [...new Set([...customerNames, ...[...attachedNames].filter((n) => !customerNames.has(n))])].sort(),
      `${id} managed policies`,
    );
    for (const policy of policies) t.true(typeof policy.document === 'string' && policy.document.startsWith('{"'), `${policy._key} document`);
    for (const role of inAccount(graph, 'aws_iam_role', id)) t.true(String(role.assumeRolePolicyDocument).includes('"Statement"'), `${role._key} trust`);
    // Group memberships.
    const memberships = (iam.users ?? []).reduce((n, u) => n + (u.GroupList?.length ?? 0), 0);
    const contains = [...graph.allRelationships()].filter((r) => r._type === 'aws_iam_group_contains_user' && r._accountId === id);
    t.is(contains.length, memberships, `${id} group memberships`);
  }

  // The same world with AWS's own page sizes gives the same IAM graph.
  const large = await simulate(builtinWorld());
  const keys = (graph: GraphStore) =>
    [...graph.allEntities()]
      .filter((e) => IAM_COLLECTORS.has(e._collector ?? ''))
      .map((e) => e._key)
      .sort();
  t.deepEqual(keys(large.graph), keys(graph));
  t.true(result.summary.apiCalls > large.summary.apiCalls);
});

test('the demo misconfigurations are visible in the graph', async (t) => {
  const { graph } = (await pagedRun()).result;
  const now = Date.now();

  // Root without MFA in production; hardware root MFA in the management account; root access key in staging.
  const account = (id: string) => graph.getEntity(`aws:account:${id}`);
  t.is(account('222222222222')?.mfaEnabled, false);
  t.is(account('111111111111')?.mfaEnabled, true);
  t.is(account('111111111111')?.rootUserHardwareMfaEnabled, true);
  t.is(account('333333333333')?.rootUserHardwareMfaEnabled, false);
  t.is(account('333333333333')?.accountAccessKeysPresent, true);
  t.is(account('333333333333')?.rootUserAccessKeyEnabled, true);
  t.is(account('222222222222')?.rootUserAccessKeyEnabled, false);
  t.true(Math.abs(now - Number(account('222222222222')?.rootUserPasswordLastUsed) - 12 * DAY) < 2 * DAY);

  // A 200-day-old active access key (its age is relative to the run).
  const batch = byName(graph, 'aws_iam_user', '222222222222', 'legacy-batch');
  const keys = edgesFrom(graph, batch?._key ?? '', 'HAS').filter((e) => e._type === 'aws_iam_access_key');
  const active = keys.filter((k) => k.active === true);
  t.is(keys.length, 2);
  t.is(active.length, 1);
  const ageDays = (now - Number(active[0].createdOn)) / DAY;
  t.true(ageDays >= 200 && ageDays < 201, `age ${ageDays}`);
  t.true(batch?.accessKeyEnabled === true);
  t.true(now - Number(batch?.accessKeyLastUsed) < 4 * DAY);

  // A console user without MFA, with an Email tag.
  const carol = byName(graph, 'aws_iam_user', '222222222222', 'carol');
  t.true(carol?.passwordEnabled === true);
  t.is(carol?.mfaEnabled, false);
  t.deepEqual(carol?.email, ['carol@acme.example']);
  t.deepEqual(edgesFrom(graph, carol?._key ?? '', 'USES'), []);
  // A user named by its email address, with an MFA device and AdministratorAccess attached directly.
  const dave = byName(graph, 'aws_iam_user', '222222222222', 'dave@acme.example');
  t.deepEqual(dave?.email, ['dave@acme.example']);
  t.is(dave?.mfaEnabled, true);
  t.is(edgesFrom(graph, dave?._key ?? '', 'USES')[0]?._type, 'mfa_device');
  const davePolicies = edgesFrom(graph, dave?._key ?? '', 'HAS').filter((e) => e._type === 'aws_iam_policy');
  t.deepEqual(
    davePolicies.map((p) => [p.arn, p.admin, p.vendorManaged]),
    [['arn:aws:iam::aws:policy/AdministratorAccess', true, true]],
  );

  // Wildcard read policy, admin-except-IAM with NotAction, explicit Deny, and only the default version counting.
  const policy = (name: string) => byName(graph, 'aws_iam_policy', '222222222222', name);
  t.regex(String(policy('AuditorReadAll')?.document), /"\*:Get\*"/);
  t.false(policy('AuditorReadAll')?.admin);
  t.regex(String(policy('AdminExceptIAM')?.document), /"NotAction":\["iam:\*"/);
  t.false(policy('AdminExceptIAM')?.admin);
  t.regex(String(policy('ProtectProductionData')?.document), /"Effect":"Deny"/);
  t.is(policy('ProtectProductionData')?.permissionsBoundaryUsageCount, 1);
  t.false(policy('AppDeployment')?.admin);
  t.is(policy('AppDeployment')?.defaultVersionId, 'v2');
  t.is(policy('AppDeployment')?.attachmentCount, 2);
  // AWS-managed policies are per account and only where attached.
  t.truthy(byName(graph, 'aws_iam_policy', '333333333333', 'IAMFullAccess'));
  t.falsy(byName(graph, 'aws_iam_policy', '111111111111', 'IAMFullAccess'));
  t.not(byName(graph, 'aws_iam_policy', '111111111111', 'SecurityAudit')?._key, byName(graph, 'aws_iam_policy', '222222222222', 'SecurityAudit')?._key);

  // Roles: service trust with an instance profile, cross-account with External ID, outside the org, SAML.
  const role = (account: string, name: string) => byName(graph, 'aws_iam_role', account, name);
  t.deepEqual(role('222222222222', 'app-server')?.instanceProfileArns, ['arn:aws:iam::222222222222:instance-profile/app-server-role']);
  t.deepEqual(role('333333333333', 'ci-runner')?.instanceProfileNames, ['ci-runner']);
  t.regex(String(role('222222222222', 'app-server')?.assumeRolePolicyDocument), /"Service":"ec2.amazonaws.com"/);
  t.regex(String(role('222222222222', 'orders-lambda')?.assumeRolePolicyDocument), /lambda.amazonaws.com/);
  t.regex(String(role('222222222222', 'staging-deployer')?.assumeRolePolicyDocument), /333333333333:role\/ci-runner.*sts:ExternalId/);
  t.is(role('222222222222', 'staging-deployer')?.maxSessionDuration, 7200);
  t.regex(String(role('222222222222', 'vendor-monitoring')?.assumeRolePolicyDocument), /999999999999:root/);
  t.regex(String(role('111111111111', 'OktaAdministrators')?.assumeRolePolicyDocument), /saml-provider\/okta.*AssumeRoleWithSAML/);
  t.truthy(byName(graph, 'aws_iam_saml_provider', '111111111111', 'okta'));
  t.true(role('111111111111', 'AWSServiceRoleForSupport')?.serviceLinked);
  t.is(role('333333333333', 'old-migration')?.lastUsedOn, undefined);
  // The audit role in every account, trusting the management account with the External ID.
  for (const id of ['111111111111', '222222222222', '333333333333']) {
    t.regex(String(role(id, 'JupiterOne')?.assumeRolePolicyDocument), /111111111111:root.*"sts:ExternalId":"<redacted>"/, id);
    t.true(now - Number(role(id, 'JupiterOne')?.lastUsedOn) < 2 * DAY);
  }

  // Password policies: strong, none, weak.
  t.is(inAccount(graph, 'aws_iam_account_password_policy', '111111111111')[0]?.minLength, 14);
  t.is(inAccount(graph, 'aws_iam_account_password_policy', '333333333333')[0]?.minLength, 8);
  t.is(inAccount(graph, 'aws_iam_account_password_policy', '333333333333')[0]?.historyCount, 0);
  t.is(account('222222222222')?.passwordPolicyPresent, false);
  t.is(account('333333333333')?.passwordPolicyPresent, true);

  // Groups with inline and managed policies.
  const developers = byName(graph, 'aws_iam_group', '222222222222', 'Developers');
  const developerPolicies = edgesFrom(graph, developers?._key ?? '', 'HAS');
  t.deepEqual(developerPolicies.map((p) => p._type).sort(), ['aws_iam_group_policy', 'aws_iam_policy', 'aws_iam_policy']);
  t.true(edgesFrom(graph, developers?._key ?? '', 'CONTAINS').some((u) => u.name === 'carol'));
});

test('an access denial on one IAM call in one account is recorded once, and the rest of IAM is intact', async (t) => {
  const world = builtinWorld();
  world.faults = [{ account: '222222222222', service: 'iam', operation: 'ListAccessKeys', error: 'AccessDenied' }];
  const result = await simulate(world);
  const errors = iamErrors(result);
  t.is(errors.length, 1);
  t.like(errors[0], { account: '222222222222', service: 'iam', operation: 'iam:ListAccessKeys', code: 'AccessDenied', region: 'global' });
  const { graph } = result;
  // Production: users, groups, roles and policies are there; keys are not, and key facts are from the report.
  t.is(inAccount(graph, 'aws_iam_user', '222222222222').length, 5);
  t.is(inAccount(graph, 'aws_iam_access_key', '222222222222').length, 0);
  t.true(byName(graph, 'aws_iam_user', '222222222222', 'legacy-batch')?.accessKeyEnabled === true);
  t.true(inAccount(graph, 'aws_iam_role', '222222222222').length > 0);
  t.true(inAccount(graph, 'mfa_device', '222222222222').length > 0);
  // The other accounts' keys are untouched.
  t.is(inAccount(graph, 'aws_iam_access_key', '111111111111').length, 1);
  t.is(inAccount(graph, 'aws_iam_access_key', '333333333333').length, 1);
  const record = result.metadata.collectors.find((c) => c.accountId === '222222222222' && c.collector === 'iam-users');
  t.is(record?.status, 'partial');
});

test('a denied GetAccountAuthorizationDetails fails the collectors that need it in that account only', async (t) => {
  const world = builtinWorld();
  world.faults = [{ account: '333333333333', service: 'iam', operation: 'GetAccountAuthorizationDetails', error: 'AccessDenied' }];
  const result = await simulate(world);
  const errors = iamErrors(result);
  t.deepEqual(
    errors.map((e) => [e.account, e.operation, e.code]),
    Array.from({ length: 4 }, () => ['333333333333', 'iam:GetAccountAuthorizationDetails', 'AccessDenied']),
  );
  const failed = result.metadata.collectors
    .filter((c) => c.status === 'failed')
    .map((c) => `${c.accountId}/${c.collector}`)
    .sort();
  t.deepEqual(failed, ['333333333333/iam-groups', '333333333333/iam-policies', '333333333333/iam-roles', '333333333333/iam-users']);
  const { graph } = result;
  t.is(inAccount(graph, 'aws_iam_user', '333333333333').length, 0);
  t.is(inAccount(graph, 'aws_iam_account_password_policy', '333333333333').length, 1);
  t.is(inAccount(graph, 'aws_iam_user', '222222222222').length, 5);
  // The other accounts keep every role their world holds (other services' demo fragments add roles).
  const worldRoles = (accountId: string) => ingestedIam(world).find((a) => a.id === accountId)?.iam.roles?.length ?? 0;
  t.is(inAccount(graph, 'aws_iam_role', '111111111111').length, worldRoles('111111111111'));
  t.is(inAccount(graph, 'aws_iam_role', '222222222222').length, worldRoles('222222222222'));
  t.true(worldRoles('222222222222') >= 9);
});

test('without the credential report, users keep what the per-user calls tell and the error is recorded', async (t) => {
  const world = builtinWorld();
  // No report exists, and the role may not generate one.
  world.faults = [{ account: '111111111111', service: 'iam', operation: 'GenerateCredentialReport', error: 'AccessDenied' }];
  const result = await simulate(world);
  t.deepEqual(
    iamErrors(result).map((e) => [e.account, e.operation, e.code]),
    [['111111111111', 'iam:GetCredentialReport', 'AccessDenied']],
  );
  t.regex(iamErrors(result)[0].message, /iam:GenerateCredentialReport/);
  const bob = byName(result.graph, 'aws_iam_user', '111111111111', 'bob');
  t.is(bob?.mfaEnabled, true);
  t.is(bob?.passwordEnabled, undefined);
  const account = result.graph.getEntity('aws:account:111111111111');
  t.is(account?.mfaEnabled, true); // from the account summary
  t.is(account?.rootUserAccessKeyEnabled, undefined);
  t.is(account?.rootUserHardwareMfaEnabled, true); // from ListVirtualMFADevices: no virtual root device
  t.is(result.graph.getEntity('aws:account:222222222222')?.rootUserAccessKeyEnabled, false);
});

test('GenerateCredentialReport denied: a report younger than 4 hours is still read, and none is generated', async (t) => {
  const world = builtinWorld();
  const account = world.accounts.find((a) => a.id === '111111111111');
  (account?.global?.iam as { credentialReportAgeHours?: number }).credentialReportAgeHours = 1;
  world.faults = [{ account: '111111111111', service: 'iam', operation: 'GenerateCredentialReport', error: 'AccessDenied' }];
  const result = await simulate(world);
  t.deepEqual(iamErrors(result), []);
  const bob = byName(result.graph, 'aws_iam_user', '111111111111', 'bob');
  t.is(typeof bob?.passwordEnabled, 'boolean', 'password facts from the existing report');
  t.is(typeof result.graph.getEntity('aws:account:111111111111')?.rootUserAccessKeyEnabled, 'boolean');

  // Older than 4 hours: AWS no longer serves it, and a new one cannot be generated.
  const older = builtinWorld();
  (older.accounts.find((a) => a.id === '111111111111')?.global?.iam as { credentialReportAgeHours?: number }).credentialReportAgeHours = 5;
  older.faults = world.faults;
  const stale = await simulate(older);
  t.deepEqual(
    iamErrors(stale).map((e) => [e.account, e.operation, e.code]),
    [['111111111111', 'iam:GetCredentialReport', 'AccessDenied']],
  );
  t.is(byName(stale.graph, 'aws_iam_user', '111111111111', 'bob')?.passwordEnabled, undefined);
});
