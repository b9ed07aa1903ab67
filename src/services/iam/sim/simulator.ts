import { createHash } from 'node:crypto';
import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  type AccessKeyLastUsed,
  type AccessKeyMetadata,
  type AttachedPermissionsBoundary,
  type AttachedPolicy,
  type GenerateCredentialReportCommandInput,
  type GenerateCredentialReportCommandOutput,
  type GetAccessKeyLastUsedCommandInput,
  type GetAccessKeyLastUsedCommandOutput,
  type GetAccountAuthorizationDetailsCommandInput,
  type GetAccountAuthorizationDetailsCommandOutput,
  type GetAccountPasswordPolicyCommandInput,
  type GetAccountPasswordPolicyCommandOutput,
  type GetAccountSummaryCommandInput,
  type GetAccountSummaryCommandOutput,
  type GetCredentialReportCommandInput,
  type GetCredentialReportCommandOutput,
  type GroupDetail,
  type InstanceProfile,
  type ListAccessKeysCommandInput,
  type ListAccessKeysCommandOutput,
  type ListAccountAliasesCommandInput,
  type ListAccountAliasesCommandOutput,
  type ListMFADevicesCommandInput,
  type ListMFADevicesCommandOutput,
  type ListRolesCommandInput,
  type ListRolesCommandOutput,
  type ListSAMLProvidersCommandInput,
  type ListSAMLProvidersCommandOutput,
  type ListServerCertificatesCommandInput,
  type ListServerCertificatesCommandOutput,
  type ListVirtualMFADevicesCommandInput,
  type ListVirtualMFADevicesCommandOutput,
  type LoginProfile,
  type ManagedPolicyDetail,
  type MFADevice,
  type PasswordPolicy,
  type Role,
  type RoleDetail,
  type RoleLastUsed,
  type SAMLProviderListEntry,
  type ServerCertificateMetadata,
  type SummaryKeyType,
  type Tag,
  type UserDetail,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { ServiceException } from '@smithy/smithy-client';
import { encodePolicyDocument, policyDocumentSchema, type PolicyDocument } from '../../../policy/document';
import { collection, custom, defineSimulatedService, list, type InWorld, type JsonSchema } from '../../../sim/service-kit';
import type { GenerateInput, SimCallContext, World, WorldAccount } from '../../../sim/types';
import { daysAgo, WORLD_DATE_SCHEMA, worldDate } from '../../../sim/world-date';
import { AWS_MANAGED_POLICIES, awsManagedPolicyArn, findAwsManagedPolicy, type AwsManagedPolicy } from './aws-managed-policies';
import { CREDENTIAL_REPORT_COLUMNS, ROOT_ACCOUNT_USER } from '../credential-report';

// ---------------------------------------------------------------------------------------------
// The world section `global.iam`: records in the SDK's output shapes

/**
 * Every date member is a world date: ISO 8601, or `"<N> days ago"` (src/sim/world-date.ts). Ids
 * (`UserId`, `AccessKeyId`, ...) and ARNs may be left out: the simulator derives stable ones.
 * Policy documents are written as YAML and served as the URL-encoded JSON IAM returns.
 */

/** An inline policy (`UserPolicyList`, `GroupPolicyList`, `RolePolicyList` entries). */
export interface WorldIamInlinePolicy {
  PolicyName: string;
  PolicyDocument: PolicyDocument;
}

/**
 * A managed policy attachment: `PolicyName` (a policy of the account's `policies`, else a known
 * AWS-managed policy) or `PolicyArn`.
 */
export type WorldIamAttachedPolicy = AttachedPolicy;

/** An access key: its ListAccessKeys entry and its GetAccessKeyLastUsed answer. */
export interface WorldIamAccessKey extends Partial<InWorld<Omit<AccessKeyMetadata, 'UserName'>>> {
  AccessKeyLastUsed?: Partial<InWorld<AccessKeyLastUsed>>;
}

/**
 * An MFA device (ListMFADevices entry). `SerialNumber`: a virtual device's ARN (`...:mfa/<name>`),
 * a FIDO key's (`...:u2f/...`) or a hardware token's serial; absent, a virtual device named after
 * the user (`-2`, `-3`, ... for further ones).
 */
export type WorldIamMfaDevice = Partial<InWorld<Omit<MFADevice, 'UserName'>>>;

interface WorldIamPrincipal {
  Path?: string;
  CreateDate?: string;
  AttachedManagedPolicies?: WorldIamAttachedPolicy[];
  PermissionsBoundary?: AttachedPermissionsBoundary;
}

/** A user: its UserDetail (GetAccountAuthorizationDetails) and the members of its own calls. */
export interface WorldIamUser extends WorldIamPrincipal, Partial<Pick<UserDetail, 'UserId' | 'GroupList'>> {
  UserName: string;
  Tags?: Tag[];
  UserPolicyList?: WorldIamInlinePolicy[];
  /** GetUser's `PasswordLastUsed`. */
  PasswordLastUsed?: string;
  /** GetLoginProfile: a console password, set (last changed) at `CreateDate` (default the user's). */
  LoginProfile?: Partial<InWorld<Omit<LoginProfile, 'UserName'>>>;
  /** ListAccessKeys' `AccessKeyMetadata` (AWS allows two). */
  AccessKeyMetadata?: WorldIamAccessKey[];
  /** ListMFADevices' `MFADevices`. */
  MFADevices?: WorldIamMfaDevice[];
}

export interface WorldIamGroup extends WorldIamPrincipal, Partial<Pick<GroupDetail, 'GroupId'>> {
  GroupName: string;
  GroupPolicyList?: WorldIamInlinePolicy[];
}

export interface WorldIamRole extends WorldIamPrincipal, Partial<Pick<Role, 'RoleId' | 'Description' | 'MaxSessionDuration'>> {
  RoleName: string;
  /** The trust policy. */
  AssumeRolePolicyDocument: PolicyDocument;
  RolePolicyList?: WorldIamInlinePolicy[];
  Tags?: Tag[];
  RoleLastUsed?: Partial<InWorld<RoleLastUsed>>;
  /** The role's instance profiles, by name. */
  InstanceProfileList?: Array<{ InstanceProfileName: string }>;
}

/** A policy version: `Document` as YAML; `VersionId` v1, v2, ... by position when absent. */
export interface WorldIamPolicyVersion {
  Document: PolicyDocument;
  VersionId?: string;
  /** The default version (the last one when none says so). */
  IsDefaultVersion?: boolean;
  /** Default: the policy's `UpdateDate` for the default version, its `CreateDate` for the others. */
  CreateDate?: string;
}

