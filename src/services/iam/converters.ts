import type {
  AccessKeyLastUsed,
  AccessKeyMetadata,
  GroupDetail,
  ManagedPolicyDetail,
  MFADevice,
  PasswordPolicy,
  PolicyDetail,
  Role,
  RoleDetail,
  SAMLProviderListEntry,
  Tag,
  UserDetail,
} from '@aws-sdk/client-iam';
import {
  createEntity,
  createRelationship,
  RelationshipVerb,
  serviceEntityRef,
  tagMap,
  toEpochMs,
  type Entity,
  type EntitySchema,
  type Relationship,
  type RelationshipSchema,
} from '../../graph';
import { latest, type CredentialReportRow } from './credential-report';
import { policyDocumentText } from '../../policy/document';
import { isAdminPolicy, redactTrustDocument } from './policy-document';
import { IamEntities, IamRelationships } from './schema';

export type PrincipalKind = 'user' | 'group' | 'role';

/** The inline-policy type of each principal kind, and its `<principal> HAS <inline policy>` relationship. */
const INLINE_POLICY: Record<PrincipalKind, { entity: EntitySchema; edge: RelationshipSchema }> = {
  user: { entity: IamEntities.USER_POLICY, edge: IamRelationships.USER_HAS_INLINE_POLICY },
  group: { entity: IamEntities.GROUP_POLICY, edge: IamRelationships.GROUP_HAS_INLINE_POLICY },
  role: { entity: IamEntities.ROLE_POLICY, edge: IamRelationships.ROLE_HAS_INLINE_POLICY },
};

const CONSOLE = 'https://console.aws.amazon.com/iam/home';

/** Whether a managed policy ARN is an AWS-managed policy (`arn:aws:iam::aws:policy/...`). */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:[\w-]+:iam::aws:policy\//.test(arn);
}

/**
 * Key of an `aws_iam_policy`. Customer-managed policies are keyed by their ARN. AWS-managed policies
 * have the same ARN in every account, but their entity is per account (attachment counts and edges
 * differ), so the account id is appended.
 */
export function policyKey(policyArn: string, accountId: string): string {
  return isAwsManagedPolicyArn(policyArn) ? `${policyArn}@${accountId}` : policyArn;
}

/** Key of an inline policy of a user, group or role. */
export function inlinePolicyKey(principalArn: string, policyName: string): string {
  return `${principalArn}:inline-policy/${policyName}`;
}

export function passwordPolicyKey(accountId: string): string {
  return `aws:${accountId}:iam:account-password-policy`;
}

/** Key of an MFA device: its serial number (an ARN for virtual and FIDO devices). */
export function mfaDeviceKey(serialNumber: string, accountId: string): string {
  return serialNumber.startsWith('arn:') ? serialNumber : `aws:${accountId}:mfa-device:${serialNumber}`;
}

/** Key of a group from its name, when the group entity is not at hand (assumes path `/`). */
export function groupArnFromName(groupName: string, accountId: string): string {
  return `arn:aws:iam::${accountId}:group/${groupName}`;
}

// ajv-formats' `email` (fast mode): values outside it would fail the User schema.
const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export function isEmail(value: string | undefined): value is string {
  return value !== undefined && EMAIL.test(value);
}

/**
 * Email addresses of an IAM user: the `Email` tag (any case) and the user name when it is an address
 * (how JupiterOne maps users to people).
 */
export function userEmails(userName: string, tags: Tag[] | undefined): string[] {
  const emails: string[] = [];
  for (const [key, value] of Object.entries(tagMap(tags))) {
    if (key.toLowerCase() === 'email' && isEmail(value.trim())) emails.push(value.trim());
  }
  if (isEmail(userName)) emails.push(userName);
  return [...new Set(emails.map((e) => e.toLowerCase()))];
}

function one<T>(values: T[]): T[] | null {
  return values.length ? values : null;
}

// ---------------------------------------------------------------------------------------------
// Managed and inline policies

