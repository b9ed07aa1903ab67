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
import { optionalCaller } from '../../collectors/optional';
import type { Collector } from '../../collectors/types';
import { accountEntityKey, setAccountFacts } from '../../graph';
import {
  isFullAccessPolicy,
  isIamTrustedAccessOff,
  failuresAffecting,
  isNoDelegationPolicy,
  organizationAccountFacts,
  type AttachedPolicy,
  type OrganizationReadFailure,
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

/** How the organization's read makes an optional call (`context.optional`'s contract, its failures kept for every account's task). */
type OptionalCall = <T>(operation: string, call: () => Promise<T>) => Promise<T | undefined>;

/** Everything the collector reads from the management account; each part is optional (its failure kept, the part left unknown). */
async function readOrganization(
  clients: { organizations: OrganizationsClient; iam: IAMClient },
  optional: OptionalCall,
  managementAccountId: string,
): Promise<OrganizationRead> {
  const { organizations: client, iam } = clients;
  const delegatedAdministrators = async (): Promise<DelegatedAdministration[] | undefined> => {
    const administrators = await optional('organizations:ListDelegatedAdministrators', () =>
      collect(paginateListDelegatedAdministrators({ client }, {}), (page) => page.DelegatedAdministrators),
    );
    if (!administrators) return undefined;
    return Promise.all(
      administrators.map(async (administrator) => ({
        administrator,
        services: administrator.Id
          ? await optional('organizations:ListDelegatedServicesForAccount', () =>
              collect(paginateListDelegatedServicesForAccount({ client }, { AccountId: administrator.Id }), (page) => page.DelegatedServices),
            )
          : [],
      })),
    );
  };
  const [rootAccess, trustedServices, delegationPolicy, delegated, tree, serviceControlPolicies, resourceControlPolicies] = await Promise.all([
    optional('iam:ListOrganizationsFeatures', async () => {
      try {
        return await iam.send(new ListOrganizationsFeaturesCommand({}));
      } catch (error) {
        // Trusted access for IAM is off: centralized root access cannot be on (a fact, not a gap).
        if (isIamTrustedAccessOff(error)) return 'trusted-access-off' as const;
        throw error;
      }
    }),
    optional('organizations:ListAWSServiceAccessForOrganization', () =>
      collect(paginateListAWSServiceAccessForOrganization({ client }, {}), (page) => page.EnabledServicePrincipals),
    ),
    optional('organizations:DescribeResourcePolicy', async () => {
      try {
        return (await client.send(new DescribeResourcePolicyCommand({}))).ResourcePolicy ?? null;
      } catch (error) {
        if (isNoDelegationPolicy(error)) return null;
        throw error;
      }
    }),
    delegatedAdministrators(),
    optional('organizations:ListRoots', () => readTree(client)),
    optional('organizations:ListPolicies', () => readPolicies(client, 'SERVICE_CONTROL_POLICY')),
    optional('organizations:ListPolicies', () => readPolicies(client, 'RESOURCE_CONTROL_POLICY')),
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

/** When the collector calls AWS: the management account's calls, made once per run for every account. */
const IN_MANAGEMENT_ACCOUNT = 'organization mode, with the management account’s audit role (once per run)';

/**
 * The organization's facts that CIS v7.0 2.1.x needs, read from the management account (the only
 * account that may list them) and set on the `aws_account` entities: centralized root access,
 * trusted services, the delegation policy and delegated administrators on the management account;
 * OU placement, inherited SCPs and RCPs and delegated services on each member.
 *
 * Each account's task sets its own account's facts only, from one read of the organization per
 * run, made with the management account's audit role (the one the engine lists the accounts with)
 * whether or not the management account is among the run's accounts: a shard (`--shard i/n`) or a
 * run narrowed to some member accounts (`accounts`) refreshes the facts of exactly its accounts,
 * as a whole run would. A failed part of the read is recorded in the scope of every account whose
 * facts it leaves unknown, so carry-forward puts back each one's previous values. It runs after the
 * other collectors, in the parent thread when workers collect, so the read is made once and the
 * management account's Organizations bucket is paced by the same pacer as the engine's calls.
 * In single-account mode it reads nothing (the CIS 2.1.x controls are then NOT_EVALUATED). Access
 * denied, an organization not in use or a caller that is not the management account is recorded
 * in the run's errors and leaves those facts unknown.
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
    ...[
      'iam:ListOrganizationsFeatures',
      'organizations:ListAWSServiceAccessForOrganization',
      'organizations:DescribeResourcePolicy',
      'organizations:ListDelegatedAdministrators',
      'organizations:ListRoots',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListAccountsForParent',
      'organizations:ListPolicies',
    ].map((action) => ({ action, when: IN_MANAGEMENT_ACCOUNT })),
    { action: 'organizations:ListDelegatedServicesForAccount', when: `${IN_MANAGEMENT_ACCOUNT}, when the organization has delegated administrators` },
    {
      action: 'organizations:ListTargetsForPolicy',
      when: `${IN_MANAGEMENT_ACCOUNT}, when the organization has SCPs or RCPs besides the AWS-managed full-access ones`,
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
  // Not for other accounts' entities (it sets its own account's): its tasks run last, in the parent
  // thread, so they share one read of the organization and one pacer for the management account.
  readsWholeGraph: true,
  enriches: [{ _type: ACCOUNT_TYPE, properties: [...ORGANIZATION_ACCOUNT_PROPERTIES] }],
  async run(context) {
    const { account } = context;
    const managementAccountId = account.organization?.managementAccountId;
    const managementClient = context.managementClient;
    // Single-account mode: no organization to read.
    if (!managementAccountId || !managementClient) return;
    const entity = context.graph.getEntity(accountEntityKey(account.accountId));
    // The account's own entity only (not a placeholder that a mapping drew for it).
    if (!entity || entity._type !== ACCOUNT_TYPE || entity._source === 'system-mapper') return;
    const { read, failures } = await context.shared('organization', async () => {
      const failures: OrganizationReadFailure[] = [];
      const optional = optionalCaller(organizationsCollector, (operation, error) => failures.push({ operation, error }));
      const clients = { organizations: managementClient(OrganizationsClient), iam: managementClient(IAMClient) };
      return { read: await readOrganization(clients, optional, managementAccountId), failures };
    });
    for (const failure of failuresAffecting(account.accountId, read, failures)) context.recordError(failure.operation, failure.error);
    const facts = organizationAccountFacts(read, [account.accountId]).get(account.accountId);
    if (facts) setAccountFacts(entity, facts);
  },
};
