import { IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import {
  DescribeResourcePolicyCommand,
  OrganizationsClient,
  paginateListAccountsForParent,
  paginateListAWSServiceAccessForOrganization,
  paginateListDelegatedAdministrators,
  paginateListDelegatedServicesForAccount,
  paginateListOrganizationalUnitsForParent,
  paginateListPolicies,
  paginateListRoots,
  paginateListTargetsForPolicy,
  type PolicyType,
} from '@aws-sdk/client-organizations';
import type { Collector, CollectorContext } from '../../collectors/types';
import { accountEntityKey, setAccountFacts } from '../../graph';
import {
  isFullAccessPolicy,
  isIamTrustedAccessOff,
  isNoDelegationPolicy,
  organizationAccountFacts,
  type AttachedPolicy,
  type DelegatedAdministration,
  type OrganizationRead,
  type OrganizationTree,
} from './converters';
import {
  DELEGATED_ADMIN_PROPERTIES,
  DELEGATED_SERVICE_PROPERTIES,
  DELEGATION_POLICY_PROPERTIES,
  ORGANIZATION_ACCOUNT_PROPERTIES,
  OrganizationsEntities,
  PLACEMENT_PROPERTIES,
  RCP_PROPERTIES,
  ROOT_ACCESS_PROPERTIES,
  SCP_PROPERTIES,
  TRUSTED_SERVICE_PROPERTIES,
} from './schema';

const ACCOUNT_TYPE = OrganizationsEntities.ACCOUNT._type;

/** Every item of every page of a paginator. */
async function collect<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
  const found: Item[] = [];
  for await (const page of pages) found.push(...(items(page) ?? []));
  return found;
}

/** The tree from the roots down, one level at a time (each parent's OUs and accounts in parallel). */
async function readTree(client: OrganizationsClient): Promise<OrganizationTree> {
  const roots = await collect(paginateListRoots({ client }, {}), (page) => page.Roots);
  const tree: OrganizationTree = { roots, organizationalUnits: new Map(), accounts: new Map() };
  let parents = roots.map((root) => root.Id).filter((id): id is string => Boolean(id));
  const seen = new Set(parents);
  while (parents.length) {
    const next: string[] = [];
    await Promise.all(
      parents.map(async (ParentId) => {
        const [units, accounts] = await Promise.all([
          collect(paginateListOrganizationalUnitsForParent({ client }, { ParentId }), (page) => page.OrganizationalUnits),
          collect(paginateListAccountsForParent({ client }, { ParentId }), (page) => page.Accounts),
        ]);
        tree.organizationalUnits.set(ParentId, units);
        tree.accounts.set(ParentId, accounts);
        for (const unit of units) {
          if (!unit.Id || seen.has(unit.Id)) continue;
          seen.add(unit.Id);
          next.push(unit.Id);
        }
      }),
    );
    parents = next.sort();
  }
  return tree;
}

/** The policies of one type and, except for the allow-everything one, their targets. */
async function readPolicies(client: OrganizationsClient, type: PolicyType): Promise<AttachedPolicy[]> {
  const policies = await collect(paginateListPolicies({ client }, { Filter: type }), (page) => page.Policies);
  return Promise.all(
    policies.map(async (policy) => {
      if (isFullAccessPolicy(policy) || !policy.Id) return { policy };
      const targets = await collect(paginateListTargetsForPolicy({ client }, { PolicyId: policy.Id }), (page) => page.Targets);
      return { policy, targets };
    }),
  );
}

