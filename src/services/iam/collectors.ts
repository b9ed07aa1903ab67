import {
  GetAccessKeyLastUsedCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  ListSAMLProvidersCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListMFADevices,
  paginateListRoles,
  paginateListVirtualMFADevices,
  type AccessKeyMetadata,
  type EntityType,
  type GroupDetail,
  type ManagedPolicyDetail,
  type MFADevice,
  type PolicyDetail,
  type Role,
  type RoleDetail,
  type UserDetail,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import { accountEntityKey, setAccountFacts, type Entity } from '../../graph';
import { AccountEntities } from '../account/schema';
import { fetchCredentialReport, type CredentialReportRow } from './credential-report';
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
  groupArnFromName,
  groupContainsUser,
  iamServiceHas,
  isAwsManagedPolicyArn,
  isPolicyInUse,
  principalHasInlinePolicy,
  principalHasManagedPolicy,
  ROOT_USER_PROPERTIES,
  rootUserFacts,
  userHasAccessKey,
  userUsesMfaDevice,
  type AccessKeyFacts,
  type PolicyOwner,
} from './converters';
import { IamEntities, IamRelationships } from './schema';

/** IAM's largest page (MaxItems) for the list calls used here. */
const IAM_PAGE = 1000;
/** Per-user calls in flight at once: IAM's quota is account-wide and shared with the console. */
const PER_USER_CONCURRENCY = 4;

export interface AuthorizationDetails {
  users: UserDetail[];
  groups: GroupDetail[];
  roles: RoleDetail[];
  policies: ManagedPolicyDetail[];
}

/**
 * Every page of `GetAccountAuthorizationDetails` for the given entity types. Each IAM collector reads
 * its own types, so together they read the account's authorization details once.
 */
export async function readAuthorizationDetails(client: IAMClient, filter: EntityType[]): Promise<AuthorizationDetails> {
  const details: AuthorizationDetails = { users: [], groups: [], roles: [], policies: [] };
  for await (const page of paginateGetAccountAuthorizationDetails({ client, pageSize: IAM_PAGE }, { Filter: filter })) {
    details.users.push(...(page.UserDetailList ?? []));
    details.groups.push(...(page.GroupDetailList ?? []));
    details.roles.push(...(page.RoleDetailList ?? []));
    details.policies.push(...(page.Policies ?? []));
  }
  return details;
}

function isNoSuchEntity(error: unknown): boolean {
  const name = error && typeof error === 'object' ? (error as { name?: string }).name : undefined;
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}

/**
 * `context.optional`, where a resource that disappeared during the run (NoSuchEntity) is not an
 * error: that part is simply absent.
 */
function optionalCalls(context: CollectorContext) {
  return <T>(operation: string, work: () => Promise<T>): Promise<T | undefined> =>
    context.optional(operation, async () => {
      try {
        return await work();
      } catch (error) {
        if (isNoSuchEntity(error)) return undefined;
        throw error;
      }
    });
}

/**
 * Like Promise.all, but waits for every call to finish before failing with the first failure, so no
 * call of a failed collector is still running (and recording errors) after the runner moved on.
 */
async function settleAll<T extends unknown[]>(...promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as T;
}

/** Adds a principal's inline policies and attached managed policies with their edges. */
function addPrincipalPolicies(
  context: CollectorContext,
  owner: PolicyOwner,
  principal: Entity,
  inline: PolicyDetail[] | undefined,
  attached: Array<{ PolicyArn?: string }> | undefined,
): void {
  const { accountId } = context.account;
  for (const detail of inline ?? []) {
    const policy = context.addEntity(convertInlinePolicy(owner, detail, accountId));
    context.addRelationship(iamServiceHas(accountId, policy));
    context.addRelationship(principalHasInlinePolicy(owner.kind, principal, policy));
  }
  for (const policy of attached ?? []) {
    if (policy.PolicyArn) context.addRelationship(principalHasManagedPolicy(principal, policy.PolicyArn, accountId));
  }
}

