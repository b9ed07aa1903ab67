import { createHash } from 'node:crypto';
import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  type AccessKeyMetadata,
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
  type ManagedPolicyDetail,
  type MFADevice,
  type Role,
  type RoleDetail,
  type SummaryKeyType,
  type UserDetail,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { ServiceException } from '@smithy/smithy-client';
import { encodePolicyDocument, policyDocumentSchema, type PolicyDocument } from '../../../policy/document';
import { collection, custom, defineSimulatedService, list } from '../../../sim/service-kit';
import type { GenerateInput, SimCallContext, World, WorldAccount } from '../../../sim/types';
import { AWS_MANAGED_POLICIES, awsManagedPolicyArn, findAwsManagedPolicy, type AwsManagedPolicy } from './aws-managed-policies';
import { CREDENTIAL_REPORT_COLUMNS, ROOT_ACCOUNT_USER } from '../credential-report';

// ---------------------------------------------------------------------------------------------
// The world section `global.iam`

/**
 * Dates are either absolute (`createdAt: "2021-03-01T00:00:00Z"`) or relative to the day of the run
 * (`createdDaysAgo: 200`), so that "a 200-day-old key" stays 200 days old. Relative dates count from
 * midnight UTC, which keeps two runs on the same day identical.
 */
interface Dated {
  createdAt?: string;
  createdDaysAgo?: number;
}

/** A policy of the world: IAM's own document shape (`src/policy/document.ts`). */
export type WorldIamDocument = PolicyDocument;

export interface WorldIamInlinePolicy {
  name: string;
  document: WorldIamDocument;
}

export interface WorldIamAccessKey extends Dated {
  id?: string;
  status?: 'Active' | 'Inactive';
  lastUsedAt?: string;
  lastUsedDaysAgo?: number;
  lastUsedService?: string;
  lastUsedRegion?: string;
}

export interface WorldIamMfaDevice {
  type?: 'virtual' | 'hardware' | 'fido';
  /** Virtual device name (default: the user name). */
  name?: string;
  /** Hardware serial number. */
  serial?: string;
  enabledAt?: string;
  enabledDaysAgo?: number;
}

/** Attached managed policy: a customer policy of the account by name, an AWS-managed policy by name, or an ARN. */
type PolicyReference = string;

interface WorldIamPrincipal extends Dated {
  name: string;
  path?: string;
  managedPolicies?: PolicyReference[];
  inlinePolicies?: WorldIamInlinePolicy[];
}

export interface WorldIamUser extends WorldIamPrincipal {
  tags?: Record<string, string>;
  /** Console password. */
  password?: boolean;
  passwordLastUsedAt?: string;
  passwordLastUsedDaysAgo?: number;
  passwordLastChangedDaysAgo?: number;
  groups?: string[];
  accessKeys?: WorldIamAccessKey[];
  mfaDevices?: WorldIamMfaDevice[];
  permissionsBoundary?: PolicyReference;
}

export type WorldIamGroup = WorldIamPrincipal;

export interface WorldIamRole extends WorldIamPrincipal {
  description?: string;
  /** The trust policy. */
  trust: WorldIamDocument;
  /** An instance profile for the role (`true`: named like the role). */
  instanceProfile?: boolean | string;
  maxSessionDuration?: number;
  lastUsedAt?: string;
  lastUsedDaysAgo?: number;
  lastUsedRegion?: string;
  tags?: Record<string, string>;
  permissionsBoundary?: PolicyReference;
}

export interface WorldIamPolicy extends Dated {
  name: string;
  path?: string;
  description?: string;
  updatedDaysAgo?: number;
  document: WorldIamDocument;
  /** Older versions (v1, v2, ...); the default version is `document`. */
  previousVersions?: WorldIamDocument[];
}

export interface WorldIamSamlProvider extends Dated {
  name: string;
  validUntil?: string;
}

export interface WorldIamPasswordPolicy {
  minLength?: number;
  requireSymbols?: boolean;
  requireNumbers?: boolean;
  requireUppercase?: boolean;
  requireLowercase?: boolean;
  allowUsersToChangePassword?: boolean;
  maxAgeDays?: number;
  reusePrevention?: number;
  hardExpiry?: boolean;
}

export interface WorldIamRoot {
  /** Root MFA: `true` means a virtual device. */
  mfa?: boolean | 'virtual' | 'hardware';
  accessKeys?: WorldIamAccessKey[];
  passwordLastUsedAt?: string;
  passwordLastUsedDaysAgo?: number;
  createdAt?: string;
}

export interface WorldIam {
  alias?: string;
  /**
   * Hours since the account's last credential report was generated (by another tool, or the last
   * run); none exists when absent. AWS keeps a report 4 hours.
   */
  credentialReportAgeHours?: number;
  root?: WorldIamRoot;
  passwordPolicy?: WorldIamPasswordPolicy;
  users?: WorldIamUser[];
  groups?: WorldIamGroup[];
  roles?: WorldIamRole[];
  policies?: WorldIamPolicy[];
  samlProviders?: WorldIamSamlProvider[];
  serverCertificates?: WorldIamServerCertificate[];
}