/** Everything the collector reads from the management account; each part is optional (recorded when it fails). */
async function readOrganization(context: CollectorContext, managementAccountId: string): Promise<OrganizationRead> {
  const client = context.client(OrganizationsClient);
  const iam = context.client(IAMClient);
  const delegatedAdministrators = async (): Promise<DelegatedAdministration[] | undefined> => {
    const administrators = await context.optional('organizations:ListDelegatedAdministrators', () =>
      collect(paginateListDelegatedAdministrators({ client }, {}), (page) => page.DelegatedAdministrators),
    );
    if (!administrators) return undefined;
    return Promise.all(
      administrators.map(async (administrator) => ({
        administrator,
        services: administrator.Id
          ? await context.optional('organizations:ListDelegatedServicesForAccount', () =>
              collect(paginateListDelegatedServicesForAccount({ client }, { AccountId: administrator.Id }), (page) => page.DelegatedServices),
            )
          : [],
      })),
    );
  };
  const [rootAccess, trustedServices, delegationPolicy, delegated, tree, serviceControlPolicies, resourceControlPolicies] = await Promise.all([
    context.optional('iam:ListOrganizationsFeatures', async () => {
      try {
        return await iam.send(new ListOrganizationsFeaturesCommand({}));
      } catch (error) {
        // Trusted access for IAM is off: centralized root access cannot be on (a fact, not a gap).
        if (isIamTrustedAccessOff(error)) return 'trusted-access-off' as const;
        throw error;
      }
    }),
    context.optional('organizations:ListAWSServiceAccessForOrganization', () =>
      collect(paginateListAWSServiceAccessForOrganization({ client }, {}), (page) => page.EnabledServicePrincipals),
    ),
    context.optional('organizations:DescribeResourcePolicy', async () => {
      try {
        return (await client.send(new DescribeResourcePolicyCommand({}))).ResourcePolicy ?? null;
      } catch (error) {
        if (isNoDelegationPolicy(error)) return null;
        throw error;
      }
    }),
    delegatedAdministrators(),
    context.optional('organizations:ListRoots', () => readTree(client)),
    context.optional('organizations:ListPolicies', () => readPolicies(client, 'SERVICE_CONTROL_POLICY')),
    context.optional('organizations:ListPolicies', () => readPolicies(client, 'RESOURCE_CONTROL_POLICY')),
  ]);
  return {
    managementAccountId,
    rootAccess: rootAccess && rootAccess !== 'trusted-access-off' ? { EnabledFeatures: rootAccess.EnabledFeatures } : rootAccess,
    trustedServices,
    delegationPolicy,
    delegatedAdministrators: delegated,
    tree,
    serviceControlPolicies,
    resourceControlPolicies,
  };
}

/**
 * The organization's facts that CIS v7.0 2.1.x needs, read from the management account (the only
 * account that may list them) and set on the `aws_account` entities: centralized root access,
 * trusted services, the delegation policy and delegated administrators on the management account;
 * OU placement, inherited SCPs and RCPs and delegated services on each member.
 *
 * It runs in every account of an organization-mode run but calls AWS only in the management account;
 * in single-account mode it reads nothing (the CIS 2.1.x controls are then NOT_EVALUATED). It runs
 * once every account's other collectors are done, so that every member's `aws_account` is in the
 * graph it writes to. Each read is optional: access denied, an organization not in use or a caller
 * that is not the management account is recorded in the run's errors and leaves those facts unknown.
 */