/** A customer managed policy: its ManagedPolicyDetail (counts and ids derived). */
export interface WorldIamPolicy extends Partial<InWorld<Pick<ManagedPolicyDetail, 'PolicyId' | 'Path' | 'Description' | 'CreateDate' | 'UpdateDate'>>> {
  PolicyName: string;
  PolicyVersionList: WorldIamPolicyVersion[];
}

/** A SAML provider (ListSAMLProviders entry); `ValidUntil` defaults to 100 years after creation. */
export type WorldIamSamlProvider = Partial<InWorld<SAMLProviderListEntry>> & { Arn: string };

/** A TLS certificate uploaded to IAM (ListServerCertificates entry; id and ARN derived). */
export type WorldIamServerCertificate = Partial<InWorld<ServerCertificateMetadata>> & { ServerCertificateName: string; Expiration: string };

/**
 * The root user, as the credential report and the account summary see it (in User member names).
 * `MFADevices`: a device without `SerialNumber` is virtual (`...:mfa/root-account-mfa-device`).
 */
export interface WorldIamRoot {
  CreateDate?: string;
  PasswordLastUsed?: string;
  AccessKeyMetadata?: WorldIamAccessKey[];
  MFADevices?: WorldIamMfaDevice[];
}

export interface WorldIam {
  /** ListAccountAliases' `AccountAliases` (at most one). */
  AccountAliases?: string[];
  /** GetAccountPasswordPolicy's `PasswordPolicy` (`ExpirePasswords` follows `MaxPasswordAge`); none when absent. */
  PasswordPolicy?: Omit<PasswordPolicy, 'ExpirePasswords'>;
  root?: WorldIamRoot;
  /**
   * Simulator state, not AWS data: hours since the account's last credential report was generated
   * (by another tool, or the last run); none exists when absent. AWS keeps a report 4 hours.
   */
  credentialReportAgeHours?: number;
  users?: WorldIamUser[];
  groups?: WorldIamGroup[];
  roles?: WorldIamRole[];
  policies?: WorldIamPolicy[];
  samlProviders?: WorldIamSamlProvider[];
  serverCertificates?: WorldIamServerCertificate[];
}

