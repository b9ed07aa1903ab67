import type { IAMClient } from '@aws-sdk/client-iam';
import test from 'ava';
import { validateEntity } from '../../src/graph';
import { fetchCredentialReport, parseCredentialReport, parseCsv } from '../../src/services/iam/credential-report';
import {
  convertAccessKey,
  convertGroup,
  convertInlinePolicy,
  convertManagedPolicy,
  convertMfaDevice,
  convertPasswordPolicy,
  convertRole,
  convertSamlProvider,
  convertUser,
  mfaDeviceType,
  policyKey,
  principalHasInlinePolicy,
  principalHasManagedPolicy,
  rootUserFacts,
  userEmails,
} from '../../src/services/iam/converters';
import { encodePolicyDocument, policyDocumentText as decodePolicyDocument } from '../../src/policy/document';
import { isAdminPolicy } from '../../src/services/iam/policy-document';

const ACCOUNT = '222222222222';

// A document exactly as GetAccountAuthorizationDetails returns it: RFC 3986 percent-encoded, `*` as %2A.
const ENCODED_ADMIN =
  '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D';

test('decodePolicyDocument decodes IAM URL-encoding into compact JSON and keeps plain JSON as it is', (t) => {
  t.is(decodePolicyDocument(ENCODED_ADMIN), '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}');
  // Plain (already decoded) JSON with a literal % must not be URL-decoded, and is compacted.
  t.is(
    decodePolicyDocument('{\n  "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/100%/*" } ]\n}'),
    '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/100%/*"}]}',
  );
  // Encoded spaces and a condition key with a colon.
  t.is(
    decodePolicyDocument(
      encodePolicyDocument({ Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }),
    ),
    '{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}',
  );
  t.true(encodePolicyDocument({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }).includes('%2A'));
  t.is(decodePolicyDocument(undefined), undefined);
  t.is(decodePolicyDocument('%7Bnot json'), '{not json');
});

