import type { ListOrganizationsFeaturesCommandOutput } from '@aws-sdk/client-iam';
import type {
  Account,
  DelegatedAdministrator,
  DelegatedService,
  EnabledServicePrincipal,
  OrganizationalUnit,
  PolicySummary,
  PolicyTargetSummary,
  PolicyType,
  ResourcePolicy,
  Root,
} from '@aws-sdk/client-organizations';
import type { PropertyValue } from '../../graph';

/** Facts for one account's `aws_account` entity; undefined values are unknown and left unset. */
export type AccountFacts = Record<string, PropertyValue | undefined>;

/**
 * Security services that AWS lets an organization administer from a delegated administrator account
 * (CIS v7.0 2.1.6). Integrated (trusted access on) but without a delegated administrator, they are
 * run from the management account.
 */
export const SECURITY_SERVICE_PRINCIPALS: readonly string[] = [
  'access-analyzer.amazonaws.com',
  'auditmanager.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'config.amazonaws.com',
  'config-multiaccountsetup.amazonaws.com',
  'detective.amazonaws.com',
  'fms.amazonaws.com',
  'guardduty.amazonaws.com',
  'inspector2.amazonaws.com',
  'macie.amazonaws.com',
  'securityhub.amazonaws.com',
  'securitylake.amazonaws.com',
];

/** The AWS-managed policies that allow everything: attached by default, they are no guardrail. */
const FULL_ACCESS_POLICY_NAMES: Readonly<Record<string, string>> = {
  SERVICE_CONTROL_POLICY: 'FullAWSAccess',
  RESOURCE_CONTROL_POLICY: 'RCPFullAWSAccess',
};

/** Whether a policy is the AWS-managed allow-everything policy of its type (its targets need not be read). */
export function isFullAccessPolicy(policy: PolicySummary): boolean {
  return policy.AwsManaged === true && policy.Type !== undefined && FULL_ACCESS_POLICY_NAMES[policy.Type] === policy.Name;
}

/**
 * Centralized root access (CIS 2.1.1): the EnabledFeatures of iam:ListOrganizationsFeatures, or
 * `'trusted-access-off'` when IAM answered ServiceAccessNotEnabledException (IAM has no trusted
 * access in the organization, so neither feature can be on).
 */
export function rootAccessFacts(features: Pick<ListOrganizationsFeaturesCommandOutput, 'EnabledFeatures'> | 'trusted-access-off'): AccountFacts {
  const enabled = features === 'trusted-access-off' ? [] : (features.EnabledFeatures ?? []);
  return {
    organizationRootCredentialsManagementEnabled: enabled.includes('RootCredentialsManagement'),
    organizationRootSessionsEnabled: enabled.includes('RootSessions'),
  };
}

/** Whether IAM's error says trusted access for IAM is off (its awsQuery code may lack the suffix). */
export function isIamTrustedAccessOff(error: unknown): boolean {
  const name = error && typeof error === 'object' ? (error as { name?: string }).name : undefined;
  return name === 'ServiceAccessNotEnabledException' || name === 'ServiceAccessNotEnabled';
}

/** Whether DescribeResourcePolicy's error says the organization has no delegation policy. */
export function isNoDelegationPolicy(error: unknown): boolean {
  const name = error && typeof error === 'object' ? (error as { name?: string }).name : undefined;
  return name === 'ResourcePolicyNotFoundException';
}

/** The organization's tree as the list calls return it, parent by parent. */
export interface OrganizationTree {
  roots: Root[];
  /** ListOrganizationalUnitsForParent, by parent id. */
  organizationalUnits: Map<string, OrganizationalUnit[]>;
  /** ListAccountsForParent, by parent id. */
  accounts: Map<string, Account[]>;
}

/** Where an account sits: its parent and the chain of ids and names from the root down to it. */
export interface AccountPlacement {
  parentId: string;
  /** Root id, then each OU id down to the account's parent. */
  ancestorIds: string[];
  /** The same chain as names: `Root/Workloads/Production`. */
  path: string;
}