/** A TLS certificate uploaded to IAM (ListServerCertificates). */
export interface WorldIamServerCertificate {
  name: string;
  path?: string;
  uploadedAt?: string;
  expiresAt: string;
}

const DAYS = { type: 'integer', minimum: 0, maximum: 36500 };
const DATE = { type: 'string', format: 'date-time' };
const TAGS = { type: 'object', additionalProperties: { type: 'string', maxLength: 256 }, maxProperties: 50 };
const PATH = { type: 'string', pattern: '^/([\\x21-\\x7E]*/)?$', maxLength: 512 };
const NAME = (max: number) => ({ type: 'string', pattern: `^[\\w+=,.@-]{1,${max}}$` });
const POLICY_REFERENCE = { type: 'string', pattern: '^([\\w+=,.@-]{1,128}|arn:aws:iam::(aws|\\d{12}):policy/([\\x21-\\x7E]*/)?[\\w+=,.@-]{1,128})$' };

const DOCUMENT = policyDocumentSchema({ identity: true });

const INLINE_POLICIES = {
  type: 'array',
  items: { type: 'object', additionalProperties: false, required: ['name', 'document'], properties: { name: NAME(128), document: DOCUMENT } },
};

const ACCESS_KEYS = {
  type: 'array',
  maxItems: 2,
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      id: { type: 'string', pattern: '^AKIA[A-Z0-9]{16}$' },
      status: { enum: ['Active', 'Inactive'] },
      createdAt: DATE,
      createdDaysAgo: DAYS,
      lastUsedAt: DATE,
      lastUsedDaysAgo: DAYS,
      lastUsedService: { type: 'string', pattern: '^[a-z0-9-]+$' },
      lastUsedRegion: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
    },
  },
};

const PRINCIPAL = {
  name: NAME(64),
  path: PATH,
  createdAt: DATE,
  createdDaysAgo: DAYS,
  managedPolicies: { type: 'array', maxItems: 20, items: POLICY_REFERENCE },
  inlinePolicies: INLINE_POLICIES,
};

/** A user, group or role name IAM does not have (HTTP 404). */
const noSuchEntity = (kind: string) => ({ error: 'NoSuchEntityException', message: (name: string) => `The ${kind} with name ${name} cannot be found.` });

/** The section's collections (by `name`, in the world's short format) and its other fields. */
const collections = {
  users: collection<WorldIamUser>({
    id: 'name',
    closed: true,
    notFound: noSuchEntity('user'),
    fields: {
      ...PRINCIPAL,
      tags: TAGS,
      password: { type: 'boolean' },
      passwordLastUsedAt: DATE,
      passwordLastUsedDaysAgo: DAYS,
      passwordLastChangedDaysAgo: DAYS,
      groups: { type: 'array', maxItems: 10, items: NAME(128) },
      accessKeys: ACCESS_KEYS,
      mfaDevices: {
        type: 'array',
        maxItems: 8,
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { enum: ['virtual', 'hardware', 'fido'] },
            name: NAME(64),
            serial: { type: 'string', pattern: '^[\\w+=/:,.@-]{9,256}$' },
            enabledAt: DATE,
            enabledDaysAgo: DAYS,
          },
        },
      },
      permissionsBoundary: POLICY_REFERENCE,
    },
  }),
  groups: collection<WorldIamGroup>({ id: 'name', closed: true, notFound: noSuchEntity('group'), fields: { ...PRINCIPAL, name: NAME(128) } }),
  roles: collection<WorldIamRole>({
    id: 'name',
    closed: true,
    required: ['trust'],
    notFound: noSuchEntity('role'),
    fields: {
      ...PRINCIPAL,
      description: { type: 'string', maxLength: 1000 },
      trust: DOCUMENT,
      instanceProfile: { type: ['boolean', 'string'] },
      maxSessionDuration: { type: 'integer', minimum: 3600, maximum: 43200 },
      lastUsedAt: DATE,
      lastUsedDaysAgo: DAYS,
      lastUsedRegion: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
      tags: TAGS,
      permissionsBoundary: POLICY_REFERENCE,
    },
  }),
  policies: collection<WorldIamPolicy>({
    id: 'name',
    closed: true,
    required: ['document'],
    notFound: noSuchEntity('policy'),
    fields: {
      name: NAME(128),
      path: PATH,
      description: { type: 'string', maxLength: 1000 },
      createdAt: DATE,
      createdDaysAgo: DAYS,
      updatedDaysAgo: DAYS,
      document: DOCUMENT,
      previousVersions: { type: 'array', maxItems: 4, items: DOCUMENT },
    },
  }),
  serverCertificates: collection<WorldIamServerCertificate>({
    id: 'name',
    closed: true,
    required: ['expiresAt'],
    notFound: noSuchEntity('server certificate'),
    fields: { name: NAME(128), path: { type: 'string', pattern: '^/([\\w+=,.@-]+/)*$' }, uploadedAt: DATE, expiresAt: DATE },
  }),
  samlProviders: collection<WorldIamSamlProvider>({
    id: 'name',
    closed: true,
    notFound: noSuchEntity('SAML provider'),
    fields: { name: NAME(128), createdAt: DATE, createdDaysAgo: DAYS, validUntil: DATE },
  }),
};