const DATE = WORLD_DATE_SCHEMA;
const PATH = { type: 'string', pattern: '^/([\\x21-\\x7E]*/)?$', maxLength: 512 };
const NAME = (max: number) => ({ type: 'string', pattern: `^[\\w+=,.@-]{1,${max}}$` });
const ARN = { type: 'string', pattern: '^arn:aws:iam::(aws|\\d{12}):' };
const REGION = { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' };
const TAGS = {
  type: 'array',
  maxItems: 50,
  items: { type: 'object', required: ['Key', 'Value'], additionalProperties: false, properties: { Key: NAME(128), Value: { type: 'string', maxLength: 256 } } },
};
const DOCUMENT = policyDocumentSchema({ identity: true });
const object = (properties: Record<string, JsonSchema>, required: string[] = []) => ({ type: 'object', additionalProperties: false, required, properties });

const INLINE_POLICIES = { type: 'array', items: object({ PolicyName: NAME(128), PolicyDocument: DOCUMENT }, ['PolicyName', 'PolicyDocument']) };
const ACCESS_KEYS = {
  type: 'array',
  maxItems: 2,
  items: object({
    AccessKeyId: { type: 'string', pattern: '^AKIA[A-Z0-9]{16}$' },
    Status: { enum: ['Active', 'Inactive'] },
    CreateDate: DATE,
    AccessKeyLastUsed: object({ LastUsedDate: DATE, ServiceName: { type: 'string', pattern: '^[a-z0-9-]+$' }, Region: REGION }),
  }),
};
const MFA_DEVICES = { type: 'array', maxItems: 8, items: object({ SerialNumber: { type: 'string', pattern: '^[\\w+=/:,.@-]{9,256}$' }, EnableDate: DATE }) };
const ATTACHED = { type: 'array', maxItems: 20, items: object({ PolicyName: NAME(128), PolicyArn: ARN }) };
const PRINCIPAL = {
  Path: PATH,
  CreateDate: DATE,
  AttachedManagedPolicies: ATTACHED,
  PermissionsBoundary: object({ PermissionsBoundaryType: { const: 'PermissionsBoundaryPolicy' }, PermissionsBoundaryArn: ARN }, ['PermissionsBoundaryArn']),
};
const ID = (prefix: string) => ({ type: 'string', pattern: `^${prefix}[A-Z0-9]{17}$` });

/** A user, group or role name IAM does not have (HTTP 404). */
const noSuchEntity = (kind: string) => ({ error: 'NoSuchEntityException', message: (name: string) => `The ${kind} with name ${name} cannot be found.` });

const collections = {
  users: collection<WorldIamUser>({
    id: 'UserName',
    closed: true,
    notFound: noSuchEntity('user'),
    fields: {
      ...PRINCIPAL,
      UserName: NAME(64),
      UserId: ID('AIDA'),
      Tags: TAGS,
      UserPolicyList: INLINE_POLICIES,
      GroupList: { type: 'array', maxItems: 10, items: NAME(128) },
      PasswordLastUsed: DATE,
      LoginProfile: object({ CreateDate: DATE, PasswordResetRequired: { type: 'boolean' } }),
      AccessKeyMetadata: ACCESS_KEYS,
      MFADevices: MFA_DEVICES,
    },
  }),
  groups: collection<WorldIamGroup>({
    id: 'GroupName',
    closed: true,
    notFound: noSuchEntity('group'),
    fields: { ...PRINCIPAL, GroupName: NAME(128), GroupId: ID('AGPA'), GroupPolicyList: INLINE_POLICIES },
  }),
  roles: collection<WorldIamRole>({
    id: 'RoleName',
    closed: true,
    required: ['AssumeRolePolicyDocument'],
    notFound: noSuchEntity('role'),
    fields: {
      ...PRINCIPAL,
      RoleName: NAME(64),
      RoleId: ID('AROA'),
      Description: { type: 'string', maxLength: 1000 },
      AssumeRolePolicyDocument: DOCUMENT,
      RolePolicyList: INLINE_POLICIES,
      MaxSessionDuration: { type: 'integer', minimum: 3600, maximum: 43200 },
      RoleLastUsed: object({ LastUsedDate: DATE, Region: REGION }),
      InstanceProfileList: { type: 'array', maxItems: 1, items: object({ InstanceProfileName: NAME(128) }, ['InstanceProfileName']) },
      Tags: TAGS,
    },
  }),
  policies: collection<WorldIamPolicy>({
    id: 'PolicyName',
    closed: true,
    required: ['PolicyVersionList'],
    notFound: noSuchEntity('policy'),
    fields: {
      PolicyName: NAME(128),
      PolicyId: ID('ANPA'),
      Path: PATH,
      Description: { type: 'string', maxLength: 1000 },
      CreateDate: DATE,
      UpdateDate: DATE,
      PolicyVersionList: {
        type: 'array',
        minItems: 1,
        maxItems: 5,
        items: object({ Document: DOCUMENT, VersionId: { type: 'string', pattern: '^v\\d+$' }, IsDefaultVersion: { type: 'boolean' }, CreateDate: DATE }, [
          'Document',
        ]),
      },
    },
  }),
  serverCertificates: collection<WorldIamServerCertificate>({
    id: 'ServerCertificateName',
    closed: true,
    required: ['Expiration'],
    notFound: noSuchEntity('server certificate'),
    fields: { ServerCertificateName: NAME(128), Path: { type: 'string', pattern: '^/([\\w+=,.@-]+/)*$' }, UploadDate: DATE, Expiration: DATE },
  }),
  samlProviders: collection<WorldIamSamlProvider>({
    id: 'Arn',
    closed: true,
    notFound: { error: 'NoSuchEntityException', message: (arn) => `SAMLProvider ${arn} does not exist.` },
    fields: { Arn: { type: 'string', pattern: '^arn:aws:iam::\\d{12}:saml-provider/[\\w._-]{1,128}$' } },
    dates: ['CreateDate', 'ValidUntil'],
    // IAM's answer for what the world leaves out: a metadata document valid for 100 years.
    derive: ({ CreateDate = DEFAULT_CREATED, ValidUntil }) => ({
      CreateDate,
      ValidUntil: ValidUntil ?? new Date(worldDate(CreateDate).getTime() + 100 * 365 * DAY_MS).toISOString(),
    }),
  }),
};

const sectionFields = {
  AccountAliases: { type: 'array', maxItems: 1, items: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{1,61})[a-z0-9]$' } },
  root: object({ CreateDate: DATE, PasswordLastUsed: DATE, AccessKeyMetadata: ACCESS_KEYS, MFADevices: { ...MFA_DEVICES, maxItems: 1 } }),
  credentialReportAgeHours: { type: 'number', minimum: 0 },
  PasswordPolicy: object({
    MinimumPasswordLength: { type: 'integer', minimum: 6, maximum: 128 },
    RequireSymbols: { type: 'boolean' },
    RequireNumbers: { type: 'boolean' },
    RequireUppercaseCharacters: { type: 'boolean' },
    RequireLowercaseCharacters: { type: 'boolean' },
    AllowUsersToChangePassword: { type: 'boolean' },
    MaxPasswordAge: { type: 'integer', minimum: 1, maximum: 1095 },
    PasswordReusePrevention: { type: 'integer', minimum: 1, maximum: 24 },
    HardExpiry: { type: 'boolean' },
  }),
};

// ---------------------------------------------------------------------------------------------
// The account's IAM as AWS would describe it, resolved once per world section

const DAY_MS = 86_400_000;
const DEFAULT_CREATED = '2021-01-04T09:00:00Z';

const dateOf = (value: string | undefined): Date | undefined => (value === undefined ? undefined : worldDate(value));

/** Stable IAM-style unique id (`AIDA` + 17 characters) from the resource's identity. */
function stableId(prefix: string, length: number, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = '';
  for (let index = 0; id.length < length; index++) id += alphabet[digest[index % digest.length] % 32];
  return `${prefix}${id}`;
}

/** A hardware TOTP token's serial number, e.g. `GAHT12345678`. */
export function hardwareSerial(...parts: Array<string | number>): string {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  return `GAHT${String(digest.readUInt32BE(0) % 100_000_000).padStart(8, '0')}`;
}

/** A FIDO security key's serial (an ARN with a stable suffix), as IAM names them. */
export function fidoSerial(accountId: string, userName: string, keyName: string, index: number): string {
  return `arn:aws:iam::${accountId}:u2f/user/${userName}/${keyName}-${stableId('', 26, accountId, userName, String(index))}`;
}

/** An access key as ListAccessKeys lists it, with its GetAccessKeyLastUsed answer when it was used. */
interface ResolvedKey {
  AccessKeyId: string;
  Status: 'Active' | 'Inactive';
  CreateDate: Date;
  lastUsed?: AccessKeyLastUsed;
}

interface ResolvedMfa {
  serial: string;
  type: 'virtual' | 'hardware' | 'fido';
  enabled: Date;
}

interface ResolvedUser {
  world: WorldIamUser;
  detail: UserDetail & { UserName: string; Arn: string; UserId: string; Path: string; CreateDate: Date };
  passwordLastUsed?: Date;
  passwordLastChanged?: Date;
  keys: ResolvedKey[];
  mfa: ResolvedMfa[];
}

interface ResolvedRole {
  world: WorldIamRole;
  role: Role & { RoleName: string; Path: string; CreateDate: Date };
  detail: RoleDetail;
}

interface ResolvedPolicy {
  detail: ManagedPolicyDetail & { PolicyName: string; Arn: string };
  awsManaged: boolean;
  attachments: number;
  boundaryUses: number;
}

interface IamModel {
  accountId: string;
  users: ResolvedUser[];
  groups: GroupDetail[];
  roles: ResolvedRole[];
  /** Customer-managed policies, then every AWS-managed policy the simulator knows. */
  policies: ResolvedPolicy[];
  rootCreated: Date;
  rootMfa: ResolvedMfa[];
  rootKeys: ResolvedKey[];
  rootPasswordLastUsed?: Date;
}

/** A world that refers to something it does not define (a policy or group name). */
export class IamWorldReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IamWorldReferenceError';
  }
}

const models = new WeakMap<WorldIam, IamModel>();

function resolveKeys(keys: WorldIamAccessKey[] | undefined, accountId: string, owner: string): ResolvedKey[] {
  return (keys ?? []).map((key, index) => {
    const lastUsed = key.AccessKeyLastUsed;
    return {
      AccessKeyId: key.AccessKeyId ?? stableId('AKIA', 16, accountId, owner, 'key', String(index)),
      Status: key.Status === 'Inactive' ? 'Inactive' : 'Active',
      CreateDate: worldDate(key.CreateDate ?? DEFAULT_CREATED),
      lastUsed: lastUsed?.LastUsedDate
        ? { LastUsedDate: worldDate(lastUsed.LastUsedDate), ServiceName: lastUsed.ServiceName ?? 'sts', Region: lastUsed.Region ?? 'us-east-1' }
        : undefined,
    };
  });
}