/** The relationships of a principal kind's policies: the service HAS its inline policies, the principal HAS inline and managed ones. */
const POLICY_DECLARATIONS = {
  user: [IamRelationships.SERVICE_HAS_USER_POLICY, IamRelationships.USER_HAS_INLINE_POLICY, IamRelationships.USER_HAS_POLICY],
  group: [IamRelationships.SERVICE_HAS_GROUP_POLICY, IamRelationships.GROUP_HAS_INLINE_POLICY, IamRelationships.GROUP_HAS_POLICY],
  role: [IamRelationships.SERVICE_HAS_ROLE_POLICY, IamRelationships.ROLE_HAS_INLINE_POLICY, IamRelationships.ROLE_HAS_POLICY],
} as const;

/**
 * Managed policies: every customer-managed policy, and the AWS-managed policies that something in the
 * account uses (attached or as a permissions boundary), each with its default version's document.
 */
export const iamPoliciesCollector: Collector = {
  id: 'iam-policies',
  service: 'iam',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'iam.amazonaws.com',
      names: ['CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion', 'TagPolicy', 'UntagPolicy'],
      resourceIds: ['requestParameters.policyArn', 'responseElements.policy.arn'],
    },
  ],
  entities: [IamEntities.POLICY],
  relationships: [IamRelationships.SERVICE_HAS_POLICY],
  permissions: ['iam:GetAccountAuthorizationDetails'],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(IAMClient);
    const { accountId } = context.account;
    const { policies } = await readAuthorizationDetails(client, ['LocalManagedPolicy', 'AWSManagedPolicy']);
    for (const detail of policies) {
      if (detail.Arn && isAwsManagedPolicyArn(detail.Arn) && !isPolicyInUse(detail)) continue;
      const policy = context.addEntity(convertManagedPolicy(detail, accountId));
      context.addRelationship(iamServiceHas(accountId, policy));
    }
  },
};

/** Groups with their inline policies and attached managed policies. */
export const iamGroupsCollector: Collector = {
  id: 'iam-groups',
  service: 'iam',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'iam.amazonaws.com',
      names: [
        'CreateGroup',
        'DeleteGroup',
        'UpdateGroup',
        'AttachGroupPolicy',
        'DetachGroupPolicy',
        'PutGroupPolicy',
        'DeleteGroupPolicy',
        'AddUserToGroup',
        'RemoveUserFromGroup',
      ],
      resourceIds: ['requestParameters.groupName'],
    },
  ],
  entities: [IamEntities.GROUP, IamEntities.GROUP_POLICY],
  relationships: [IamRelationships.SERVICE_HAS_GROUP, ...POLICY_DECLARATIONS.group],
  permissions: ['iam:GetAccountAuthorizationDetails'],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(IAMClient);
    const { accountId } = context.account;
    const { groups } = await readAuthorizationDetails(client, ['Group']);
    for (const detail of groups) {
      const group = context.addEntity(convertGroup(detail, accountId));
      context.addRelationship(iamServiceHas(accountId, group));
      const owner: PolicyOwner = { kind: 'group', arn: group._key, name: detail.GroupName ?? group.name };
      addPrincipalPolicies(context, owner, group, detail.GroupPolicyList, detail.AttachedManagedPolicies);
    }
  },
};

/**
 * Roles with their trust policy (`assumeRolePolicyDocument`), instance profiles, last use, inline
 * policies and attached managed policies. ListRoles adds what the authorization details lack
 * (description, maximum session duration).
 */