const sectionFields = {
  alias: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{1,61})[a-z0-9]$' },
  root: {
    type: 'object',
    additionalProperties: false,
    properties: {
      mfa: { enum: [true, false, 'virtual', 'hardware'] },
      accessKeys: ACCESS_KEYS,
      passwordLastUsedAt: DATE,
      passwordLastUsedDaysAgo: DAYS,
      createdAt: DATE,
    },
  },
  credentialReportAgeHours: { type: 'number', minimum: 0 },
  passwordPolicy: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minLength: { type: 'integer', minimum: 6, maximum: 128 },
      requireSymbols: { type: 'boolean' },
      requireNumbers: { type: 'boolean' },
      requireUppercase: { type: 'boolean' },
      requireLowercase: { type: 'boolean' },
      allowUsersToChangePassword: { type: 'boolean' },
      maxAgeDays: { type: 'integer', minimum: 1, maximum: 1095 },
      reusePrevention: { type: 'integer', minimum: 1, maximum: 24 },
      hardExpiry: { type: 'boolean' },
    },
  },
};

// ---------------------------------------------------------------------------------------------
// The account's IAM as AWS would describe it, resolved once per world section

const DAY_MS = 86_400_000;
const DEFAULT_CREATED = '2021-01-04T09:00:00Z';

function startOfToday(): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

function dateOf(at: string | undefined, daysAgo: number | undefined, fallback?: string): Date | undefined {
  if (at) return new Date(at);
  if (daysAgo !== undefined) return new Date(startOfToday() - daysAgo * DAY_MS);
  return fallback ? new Date(fallback) : undefined;
}

/** Stable IAM-style unique id (`AIDA` + 17 characters) from the resource's identity. */
function stableId(prefix: string, length: number, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = '';
  for (let index = 0; id.length < length; index++) id += alphabet[digest[index % digest.length] % 32];
  return `${prefix}${id}`;
}

/** A hardware TOTP token's serial number, e.g. `GAHT12345678`. */
function hardwareSerial(...parts: Array<string | number>): string {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  return `GAHT${String(digest.readUInt32BE(0) % 100_000_000).padStart(8, '0')}`;
}

function principalPath(path: string | undefined): string {
  return path ?? '/';
}

interface ResolvedKey {
  id: string;
  status: 'Active' | 'Inactive';
  created: Date;
  lastUsed?: Date;
  lastUsedService?: string;
  lastUsedRegion?: string;
}

interface ResolvedMfa {
  serial: string;
  type: 'virtual' | 'hardware' | 'fido';
  enabled: Date;
}

interface ResolvedUser {
  world: WorldIamUser;
  arn: string;
  id: string;
  path: string;
  created: Date;
  passwordLastUsed?: Date;
  passwordLastChanged?: Date;
  keys: ResolvedKey[];
  mfa: ResolvedMfa[];
  managedArns: string[];
  boundaryArn?: string;
}

interface ResolvedGroup {
  world: WorldIamGroup;
  arn: string;
  id: string;
  path: string;
  created: Date;
  managedArns: string[];
}

interface ResolvedRole {
  world: WorldIamRole;
  arn: string;
  id: string;
  path: string;
  created: Date;
  lastUsed?: Date;
  managedArns: string[];
  boundaryArn?: string;
  instanceProfile?: { name: string; arn: string; id: string };
}

interface ResolvedPolicy {
  name: string;
  arn: string;
  id: string;
  path: string;
  description?: string;
  created: Date;
  updated: Date;
  /** Oldest first; the last one is the default version. */
  versions: PolicyDocument[];
  awsManaged: boolean;
  attachments: number;
  boundaryUses: number;
}

interface IamModel {
  accountId: string;
  users: ResolvedUser[];
  groups: ResolvedGroup[];
  roles: ResolvedRole[];
  /** Customer-managed policies, then every AWS-managed policy the simulator knows. */
  policies: ResolvedPolicy[];
  rootCreated: Date;
  rootMfa: false | 'virtual' | 'hardware';
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
  return (keys ?? []).map((key, index) => ({
    id: key.id ?? stableId('AKIA', 16, accountId, owner, 'key', String(index)),
    status: key.status ?? 'Active',
    created: dateOf(key.createdAt, key.createdDaysAgo, DEFAULT_CREATED) as Date,
    lastUsed: dateOf(key.lastUsedAt, key.lastUsedDaysAgo),
    lastUsedService: key.lastUsedService,
    lastUsedRegion: key.lastUsedRegion,
  }));
}