/** An MFA device's kind, from its serial number. */
function resolveMfa(devices: WorldIamMfaDevice[] | undefined, defaultSerial: (index: number) => string, fallback: Date): ResolvedMfa[] {
  return (devices ?? []).map((device, index) => {
    const serial = device.SerialNumber ?? defaultSerial(index);
    const type = !serial.startsWith('arn:') ? 'hardware' : serial.includes(':u2f/') ? 'fido' : 'virtual';
    return { serial, type, enabled: dateOf(device.EnableDate) ?? fallback };
  });
}

function inline(policies: WorldIamInlinePolicy[] | undefined) {
  return (policies ?? []).map((policy) => ({ PolicyName: policy.PolicyName, PolicyDocument: encodePolicyDocument(policy.PolicyDocument) }));
}

function buildModel(section: WorldIam, account: WorldAccount): IamModel {
  const accountId = account.id;
  const where = `accounts[${accountId}].global.iam`;
  const arnOf = (kind: string, path: string | undefined, name: string) => `arn:aws:iam::${accountId}:${kind}${path ?? '/'}${name}`;
  const customer = new Map<string, ResolvedPolicy>();
  for (const policy of section.policies ?? []) {
    const created = worldDate(policy.CreateDate ?? DEFAULT_CREATED);
    const updated = dateOf(policy.UpdateDate) ?? created;
    const versions = policy.PolicyVersionList;
    const marked = versions.findIndex((version) => version.IsDefaultVersion);
    const defaultIndex = marked >= 0 ? marked : versions.length - 1;
    const versionId = (index: number) => versions[index].VersionId ?? `v${index + 1}`;
    customer.set(policy.PolicyName, {
      detail: {
        PolicyName: policy.PolicyName,
        PolicyId: policy.PolicyId ?? stableId('ANPA', 17, accountId, 'policy', policy.PolicyName),
        Arn: arnOf('policy', policy.Path, policy.PolicyName),
        Path: policy.Path ?? '/',
        DefaultVersionId: versionId(defaultIndex),
        IsAttachable: true,
        Description: policy.Description,
        CreateDate: created,
        UpdateDate: updated,
        PolicyVersionList: versions.map((version, index) => ({
          Document: encodePolicyDocument(version.Document),
          VersionId: versionId(index),
          IsDefaultVersion: index === defaultIndex,
          CreateDate: dateOf(version.CreateDate) ?? (index === defaultIndex ? updated : created),
        })),
      },
      awsManaged: false,
      attachments: 0,
      boundaryUses: 0,
    });
  }
  const awsManaged = new Map<string, ResolvedPolicy>(
    AWS_MANAGED_POLICIES.map((policy: AwsManagedPolicy) => {
      const arn = awsManagedPolicyArn(policy);
      const updated = new Date(policy.updatedAt);
      const detail = {
        PolicyName: policy.name,
        PolicyId: stableId('ANPA', 17, 'aws', policy.name),
        Arn: arn,
        Path: policy.path,
        DefaultVersionId: `v${policy.version}`,
        IsAttachable: true,
        Description: policy.description,
        CreateDate: new Date(policy.createdAt),
        UpdateDate: updated,
        // AWS lists every version; for AWS-managed policies only the default one is kept here.
        PolicyVersionList: [{ Document: encodePolicyDocument(policy.document), VersionId: `v${policy.version}`, IsDefaultVersion: true, CreateDate: updated }],
      };
      return [arn, { detail, awsManaged: true, attachments: 0, boundaryUses: 0 }];
    }),
  );
  const resolvePolicy = (reference: AttachedPolicy, owner: string): ResolvedPolicy => {
    const name = reference.PolicyArn ?? reference.PolicyName ?? '';
    const known = findAwsManagedPolicy(name);
    const found =
      customer.get(name) ?? [...customer.values()].find((p) => p.detail.Arn === name) ?? (known ? awsManaged.get(awsManagedPolicyArn(known)) : undefined);
    if (!found) {
      throw new IamWorldReferenceError(
        `${where}.${owner}: unknown policy "${name}" (neither a policy of the account's "policies" nor a known AWS-managed policy: ${AWS_MANAGED_POLICIES.map((p) => p.name).join(', ')})`,
      );
    }
    return found;
  };
  const attach = (references: AttachedPolicy[] | undefined, owner: string): AttachedPolicy[] =>
    (references ?? []).map((reference, index) => {
      const policy = resolvePolicy(reference, `${owner}[${index}]`);
      policy.attachments++;
      return { PolicyArn: policy.detail.Arn, PolicyName: policy.detail.PolicyName };
    });
  const boundary = (reference: AttachedPermissionsBoundary | undefined, owner: string): AttachedPermissionsBoundary | undefined => {
    if (!reference) return undefined;
    const policy = resolvePolicy({ PolicyArn: reference.PermissionsBoundaryArn }, owner);
    policy.boundaryUses++;
    return { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: policy.detail.Arn };
  };
  const tags = (list: Tag[] | undefined) => (list?.length ? list : undefined);

  const groups = (section.groups ?? []).map((group, index): GroupDetail => ({
    Path: group.Path ?? '/',
    GroupName: group.GroupName,
    GroupId: group.GroupId ?? stableId('AGPA', 17, accountId, 'group', group.GroupName),
    Arn: arnOf('group', group.Path, group.GroupName),
    CreateDate: worldDate(group.CreateDate ?? DEFAULT_CREATED),
    GroupPolicyList: inline(group.GroupPolicyList),
    AttachedManagedPolicies: attach(group.AttachedManagedPolicies, `groups[${index}] (${group.GroupName}).AttachedManagedPolicies`),
  }));
  const groupNames = new Set(groups.map((group) => group.GroupName));

  const users = (section.users ?? []).map((user, index): ResolvedUser => {
    const name = user.UserName;
    const owner = `users[${index}] (${name})`;
    for (const group of user.GroupList ?? []) {
      if (!groupNames.has(group)) throw new IamWorldReferenceError(`${where}.${owner}.GroupList: unknown group "${group}"`);
    }
    const created = worldDate(user.CreateDate ?? DEFAULT_CREATED);
    const password = user.LoginProfile !== undefined;
    return {
      world: user,
      detail: {
        Path: user.Path ?? '/',
        UserName: name,
        UserId: user.UserId ?? stableId('AIDA', 17, accountId, 'user', name),
        Arn: arnOf('user', user.Path, name),
        CreateDate: created,
        UserPolicyList: inline(user.UserPolicyList),
        GroupList: [...(user.GroupList ?? [])],
        AttachedManagedPolicies: attach(user.AttachedManagedPolicies, `${owner}.AttachedManagedPolicies`),
        PermissionsBoundary: boundary(user.PermissionsBoundary, `${owner}.PermissionsBoundary`),
        Tags: tags(user.Tags),
      },
      passwordLastUsed: password ? dateOf(user.PasswordLastUsed) : undefined,
      passwordLastChanged: password ? (dateOf(user.LoginProfile?.CreateDate) ?? created) : undefined,
      keys: resolveKeys(user.AccessKeyMetadata, accountId, name),
      mfa: resolveMfa(user.MFADevices, (n) => `arn:aws:iam::${accountId}:mfa/${n === 0 ? name : `${name}-${n + 1}`}`, created),
    };
  });

  const roles = (section.roles ?? []).map((world, index): ResolvedRole => {
    const owner = `roles[${index}] (${world.RoleName})`;
    const role = {
      Path: world.Path ?? '/',
      RoleName: world.RoleName,
      RoleId: world.RoleId ?? stableId('AROA', 17, accountId, 'role', world.RoleName),
      Arn: arnOf('role', world.Path, world.RoleName),
      CreateDate: worldDate(world.CreateDate ?? DEFAULT_CREATED),
      AssumeRolePolicyDocument: encodePolicyDocument(world.AssumeRolePolicyDocument),
      Description: world.Description,
      MaxSessionDuration: world.MaxSessionDuration ?? 3600,
    };
    const profiles = (world.InstanceProfileList ?? []).map(({ InstanceProfileName: profile }): InstanceProfile => ({
      Path: '/',
      InstanceProfileName: profile,
      InstanceProfileId: stableId('AIPA', 17, accountId, 'instance-profile', profile),
      Arn: `arn:aws:iam::${accountId}:instance-profile/${profile}`,
      CreateDate: role.CreateDate,
      Roles: [role],
    }));
    const lastUsed = dateOf(world.RoleLastUsed?.LastUsedDate);
    const detail: RoleDetail = {
      Path: role.Path,
      RoleName: role.RoleName,
      RoleId: role.RoleId,
      Arn: role.Arn,
      CreateDate: role.CreateDate,
      AssumeRolePolicyDocument: role.AssumeRolePolicyDocument,
      InstanceProfileList: profiles,
      RolePolicyList: inline(world.RolePolicyList),
      AttachedManagedPolicies: attach(world.AttachedManagedPolicies, `${owner}.AttachedManagedPolicies`),
      PermissionsBoundary: boundary(world.PermissionsBoundary, `${owner}.PermissionsBoundary`),
      Tags: tags(world.Tags),
      RoleLastUsed: lastUsed ? { LastUsedDate: lastUsed, Region: world.RoleLastUsed?.Region ?? 'us-east-1' } : {},
    };
    return { world, role, detail };
  });

  const rootCreated = worldDate(section.root?.CreateDate ?? account.joinedAt ?? '2020-01-01T00:00:00Z');
  return {
    accountId,
    users,
    groups,
    roles,
    policies: [...customer.values(), ...awsManaged.values()],
    rootCreated,
    rootMfa: resolveMfa(section.root?.MFADevices, () => `arn:aws:iam::${accountId}:mfa/root-account-mfa-device`, rootCreated),
    rootKeys: resolveKeys(section.root?.AccessKeyMetadata, accountId, '<root>'),
    rootPasswordLastUsed: dateOf(section.root?.PasswordLastUsed),
  };
}

