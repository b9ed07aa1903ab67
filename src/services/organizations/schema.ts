import { AccountEntities } from '../account/schema';

/**
 * AWS Organizations adds no entity type: JupiterOne's data model has none for roots, OUs or
 * policies, so the organization's facts that CIS v7.0 2.1.x needs are properties of the existing
 * `aws_account` entities (the one place they are spelled).
 */
export const OrganizationsEntities = { ACCOUNT: AccountEntities.ACCOUNT } as const;

/** On the management account: IAM's centralized root access (iam:ListOrganizationsFeatures). */
export const ROOT_ACCESS_PROPERTIES = ['organizationRootCredentialsManagementEnabled', 'organizationRootSessionsEnabled'] as const;
/** On the management account: services with trusted access (ListAWSServiceAccessForOrganization). */
export const TRUSTED_SERVICE_PROPERTIES = ['organizationTrustedServices'] as const;
/** On the management account: the Organizations delegation policy (DescribeResourcePolicy). */
export const DELEGATION_POLICY_PROPERTIES = ['organizationDelegationPolicyPresent'] as const;
/** On the management account: delegated administrators and the security services that have none. */
export const DELEGATED_ADMIN_PROPERTIES = [
  'organizationDelegatedAdministrators',
  'organizationUndelegatedSecurityServices',
  'organizationUndelegatedSecurityServiceCount',
] as const;
/** On every account of the organization: where it sits (ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent). */
export const PLACEMENT_PROPERTIES = ['organizationalUnitId', 'organizationalUnitPath'] as const;
/** On member accounts: the SCPs they inherit through root, OUs and direct attachment, beyond FullAWSAccess. */
export const SCP_PROPERTIES = ['inheritedScpIds', 'inheritedScpNames', 'inheritedScpCount'] as const;
/** On member accounts: the RCPs they inherit, beyond RCPFullAWSAccess. */
export const RCP_PROPERTIES = ['inheritedRcpIds', 'inheritedRcpNames', 'inheritedRcpCount'] as const;
/** On member accounts that are delegated administrators: the services (ListDelegatedServicesForAccount). */
export const DELEGATED_SERVICE_PROPERTIES = ['delegatedAdministratorServices'] as const;

export const ORGANIZATION_ACCOUNT_PROPERTIES = [
  ...ROOT_ACCESS_PROPERTIES,
  ...TRUSTED_SERVICE_PROPERTIES,
  ...DELEGATION_POLICY_PROPERTIES,
  ...DELEGATED_ADMIN_PROPERTIES,
  ...PLACEMENT_PROPERTIES,
  ...SCP_PROPERTIES,
  ...RCP_PROPERTIES,
  ...DELEGATED_SERVICE_PROPERTIES,
];
