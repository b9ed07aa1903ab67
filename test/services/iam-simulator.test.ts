import {
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListSAMLProvidersCommand,
  paginateGetAccountAuthorizationDetails,
  type ManagedPolicyDetail,
  type UserDetail,
} from '@aws-sdk/client-iam';
import test from 'ava';
import { stringify } from 'yaml';
import { allSimulators } from '../../src/services';
import { fetchCredentialReport } from '../../src/services/iam/credential-report';
import { generateIam, type WorldIam } from '../../src/services/iam/sim/simulator';
import { seededRandom } from '../../src/sim/random';
import { startOfToday } from '../../src/sim/world-date';
import { SimulatedAws } from '../../src/sim/simulator';
import { roleAccessKeyId } from '../../src/sim/identity';
import type { World } from '../../src/sim/types';
import { parseWorld, WorldError } from '../../src/sim/world';
import { builtinWorld, builtinWorldData, simulate } from '../helpers/simulate';

const DAY_MS = 86_400_000;

function iamOf(world: World, accountId: string): WorldIam {
  const account = world.accounts.find((a) => a.id === accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return (account.global ??= {}).iam as WorldIam;
}

/** A real IAMClient of one simulated account, without the ingestion around it. */
function iamClient(world: World, accountId: string): IAMClient {
  const simulated = new SimulatedAws(world, allSimulators());
  const client = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: roleAccessKeyId(accountId), secretAccessKey: 'test' }, maxAttempts: 1 });
  client.middlewareStack.use(simulated.plugin('us-east-1'));
  return client;
}

test('bad IAM world input gets an error naming the path and the problem', (t) => {
  const data = builtinWorldData();
  const production = iamOf(data, '222222222222');
  (production.policies?.[0].PolicyVersionList[0].Document.Statement[0] as unknown as Record<string, unknown>).Effect = 'Permit';
  (production.users?.[0] as unknown as Record<string, unknown>).mfa = true;
  const batch = production.users?.find((u) => u.UserName === 'legacy-batch');
  if (batch?.AccessKeyMetadata) batch.AccessKeyMetadata.push({ Status: 'Active' }); // a third key: AWS allows two
  (production.roles?.[0] as unknown as Record<string, unknown>).AssumeRolePolicyDocument = undefined;
  (production.users?.[1] as unknown as Record<string, unknown>).PasswordLastUsed = 'last week'; // neither ISO nor "N days ago"
  const error = t.throws(() => parseWorld(stringify(data), 'w.yaml', allSimulators()), { instanceOf: WorldError });
  const message = error?.message ?? '';
  t.regex(message, /accounts\[1\]\.global\.iam\.policies\[0\]\.PolicyVersionList\[0\]\.Document\.Statement\[0\]\.Effect: must be one of "Allow", "Deny"/);
  t.regex(message, /accounts\[1\]\.global\.iam\.users\[0\]: unknown property "mfa"/);
  t.regex(message, /accounts\[1\]\.global\.iam\.users\[2\]\.AccessKeyMetadata: must NOT have more than 2 items/);
  t.regex(message, /accounts\[1\]\.global\.iam\.roles\[0\]: missing required property "AssumeRolePolicyDocument"/);
  t.regex(message, /accounts\[1\]\.global\.iam\.users\[1\]\.PasswordLastUsed/);
});

test('a reference to a policy or group the account does not define is reported with its place in the world', async (t) => {
  const world = builtinWorld();
  const erin = iamOf(world, '333333333333').users?.[0];
  if (erin) erin.AttachedManagedPolicies = [{ PolicyName: 'NoSuchPolicy' }];
  const result = await simulate(world);
  const errors = result.summary.errors.filter((e) => e.account === '333333333333' && e.service === 'iam');
  t.true(errors.length > 0);
  t.regex(errors[0].message, /accounts\[333333333333\]\.global\.iam\.users\[0\] \(erin\)\.AttachedManagedPolicies\[0\]: unknown policy "NoSuchPolicy"/);
  // The other accounts are unaffected.
  t.deepEqual(
    result.summary.errors.filter((e) => e.service === 'iam' && e.account !== '333333333333'),
    [],
  );
});