test('isAdminPolicy is true only when an Allow statement grants * on *', (t) => {
  t.true(isAdminPolicy(decodePolicyDocument(ENCODED_ADMIN)));
  t.true(
    isAdminPolicy({
      Statement: { Effect: 'Allow', Action: ['s3:GetObject', '*:*'], Resource: ['*'], Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
    }),
  );
  // NotAction (admin except IAM) is not `*` on `*`.
  t.false(isAdminPolicy({ Statement: [{ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }] }));
  t.false(isAdminPolicy({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }));
  t.false(isAdminPolicy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' }] }));
  t.false(isAdminPolicy({ Statement: [{ Effect: 'Allow', Action: ['*:Get*', '*:List*'], Resource: '*' }] }));
  t.false(isAdminPolicy({ Statement: [{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::secret/*' }] }));
  t.false(isAdminPolicy('not json'));
});

const REPORT = [
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  '<root_account>,arn:aws:iam::222222222222:root,2019-04-12T09:30:00+00:00,not_supported,2024-05-01T08:15:00+00:00,not_supported,not_supported,false,true,2018-02-14T10:00:00+00:00,2024-01-03T00:00:00+00:00,us-west-2,ec2,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'carol,arn:aws:iam::222222222222:user/carol,2019-05-02T08:00:00+00:00,true,no_information,2023-10-01T00:00:00+00:00,2023-12-30T00:00:00+00:00,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'legacy-batch,arn:aws:iam::222222222222:user/legacy-batch,2019-09-09T09:00:00+00:00,false,N/A,N/A,N/A,false,false,2023-01-01T00:00:00+00:00,2023-06-01T00:00:00+00:00,us-east-1,s3,true,2024-01-01T00:00:00+00:00,2024-05-20T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A',
].join('\n');

test('parseCredentialReport reads AWS CSV by column name, with N/A, no_information and not_supported as unknown', (t) => {
  const rows = parseCredentialReport(new Uint8Array(Buffer.from(`${REPORT}\n`)));
  t.is(rows.length, 3);
  const [root, carol, batch] = rows;
  t.true(root.root);
  t.is(root.arn, 'arn:aws:iam::222222222222:root');
  t.is(root.passwordEnabled, undefined); // not_supported
  t.is(root.passwordLastUsed, Date.parse('2024-05-01T08:15:00Z'));
  t.false(root.mfaActive);
  t.deepEqual(root.accessKeys[0], {
    active: true,
    lastRotated: Date.parse('2018-02-14T10:00:00Z'),
    lastUsedDate: Date.parse('2024-01-03T00:00:00Z'),
    lastUsedRegion: 'us-west-2',
    lastUsedService: 'ec2',
  });
  t.false(root.certificatesActive);
  t.false(carol.root);
  t.true(carol.passwordEnabled);
  t.is(carol.passwordLastUsed, undefined); // no_information
  t.is(carol.passwordNextRotation, Date.parse('2023-12-30T00:00:00Z'));
  t.deepEqual(carol.accessKeys[0], { active: false, lastRotated: undefined, lastUsedDate: undefined, lastUsedRegion: undefined, lastUsedService: undefined });
  t.false(batch.passwordEnabled);
  t.is(batch.passwordLastChanged, undefined);
  t.true(batch.accessKeys[1].active);
  t.is(batch.accessKeys[1].lastUsedDate, Date.parse('2024-05-20T00:00:00Z'));
  // Columns are read by name, not position.
  const reordered = parseCredentialReport('arn,mfa_active,user\r\narn:aws:iam::1:user/x,true,x\r\n');
  t.is(reordered[0].user, 'x');
  t.true(reordered[0].mfaActive);
  t.throws(() => parseCredentialReport('a,b\n1,2'), { message: /no user and arn columns/ });
});

test('parseCsv handles quoted fields and CRLF', (t) => {
  t.deepEqual(parseCsv('a,"b,c","d ""e"""\r\n1,2,3\r\n'), [
    ['a', 'b,c', 'd "e"'],
    ['1', '2', '3'],
  ]);
});

function fakeIam(answers: Array<(command: string) => unknown>): { client: IAMClient; calls: string[] } {
  const calls: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string } }) => {
      const name = command.constructor.name;
      calls.push(name);
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected ${name}`);
      const result = answer(name);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as IAMClient;
  return { client, calls };
}

function named(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

test('fetchCredentialReport reads the existing report first, and generates none while it is younger than 4 hours', async (t) => {
  const now = Date.parse('2024-06-01T03:59:00Z');
  const { client, calls } = fakeIam([() => ({ Content: new Uint8Array(Buffer.from(REPORT)), GeneratedTime: new Date('2024-06-01T00:00:00Z') })]);
  const report = await fetchCredentialReport(client, { now: () => now });
  t.deepEqual(calls, ['GetCredentialReportCommand']);
  t.is(report.rows.length, 3);
});

test('fetchCredentialReport generates a report when none exists: polls GenerateCredentialReport until COMPLETE, retries a report still in progress, then parses it', async (t) => {
  const waits: number[] = [];
  const { client, calls } = fakeIam([
    () => named('CredentialReportNotPresentException'),
    () => ({ State: 'STARTED' }),
    () => ({ State: 'INPROGRESS' }),
    () => ({ State: 'COMPLETE' }),
    () => named('CredentialReportNotReadyException'),
    () => ({ State: 'COMPLETE' }),
    () => ({ Content: new Uint8Array(Buffer.from(REPORT)), GeneratedTime: new Date('2024-06-01T00:00:00Z') }),
  ]);
  const report = await fetchCredentialReport(client, {
    sleep: async (ms) => void waits.push(ms),
    initialDelayMs: 10,
    now: () => Date.parse('2024-06-01T00:01:00Z'),
  });
  t.deepEqual(calls, [
    'GetCredentialReportCommand',
    'GenerateCredentialReportCommand',
    'GenerateCredentialReportCommand',
    'GenerateCredentialReportCommand',
    'GetCredentialReportCommand',
    'GenerateCredentialReportCommand',
    'GetCredentialReportCommand',
  ]);
  t.deepEqual(waits, [10, 20, 40]);
  t.is(report.rows.length, 3);
  t.deepEqual(report.generatedTime, new Date('2024-06-01T00:00:00Z'));
});

test('fetchCredentialReport generates a new report when the existing one is older than 4 hours (or AWS says it expired)', async (t) => {
  const fresh = () => ({ Content: new Uint8Array(Buffer.from(REPORT)), GeneratedTime: new Date('2024-06-01T05:00:00Z') });
  const old = fakeIam([
    () => ({ Content: new Uint8Array(Buffer.from(REPORT)), GeneratedTime: new Date('2024-06-01T00:00:00Z') }),
    () => ({ State: 'COMPLETE' }),
    fresh,
  ]);
  const report = await fetchCredentialReport(old.client, { now: () => Date.parse('2024-06-01T05:00:00Z') });
  t.deepEqual(old.calls, ['GetCredentialReportCommand', 'GenerateCredentialReportCommand', 'GetCredentialReportCommand']);
  t.deepEqual(report.generatedTime, new Date('2024-06-01T05:00:00Z'));
  const expired = fakeIam([() => named('CredentialReportExpiredException'), () => ({ State: 'COMPLETE' }), fresh]);
  await fetchCredentialReport(expired.client, { now: () => Date.parse('2024-06-01T05:00:00Z') });
  t.deepEqual(expired.calls, ['GetCredentialReportCommand', 'GenerateCredentialReportCommand', 'GetCredentialReportCommand']);
});

test('fetchCredentialReport gives up after its timeout and passes other errors through', async (t) => {
  const never = fakeIam([() => named('CredentialReportNotPresentException'), ...Array.from({ length: 50 }, () => () => ({ State: 'INPROGRESS' }))]);
  await t.throwsAsync(fetchCredentialReport(never.client, { sleep: async () => undefined, timeoutMs: 0 }), { name: 'CredentialReportTimeout' });
  const denied = fakeIam([() => named('AccessDenied')]);
  await t.throwsAsync(fetchCredentialReport(denied.client, { sleep: async () => undefined }), { name: 'AccessDenied' });
  const generateDenied = fakeIam([() => named('CredentialReportNotPresentException'), () => named('AccessDenied')]);
  await t.throwsAsync(fetchCredentialReport(generateDenied.client, { sleep: async () => undefined }), { name: 'AccessDenied' });
  t.deepEqual(generateDenied.calls, ['GetCredentialReportCommand', 'GenerateCredentialReportCommand']);
});

test('userEmails takes the Email tag (any case) and an email user name, and drops what is not an address', (t) => {
  t.deepEqual(userEmails('bob', [{ Key: 'Email', Value: 'Bob@Acme.example' }]), ['bob@acme.example']);
  t.deepEqual(userEmails('alice@acme.example', [{ Key: 'EMAIL', Value: 'alice.work@acme.example' }]), ['alice.work@acme.example', 'alice@acme.example']);
  t.deepEqual(userEmails('svc', [{ Key: 'email', Value: 'not an address' }]), []);
  t.deepEqual(userEmails('svc', undefined), []);
});

test('convertUser combines the authorization details, the report row, access keys and MFA devices into a valid User', (t) => {
  const [, carolRow, batchRow] = parseCredentialReport(REPORT);
  const carol = convertUser({
    accountId: ACCOUNT,
    detail: {
      UserName: 'carol',
      UserId: 'AIDAEXAMPLECAROL00001',
      Arn: 'arn:aws:iam::222222222222:user/carol',
      Path: '/',
      CreateDate: new Date('2019-05-02T08:00:00Z'),
      GroupList: ['Developers', 'Admins'],
      Tags: [
        { Key: 'Email', Value: 'carol@acme.example' },
        { Key: 'team', Value: 'web' },
      ],
    },
    report: carolRow,
    accessKeys: [],
    mfaDevices: [],
  });
  t.is(carol._key, 'arn:aws:iam::222222222222:user/carol');
  t.deepEqual(carol._class, ['User']);
  t.deepEqual(carol.username, ['carol']);
  t.deepEqual(carol.email, ['carol@acme.example']);
  t.deepEqual(carol.emailDomain, ['acme.example']);
  t.is(carol['tag.Email'], 'carol@acme.example');
  t.true(carol.passwordEnabled);
  t.false(carol.mfaEnabled);
  t.false(carol.accessKeyEnabled);
  t.true(carol.active);
  t.is(carol.passwordLastUsed, undefined);
  t.deepEqual(carol.groupNames, ['Admins', 'Developers']);
  t.is(carol.createdOn, Date.parse('2019-05-02T08:00:00Z'));
  t.deepEqual(validateEntity(carol), []);

  const batch = convertUser({
    accountId: ACCOUNT,
    detail: { UserName: 'legacy-batch', Arn: 'arn:aws:iam::222222222222:user/legacy-batch', CreateDate: new Date('2019-09-09T09:00:00Z') },
    report: batchRow,
    accessKeys: [
      {
        metadata: { UserName: 'legacy-batch', AccessKeyId: 'AKIAEXAMPLE000000001', Status: 'Inactive' },
        lastUsed: { LastUsedDate: new Date('2023-06-01T00:00:00Z'), ServiceName: 's3', Region: 'us-east-1' },
      },
      {
        metadata: { UserName: 'legacy-batch', AccessKeyId: 'AKIAEXAMPLE000000002', Status: 'Active' },
        lastUsed: { LastUsedDate: new Date('2024-05-21T00:00:00Z'), ServiceName: 's3', Region: 'us-east-1' },
      },
    ],
    mfaDevices: undefined,
  });
  t.true(batch.accessKeyEnabled);
  t.is(batch.accessKeyLastUsed, Date.parse('2024-05-21T00:00:00Z'));
  t.false(batch.mfaEnabled); // ListMFADevices unavailable: the report's mfa_active
  t.true(batch.active);
  t.is(batch.email, null);
  t.deepEqual(validateEntity(batch), []);

  // Without the report or the per-user calls the facts are unknown, not false.
  const unknown = convertUser({ accountId: ACCOUNT, detail: { UserName: 'x@acme.example', Arn: 'arn:aws:iam::222222222222:user/x@acme.example' } });
  t.is(unknown.mfaEnabled, undefined);
  t.is(unknown.accessKeyEnabled, undefined);
  t.is(unknown.active, undefined);
  t.deepEqual(unknown.email, ['x@acme.example']);
  t.deepEqual(unknown.shortLoginId, ['x']);
  t.deepEqual(validateEntity(unknown), []);
});

test('convertAccessKey and convertMfaDevice', (t) => {
  const key = convertAccessKey(
    {
      metadata: { UserName: 'legacy-batch', AccessKeyId: 'AKIAEXAMPLE000000002', Status: 'Active', CreateDate: new Date('2023-11-01T00:00:00Z') },
      lastUsed: { ServiceName: 'N/A', Region: 'N/A' },
    },
    ACCOUNT,
    'arn:aws:iam::222222222222:user/legacy-batch',
  );
  t.is(key._key, 'AKIAEXAMPLE000000002');
  t.true(key.active);
  t.is(key.status, 'Active');
  t.is(key.createdOn, Date.parse('2023-11-01T00:00:00Z'));
  t.is(key.lastUsedOn, undefined);
  t.is(key.lastUsedService, undefined);
  t.deepEqual(validateEntity(key), []);

  t.is(mfaDeviceType('arn:aws:iam::222222222222:mfa/dave'), 'virtual');
  t.is(mfaDeviceType('arn:aws:iam::222222222222:u2f/user/alice/yubikey-ABC'), 'fido');
  t.is(mfaDeviceType('GAHT12345678'), 'hardware');
  const hardware = convertMfaDevice({ UserName: 'bob', SerialNumber: 'GAHT12345678', EnableDate: new Date('2022-01-01T00:00:00Z') }, ACCOUNT);
  t.is(hardware._key, 'aws:222222222222:mfa-device:GAHT12345678');
  t.is(hardware.type, 'hardware');
  t.deepEqual(hardware._class, ['AccessKey']);
  t.deepEqual(validateEntity(hardware), []);
  t.is(
    convertMfaDevice({ UserName: 'dave', SerialNumber: 'arn:aws:iam::222222222222:mfa/dave', EnableDate: undefined }, ACCOUNT)._key,
    'arn:aws:iam::222222222222:mfa/dave',
  );
});

test('convertManagedPolicy keeps the default version document, marks admin and keys AWS-managed policies per account', (t) => {
  const restricted = encodePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codedeploy:*', Resource: '*' }] });
  const custom = convertManagedPolicy(
    {
      PolicyName: 'AppDeployment',
      PolicyId: 'ANPAEXAMPLE0000000001',
      Arn: 'arn:aws:iam::222222222222:policy/AppDeployment',
      Path: '/',
      DefaultVersionId: 'v2',
      AttachmentCount: 0,
      CreateDate: new Date('2020-08-01T10:00:00Z'),
      PolicyVersionList: [
        { VersionId: 'v1', IsDefaultVersion: false, Document: ENCODED_ADMIN },
        { VersionId: 'v2', IsDefaultVersion: true, Document: restricted },
      ],
    },
    ACCOUNT,
  );
  t.is(custom._key, 'arn:aws:iam::222222222222:policy/AppDeployment');
  t.is(custom.document, '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"codedeploy:*","Resource":"*"}]}');
  t.false(custom.admin);
  t.false(custom.vendorManaged);
  t.false(custom.inUse);
  t.is(custom.defaultVersionId, 'v2');
  t.deepEqual(validateEntity(custom), []);

  const admin = convertManagedPolicy(
    {
      PolicyName: 'AdministratorAccess',
      Arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      DefaultVersionId: 'v1',
      AttachmentCount: 3,
      PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: ENCODED_ADMIN }],
    },
    ACCOUNT,
  );
  t.is(admin._key, 'arn:aws:iam::aws:policy/AdministratorAccess@222222222222');
  t.is(admin.arn, 'arn:aws:iam::aws:policy/AdministratorAccess');
  t.true(admin.vendorManaged);
  t.true(admin.admin);
  t.true(admin.inUse);
  t.is(admin.attachmentCount, 3);
  t.is(policyKey('arn:aws:iam::aws:policy/AdministratorAccess', '111111111111'), 'arn:aws:iam::aws:policy/AdministratorAccess@111111111111');

  // An edge from a principal to an attached AWS-managed policy targets the account's own entity.
  const edge = principalHasManagedPolicy(
    { _key: 'arn:aws:iam::222222222222:user/dave', _type: 'aws_iam_user' },
    'arn:aws:iam::aws:policy/AdministratorAccess',
    ACCOUNT,
  );
  t.is(edge._toEntityKey, admin._key);
  t.is(edge._type, 'aws_iam_user_has_policy');
});

test('inline policies, groups, roles, password policy and SAML providers convert to valid entities', (t) => {
  const user = { kind: 'user' as const, arn: 'arn:aws:iam::222222222222:user/legacy-batch', name: 'legacy-batch' };
  const inline = convertInlinePolicy(user, { PolicyName: 'Export', PolicyDocument: ENCODED_ADMIN }, ACCOUNT);
  t.is(inline._key, 'arn:aws:iam::222222222222:user/legacy-batch:inline-policy/Export');
  t.is(inline._type, 'aws_iam_user_policy');
  t.true(inline.admin);
  t.is(inline.userName, 'legacy-batch');
  t.is(inline.document, decodePolicyDocument(ENCODED_ADMIN));
  t.deepEqual(validateEntity(inline), []);
  t.is(principalHasInlinePolicy('user', { _key: user.arn, _type: 'aws_iam_user' }, inline)._type, 'aws_iam_user_has_user_policy');

  const group = convertGroup(
    { GroupName: 'Developers', GroupId: 'AGPAEXAMPLE0000000001', Arn: 'arn:aws:iam::222222222222:group/Developers', Path: '/' },
    ACCOUNT,
  );
  t.deepEqual(group._class, ['UserGroup']);
  t.deepEqual(validateEntity(group), []);

  const trust = encodePolicyDocument({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::333333333333:role/ci-runner' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } },
      },
    ],
  });
  const role = convertRole(
    {
      RoleName: 'app-server',
      RoleId: 'AROAEXAMPLE0000000001',
      Arn: 'arn:aws:iam::222222222222:role/app-server',
      Path: '/',
      AssumeRolePolicyDocument: trust,
      InstanceProfileList: [
        {
          Path: '/',
          InstanceProfileName: 'app-server',
          InstanceProfileId: 'AIPA1',
          Arn: 'arn:aws:iam::222222222222:instance-profile/app-server',
          CreateDate: undefined,
          Roles: [],
        },
      ],
      RoleLastUsed: { LastUsedDate: new Date('2024-06-01T00:00:00Z'), Region: 'us-east-1' },
      Tags: [{ Key: 'Name', Value: 'Application servers' }],
    },
    ACCOUNT,
    {
      RoleName: 'app-server',
      Arn: 'arn:aws:iam::222222222222:role/app-server',
      Path: '/',
      RoleId: 'AROAEXAMPLE0000000001',
      CreateDate: undefined,
      MaxSessionDuration: 7200,
      Description: 'App',
    },
  );
  t.is(role.roleName, 'app-server');
  t.is(role.displayName, 'Application servers');
  t.is(role.maxSessionDuration, 7200);
  t.is(role.description, 'App');
  t.is(role.lastUsedOn, Date.parse('2024-06-01T00:00:00Z'));
  t.deepEqual(role.instanceProfileArns, ['arn:aws:iam::222222222222:instance-profile/app-server']);
  // The External ID is a shared secret: redacted, the condition kept.
  t.is(
    role.assumeRolePolicyDocument,
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:role/ci-runner"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"<redacted>"}}}]}',
  );
  t.false(role.serviceLinked);
  t.deepEqual(validateEntity(role), []);

  const weak = convertPasswordPolicy({ MinimumPasswordLength: 8, RequireNumbers: true, AllowUsersToChangePassword: true }, '333333333333');
  t.is(weak.minLength, 8);
  t.false(weak.requireSymbols === true);
  t.is(weak.historyCount, 0);
  t.is(weak.maxAgeDays, 0);
  t.false(weak.preventReset);
  t.deepEqual(validateEntity(weak), []);

  const saml = convertSamlProvider(
    { Arn: 'arn:aws:iam::111111111111:saml-provider/okta', CreateDate: new Date('2020-06-15T10:00:00Z'), ValidUntil: new Date('2120-06-15T10:00:00Z') },
    '111111111111',
  );
  t.is(saml.name, 'okta');
  t.deepEqual(saml._class, ['Service']);
  t.deepEqual(validateEntity(saml), []);
});

test('rootUserFacts reads the <root_account> row; the report stands in for the summary only when it is missing', (t) => {
  const [root] = parseCredentialReport(REPORT);
  t.deepEqual(rootUserFacts(root, false, true), {
    mfaEnabled: undefined,
    rootUserAccessKeyEnabled: true,
    rootUserAccessKeyLastUsed: Date.parse('2024-01-03T00:00:00Z'),
    rootUserPasswordLastUsed: Date.parse('2024-05-01T08:15:00Z'),
    rootUserCertificatesActive: false,
    rootUserHardwareMfaEnabled: true,
  });
  const fallback = rootUserFacts(root, undefined, undefined);
  t.false(fallback.mfaEnabled);
  t.false(fallback.rootUserHardwareMfaEnabled);
  t.is(rootUserFacts(undefined, true, true).rootUserHardwareMfaEnabled, false);
  t.is(rootUserFacts(undefined, undefined, true).rootUserHardwareMfaEnabled, undefined);
});