function buildModel(section: WorldIam, account: WorldAccount): IamModel {
  const accountId = account.id;
  const where = `accounts[${accountId}].global.iam`;
  const customer = new Map<string, ResolvedPolicy>();
  for (const policy of section.policies ?? []) {
    const path = principalPath(policy.path);
    const created = dateOf(policy.createdAt, policy.createdDaysAgo, DEFAULT_CREATED) as Date;
    customer.set(policy.name, {
      name: policy.name,
      arn: `arn:aws:iam::${accountId}:policy${path}${policy.name}`,
      id: stableId('ANPA', 17, accountId, 'policy', policy.name),
      path,
      description: policy.description,
      created,
      updated: dateOf(undefined, policy.updatedDaysAgo) ?? created,
      versions: [...(policy.previousVersions ?? []), policy.document],
      awsManaged: false,
      attachments: 0,
      boundaryUses: 0,
    });
  }
  const awsManaged = new Map<string, ResolvedPolicy>(
    AWS_MANAGED_POLICIES.map((policy: AwsManagedPolicy) => {
      const arn = awsManagedPolicyArn(policy);
      return [
        arn,
        {
          name: policy.name,
          arn,
          id: stableId('ANPA', 17, 'aws', policy.name),
          path: policy.path,
          description: policy.description,
          created: new Date(policy.createdAt),
          updated: new Date(policy.updatedAt),
          versions: [...Array.from({ length: policy.version - 1 }, () => policy.document), policy.document],
          awsManaged: true,
          attachments: 0,
          boundaryUses: 0,
        },
      ];
    }),
  );
  const resolvePolicy = (reference: string, owner: string): ResolvedPolicy => {
    const known = findAwsManagedPolicy(reference);
    const found =
      customer.get(reference) ?? [...customer.values()].find((p) => p.arn === reference) ?? (known ? awsManaged.get(awsManagedPolicyArn(known)) : undefined);
    if (!found) {
      throw new IamWorldReferenceError(
        `${where}.${owner}: unknown policy "${reference}" (neither a policy of the account's "policies" nor a known AWS-managed policy: ${AWS_MANAGED_POLICIES.map((p) => p.name).join(', ')})`,
      );
    }
    return found;
  };
  const attach = (references: string[] | undefined, owner: string): string[] =>
    (references ?? []).map((reference) => {
      const policy = resolvePolicy(reference, owner);
      policy.attachments++;
      return policy.arn;
    });
  const boundary = (reference: string | undefined, owner: string): string | undefined => {
    if (!reference) return undefined;
    const policy = resolvePolicy(reference, owner);
    policy.boundaryUses++;
    return policy.arn;
  };

  const groups = (section.groups ?? []).map((group, index): ResolvedGroup => {
    const path = principalPath(group.path);
    return {
      world: group,
      arn: `arn:aws:iam::${accountId}:group${path}${group.name}`,
      id: stableId('AGPA', 17, accountId, 'group', group.name),
      path,
      created: dateOf(group.createdAt, group.createdDaysAgo, DEFAULT_CREATED) as Date,
      managedArns: attach(group.managedPolicies, `groups[${index}] (${group.name}).managedPolicies`),
    };
  });
  const groupNames = new Set(groups.map((g) => g.world.name));

  const users = (section.users ?? []).map((user, index): ResolvedUser => {
    const owner = `users[${index}] (${user.name})`;
    for (const group of user.groups ?? []) {
      if (!groupNames.has(group)) throw new IamWorldReferenceError(`${where}.${owner}.groups: unknown group "${group}"`);
    }
    const path = principalPath(user.path);
    const arn = `arn:aws:iam::${accountId}:user${path}${user.name}`;
    const created = dateOf(user.createdAt, user.createdDaysAgo, DEFAULT_CREATED) as Date;
    const mfa = (user.mfaDevices ?? []).map((device, n): ResolvedMfa => {
      const type = device.type ?? 'virtual';
      const serial =
        type === 'virtual'
          ? `arn:aws:iam::${accountId}:mfa/${device.name ?? (n === 0 ? user.name : `${user.name}-${n + 1}`)}`
          : type === 'fido'
            ? `arn:aws:iam::${accountId}:u2f/user/${user.name}/${device.name ?? 'security-key'}-${stableId('', 26, accountId, user.name, String(n))}`
            : (device.serial ?? hardwareSerial(accountId, user.name, n));
      return { serial, type, enabled: dateOf(device.enabledAt, device.enabledDaysAgo) ?? created };
    });
    return {
      world: user,
      arn,
      id: stableId('AIDA', 17, accountId, 'user', user.name),
      path,
      created,
      passwordLastUsed: user.password ? dateOf(user.passwordLastUsedAt, user.passwordLastUsedDaysAgo) : undefined,
      passwordLastChanged: user.password ? (dateOf(undefined, user.passwordLastChangedDaysAgo) ?? created) : undefined,
      keys: resolveKeys(user.accessKeys, accountId, user.name),
      mfa,
      managedArns: attach(user.managedPolicies, `${owner}.managedPolicies`),
      boundaryArn: boundary(user.permissionsBoundary, `${owner}.permissionsBoundary`),
    };
  });

  const roles = (section.roles ?? []).map((role, index): ResolvedRole => {
    const owner = `roles[${index}] (${role.name})`;
    const path = principalPath(role.path);
    const profileName = typeof role.instanceProfile === 'string' ? role.instanceProfile : role.instanceProfile ? role.name : undefined;
    return {
      world: role,
      arn: `arn:aws:iam::${accountId}:role${path}${role.name}`,
      id: stableId('AROA', 17, accountId, 'role', role.name),
      path,
      created: dateOf(role.createdAt, role.createdDaysAgo, DEFAULT_CREATED) as Date,
      lastUsed: dateOf(role.lastUsedAt, role.lastUsedDaysAgo),
      managedArns: attach(role.managedPolicies, `${owner}.managedPolicies`),
      boundaryArn: boundary(role.permissionsBoundary, `${owner}.permissionsBoundary`),
      instanceProfile: profileName
        ? {
            name: profileName,
            arn: `arn:aws:iam::${accountId}:instance-profile/${profileName}`,
            id: stableId('AIPA', 17, accountId, 'instance-profile', profileName),
          }
        : undefined,
    };
  });

  const rootMfa = section.root?.mfa === true ? 'virtual' : (section.root?.mfa ?? false);
  return {
    accountId,
    users,
    groups,
    roles,
    policies: [...customer.values(), ...awsManaged.values()],
    rootCreated: new Date(section.root?.createdAt ?? account.joinedAt ?? '2020-01-01T00:00:00Z'),
    rootMfa,
    rootKeys: resolveKeys(section.root?.accessKeys, accountId, '<root>'),
    rootPasswordLastUsed: dateOf(section.root?.passwordLastUsedAt, section.root?.passwordLastUsedDaysAgo),
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

// ---------------------------------------------------------------------------------------------
// AWS shapes

function attached(arns: string[], policies: ResolvedPolicy[]): AttachedPolicy[] {
  return arns.map((arn) => ({ PolicyArn: arn, PolicyName: policies.find((p) => p.arn === arn)?.name }));
}

function boundaryOf(arn: string | undefined) {
  return arn ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const, PermissionsBoundaryArn: arn } : undefined;
}

function tagsOf(tags: Record<string, string> | undefined) {
  const list = Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  return list.length ? list : undefined;
}

function inline(policies: WorldIamInlinePolicy[] | undefined) {
  return (policies ?? []).map((policy) => ({ PolicyName: policy.name, PolicyDocument: encodePolicyDocument(policy.document) }));
}

function userDetail(user: ResolvedUser, iam: IamModel): UserDetail {
  return {
    Path: user.path,
    UserName: user.world.name,
    UserId: user.id,
    Arn: user.arn,
    CreateDate: user.created,
    UserPolicyList: inline(user.world.inlinePolicies),
    GroupList: [...(user.world.groups ?? [])],
    AttachedManagedPolicies: attached(user.managedArns, iam.policies),
    PermissionsBoundary: boundaryOf(user.boundaryArn),
    Tags: tagsOf(user.world.tags),
  };
}

function groupDetail(group: ResolvedGroup, iam: IamModel): GroupDetail {
  return {
    Path: group.path,
    GroupName: group.world.name,
    GroupId: group.id,
    Arn: group.arn,
    CreateDate: group.created,
    GroupPolicyList: inline(group.world.inlinePolicies),
    AttachedManagedPolicies: attached(group.managedArns, iam.policies),
  };
}

function roleOf(role: ResolvedRole): Role {
  return {
    Path: role.path,
    RoleName: role.world.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: role.created,
    AssumeRolePolicyDocument: encodePolicyDocument(role.world.trust),
    Description: role.world.description,
    MaxSessionDuration: role.world.maxSessionDuration ?? 3600,
  };
}

function instanceProfiles(role: ResolvedRole): InstanceProfile[] {
  if (!role.instanceProfile) return [];
  return [
    {
      Path: '/',
      InstanceProfileName: role.instanceProfile.name,
      InstanceProfileId: role.instanceProfile.id,
      Arn: role.instanceProfile.arn,
      CreateDate: role.created,
      Roles: [roleOf(role)],
    },
  ];
}

function roleDetail(role: ResolvedRole, iam: IamModel): RoleDetail {
  return {
    Path: role.path,
    RoleName: role.world.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: role.created,
    AssumeRolePolicyDocument: encodePolicyDocument(role.world.trust),
    InstanceProfileList: instanceProfiles(role),
    RolePolicyList: inline(role.world.inlinePolicies),
    AttachedManagedPolicies: attached(role.managedArns, iam.policies),
    PermissionsBoundary: boundaryOf(role.boundaryArn),
    Tags: tagsOf(role.world.tags),
    RoleLastUsed: role.lastUsed ? { LastUsedDate: role.lastUsed, Region: role.world.lastUsedRegion ?? 'us-east-1' } : {},
  };
}

function policyDetail(policy: ResolvedPolicy): ManagedPolicyDetail {
  const last = policy.versions.length;
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: `v${last}`,
    AttachmentCount: policy.attachments,
    PermissionsBoundaryUsageCount: policy.boundaryUses,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: policy.created,
    UpdateDate: policy.updated,
    // AWS lists every version; for AWS-managed policies only the default one is kept here.
    PolicyVersionList: policy.versions
      .map((document, index) => ({
        Document: encodePolicyDocument(document),
        VersionId: `v${index + 1}`,
        IsDefaultVersion: index === last - 1,
        CreateDate: index === last - 1 ? policy.updated : policy.created,
      }))
      .filter((version) => !policy.awsManaged || version.IsDefaultVersion),
  };
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
  const user = model(context).users.find((u) => u.world.name === userName);
  if (!user) return context.notFound('NoSuchEntityException', `The user with name ${userName} cannot be found.`);
  return user;
}