test('GetAccountAuthorizationDetails pages across users, groups, roles and policies with Marker/IsTruncated and honours Filter', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 2 };
  const client = iamClient(world, '222222222222');
  const pages: number[] = [];
  const users: UserDetail[] = [];
  let policies: ManagedPolicyDetail[] = [];
  for await (const page of paginateGetAccountAuthorizationDetails({ client, pageSize: 1000 }, {})) {
    const size = (page.UserDetailList?.length ?? 0) + (page.GroupDetailList?.length ?? 0) + (page.RoleDetailList?.length ?? 0) + (page.Policies?.length ?? 0);
    pages.push(size);
    t.is(page.IsTruncated, page.Marker !== undefined);
    users.push(...(page.UserDetailList ?? []));
    policies = policies.concat(page.Policies ?? []);
  }
  const iam = iamOf(world, '222222222222');
  t.true(pages.slice(0, -1).every((size) => size === 2));
  t.is(users.length, iam.users?.length ?? -1);
  // Documents are URL-encoded, as IAM returns them.
  t.true(users.find((u) => u.UserName === 'legacy-batch')?.UserPolicyList?.[0].PolicyDocument?.startsWith('%7B'));
  // Every AWS-managed policy the simulator knows comes back, with its attachment count (0 when unused).
  const admin = policies.find((p) => p.PolicyName === 'AdministratorAccess');
  t.is(admin?.AttachmentCount, 2); // dave directly, OrganizationAccountAccessRole
  t.is(policies.find((p) => p.PolicyName === 'IAMFullAccess')?.AttachmentCount, 0);
  const onlyUsers = [];
  for await (const page of paginateGetAccountAuthorizationDetails({ client }, { Filter: ['User'] })) {
    t.deepEqual([page.GroupDetailList, page.RoleDetailList, page.Policies], [[], [], []]);
    onlyUsers.push(...(page.UserDetailList ?? []));
  }
  t.is(onlyUsers.length, iam.users?.length ?? -1);
  client.destroy();
});

test('the credential report is STARTED, then COMPLETE, and is AWS CSV with a <root_account> row', async (t) => {
  const world = builtinWorld();
  const client = iamClient(world, '333333333333');
  const states: string[] = [];
  const report = await fetchCredentialReport(client, { sleep: async () => void states.push('wait'), initialDelayMs: 1 });
  t.deepEqual(states, ['wait']);
  const iam = iamOf(world, '333333333333');
  t.is(report.rows.length, 1 + (iam.users?.length ?? 0));
  const root = report.rows[0];
  t.true(root.root);
  t.is(root.arn, 'arn:aws:iam::333333333333:root');
  t.is(root.passwordEnabled, undefined);
  t.true(root.accessKeys[0].active);
  t.is(root.accessKeys[0].lastRotated, Date.parse('2018-02-14T10:00:00Z'));
  const frank = report.rows.find((row) => row.user === 'frank@acme.example');
  t.true(frank?.passwordEnabled);
  t.is(frank?.passwordLastUsed, undefined); // never used: no_information
  t.true(frank?.mfaActive);
  const loadTester = report.rows.find((row) => row.user === 'load-tester');
  t.false(loadTester?.passwordEnabled);
  t.true(loadTester?.accessKeys[0].active);
  t.is(loadTester?.accessKeys[0].lastUsedDate, undefined);
  t.is(loadTester?.accessKeys[1].active, false);
  // A second request within the run finds the report ready.
  const again = await fetchCredentialReport(client, { sleep: async () => void states.push('wait') });
  t.is(again.rows.length, report.rows.length);
  t.deepEqual(states, ['wait']);
  client.destroy();
});

test('NoSuchEntity where AWS answers it', async (t) => {
  const world = builtinWorld();
  const client = iamClient(world, '222222222222');
  await t.throwsAsync(client.send(new GetAccountPasswordPolicyCommand({})), {
    name: 'NoSuchEntityException',
    message: /Password Policy with domain name 222222222222/,
  });
  await t.throwsAsync(client.send(new ListAccessKeysCommand({ UserName: 'nobody' })), { name: 'NoSuchEntityException' });
  client.destroy();
});