/** Each account's placement, walking the tree from its roots (an OU met twice is walked once). */
export function accountPlacements(tree: OrganizationTree): Map<string, AccountPlacement> {
  const placements = new Map<string, AccountPlacement>();
  const visited = new Set<string>();
  const walk = (parentId: string, ancestorIds: string[], names: string[]) => {
    if (visited.has(parentId)) return;
    visited.add(parentId);
    for (const account of tree.accounts.get(parentId) ?? []) {
      if (account.Id) placements.set(account.Id, { parentId, ancestorIds, path: names.join('/') });
    }
    for (const unit of tree.organizationalUnits.get(parentId) ?? []) {
      if (unit.Id) walk(unit.Id, [...ancestorIds, unit.Id], [...names, unit.Name ?? unit.Id]);
    }
  };
  for (const root of tree.roots) if (root.Id) walk(root.Id, [root.Id], [root.Name ?? root.Id]);
  return placements;
}

/** One policy of a type and the targets it is attached to (ListPolicies, ListTargetsForPolicy). */
export interface AttachedPolicy {
  policy: PolicySummary;
  /** Undefined for the allow-everything policies, whose targets are not read. */
  targets?: PolicyTargetSummary[];
}

/** Whether a policy type is enabled at the root (otherwise no policy of that type applies). */
function policyTypeEnabled(tree: OrganizationTree, type: PolicyType): boolean {
  return tree.roots.some((root) => (root.PolicyTypes ?? []).some((summary) => summary.Type === type && summary.Status === 'ENABLED'));
}

/**
 * The policies of one type an account inherits, beyond the allow-everything one: those attached to
 * its root, to any OU above it, or to the account itself. Sorted by name, then id.
 */
export function inheritedPolicies(placement: AccountPlacement, accountId: string, policies: readonly AttachedPolicy[]): PolicySummary[] {
  const targets = new Set([...placement.ancestorIds, accountId]);
  return policies
    .filter(
      ({ policy, targets: attached }) => !isFullAccessPolicy(policy) && (attached ?? []).some((target) => target.TargetId && targets.has(target.TargetId)),
    )
    .map(({ policy }) => policy)
    .sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? '') || (a.Id ?? '').localeCompare(b.Id ?? ''));
}

function policyFacts(prefix: 'inheritedScp' | 'inheritedRcp', inherited: PolicySummary[]): AccountFacts {
  return {
    [`${prefix}Ids`]: inherited.length ? inherited.map((policy) => policy.Id ?? '') : undefined,
    [`${prefix}Names`]: inherited.length ? inherited.map((policy) => policy.Name ?? policy.Id ?? '') : undefined,
    [`${prefix}Count`]: inherited.length,
  };
}

/** A delegated administrator and the services it administers (undefined when they could not be read). */
export interface DelegatedAdministration {
  administrator: DelegatedAdministrator;
  services?: DelegatedService[];
}