function mfaDevicesOf(user: ResolvedUser): MFADevice[] {
  return user.mfa.map((device) => ({ UserName: user.world.name, SerialNumber: device.serial, EnableDate: device.enabled }));
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
      key ? String(key.status === 'Active') : 'false',
      reportDate(key?.created),
      reportDate(key?.lastUsed),
      key?.lastUsed ? (key.lastUsedRegion ?? 'us-east-1') : 'N/A',
      key?.lastUsed ? (key.lastUsedService ?? 'sts') : 'N/A',
    );
  }
  return columns;
}

/** The credential report of an account, in AWS's CSV format. */
function credentialReportCsv(iam: IamModel, passwordPolicy: WorldIamPasswordPolicy | undefined): string {
  const rows: string[][] = [
    [
      ROOT_ACCOUNT_USER,
      `arn:aws:iam::${iam.accountId}:root`,
      reportDate(iam.rootCreated),
      'not_supported',
      reportDate(iam.rootPasswordLastUsed, 'no_information'),
      'not_supported',
      'not_supported',
      String(iam.rootMfa !== false),
      ...keyColumns(iam.rootKeys),
      'false',
      'N/A',
      'false',
      'N/A',
    ],
  ];
  for (const user of iam.users) {
    const password = user.world.password === true;
    const nextRotation =
      password && passwordPolicy?.maxAgeDays && user.passwordLastChanged
        ? new Date(user.passwordLastChanged.getTime() + passwordPolicy.maxAgeDays * DAY_MS)
        : undefined;
    rows.push([
      user.world.name,
      user.arn,
      reportDate(user.created),
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
  | { kind: 'group'; value: ResolvedGroup }
  | { kind: 'role'; value: ResolvedRole }
  | { kind: 'policy'; value: ResolvedPolicy };

/** Virtual MFA devices of the root user and the users, all assigned. */
function virtualMfaDevices(iam: IamModel): VirtualMFADevice[] {
  const devices: VirtualMFADevice[] = [];
  if (iam.rootMfa === 'virtual') {
    devices.push({
      SerialNumber: `arn:aws:iam::${iam.accountId}:mfa/root-account-mfa-device`,
      User: { Path: '', UserName: '', UserId: iam.accountId, Arn: `arn:aws:iam::${iam.accountId}:root`, CreateDate: iam.rootCreated },
      EnableDate: iam.rootCreated,
    });
  }
  for (const user of iam.users) {
    for (const device of user.mfa.filter((d) => d.type === 'virtual')) {
      devices.push({
        SerialNumber: device.serial,
        User: { Path: user.path, UserName: user.world.name, UserId: user.id, Arn: user.arn, CreateDate: user.created },
        EnableDate: device.enabled,
      });
    }
  }
  return devices;
}

/** GetAccountSummary's counts and IAM's default quotas. */
function accountSummary(iam: IamModel, section: WorldIam): Partial<Record<SummaryKeyType, number>> {
  const mfaDevices = iam.users.reduce((sum, user) => sum + user.mfa.length, 0) + (iam.rootMfa ? 1 : 0);
  return {
    Users: iam.users.length,
    UsersQuota: 5000,
    Groups: iam.groups.length,
    GroupsQuota: 300,
    Roles: iam.roles.length,
    RolesQuota: 1000,
    Policies: iam.policies.filter((p) => !p.awsManaged).length,
    PoliciesQuota: 1500,
    InstanceProfiles: iam.roles.filter((r) => r.instanceProfile).length,
    InstanceProfilesQuota: 1000,
    Providers: section.samlProviders?.length ?? 0,
    MFADevices: mfaDevices,
    MFADevicesInUse: mfaDevices,
    AccountMFAEnabled: iam.rootMfa ? 1 : 0,
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
        if (item.kind === 'user') out.UserDetailList?.push(userDetail(item.value, iam));
        else if (item.kind === 'group') out.GroupDetailList?.push(groupDetail(item.value, iam));
        else if (item.kind === 'role') out.RoleDetailList?.push(roleDetail(item.value, iam));
        else out.Policies?.push(policyDetail(item.value));
      }
      return out;
    }),
    ListRoles: list<ListRolesCommandInput, ListRolesCommandOutput>('roles', {
      items: 'Roles',
      ...MARKER,
      source: (_records, input, context) =>
        model(context)
          .roles.filter((role) => role.path.startsWith(input.PathPrefix ?? '/'))
          .map(roleOf),
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
      const csv = credentialReportCsv(model(context), sectionOf(context).passwordPolicy);
      return { Content: new Uint8Array(Buffer.from(csv, 'utf8')), ReportFormat: 'text/csv', GeneratedTime: current.generatedAt };
    }),
    ListAccessKeys: list<ListAccessKeysCommandInput, ListAccessKeysCommandOutput>('users', {
      items: 'AccessKeyMetadata',
      ...MARKER,
      source: (_records, input, context) => {
        const user = findUser(context, input.UserName);
        return user.keys.map((key): AccessKeyMetadata => ({ UserName: user.world.name, AccessKeyId: key.id, Status: key.status, CreateDate: key.created }));
      },
    }),
    GetAccessKeyLastUsed: custom<GetAccessKeyLastUsedCommandInput, GetAccessKeyLastUsedCommandOutput>((input, context) => {
      for (const user of model(context).users) {
        const key = user.keys.find((k) => k.id === input.AccessKeyId);
        if (!key) continue;
        return {
          UserName: user.world.name,
          AccessKeyLastUsed: key.lastUsed
            ? { LastUsedDate: key.lastUsed, ServiceName: key.lastUsedService ?? 'sts', Region: key.lastUsedRegion ?? 'us-east-1' }
            : { ServiceName: 'N/A', Region: 'N/A' },
        };
      }
      return context.notFound('NoSuchEntityException', `The Access Key with id ${input.AccessKeyId} cannot be found.`);
    }),
    ListMFADevices: list<ListMFADevicesCommandInput, ListMFADevicesCommandOutput>('users', {
      items: 'MFADevices',
      ...MARKER,
      source: (_records, input, context) => mfaDevicesOf(findUser(context, input.UserName)),
    }),
    ListVirtualMFADevices: list<ListVirtualMFADevicesCommandInput, ListVirtualMFADevicesCommandOutput>('users', {
      items: 'VirtualMFADevices',
      ...MARKER,
      source: (_records, input, context) => (input.AssignmentStatus === 'Unassigned' ? [] : virtualMfaDevices(model(context))),
    }),
    GetAccountPasswordPolicy: custom<GetAccountPasswordPolicyCommandInput, GetAccountPasswordPolicyCommandOutput>((_input, context) => {
      const policy = sectionOf(context).passwordPolicy;
      if (!policy) return context.notFound('NoSuchEntityException', `The Password Policy with domain name ${context.account.id} cannot be found.`);
      return {
        PasswordPolicy: {
          MinimumPasswordLength: policy.minLength ?? 8,
          RequireSymbols: policy.requireSymbols ?? false,
          RequireNumbers: policy.requireNumbers ?? false,
          RequireUppercaseCharacters: policy.requireUppercase ?? false,
          RequireLowercaseCharacters: policy.requireLowercase ?? false,
          AllowUsersToChangePassword: policy.allowUsersToChangePassword ?? true,
          ExpirePasswords: policy.maxAgeDays !== undefined,
          MaxPasswordAge: policy.maxAgeDays,
          PasswordReusePrevention: policy.reusePrevention,
          HardExpiry: policy.hardExpiry ?? false,
        },
      };
    }),
    ListSAMLProviders: list<ListSAMLProvidersCommandInput, ListSAMLProvidersCommandOutput, WorldIamSamlProvider>('samlProviders', {
      items: 'SAMLProviderList',
      token: false,
      item: (_view, provider, context) => {
        const created = dateOf(provider.createdAt, provider.createdDaysAgo, DEFAULT_CREATED) as Date;
        return {
          Arn: `arn:aws:iam::${context.account.id}:saml-provider/${provider.name}`,
          CreateDate: created,
          ValidUntil: provider.validUntil ? new Date(provider.validUntil) : new Date(created.getTime() + 100 * 365 * DAY_MS),
        };
      },
    }),
    ListServerCertificates: list<ListServerCertificatesCommandInput, ListServerCertificatesCommandOutput, WorldIamServerCertificate>('serverCertificates', {
      items: 'ServerCertificateMetadataList',
      ...MARKER,
      source: (certificates, _input, context) =>
        certificates.map((certificate, index) => ({
          Path: certificate.path ?? '/',
          ServerCertificateName: certificate.name,
          // Server certificate ids start with ASCA.
          ServerCertificateId: `ASCA${context.account.id.slice(-4)}${String(index).padStart(13, '0')}`,
          Arn: `arn:aws:iam::${context.account.id}:server-certificate${certificate.path ?? '/'}${certificate.name}`,
          UploadDate: new Date(certificate.uploadedAt ?? DEFAULT_CREATED),
          Expiration: new Date(certificate.expiresAt),
        })),
    }),
    GetAccountSummary: custom<GetAccountSummaryCommandInput, GetAccountSummaryCommandOutput>((_input, context) => ({
      SummaryMap: accountSummary(model(context), sectionOf(context)),
    })),
    ListAccountAliases: list<ListAccountAliasesCommandInput, ListAccountAliasesCommandOutput>('users', {
      items: 'AccountAliases',
      ...MARKER,
      awsMax: 100,
      source: (_records, _input, context) => {
        const alias = sectionOf(context).alias;
        return alias ? [alias] : [];
      },
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
  const groupCount = Math.max(1, Math.ceil(size / 4));
  const policies: WorldIamPolicy[] = Array.from({ length: size }, (_, index) => ({
    name: `generated-policy-${index}`,
    createdDaysAgo: 30 + days(900),
    document: {
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
  }));
  const groups: WorldIamGroup[] = Array.from({ length: groupCount }, (_, index) => ({
    name: `generated-group-${index}`,
    createdDaysAgo: 100 + days(900),
    managedPolicies: size ? [`generated-policy-${index % size}`] : ['ReadOnlyAccess'],
    inlinePolicies:
      index % 2 === 0
        ? [{ name: 'inline-read', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' }] } }]
        : undefined,
  }));
  const users: WorldIamUser[] = Array.from({ length: size }, (_, index) => {
    const console = random() < 0.5;
    const keyCount = Math.floor(random() * 3);
    return {
      name: index % 5 === 0 ? `user${index}@generated.example` : `user-${index}`,
      createdDaysAgo: 10 + days(1500),
      tags: index % 3 === 0 ? { Email: `user${index}@generated.example`, team: pick(['platform', 'data', 'web']) } : undefined,
      password: console,
      passwordLastUsedDaysAgo: console && random() < 0.8 ? days(120) : undefined,
      groups: [`generated-group-${index % groupCount}`],
      managedPolicies: index % 9 === 4 ? ['AdministratorAccess'] : undefined,
      inlinePolicies:
        index % 4 === 1
          ? [{ name: 'self-service', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: '*' }] } }]
          : undefined,
      accessKeys: Array.from({ length: keyCount }, () => ({
        status: random() < 0.8 ? ('Active' as const) : ('Inactive' as const),
        createdDaysAgo: days(400),
        lastUsedDaysAgo: random() < 0.7 ? days(10) : undefined,
        lastUsedService: pick(['s3', 'ec2', 'sts', 'dynamodb']),
        lastUsedRegion: 'us-east-1',
      })),
      mfaDevices: console && random() < 0.7 ? [{ type: random() < 0.8 ? ('virtual' as const) : ('hardware' as const), enabledDaysAgo: days(300) }] : undefined,
    };
  });
  const roles: WorldIamRole[] = Array.from({ length: size }, (_, index) => {
    const service = pick(['ec2.amazonaws.com', 'lambda.amazonaws.com', undefined]);
    return {
      name: `generated-role-${index}`,
      createdDaysAgo: 10 + days(1200),
      trust: {
        Version: '2012-10-17',
        Statement: [
          service
            ? { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }
            : { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' },
        ],
      },
      instanceProfile: service === 'ec2.amazonaws.com' ? true : undefined,
      managedPolicies: [
        size ? `generated-policy-${(index * 3) % size}` : 'ReadOnlyAccess',
        ...(service === 'lambda.amazonaws.com' ? ['AWSLambdaBasicExecutionRole'] : []),
      ],
      lastUsedDaysAgo: random() < 0.6 ? days(60) : undefined,
    };
  });
  roles.push({
    name: 'JupiterOne',
    description: 'Read-only audit role for the security graph',
    trust: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'generated-external-id' } },
        },
      ],
    },
    managedPolicies: ['SecurityAudit'],
    lastUsedDaysAgo: 0,
  });
  const section: WorldIam = {
    alias: `generated-${accountId}`,
    root: { mfa: random() < 0.7 ? 'hardware' : false, accessKeys: random() < 0.1 ? [{ createdDaysAgo: 500 }] : undefined, passwordLastUsedDaysAgo: days(200) },
    passwordPolicy:
      random() < 0.5 ? { minLength: pick([8, 12, 14]), requireSymbols: random() < 0.5, requireNumbers: true, reusePrevention: pick([1, 5, 24]) } : undefined,
    users,
    groups,
    roles,
    policies,
  };
  // Absent optional values are left out, as in a hand-written world file.
  return JSON.parse(JSON.stringify(section)) as WorldIam;
}