test('generated IAM sections are valid, deterministic and scale with their size', async (t) => {
  const small = generateIam({ accountId: '100000000000', region: 'us-east-1', size: 4, random: seededRandom(3), sections: {} });
  t.deepEqual(generateIam({ accountId: '100000000000', region: 'us-east-1', size: 4, random: seededRandom(3), sections: {} }), small);
  t.is(small.users?.length, 4);
  t.is(small.groups?.length, 1);
  t.is(small.roles?.length, 5); // plus the audit role
  t.is(small.policies?.length, 4);
  const data = builtinWorldData();
  const account = data.accounts[0];
  (account.global ??= {}).iam = generateIam({ accountId: account.id, region: 'us-east-1', size: 12, random: seededRandom(9), sections: {} });
  const world = parseWorld(stringify(data), 'generated.yaml', allSimulators());
  const result = await simulate(world);
  t.deepEqual(
    result.summary.errors.filter((e) => e.service === 'iam' || e.service === 'account'),
    [],
  );
  t.is(result.graph.entitiesOfType('aws_iam_user').filter((e) => e._accountId === account.id).length, 12);
  t.is(result.graph.entitiesOfType('aws_iam_role').filter((e) => e._accountId === account.id).length, 13);
});

test('records in the SDK shapes are served as written, relative dates counted from midnight UTC of today', async (t) => {
  const world = builtinWorld();
  const client = iamClient(world, '222222222222');
  const midnight = startOfToday();
  const keys = await client.send(new ListAccessKeysCommand({ UserName: 'legacy-batch' }));
  t.deepEqual(
    keys.AccessKeyMetadata?.map((key) => [key.Status, key.CreateDate?.getTime()]),
    [
      ['Inactive', midnight - 420 * DAY_MS],
      ['Active', midnight - 200 * DAY_MS],
    ],
  );
  const lastUsed = await client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keys.AccessKeyMetadata?.[1].AccessKeyId }));
  t.deepEqual(lastUsed.AccessKeyLastUsed, { LastUsedDate: new Date(midnight - 3 * DAY_MS), ServiceName: 's3', Region: 'us-east-1' });
  // Absolute dates stay what they say; ids are derived when the world leaves them out.
  const users = await client.send(new ListAccessKeysCommand({ UserName: 'legacy-batch', MaxItems: 1 }));
  t.true(users.IsTruncated);
  t.regex(keys.AccessKeyMetadata?.[0].AccessKeyId ?? '', /^AKIA[A-Z2-7]{16}$/);
  const management = iamClient(world, '111111111111');
  const policy = await management.send(new GetAccountPasswordPolicyCommand({}));
  // The world's PasswordPolicy, with IAM's defaults and ExpirePasswords from MaxPasswordAge.
  t.like(policy.PasswordPolicy, { MinimumPasswordLength: 14, PasswordReusePrevention: 24, MaxPasswordAge: 90, ExpirePasswords: true, HardExpiry: false });
  // SAML providers: their list entries, ValidUntil 100 years on when the world leaves it out.
  const providers = await client.send(new ListSAMLProvidersCommand({}));
  t.deepEqual(providers.SAMLProviderList, [
    {
      Arn: 'arn:aws:iam::222222222222:saml-provider/okta',
      CreateDate: new Date('2020-07-01T10:00:00Z'),
      ValidUntil: new Date(Date.parse('2020-07-01T10:00:00Z') + 100 * 365 * DAY_MS),
    },
  ]);
  // The version marked default is the default one, wherever it is in the list.
  const ownPolicy = iamOf(world, '111111111111').policies?.[0];
  ownPolicy?.PolicyVersionList.unshift({ Document: { Version: '2012-10-17', Statement: [] }, IsDefaultVersion: true, CreateDate: '2 days ago' });
  const details = await management.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['LocalManagedPolicy'] }));
  const detail = details.Policies?.find((each) => each.PolicyName === ownPolicy?.PolicyName);
  t.is(detail?.DefaultVersionId, 'v1');
  t.deepEqual(
    detail?.PolicyVersionList?.map((version) => [version.VersionId, version.IsDefaultVersion, version.CreateDate?.getTime()]),
    [
      ['v1', true, midnight - 2 * DAY_MS],
      ['v2', false, Date.parse('2019-03-02T10:00:00Z')],
    ],
  );
  client.destroy();
  management.destroy();
});