export const organizationsCollector: Collector = {
  id: 'organizations-accounts',
  service: 'organizations',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md); Organizations and IAM record them in the management account.
  events: [
    {
      source: 'organizations.amazonaws.com',
      names: [
        'AttachPolicy',
        'DetachPolicy',
        'CreatePolicy',
        'DeletePolicy',
        'UpdatePolicy',
        'EnablePolicyType',
        'DisablePolicyType',
        'CreateOrganizationalUnit',
        'DeleteOrganizationalUnit',
        'UpdateOrganizationalUnit',
        'MoveAccount',
        'EnableAWSServiceAccess',
        'DisableAWSServiceAccess',
        'RegisterDelegatedAdministrator',
        'DeregisterDelegatedAdministrator',
        'PutResourcePolicy',
        'DeleteResourcePolicy',
      ],
    },
    {
      source: 'iam.amazonaws.com',
      names: [
        'EnableOrganizationsRootCredentialsManagement',
        'DisableOrganizationsRootCredentialsManagement',
        'EnableOrganizationsRootSessions',
        'DisableOrganizationsRootSessions',
      ],
    },
  ],
  entities: [],
  relationships: [],
  permissions: [
    'iam:ListOrganizationsFeatures',
    'organizations:ListAWSServiceAccessForOrganization',
    'organizations:DescribeResourcePolicy',
    'organizations:ListDelegatedAdministrators',
    'organizations:ListDelegatedServicesForAccount',
    'organizations:ListRoots',
    'organizations:ListOrganizationalUnitsForParent',
    'organizations:ListAccountsForParent',
    'organizations:ListPolicies',
    'organizations:ListTargetsForPolicy',
  ],
  // Called only in organization mode, from the management account (a single-account run calls none).
  conditionalPermissions: [
    { action: 'iam:ListOrganizationsFeatures', when: 'organization mode, in the management account' },
    { action: 'organizations:ListAWSServiceAccessForOrganization', when: 'organization mode, in the management account' },
    { action: 'organizations:DescribeResourcePolicy', when: 'organization mode, in the management account' },
    { action: 'organizations:ListDelegatedAdministrators', when: 'organization mode, in the management account' },
    { action: 'organizations:ListDelegatedServicesForAccount', when: 'organization mode, when the organization has delegated administrators' },
    { action: 'organizations:ListRoots', when: 'organization mode, in the management account' },
    { action: 'organizations:ListOrganizationalUnitsForParent', when: 'organization mode, in the management account' },
    { action: 'organizations:ListAccountsForParent', when: 'organization mode, in the management account' },
    { action: 'organizations:ListPolicies', when: 'organization mode, in the management account' },
    {
      action: 'organizations:ListTargetsForPolicy',
      when: 'organization mode, when the organization has SCPs or RCPs besides the AWS-managed full-access ones',
    },
  ],
  optionalCalls: [
    {
      operation: 'iam:ListOrganizationsFeatures',
      per: 'scope',
      properties: [{ _type: ACCOUNT_TYPE, properties: [...ROOT_ACCESS_PROPERTIES] }],
      cost: 'the management account has no centralized root access facts (CIS 2.1.1)',
    },
    {
      operation: 'organizations:ListAWSServiceAccessForOrganization',
      per: 'scope',
      properties: [
        {
          _type: ACCOUNT_TYPE,
          properties: [...TRUSTED_SERVICE_PROPERTIES, 'organizationUndelegatedSecurityServices', 'organizationUndelegatedSecurityServiceCount'],
        },
      ],
      cost: 'the management account has no trusted services, nor the security services without a delegated administrator (CIS 2.1.6)',
    },
    {
      operation: 'organizations:DescribeResourcePolicy',
      per: 'scope',
      properties: [{ _type: ACCOUNT_TYPE, properties: [...DELEGATION_POLICY_PROPERTIES] }],
      cost: 'whether the organization has a delegation policy is unknown (CIS 2.1.5)',
    },
    {
      operation: 'organizations:ListDelegatedAdministrators',
      per: 'scope',
      properties: [{ _type: ACCOUNT_TYPE, properties: [...DELEGATED_ADMIN_PROPERTIES, ...DELEGATED_SERVICE_PROPERTIES] }],
      cost: 'no delegated administrators are known (CIS 2.1.6)',
    },
    {
      operation: 'organizations:ListDelegatedServicesForAccount',
      per: 'resource',
      properties: [
        {
          _type: ACCOUNT_TYPE,
          properties: [...DELEGATED_SERVICE_PROPERTIES, 'organizationUndelegatedSecurityServices', 'organizationUndelegatedSecurityServiceCount'],
        },
      ],
      cost: 'a delegated administrator’s services are unknown, and so are the security services without one',
    },
    {
      operation: 'organizations:ListRoots',
      actions: ['organizations:ListRoots', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'],
      per: 'scope',
      properties: [{ _type: ACCOUNT_TYPE, properties: [...PLACEMENT_PROPERTIES, ...SCP_PROPERTIES, ...RCP_PROPERTIES] }],
      cost: 'accounts have no OU placement and no inherited SCPs or RCPs (CIS 2.1.2, 2.1.4)',
    },
    {
      operation: 'organizations:ListPolicies',
      actions: ['organizations:ListPolicies', 'organizations:ListTargetsForPolicy'],
      per: 'scope',
      properties: [{ _type: ACCOUNT_TYPE, properties: [...SCP_PROPERTIES, ...RCP_PROPERTIES] }],
      cost: 'member accounts have no inherited SCPs or RCPs (CIS 2.1.2)',
    },
  ],
  dependsOn: ['account'],
  readsWholeGraph: true,
  enriches: [{ _type: ACCOUNT_TYPE, properties: [...ORGANIZATION_ACCOUNT_PROPERTIES] }],
  async run(context) {
    const { account } = context;
    const managementAccountId = account.organization?.managementAccountId;
    // Single-account mode, or a member account: nothing to read here (the management account's run sets the members' facts).
    if (!managementAccountId || managementAccountId !== account.accountId) return;
    const read = await readOrganization(context, managementAccountId);
    const ingested = await context.ingestedAccounts();
    for (const [accountId, facts] of organizationAccountFacts(read, ingested)) {
      const entity = context.graph.getEntity(accountEntityKey(accountId));
      // Only ingested accounts' own entities (not the placeholders the mappings draw for others).
      if (entity && entity._type === ACCOUNT_TYPE && entity._source !== 'system-mapper') setAccountFacts(entity, facts);
    }
  },
};