/** `aws_iam_policy` from `GetAccountAuthorizationDetails`' managed policy details. */
export function convertManagedPolicy(detail: ManagedPolicyDetail, accountId: string): Entity {
  const arn = detail.Arn ?? `arn:aws:iam::${accountId}:policy${detail.Path ?? '/'}${detail.PolicyName}`;
  const versions = detail.PolicyVersionList ?? [];
  const defaultVersion = versions.find((v) => v.IsDefaultVersion) ?? versions.find((v) => v.VersionId === detail.DefaultVersionId);
  const document = policyDocumentText(defaultVersion?.Document);
  const vendorManaged = isAwsManagedPolicyArn(arn);
  return createEntity({
    _key: policyKey(arn, accountId),
    schema: IamEntities.POLICY,
    name: detail.PolicyName,
    createdOn: detail.CreateDate,
    properties: {
      id: detail.PolicyId,
      policyId: detail.PolicyId,
      policyName: detail.PolicyName,
      arn,
      accountId,
      path: detail.Path,
      description: detail.Description || undefined,
      policyType: vendorManaged ? 'aws-managed' : 'customer-managed',
      vendorManaged,
      defaultVersionId: detail.DefaultVersionId ?? defaultVersion?.VersionId,
      versionCount: versions.length || undefined,
      attachmentCount: detail.AttachmentCount,
      permissionsBoundaryUsageCount: detail.PermissionsBoundaryUsageCount,
      inUse: detail.AttachmentCount !== undefined ? detail.AttachmentCount > 0 : undefined,
      attachable: detail.IsAttachable,
      admin: document !== undefined ? isAdminPolicy(document) : undefined,
      document,
      updatedOn: detail.UpdateDate,
      webLink: `${CONSOLE}#/policies/${encodeURIComponent(arn)}`,
    },
  });
}

/** Whether an AWS-managed policy belongs in the graph: only when something in the account uses it. */
export function isPolicyInUse(detail: ManagedPolicyDetail): boolean {
  return (detail.AttachmentCount ?? 0) > 0 || (detail.PermissionsBoundaryUsageCount ?? 0) > 0;
}

export interface PolicyOwner {
  kind: PrincipalKind;
  arn: string;
  name: string;
}