const EMPTY: WorldIam = {};

function sectionOf(context: SimCallContext): WorldIam {
  return context.section<WorldIam>() ?? EMPTY;
}

function model(context: SimCallContext): IamModel {
  const section = sectionOf(context);
  // Sections without IAM data still differ per account (ids, root creation date): not cached.
  if (section === EMPTY) return buildModel(section, context.account);
  let resolved = models.get(section);
  if (!resolved || resolved.accountId !== context.account.id) models.set(section, (resolved = buildModel(section, context.account)));
  return resolved;
}

function policyDetail(policy: ResolvedPolicy): ManagedPolicyDetail {
  return { ...policy.detail, AttachmentCount: policy.attachments, PermissionsBoundaryUsageCount: policy.boundaryUses };
}

function findUser(context: SimCallContext, userName: string | undefined): ResolvedUser {
  if (!userName) {
    throw new ServiceException({
      name: 'ValidationError',
      message: 'Must specify userName when calling with non-User credentials',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  }
  const user = model(context).users.find((u) => u.detail.UserName === userName);
  if (!user) return context.notFound('NoSuchEntityException', `The user with name ${userName} cannot be found.`);
  return user;
}
// ---------------------------------------------------------------------------------------------
// Credential report

/** `2024-05-01T10:00:00+00:00`, the report's date format. */
function reportDate(date: Date | undefined, none = 'N/A'): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, '+00:00') : none;
}

function keyColumns(keys: ResolvedKey[]): string[] {
  const columns: string[] = [];
  for (const key of [keys[0], keys[1]]) {
    columns.push(
      key ? String(key.Status === 'Active') : 'false',
      reportDate(key?.CreateDate),
      reportDate(key?.lastUsed?.LastUsedDate),
      key?.lastUsed?.Region ?? 'N/A',
      key?.lastUsed?.ServiceName ?? 'N/A',
    );
  }
  return columns;
}

/** The credential report of an account, in AWS's CSV format. */
function credentialReportCsv(iam: IamModel, passwordPolicy: WorldIam['PasswordPolicy']): string {
  const rows: string[][] = [
    [
      ROOT_ACCOUNT_USER,
      `arn:aws:iam::${iam.accountId}:root`,
      reportDate(iam.rootCreated),
      'not_supported',
      reportDate(iam.rootPasswordLastUsed, 'no_information'),
      'not_supported',
      'not_supported',
      String(iam.rootMfa.length > 0),
      ...keyColumns(iam.rootKeys),
      'false',
      'N/A',
      'false',
      'N/A',
    ],
  ];
  for (const user of iam.users) {
    const password = user.world.LoginProfile !== undefined;
    const nextRotation =
      password && passwordPolicy?.MaxPasswordAge && user.passwordLastChanged
        ? new Date(user.passwordLastChanged.getTime() + passwordPolicy.MaxPasswordAge * DAY_MS)
        : undefined;
    rows.push([
      user.detail.UserName,
      user.detail.Arn,
      reportDate(user.detail.CreateDate),
      String(password),
      password ? reportDate(user.passwordLastUsed, 'no_information') : 'N/A',
      password ? reportDate(user.passwordLastChanged) : 'N/A',
      reportDate(nextRotation),
      String(user.mfa.length > 0),
      ...keyColumns(user.keys),
      'false',
      'N/A',
      'false',
      'N/A',
    ]);
  }
  return [CREDENTIAL_REPORT_COLUMNS.join(','), ...rows.map((row) => row.join(','))].join('\n');
}