/** What the collector read from the management account; an undefined part could not be read. */
export interface OrganizationRead {
  managementAccountId: string;
  rootAccess?: Pick<ListOrganizationsFeaturesCommandOutput, 'EnabledFeatures'> | 'trusted-access-off';
  trustedServices?: EnabledServicePrincipal[];
  /** The delegation policy, or `null` when the organization has none. */
  delegationPolicy?: ResourcePolicy | null;
  delegatedAdministrators?: DelegatedAdministration[];
  tree?: OrganizationTree;
  serviceControlPolicies?: AttachedPolicy[];
  resourceControlPolicies?: AttachedPolicy[];
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();

/** A call of the organization's read that failed: the operation as `optionalCalls` declares it. */
export interface OrganizationReadFailure {
  operation: string;
  error: unknown;
}

/** What a member account's facts come from: the tree (placement), the policies and the delegated administrators. */
const MEMBER_OPERATIONS: readonly string[] = ['organizations:ListRoots', 'organizations:ListPolicies', 'organizations:ListDelegatedAdministrators'];

/**
 * The failures of the organization's read that leave some of one account's facts unknown, to be
 * recorded in that account's scope (carry-forward then puts back its previous values): every one
 * for the management account; for a member, those of the tree, the policies and the delegated
 * administrators, and of ListDelegatedServicesForAccount when it is an administrator whose services
 * could not be read.
 */
export function failuresAffecting(accountId: string, read: OrganizationRead, failures: readonly OrganizationReadFailure[]): OrganizationReadFailure[] {
  if (accountId === read.managementAccountId) return [...failures];
  const ownServicesUnknown = (read.delegatedAdministrators ?? []).some((entry) => entry.administrator.Id === accountId && entry.services === undefined);
  return failures.filter(
    (failure) => MEMBER_OPERATIONS.includes(failure.operation) || (ownServicesUnknown && failure.operation === 'organizations:ListDelegatedServicesForAccount'),
  );
}

/**
 * Security services with trusted access on and no delegated administrator (CIS 2.1.6), or
 * undefined when the trusted services or any administrator's services are unknown.
 */
export function undelegatedSecurityServices(
  trustedServices: EnabledServicePrincipal[] | undefined,
  delegated: DelegatedAdministration[] | undefined,
): string[] | undefined {
  if (!trustedServices || !delegated || delegated.some((entry) => entry.services === undefined)) return undefined;
  const administered = new Set(delegated.flatMap((entry) => (entry.services ?? []).map((service) => service.ServicePrincipal ?? '')));
  return sortedUnique(
    trustedServices
      .map((service) => service.ServicePrincipal ?? '')
      .filter((principal) => SECURITY_SERVICE_PRINCIPALS.includes(principal) && !administered.has(principal)),
  );
}

/** The management account's organization facts (CIS 2.1.1, 2.1.5, 2.1.6). */
export function managementAccountFacts(read: OrganizationRead): AccountFacts {
  const undelegated = undelegatedSecurityServices(read.trustedServices, read.delegatedAdministrators);
  const trusted = read.trustedServices ? sortedUnique(read.trustedServices.map((service) => service.ServicePrincipal ?? '').filter(Boolean)) : undefined;
  const administrators = read.delegatedAdministrators
    ? sortedUnique(read.delegatedAdministrators.map((entry) => entry.administrator.Id ?? '').filter(Boolean))
    : undefined;
  return {
    ...(read.rootAccess ? rootAccessFacts(read.rootAccess) : {}),
    organizationTrustedServices: trusted?.length ? trusted : undefined,
    organizationDelegationPolicyPresent: read.delegationPolicy === undefined ? undefined : read.delegationPolicy !== null,
    organizationDelegatedAdministrators: administrators?.length ? administrators : undefined,
    organizationUndelegatedSecurityServices: undelegated?.length ? undelegated : undefined,
    organizationUndelegatedSecurityServiceCount: undelegated?.length,
  };
}

/**
 * Facts of every account the tree places, by account id: its OU placement; for members, the SCPs
 * and RCPs they inherit (SCPs and RCPs never apply to the management account) and the services they
 * are delegated administrator for; for the management account, {@link managementAccountFacts} too.
 * An account the tree could not place gets only what does not depend on it.
 */
export function organizationAccountFacts(read: OrganizationRead, accountIds: Iterable<string>): Map<string, AccountFacts> {
  const placements = read.tree ? accountPlacements(read.tree) : undefined;
  const delegatedServices = new Map(
    (read.delegatedAdministrators ?? []).map((entry) => [entry.administrator.Id ?? '', entry.services?.map((service) => service.ServicePrincipal ?? '')]),
  );
  const facts = new Map<string, AccountFacts>();
  for (const accountId of accountIds) {
    const placement = placements?.get(accountId);
    const own: AccountFacts = placement ? { organizationalUnitId: placement.parentId, organizationalUnitPath: placement.path } : {};
    if (accountId === read.managementAccountId) {
      facts.set(accountId, { ...own, ...managementAccountFacts(read) });
      continue;
    }
    if (placement && read.tree) {
      const tree = read.tree;
      const policies = (type: PolicyType, attached: AttachedPolicy[] | undefined) =>
        attached === undefined ? [] : policyTypeEnabled(tree, type) ? inheritedPolicies(placement, accountId, attached) : [];
      if (read.serviceControlPolicies) Object.assign(own, policyFacts('inheritedScp', policies('SERVICE_CONTROL_POLICY', read.serviceControlPolicies)));
      if (read.resourceControlPolicies) Object.assign(own, policyFacts('inheritedRcp', policies('RESOURCE_CONTROL_POLICY', read.resourceControlPolicies)));
    }
    if (read.delegatedAdministrators) {
      const services = delegatedServices.get(accountId);
      if (services?.length) own.delegatedAdministratorServices = sortedUnique(services.filter(Boolean));
    }
    facts.set(accountId, own);
  }
  return facts;
}