/** `aws_iam_user_policy`, `aws_iam_group_policy` or `aws_iam_role_policy`. */
export function convertInlinePolicy(owner: PolicyOwner, detail: PolicyDetail, accountId: string): Entity {
  const name = detail.PolicyName ?? 'unnamed';
  const document = policyDocumentText(detail.PolicyDocument);
  const consoleKind = owner.kind === 'user' ? 'users' : owner.kind === 'group' ? 'groups' : 'roles';
  return createEntity({
    _key: inlinePolicyKey(owner.arn, name),
    schema: INLINE_POLICY[owner.kind].entity,
    name,
    displayName: `${owner.name}/${name}`,
    properties: {
      policyName: name,
      policyType: 'inline',
      accountId,
      [`${owner.kind}Name`]: owner.name,
      [`${owner.kind}Arn`]: owner.arn,
      vendorManaged: false,
      inUse: true,
      admin: document !== undefined ? isAdminPolicy(document) : undefined,
      document,
      webLink: `${CONSOLE}#/${consoleKind}/${encodeURIComponent(owner.name)}`,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Principals

export interface AccessKeyFacts {
  metadata: AccessKeyMetadata;
  lastUsed?: AccessKeyLastUsed;
}

export interface UserFacts {
  detail: UserDetail;
  accountId: string;
  /** The user's row of the credential report, when the report could be read. */
  report?: CredentialReportRow;
  /** From ListAccessKeys (undefined when it could not be called). */
  accessKeys?: AccessKeyFacts[];
  /** From ListMFADevices (undefined when it could not be called). */
  mfaDevices?: MFADevice[];
}

function awsValue(value: string | undefined): string | undefined {
  return value && value !== 'N/A' ? value : undefined;
}

/** `aws_iam_user` from its authorization details, credential-report row, access keys and MFA devices. */
export function convertUser(facts: UserFacts): Entity {
  const { detail, report } = facts;
  const userName = detail.UserName ?? '';
  const arn = detail.Arn ?? `arn:aws:iam::${facts.accountId}:user${detail.Path ?? '/'}${userName}`;
  const emails = userEmails(userName, detail.Tags);

  const mfaEnabled = facts.mfaDevices ? facts.mfaDevices.length > 0 : report?.mfaActive;
  const accessKeyEnabled = facts.accessKeys
    ? facts.accessKeys.some((key) => key.metadata.Status === 'Active')
    : report
      ? report.accessKeys.some((key) => key.active === true)
      : undefined;
  const accessKeyLastUsed = facts.accessKeys
    ? latest(facts.accessKeys.map((key) => toEpochMs(key.lastUsed?.LastUsedDate)))
    : latest(report?.accessKeys.map((key) => key.lastUsedDate) ?? []);
  const passwordEnabled = report?.passwordEnabled;
  const active = passwordEnabled === true || accessKeyEnabled === true ? true : passwordEnabled === false && accessKeyEnabled === false ? false : undefined;

  const entity = createEntity({
    _key: arn,
    schema: IamEntities.USER,
    name: userName,
    tags: detail.Tags,
    createdOn: detail.CreateDate,
    properties: {
      id: detail.UserId,
      userId: detail.UserId,
      arn,
      accountId: facts.accountId,
      path: detail.Path,
      // The User schema wants these as arrays (or null).
      username: [userName],
      shortLoginId: [isEmail(userName) ? userName.split('@')[0] : userName],
      firstName: null,
      lastName: null,
      passwordEnabled,
      passwordLastUsed: report?.passwordLastUsed,
      passwordLastChanged: report?.passwordLastChanged,
      passwordNextRotation: report?.passwordNextRotation,
      mfaEnabled,
      accessKeyEnabled,
      accessKeyLastUsed,
      active,
      groupNames: detail.GroupList?.length ? [...detail.GroupList].sort() : undefined,
      permissionsBoundaryArn: detail.PermissionsBoundary?.PermissionsBoundaryArn,
      webLink: `${CONSOLE}#/users/${encodeURIComponent(userName)}`,
    },
  });
  // After the tags: an `Email` tag would otherwise leave a plain string where the schema wants an array.
  entity.email = one(emails);
  entity.emailDomain = one([...new Set(emails.map((e) => e.split('@')[1]))]);
  return entity;
}

/** `aws_iam_access_key` from ListAccessKeys and GetAccessKeyLastUsed. */
export function convertAccessKey(facts: AccessKeyFacts, accountId: string, userArn?: string): Entity {
  const { metadata, lastUsed } = facts;
  const accessKeyId = metadata.AccessKeyId ?? '';
  return createEntity({
    _key: accessKeyId,
    schema: IamEntities.ACCESS_KEY,
    name: accessKeyId,
    displayName: metadata.UserName ? `${metadata.UserName}/${accessKeyId}` : accessKeyId,
    createdOn: metadata.CreateDate,
    properties: {
      id: accessKeyId,
      accessKeyId,
      accountId,
      userName: metadata.UserName,
      userArn,
      status: metadata.Status,
      active: metadata.Status === 'Active',
      lastUsedOn: lastUsed?.LastUsedDate,
      lastUsedService: awsValue(lastUsed?.ServiceName),
      lastUsedRegion: awsValue(lastUsed?.Region),
    },
  });
}

/** Kind of MFA device, from its serial number. */
export function mfaDeviceType(serialNumber: string): 'virtual' | 'fido' | 'hardware' {
  if (/^arn:[\w-]+:iam::\d{12}:u2f\//.test(serialNumber)) return 'fido';
  if (serialNumber.startsWith('arn:')) return 'virtual';
  return 'hardware';
}

/** `mfa_device` from ListMFADevices. */
export function convertMfaDevice(device: MFADevice, accountId: string, userArn?: string): Entity {
  const serialNumber = device.SerialNumber ?? '';
  const shortName = serialNumber.startsWith('arn:') ? serialNumber.replace(/^arn:[^/]+\//, '') : serialNumber;
  return createEntity({
    _key: mfaDeviceKey(serialNumber, accountId),
    schema: IamEntities.MFA_DEVICE,
    name: shortName,
    createdOn: device.EnableDate,
    properties: {
      id: serialNumber,
      serialNumber,
      accountId,
      userName: device.UserName,
      userArn,
      type: mfaDeviceType(serialNumber),
      usage: 'mfa',
      active: true,
      enabledOn: device.EnableDate,
    },
  });
}

/** `aws_iam_group` from its authorization details. */
export function convertGroup(detail: GroupDetail, accountId: string): Entity {
  const groupName = detail.GroupName ?? '';
  const arn = detail.Arn ?? `arn:aws:iam::${accountId}:group${detail.Path ?? '/'}${groupName}`;
  return createEntity({
    _key: arn,
    schema: IamEntities.GROUP,
    name: groupName,
    createdOn: detail.CreateDate,
    properties: {
      id: detail.GroupId,
      groupId: detail.GroupId,
      groupName,
      arn,
      accountId,
      path: detail.Path,
      webLink: `${CONSOLE}#/groups/${encodeURIComponent(groupName)}`,
    },
  });
}

/**
 * `aws_iam_role` from its authorization details and, when available, its ListRoles entry (the only
 * source of the description and maximum session duration).
 */
export function convertRole(detail: RoleDetail, accountId: string, listed?: Role): Entity {
  const roleName = detail.RoleName ?? '';
  const arn = detail.Arn ?? `arn:aws:iam::${accountId}:role${detail.Path ?? '/'}${roleName}`;
  const profiles = detail.InstanceProfileList ?? [];
  return createEntity({
    _key: arn,
    schema: IamEntities.ROLE,
    name: roleName,
    tags: detail.Tags,
    createdOn: detail.CreateDate,
    properties: {
      id: detail.RoleId,
      roleId: detail.RoleId,
      roleName,
      arn,
      accountId,
      path: detail.Path,
      description: listed?.Description || undefined,
      maxSessionDuration: listed?.MaxSessionDuration,
      serviceLinked: (detail.Path ?? '').startsWith('/aws-service-role/'),
      lastUsedOn: detail.RoleLastUsed?.LastUsedDate,
      lastUsedRegion: detail.RoleLastUsed?.Region,
      instanceProfileArns: profiles.length ? profiles.map((p) => p.Arn ?? '').filter(Boolean) : undefined,
      instanceProfileNames: profiles.length ? profiles.map((p) => p.InstanceProfileName ?? '').filter(Boolean) : undefined,
      permissionsBoundaryArn: detail.PermissionsBoundary?.PermissionsBoundaryArn,
      assumeRolePolicyDocument: redactTrustDocument(policyDocumentText(detail.AssumeRolePolicyDocument ?? listed?.AssumeRolePolicyDocument)),
      webLink: `${CONSOLE}#/roles/${encodeURIComponent(roleName)}`,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Account-level IAM resources

/** `aws_iam_account_password_policy` from GetAccountPasswordPolicy. */
export function convertPasswordPolicy(policy: PasswordPolicy, accountId: string): Entity {
  return createEntity({
    _key: passwordPolicyKey(accountId),
    schema: IamEntities.PASSWORD_POLICY,
    name: 'account-password-policy',
    displayName: `Password policy of ${accountId}`,
    properties: {
      accountId,
      minLength: policy.MinimumPasswordLength,
      requireSymbols: policy.RequireSymbols,
      requireNumbers: policy.RequireNumbers,
      requireUppercase: policy.RequireUppercaseCharacters,
      requireLowercase: policy.RequireLowercaseCharacters,
      allowUsersToChangePassword: policy.AllowUsersToChangePassword,
      preventReset: policy.AllowUsersToChangePassword === undefined ? undefined : !policy.AllowUsersToChangePassword,
      expirePasswords: policy.ExpirePasswords ?? false,
      // 0 means "no limit" in the PasswordPolicy schema, which is what an absent value means in IAM.
      maxAgeDays: policy.MaxPasswordAge ?? 0,
      historyCount: policy.PasswordReusePrevention ?? 0,
      hardExpiry: policy.HardExpiry ?? false,
      webLink: `${CONSOLE}#/account_settings`,
    },
  });
}

/** `aws_iam_saml_provider` from ListSAMLProviders. */
export function convertSamlProvider(entry: SAMLProviderListEntry, accountId: string): Entity {
  const arn = entry.Arn ?? '';
  const name = arn.replace(/^.*:saml-provider\//, '');
  const validUntil = toEpochMs(entry.ValidUntil);
  return createEntity({
    _key: arn,
    schema: IamEntities.SAML_PROVIDER,
    name,
    createdOn: entry.CreateDate,
    properties: {
      arn,
      accountId,
      category: ['security'],
      function: ['IAM'],
      validUntil,
      expiresOn: validUntil,
      webLink: `${CONSOLE}#/identity_providers`,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Relationships

type Ref = { _key: string; _type: string };

/** `aws_iam HAS <IAM resource>`. */
export function iamServiceHas(accountId: string, target: Ref): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'iam'), verb: RelationshipVerb.HAS, to: target });
}

/** `<user|group|role> HAS <its inline policy>`. */
export function principalHasInlinePolicy(kind: PrincipalKind, principal: Ref, policy: Ref): Relationship {
  return createRelationship({ from: principal, verb: RelationshipVerb.HAS, to: policy, _type: INLINE_POLICY[kind].edge._type });
}

/** `<user|group|role> HAS aws_iam_policy` (attached managed policy). */
export function principalHasManagedPolicy(principal: Ref, policyArn: string, accountId: string): Relationship {
  return createRelationship({
    from: principal,
    verb: RelationshipVerb.HAS,
    to: { _key: policyKey(policyArn, accountId), _type: IamEntities.POLICY._type },
  });
}

export function groupContainsUser(group: Ref, user: Ref): Relationship {
  return createRelationship({ from: group, verb: RelationshipVerb.CONTAINS, to: user });
}

export function userHasAccessKey(user: Ref, key: Ref): Relationship {
  return createRelationship({ from: user, verb: RelationshipVerb.HAS, to: key });
}

export function userUsesMfaDevice(user: Ref, device: Ref): Relationship {
  return createRelationship({ from: user, verb: RelationshipVerb.USES, to: device });
}

// ---------------------------------------------------------------------------------------------
// Root user facts (added to aws_account)

/** What {@link rootUserFacts} sets on the `aws_account` entity (the IAM users collector's `enriches`). */
export const ROOT_USER_PROPERTIES = [
  'mfaEnabled',
  'rootUserAccessKeyEnabled',
  'rootUserAccessKeyLastUsed',
  'rootUserPasswordLastUsed',
  'rootUserCertificatesActive',
  'rootUserHardwareMfaEnabled',
] as const;

/**
 * Root-user facts of the credential report's `<root_account>` row, for the `aws_account` entity.
 * `accountMfaEnabled` is what the account summary said (undefined when it could not be read): the
 * report's `mfa_active` then stands in for it. `rootVirtualMfa` comes from ListVirtualMFADevices.
 */
export function rootUserFacts(
  row: CredentialReportRow | undefined,
  rootVirtualMfa: boolean | undefined,
  accountMfaEnabled: boolean | undefined,
): Record<(typeof ROOT_USER_PROPERTIES)[number], boolean | number | undefined> {
  const mfa = accountMfaEnabled ?? row?.mfaActive;
  return {
    mfaEnabled: accountMfaEnabled === undefined ? row?.mfaActive : undefined,
    rootUserAccessKeyEnabled: row ? row.accessKeys.some((key) => key.active === true) : undefined,
    rootUserAccessKeyLastUsed: row ? latest(row.accessKeys.map((key) => key.lastUsedDate)) : undefined,
    rootUserPasswordLastUsed: row?.passwordLastUsed,
    rootUserCertificatesActive: row?.certificatesActive,
    // CIS "hardware MFA for the root user".
    rootUserHardwareMfaEnabled: mfa === false ? false : mfa === true && rootVirtualMfa !== undefined ? !rootVirtualMfa : undefined,
  };
}