/** Report generation per world and account: STARTED on the first request, COMPLETE on the next. */
const reports = new WeakMap<World, Map<string, { state: 'STARTED' | 'COMPLETE'; generatedAt?: Date }>>();

const REPORT_LIFETIME_MS = 4 * 60 * 60 * 1000;

/** The account's credential report: one the world says exists already, or one this simulation generated. */
function reportState(context: SimCallContext): Map<string, { state: 'STARTED' | 'COMPLETE'; generatedAt?: Date }> {
  let states = reports.get(context.world);
  if (!states) reports.set(context.world, (states = new Map()));
  const ageHours = sectionOf(context).credentialReportAgeHours;
  if (!states.has(context.account.id) && ageHours !== undefined) {
    states.set(context.account.id, { state: 'COMPLETE', generatedAt: new Date(context.now() - ageHours * 60 * 60 * 1000) });
  }
  return states;
}

// ---------------------------------------------------------------------------------------------
// Handlers

const ALL_TYPES = ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'];

type AuthorizationItem =
  | { kind: 'user'; value: ResolvedUser }
  | { kind: 'group'; value: GroupDetail }
  | { kind: 'role'; value: ResolvedRole }
  | { kind: 'policy'; value: ResolvedPolicy };

/** Virtual MFA devices of the root user and the users, all assigned. */
function virtualMfaDevices(iam: IamModel): VirtualMFADevice[] {
  const devices: VirtualMFADevice[] = [];
  if (iam.rootMfa[0]?.type === 'virtual') {
    devices.push({
      SerialNumber: iam.rootMfa[0].serial,
      User: { Path: '', UserName: '', UserId: iam.accountId, Arn: `arn:aws:iam::${iam.accountId}:root`, CreateDate: iam.rootCreated },
      EnableDate: iam.rootCreated,
    });
  }
  for (const user of iam.users) {
    for (const device of user.mfa.filter((d) => d.type === 'virtual')) {
      devices.push({
        SerialNumber: device.serial,
        User: { Path: user.detail.Path, UserName: user.detail.UserName, UserId: user.detail.UserId, Arn: user.detail.Arn, CreateDate: user.detail.CreateDate },
        EnableDate: device.enabled,
      });
    }
  }
  return devices;
}

/** GetAccountSummary's counts and IAM's default quotas. */
function accountSummary(iam: IamModel, section: WorldIam): Partial<Record<SummaryKeyType, number>> {
  const mfaDevices = iam.users.reduce((sum, user) => sum + user.mfa.length, 0) + iam.rootMfa.length;
  return {
    Users: iam.users.length,
    UsersQuota: 5000,
    Groups: iam.groups.length,
    GroupsQuota: 300,
    Roles: iam.roles.length,
    RolesQuota: 1000,
    Policies: iam.policies.filter((p) => !p.awsManaged).length,
    PoliciesQuota: 1500,
    InstanceProfiles: iam.roles.reduce((sum, r) => sum + (r.detail.InstanceProfileList?.length ?? 0), 0),
    InstanceProfilesQuota: 1000,
    Providers: section.samlProviders?.length ?? 0,
    MFADevices: mfaDevices,
    MFADevicesInUse: mfaDevices,
    AccountMFAEnabled: iam.rootMfa.length ? 1 : 0,
    AccountAccessKeysPresent: iam.rootKeys.length ? 1 : 0,
    AccountSigningCertificatesPresent: 0,
    ServerCertificates: section.serverCertificates?.length ?? 0,
    ServerCertificatesQuota: 20,
    AttachedPoliciesPerUserQuota: 10,
    AttachedPoliciesPerGroupQuota: 10,
    AttachedPoliciesPerRoleQuota: 10,
    PolicySizeQuota: 6144,
    UserPolicySizeQuota: 2048,
    GroupPolicySizeQuota: 5120,
    AssumeRolePolicySizeQuota: 2048,
    VersionsPerPolicyQuota: 5,
    AccessKeysPerUserQuota: 2,
    SigningCertificatesPerUserQuota: 2,
    GroupsPerUserQuota: 10,
    PolicyVersionsInUse: iam.policies.reduce((sum, p) => sum + (p.attachments > 0 ? 1 : 0), 0),
    PolicyVersionsInUseQuota: 10000,
    GlobalEndpointTokenVersion: 1,
  };
}

/** IAM's marker paging: `Marker` in and out, `IsTruncated`, at most `MaxItems` (AWS: 1,000). */
const MARKER = { token: 'Marker', maxResults: 'MaxItems', awsMax: 1000, truncated: 'IsTruncated' } as const;