export const iamRolesCollector: Collector = {
  id: 'iam-roles',
  service: 'iam',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'iam.amazonaws.com',
      names: [
        'CreateRole',
        'DeleteRole',
        'UpdateRole',
        'UpdateRoleDescription',
        'UpdateAssumeRolePolicy',
        'AttachRolePolicy',
        'DetachRolePolicy',
        'PutRolePolicy',
        'DeleteRolePolicy',
        'PutRolePermissionsBoundary',
        'DeleteRolePermissionsBoundary',
        'TagRole',
        'UntagRole',
        'CreateInstanceProfile',
        'DeleteInstanceProfile',
        'AddRoleToInstanceProfile',
        'RemoveRoleFromInstanceProfile',
        'CreateServiceLinkedRole',
        'DeleteServiceLinkedRole',
      ],
      resourceIds: ['requestParameters.roleName'],
    },
  ],
  entities: [IamEntities.ROLE, IamEntities.ROLE_POLICY],
  relationships: [IamRelationships.SERVICE_HAS_ROLE, ...POLICY_DECLARATIONS.role],
  permissions: ['iam:GetAccountAuthorizationDetails', 'iam:ListRoles'],
  optionalCalls: [
    {
      operation: 'iam:ListRoles',
      per: 'scope',
      properties: [{ _type: IamEntities.ROLE._type, properties: ['description', 'maxSessionDuration'] }],
      cost: 'roles have no `description` or `maxSessionDuration`',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(IAMClient);
    const { accountId } = context.account;
    const attempt = optionalCalls(context);
    const [details, listed] = await settleAll(
      readAuthorizationDetails(client, ['Role']),
      attempt('iam:ListRoles', async () => {
        const byArn = new Map<string, Role>();
        for await (const page of paginateListRoles({ client, pageSize: IAM_PAGE }, {})) {
          for (const role of page.Roles ?? []) if (role.Arn) byArn.set(role.Arn, role);
        }
        return byArn;
      }),
    );
    const { roles } = details;
    for (const detail of roles) {
      const role = context.addEntity(convertRole(detail, accountId, detail.Arn ? listed?.get(detail.Arn) : undefined));
      context.addRelationship(iamServiceHas(accountId, role));
      const owner: PolicyOwner = { kind: 'role', arn: role._key, name: detail.RoleName ?? role.name };
      addPrincipalPolicies(context, owner, role, detail.RolePolicyList, detail.AttachedManagedPolicies);
    }
  },
};

/**
 * Users with their credential-report facts, access keys (with last use), MFA devices, inline and
 * attached policies and group memberships. The credential report is read here, once per account, and
 * its `<root_account>` row also gives the root-user facts of the `aws_account` entity.
 */