export const iamSimulator = defineSimulatedService({
  service: 'iam',
  clientName: 'IAMClient',
  scope: 'global',
  collections,
  sectionFields,
  errors: { accessDenied: 'AccessDenied', throttling: 'Throttling', invalidToken: 'InvalidNextToken' },
  // IAM publishes no per-second quota; its limits are account-wide. A moderate bucket per action.
  bucket: { capacity: 100, refillPerSecond: 40 },
  operations: {
    GetAccountAuthorizationDetails: custom<GetAccountAuthorizationDetailsCommandInput, GetAccountAuthorizationDetailsCommandOutput>((input, context, kit) => {
      const iam = model(context);
      const filter = new Set<string>(input.Filter?.length ? input.Filter : ALL_TYPES);
      const items: AuthorizationItem[] = [
        ...(filter.has('User') ? iam.users.map((value) => ({ kind: 'user' as const, value })) : []),
        ...(filter.has('Group') ? iam.groups.map((value) => ({ kind: 'group' as const, value })) : []),
        ...(filter.has('Role') ? iam.roles.map((value) => ({ kind: 'role' as const, value })) : []),
        ...iam.policies
          .filter((policy) => filter.has(policy.awsManaged ? 'AWSManagedPolicy' : 'LocalManagedPolicy'))
          .map((value) => ({ kind: 'policy' as const, value })),
      ];
      const page = kit.page(items, input.Marker, context.pageSize(input.MaxItems, 1000));
      const out: Omit<GetAccountAuthorizationDetailsCommandOutput, '$metadata'> = {
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [],
        Policies: [],
        IsTruncated: page.nextToken !== undefined,
        Marker: page.nextToken,
      };
      for (const item of page.items) {
        if (item.kind === 'user') out.UserDetailList?.push(item.value.detail);
        else if (item.kind === 'group') out.GroupDetailList?.push(item.value);
        else if (item.kind === 'role') out.RoleDetailList?.push(item.value.detail);
        else out.Policies?.push(policyDetail(item.value));
      }
      return out;
    }),
    ListRoles: list<ListRolesCommandInput, ListRolesCommandOutput>('roles', {
      items: 'Roles',
      ...MARKER,
      source: (_records, input, context) =>
        model(context)
          .roles.filter(({ role }) => role.Path.startsWith(input.PathPrefix ?? '/'))
          .map(({ role }) => role),
    }),
    GenerateCredentialReport: custom<GenerateCredentialReportCommandInput, GenerateCredentialReportCommandOutput>((_input, context) => {
      const states = reportState(context);
      const current = states.get(context.account.id);
      // AWS starts a new report when none exists or the last one is older than 4 hours.
      if (!current || (current.generatedAt && context.now() - current.generatedAt.getTime() > REPORT_LIFETIME_MS)) {
        states.set(context.account.id, { state: 'STARTED' });
        return { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
      }
      if (current.state === 'STARTED') states.set(context.account.id, { state: 'COMPLETE', generatedAt: new Date(context.now()) });
      return { State: 'COMPLETE' };
    }),
    GetCredentialReport: custom<GetCredentialReportCommandInput, GetCredentialReportCommandOutput>((_input, context) => {
      const current = reportState(context).get(context.account.id);
      if (!current) {
        throw new CredentialReportNotPresentException({
          message: 'Credential report is not present. Use GenerateCredentialReport to generate a report.',
          $metadata: { httpStatusCode: 410 },
        });
      }
      if (current.state !== 'COMPLETE') {
        throw new CredentialReportNotReadyException({ message: 'Credential report is still being generated.', $metadata: { httpStatusCode: 404 } });
      }
      if (current.generatedAt && context.now() - current.generatedAt.getTime() > REPORT_LIFETIME_MS) {
        throw new CredentialReportExpiredException({
          message: 'Credential report is expired. Use GenerateCredentialReport to generate a new report.',
          $metadata: { httpStatusCode: 410 },
        });
      }
      const csv = credentialReportCsv(model(context), sectionOf(context).PasswordPolicy);
      return { Content: new Uint8Array(Buffer.from(csv, 'utf8')), ReportFormat: 'text/csv', GeneratedTime: current.generatedAt };
    }),
    ListAccessKeys: list<ListAccessKeysCommandInput, ListAccessKeysCommandOutput>('users', {
      items: 'AccessKeyMetadata',
      ...MARKER,
      source: (_records, input, context) => {
        const user = findUser(context, input.UserName);
        return user.keys.map((key): AccessKeyMetadata => ({
          UserName: user.detail.UserName,
          AccessKeyId: key.AccessKeyId,
          Status: key.Status,
          CreateDate: key.CreateDate,
        }));
      },
    }),
    GetAccessKeyLastUsed: custom<GetAccessKeyLastUsedCommandInput, GetAccessKeyLastUsedCommandOutput>((input, context) => {
      for (const user of model(context).users) {
        const key = user.keys.find((k) => k.AccessKeyId === input.AccessKeyId);
        if (key) return { UserName: user.detail.UserName, AccessKeyLastUsed: key.lastUsed ?? { ServiceName: 'N/A', Region: 'N/A' } };
      }
      return context.notFound('NoSuchEntityException', `The Access Key with id ${input.AccessKeyId} cannot be found.`);
    }),
    ListMFADevices: list<ListMFADevicesCommandInput, ListMFADevicesCommandOutput>('users', {
      items: 'MFADevices',
      ...MARKER,
      source: (_records, input, context) => {
        const user = findUser(context, input.UserName);
        return user.mfa.map((device): MFADevice => ({ UserName: user.detail.UserName, SerialNumber: device.serial, EnableDate: device.enabled }));
      },
    }),
    ListVirtualMFADevices: list<ListVirtualMFADevicesCommandInput, ListVirtualMFADevicesCommandOutput>('users', {
      items: 'VirtualMFADevices',
      ...MARKER,
      source: (_records, input, context) => (input.AssignmentStatus === 'Unassigned' ? [] : virtualMfaDevices(model(context))),
    }),
    GetAccountPasswordPolicy: custom<GetAccountPasswordPolicyCommandInput, GetAccountPasswordPolicyCommandOutput>((_input, context) => {
      const policy = sectionOf(context).PasswordPolicy;
      if (!policy) return context.notFound('NoSuchEntityException', `The Password Policy with domain name ${context.account.id} cannot be found.`);
      // IAM's defaults for the members a policy was set without.
      return {
        PasswordPolicy: {
          MinimumPasswordLength: 8,
          RequireSymbols: false,
          RequireNumbers: false,
          RequireUppercaseCharacters: false,
          RequireLowercaseCharacters: false,
          AllowUsersToChangePassword: true,
          HardExpiry: false,
          ...policy,
          ExpirePasswords: policy.MaxPasswordAge !== undefined,
        },
      };
    }),
    ListSAMLProviders: list<ListSAMLProvidersCommandInput, ListSAMLProvidersCommandOutput, WorldIamSamlProvider>('samlProviders', {
      items: 'SAMLProviderList',
      token: false,
    }),
    ListServerCertificates: list<ListServerCertificatesCommandInput, ListServerCertificatesCommandOutput, WorldIamServerCertificate>('serverCertificates', {
      items: 'ServerCertificateMetadataList',
      ...MARKER,
      source: (certificates, _input, context) =>
        certificates.map((certificate, index) => ({
          Path: certificate.Path ?? '/',
          ServerCertificateName: certificate.ServerCertificateName,
          // Server certificate ids start with ASCA.
          ServerCertificateId: certificate.ServerCertificateId ?? `ASCA${context.account.id.slice(-4)}${String(index).padStart(13, '0')}`,
          Arn: certificate.Arn ?? `arn:aws:iam::${context.account.id}:server-certificate${certificate.Path ?? '/'}${certificate.ServerCertificateName}`,
          UploadDate: worldDate(certificate.UploadDate ?? DEFAULT_CREATED),
          Expiration: worldDate(certificate.Expiration),
        })),
    }),
    GetAccountSummary: custom<GetAccountSummaryCommandInput, GetAccountSummaryCommandOutput>((_input, context) => ({
      SummaryMap: accountSummary(model(context), sectionOf(context)),
    })),
    ListAccountAliases: list<ListAccountAliasesCommandInput, ListAccountAliasesCommandOutput>('users', {
      items: 'AccountAliases',
      ...MARKER,
      awsMax: 100,
      source: (_records, _input, context) => sectionOf(context).AccountAliases ?? [],
    }),
  },
  generate: generateIam,
});

// ---------------------------------------------------------------------------------------------
// Generated (benchmark) worlds

/** `size` users, roles and customer policies, and `size / 4` groups (at least one), with a mix of findings. */
export function generateIam({ accountId, size, random }: GenerateInput): WorldIam {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const days = (max: number) => Math.floor(random() * max);
  // A virtual device named after the user (the default), or a hardware token.
  const mfaDevice = (user: string, virtual: boolean, enabled: number): WorldIamMfaDevice =>
    virtual ? { EnableDate: daysAgo(enabled) } : { SerialNumber: hardwareSerial(accountId, user, 0), EnableDate: daysAgo(enabled) };
  const groupCount = Math.max(1, Math.ceil(size / 4));
  const document = (Statement: PolicyDocument['Statement']): PolicyDocument => ({ Version: '2012-10-17', Statement });
  const attached = (...names: string[]) => names.map((PolicyName) => ({ PolicyName }));
  const policies: WorldIamPolicy[] = Array.from({ length: size }, (_, index) => ({
    PolicyName: `generated-policy-${index}`,
    CreateDate: daysAgo(30 + days(900)),
    PolicyVersionList: [
      {
        Document: {
          Version: '2012-10-17',
          Statement:
            index % 10 === 0
              ? [{ Effect: 'Allow', Action: '*', Resource: '*' }]
              : [
                  {
                    Effect: 'Allow',
                    Action: [pick(['s3:GetObject', 's3:PutObject', 's3:ListBucket']), pick(['ec2:Describe*', 'kms:Decrypt', 'dynamodb:Query'])],
                    Resource: `arn:aws:s3:::generated-${accountId}-${index}/*`,
                  },
                  ...(index % 7 === 3 ? [{ Effect: 'Deny' as const, Action: 's3:DeleteBucket', Resource: '*' }] : []),
                ],
        },
      },
    ],
  }));
  const groups: WorldIamGroup[] = Array.from({ length: groupCount }, (_, index) => ({
    GroupName: `generated-group-${index}`,
    CreateDate: daysAgo(100 + days(900)),
    AttachedManagedPolicies: attached(size ? `generated-policy-${index % size}` : 'ReadOnlyAccess'),
    GroupPolicyList:
      index % 2 === 0
        ? [{ PolicyName: 'inline-read', PolicyDocument: document([{ Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' }]) }]
        : undefined,
  }));
  const users: WorldIamUser[] = Array.from({ length: size }, (_, index) => {
    const console = random() < 0.5;
    const keyCount = Math.floor(random() * 3);
    const UserName = index % 5 === 0 ? `user${index}@generated.example` : `user-${index}`;
    const CreateDate = daysAgo(10 + days(1500));
    const Tags =
      index % 3 === 0
        ? [
            { Key: 'Email', Value: `user${index}@generated.example` },
            { Key: 'team', Value: pick(['platform', 'data', 'web']) },
          ]
        : undefined;
    const lastSignIn = console && random() < 0.8 ? days(120) : undefined;
    return {
      UserName,
      CreateDate,
      Tags,
      LoginProfile: console ? {} : undefined,
      PasswordLastUsed: lastSignIn === undefined ? undefined : daysAgo(lastSignIn),
      GroupList: [`generated-group-${index % groupCount}`],
      AttachedManagedPolicies: index % 9 === 4 ? attached('AdministratorAccess') : undefined,
      UserPolicyList:
        index % 4 === 1
          ? [{ PolicyName: 'self-service', PolicyDocument: document([{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: '*' }]) }]
          : undefined,
      AccessKeyMetadata: Array.from({ length: keyCount }, () => {
        const Status = random() < 0.8 ? ('Active' as const) : ('Inactive' as const);
        const created = days(400);
        const lastUsed = random() < 0.7 ? days(10) : undefined;
        const ServiceName = pick(['s3', 'ec2', 'sts', 'dynamodb']);
        return {
          Status,
          CreateDate: daysAgo(created),
          AccessKeyLastUsed: lastUsed === undefined ? undefined : { LastUsedDate: daysAgo(lastUsed), ServiceName, Region: 'us-east-1' },
        };
      }),
      MFADevices: console && random() < 0.7 ? [mfaDevice(UserName, random() < 0.8, days(300))] : undefined,
    };
  });
  const roles: WorldIamRole[] = Array.from({ length: size }, (_, index) => {
    const service = pick(['ec2.amazonaws.com', 'lambda.amazonaws.com', undefined]);
    return {
      RoleName: `generated-role-${index}`,
      CreateDate: daysAgo(10 + days(1200)),
      AssumeRolePolicyDocument: document([
        service
          ? { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }
          : { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' },
      ]),
      InstanceProfileList: service === 'ec2.amazonaws.com' ? [{ InstanceProfileName: `generated-role-${index}` }] : undefined,
      AttachedManagedPolicies: attached(
        size ? `generated-policy-${(index * 3) % size}` : 'ReadOnlyAccess',
        ...(service === 'lambda.amazonaws.com' ? ['AWSLambdaBasicExecutionRole'] : []),
      ),
      RoleLastUsed: random() < 0.6 ? { LastUsedDate: daysAgo(days(60)) } : undefined,
    };
  });
  roles.push({
    RoleName: 'JupiterOne',
    Description: 'Read-only audit role for the security graph',
    AssumeRolePolicyDocument: document([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'generated-external-id' } },
      },
    ]),
    AttachedManagedPolicies: attached('SecurityAudit'),
    RoleLastUsed: { LastUsedDate: daysAgo(0) },
  });
  const section: WorldIam = {
    AccountAliases: [`generated-${accountId}`],
    root: {
      MFADevices: random() < 0.7 ? [{ SerialNumber: hardwareSerial(accountId, '<root>') }] : undefined,
      AccessKeyMetadata: random() < 0.1 ? [{ CreateDate: daysAgo(500) }] : undefined,
      PasswordLastUsed: daysAgo(days(200)),
    },
    PasswordPolicy:
      random() < 0.5
        ? { MinimumPasswordLength: pick([8, 12, 14]), RequireSymbols: random() < 0.5, RequireNumbers: true, PasswordReusePrevention: pick([1, 5, 24]) }
        : undefined,
    users,
    groups,
    roles,
    policies,
  };
  // Absent optional values are left out, as in a hand-written world file.
  return JSON.parse(JSON.stringify(section)) as WorldIam;
}