export const iamUsersCollector: Collector = {
  id: 'iam-users',
  service: 'iam',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'iam.amazonaws.com',
      names: [
        'CreateUser',
        'DeleteUser',
        'UpdateUser',
        'AttachUserPolicy',
        'DetachUserPolicy',
        'PutUserPolicy',
        'DeleteUserPolicy',
        'PutUserPermissionsBoundary',
        'DeleteUserPermissionsBoundary',
        'AddUserToGroup',
        'RemoveUserFromGroup',
        'CreateAccessKey',
        'DeleteAccessKey',
        'UpdateAccessKey',
        'CreateLoginProfile',
        'UpdateLoginProfile',
        'DeleteLoginProfile',
        'EnableMFADevice',
        'DeactivateMFADevice',
        'CreateVirtualMFADevice',
        'DeleteVirtualMFADevice',
        'UploadSSHPublicKey',
        'DeleteSSHPublicKey',
        'TagUser',
        'UntagUser',
      ],
      resourceIds: ['requestParameters.userName'],
    },
  ],
  entities: [IamEntities.USER, IamEntities.USER_POLICY, IamEntities.ACCESS_KEY, IamEntities.MFA_DEVICE],
  relationships: [
    IamRelationships.SERVICE_HAS_USER,
    ...POLICY_DECLARATIONS.user,
    IamRelationships.GROUP_CONTAINS_USER,
    IamRelationships.USER_HAS_ACCESS_KEY,
    IamRelationships.USER_USES_MFA_DEVICE,
  ],
  permissions: [
    'iam:GetAccountAuthorizationDetails',
    'iam:GenerateCredentialReport',
    'iam:GetCredentialReport',
    'iam:ListAccessKeys',
    'iam:GetAccessKeyLastUsed',
    'iam:ListMFADevices',
    'iam:ListVirtualMFADevices',
  ],
  conditionalPermissions: [{ action: 'iam:GenerateCredentialReport', when: 'the account has no credential report younger than 4 hours' }],
  optionalCalls: [
    {
      operation: 'iam:GetCredentialReport',
      actions: ['iam:GetCredentialReport', 'iam:GenerateCredentialReport'],
      per: 'scope',
      properties: [{ _type: IamEntities.USER._type, properties: ['passwordEnabled', 'passwordLastUsed', 'passwordLastChanged', 'passwordNextRotation'] }],
      cost: 'users have no password facts and the account no root-user facts from the report; `iam:GenerateCredentialReport` is needed only when no report younger than 4 hours exists',
    },
    { operation: 'iam:ListVirtualMFADevices', per: 'scope', cost: 'the account has no root virtual-MFA fact (`rootUserHardwareMfaEnabled` unknown)' },
    {
      operation: 'iam:ListAccessKeys',
      properties: [{ _type: IamEntities.USER._type, properties: ['accessKeyEnabled', 'accessKeyLastUsed'] }],
      cost: 'no `aws_iam_access_key` entities; users take their key facts from the credential report',
    },
    {
      operation: 'iam:GetAccessKeyLastUsed',
      properties: [
        { _type: IamEntities.ACCESS_KEY._type, properties: ['lastUsedOn', 'lastUsedService', 'lastUsedRegion'] },
        { _type: IamEntities.USER._type, properties: ['accessKeyLastUsed'] },
      ],
      cost: 'access keys have no last-use facts',
    },
    {
      operation: 'iam:ListMFADevices',
      properties: [{ _type: IamEntities.USER._type, properties: ['mfaEnabled'] }],
      cost: 'no `aws_iam_mfa_device` entities; users take `mfaEnabled` from the credential report',
    },
  ],
  // Groups are looked up by name for `CONTAINS` (user details name their groups, not their ARNs).
  dependsOn: ['account', 'iam-groups'],
  enriches: [{ _type: AccountEntities.ACCOUNT._type, properties: [...ROOT_USER_PROPERTIES] }],
  async run(context) {
    const client = context.client(IAMClient);
    const { accountId } = context.account;
    const attempt = optionalCalls(context);

    const [{ users }, report, virtualDevices] = await settleAll(
      readAuthorizationDetails(client, ['User']),
      attempt('iam:GetCredentialReport', () => fetchCredentialReport(client)),
      attempt('iam:ListVirtualMFADevices', async () => {
        const devices: VirtualMFADevice[] = [];
        for await (const page of paginateListVirtualMFADevices({ client, pageSize: IAM_PAGE }, { AssignmentStatus: 'Assigned' })) {
          devices.push(...(page.VirtualMFADevices ?? []));
        }
        return devices;
      }),
    );
    const rows = new Map<string, CredentialReportRow>((report?.rows ?? []).map((row) => [row.arn, row]));
    const groupsByName = new Map<string, Entity>();
    for (const group of context.graph.entitiesOfType(IamEntities.GROUP._type)) {
      if (group._accountId === accountId && typeof group.groupName === 'string') groupsByName.set(group.groupName, group);
    }

    await mapConcurrent(users, PER_USER_CONCURRENCY, async (detail) => {
      const userName = detail.UserName;
      if (!userName) return;
      const keys = await attempt('iam:ListAccessKeys', async () => {
        const found: AccessKeyMetadata[] = [];
        for await (const page of paginateListAccessKeys({ client, pageSize: IAM_PAGE }, { UserName: userName })) found.push(...(page.AccessKeyMetadata ?? []));
        return found;
      });
      const accessKeys: AccessKeyFacts[] | undefined = keys
        ? await Promise.all(
            keys.map(async (metadata) => ({
              metadata,
              lastUsed: metadata.AccessKeyId
                ? (await attempt('iam:GetAccessKeyLastUsed', () => client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: metadata.AccessKeyId }))))
                    ?.AccessKeyLastUsed
                : undefined,
            })),
          )
        : undefined;
      const mfaDevices = await attempt('iam:ListMFADevices', async () => {
        const found: MFADevice[] = [];
        for await (const page of paginateListMFADevices({ client, pageSize: IAM_PAGE }, { UserName: userName })) found.push(...(page.MFADevices ?? []));
        return found;
      });

      const user = context.addEntity(convertUser({ detail, accountId, report: detail.Arn ? rows.get(detail.Arn) : undefined, accessKeys, mfaDevices }));
      context.addRelationship(iamServiceHas(accountId, user));
      addPrincipalPolicies(context, { kind: 'user', arn: user._key, name: userName }, user, detail.UserPolicyList, detail.AttachedManagedPolicies);
      for (const groupName of detail.GroupList ?? []) {
        const group = groupsByName.get(groupName) ?? { _key: groupArnFromName(groupName, accountId), _type: IamEntities.GROUP._type };
        context.addRelationship(groupContainsUser(group, user));
      }
      for (const facts of accessKeys ?? []) {
        if (!facts.metadata.AccessKeyId) continue;
        const key = context.addEntity(convertAccessKey(facts, accountId, user._key));
        context.addRelationship(userHasAccessKey(user, key));
      }
      for (const device of mfaDevices ?? []) {
        if (!device.SerialNumber) continue;
        const mfa = context.addEntity(convertMfaDevice(device, accountId, user._key));
        context.addRelationship(userUsesMfaDevice(user, mfa));
      }
    });

    // Root-user facts on the account entity (the account collector reads no credential report).
    const account = context.graph.getEntity(accountEntityKey(accountId));
    if (account && (report || virtualDevices)) {
      const rootVirtualMfa = virtualDevices?.some((device) => /^arn:[\w-]+:iam::\d{12}:root$/.test(device.User?.Arn ?? ''));
      const rootRow = report?.rows.find((row) => row.root);
      const accountMfa = typeof account.mfaEnabled === 'boolean' ? account.mfaEnabled : undefined;
      setAccountFacts(account, rootUserFacts(rootRow, rootVirtualMfa, accountMfa));
    }
  },
};

/** The account password policy; its absence (NoSuchEntity) is a fact, not an error. */
export const iamPasswordPolicyCollector: Collector = {
  id: 'iam-password-policy',
  service: 'iam',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [{ source: 'iam.amazonaws.com', names: ['UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy'] }],
  entities: [IamEntities.PASSWORD_POLICY],
  relationships: [IamRelationships.SERVICE_HAS_PASSWORD_POLICY],
  permissions: ['iam:GetAccountPasswordPolicy'],
  dependsOn: ['account'],
  enriches: [{ _type: AccountEntities.ACCOUNT._type, properties: ['passwordPolicyPresent'] }],
  async run(context) {
    const client = context.client(IAMClient);
    const { accountId } = context.account;
    let present = false;
    try {
      const { PasswordPolicy: policy } = await client.send(new GetAccountPasswordPolicyCommand({}));
      if (policy) {
        const entity = context.addEntity(convertPasswordPolicy(policy, accountId));
        context.addRelationship(iamServiceHas(accountId, entity));
        present = true;
      }
    } catch (error) {
      if (!isNoSuchEntity(error)) throw error;
    }
    const account = context.graph.getEntity(accountEntityKey(accountId));
    if (account) setAccountFacts(account, { passwordPolicyPresent: present });
  },
};

/** SAML identity providers (federation into the account). */
export const iamSamlProvidersCollector: Collector = {
  id: 'iam-saml-providers',
  service: 'iam',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'iam.amazonaws.com',
      names: ['CreateSAMLProvider', 'UpdateSAMLProvider', 'DeleteSAMLProvider', 'CreateOpenIDConnectProvider', 'DeleteOpenIDConnectProvider'],
    },
  ],
  entities: [IamEntities.SAML_PROVIDER],
  relationships: [IamRelationships.SERVICE_HAS_SAML_PROVIDER],
  permissions: ['iam:ListSAMLProviders'],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(IAMClient);
    const { accountId } = context.account;
    const { SAMLProviderList: providers } = await client.send(new ListSAMLProvidersCommand({}));
    for (const entry of providers ?? []) {
      if (!entry.Arn) continue;
      const provider = context.addEntity(convertSamlProvider(entry, accountId));
      context.addRelationship(iamServiceHas(accountId, provider));
    }
  },
};

export const iamCollectors: Collector[] = [
  iamPoliciesCollector,
  iamGroupsCollector,
  iamRolesCollector,
  iamUsersCollector,
  iamPasswordPolicyCollector,
  iamSamlProvidersCollector,
];
