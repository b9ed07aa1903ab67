import type { ListOrganizationsFeaturesCommandOutput } from '@aws-sdk/client-iam';
import type {
  DelegatedService,
  DescribeResourcePolicyCommandOutput,
  EnabledServicePrincipal,
  ListAccountsForParentCommandInput,
  ListAccountsForParentCommandOutput,
  ListAWSServiceAccessForOrganizationCommandInput,
  ListAWSServiceAccessForOrganizationCommandOutput,
  ListDelegatedAdministratorsCommandInput,
  ListDelegatedAdministratorsCommandOutput,
  ListDelegatedServicesForAccountCommandInput,
  ListDelegatedServicesForAccountCommandOutput,
  ListOrganizationalUnitsForParentCommandInput,
  ListOrganizationalUnitsForParentCommandOutput,
  ListPoliciesCommandInput,
  ListPoliciesCommandOutput,
  ListRootsCommandInput,
  ListRootsCommandOutput,
  ListTargetsForPolicyCommandInput,
  ListTargetsForPolicyCommandOutput,
  OrganizationalUnit,
  PolicySummary,
  ResourcePolicy,
  Root,
} from '@aws-sdk/client-organizations';
import { accountOf } from '../../../sim/accounts';
import { organizationAccount } from '../../../sim/core-services';
import { collection, custom, defineSimulatedService, type InWorld, type Kit } from '../../../sim/service-kit';
import type { ServiceSimulator, SimCallContext } from '../../../sim/types';

/** An OU as ListOrganizationalUnitsForParent returns it, with its parent (world only). */
type WorldUnit = InWorld<OrganizationalUnit> & { Id: string; ParentId: string };
/** A policy as ListPolicies returns it, with the ids of its targets (world only: ListTargetsForPolicy). */
type WorldPolicy = InWorld<PolicySummary> & { Id: string; Targets?: string[] };
/** A delegated administrator (an account of the world) and its services (world only: ListDelegatedServicesForAccount). */
interface WorldDelegatedAdministrator {
  Id: string;
  DelegationEnabledDate?: string;
  Services?: Array<InWorld<DelegatedService>>;
}

/**
 * The organization's section, in the management account's `global.organizations`. Without one (the
 * generated benchmark organizations) the organization is AWS's default: one root with every account
 * under it, SCPs enabled with only FullAWSAccess attached, no trusted services, no delegated
 * administrators, no delegation policy.
 */
interface OrganizationsSection {
  roots?: Array<InWorld<Root>>;
  organizationalUnits?: WorldUnit[];
  /** Account id -> parent (root or OU) id; an account not listed is under the first root. */
  accountParents?: Record<string, string>;
  policies?: WorldPolicy[];
  trustedServices?: Array<InWorld<EnabledServicePrincipal>>;
  delegatedAdministrators?: WorldDelegatedAdministrator[];
  /** The delegation policy (DescribeResourcePolicy); absent: ResourcePolicyNotFoundException. */
  delegationPolicy?: InWorld<ResourcePolicy>;
  /** IAM's centralized root access (ListOrganizationsFeatures), when iam.amazonaws.com has trusted access. */
  rootAccessFeatures?: Array<'RootCredentialsManagement' | 'RootSessions'>;
}

const FULL_AWS_ACCESS = 'p-FullAWSAccess';

function managementSection(context: SimCallContext): OrganizationsSection {
  const management = accountOf(context.world, context.world.organization.managementAccountId);
  return (management?.global?.organizations as OrganizationsSection | undefined) ?? {};
}

function defaultRootId(context: SimCallContext): string {
  return `r-${context.world.organization.id.replace(/^o-/, '').slice(0, 4)}`;
}

function roots(context: SimCallContext): Root[] {
  const org = context.world.organization;
  const declared = managementSection(context).roots;
  const list: Array<InWorld<Root>> = declared?.length
    ? declared
    : [{ Id: defaultRootId(context), Name: 'Root', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] }];
  return list.map((root) => ({ ...root, Arn: root.Arn ?? `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${root.Id}` })) as Root[];
}

function policies(context: SimCallContext): WorldPolicy[] {
  const declared = managementSection(context).policies;
  if (declared) return declared;
  return [
    {
      Id: FULL_AWS_ACCESS,
      Name: 'FullAWSAccess',
      Type: 'SERVICE_CONTROL_POLICY',
      AwsManaged: true,
      Description: 'Allows access to every operation',
      Targets: [roots(context)[0].Id ?? ''],
    },
  ];
}

function policyArn(policy: WorldPolicy, context: SimCallContext): string {
  const org = context.world.organization;
  const type = (policy.Type ?? 'SERVICE_CONTROL_POLICY').toLowerCase();
  return policy.AwsManaged
    ? `arn:aws:organizations::aws:policy/${type}/${policy.Id}`
    : `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${type}/${policy.Id}`;
}

function parentOf(accountId: string, context: SimCallContext): string {
  return managementSection(context).accountParents?.[accountId] ?? roots(context)[0].Id ?? '';
}

/** Only the management account may call these (a delegated administrator could, under a delegation policy; not simulated). */
function requireManagement(context: SimCallContext, kit: Kit): void {
  if (context.account.id !== context.world.organization.managementAccountId) {
    throw kit.error(
      'AccessDeniedException',
      'You don’t have permissions to access this resource: the account is not the management account of an organization.',
    );
  }
}

function requireParent(parentId: string | undefined, context: SimCallContext, kit: Kit): string {
  const known =
    roots(context).some((root) => root.Id === parentId) || (managementSection(context).organizationalUnits ?? []).some((unit) => unit.Id === parentId);
  if (!parentId || !known) throw kit.error('ParentNotFoundException', `We can't find a root or OU with the ParentId that you specified: ${parentId}`);
  return parentId;
}

const date = (value: string | undefined) => (value ? new Date(value) : undefined);

/** Organizations' structure, policies, trusted services, delegated administrators and delegation policy. */
export const organizationsSimulator = defineSimulatedService({
  service: 'organizations',
  clientName: 'OrganizationsClient',
  scope: 'global',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'TooManyRequestsException', invalidToken: 'InvalidInputException' },
  bucket: { capacity: 20, refillPerSecond: 10 },
  collections: {
    roots: collection<InWorld<Root>>({
      id: 'Id',
      fields: { Id: { type: 'string', pattern: '^r-[0-9a-z]{4,32}$' } },
      notFound: { error: 'ParentNotFoundException', message: (id) => `Root ${id} not found` },
    }),
    organizationalUnits: collection<WorldUnit>({
      id: 'Id',
      required: ['Name', 'ParentId'],
      fields: { Id: { type: 'string', pattern: '^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$' }, ParentId: { type: 'string', pattern: '^(r|ou)-' } },
      notFound: { error: 'ParentNotFoundException', message: (id) => `OU ${id} not found` },
    }),
    policies: collection<WorldPolicy>({
      id: 'Id',
      required: ['Name', 'Type'],
      fields: {
        Id: { type: 'string', pattern: '^p-[0-9a-zA-Z_]{8,128}$' },
        Type: { enum: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY'] },
        AwsManaged: { type: 'boolean' },
        Targets: { type: 'array', items: { type: 'string', pattern: '^(r-|ou-|\\d{12}$)' } },
      },
      notFound: { error: 'PolicyNotFoundException', message: (id) => `We can't find a policy with the PolicyId that you specified: ${id}` },
    }),
    trustedServices: collection<InWorld<EnabledServicePrincipal>>({
      id: 'ServicePrincipal',
      dates: ['DateEnabled'],
      notFound: { error: 'InvalidInputException', message: (id) => `${id} has no trusted access` },
    }),
    delegatedAdministrators: collection<WorldDelegatedAdministrator>({
      id: 'Id',
      fields: { Id: { type: 'string', pattern: '^\\d{12}$' }, DelegationEnabledDate: { type: 'string', format: 'date-time' } },
      notFound: {
        error: 'AccountNotRegisteredException',
        message: (id) => `The provided account ${id} is not a registered delegated administrator for your organization.`,
      },
    }),
  },
  sectionFields: {
    accountParents: { type: 'object', additionalProperties: { type: 'string', pattern: '^(r|ou)-' } },
    delegationPolicy: { type: 'object', required: ['Content'], properties: { Content: { type: 'string' } } },
    rootAccessFeatures: { type: 'array', items: { enum: ['RootCredentialsManagement', 'RootSessions'] } },
  },
  operations: {
    ListRoots: custom<ListRootsCommandInput, ListRootsCommandOutput>((input, context, kit) => {
      requireManagement(context, kit);
      const page = kit.page(roots(context), input.NextToken, context.pageSize(input.MaxResults, 20));
      return { Roots: page.items, NextToken: page.nextToken };
    }),
    ListOrganizationalUnitsForParent: custom<ListOrganizationalUnitsForParentCommandInput, ListOrganizationalUnitsForParentCommandOutput>(
      (input, context, kit) => {
        requireManagement(context, kit);
        const parentId = requireParent(input.ParentId, context, kit);
        const org = context.world.organization;
        const units = (managementSection(context).organizationalUnits ?? [])
          .filter((unit) => unit.ParentId === parentId)
          .map((unit) => ({ Id: unit.Id, Name: unit.Name, Arn: unit.Arn ?? `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${unit.Id}` }));
        const page = kit.page(units, input.NextToken, context.pageSize(input.MaxResults, 20));
        return { OrganizationalUnits: page.items, NextToken: page.nextToken };
      },
    ),
    ListAccountsForParent: custom<ListAccountsForParentCommandInput, ListAccountsForParentCommandOutput>((input, context, kit) => {
      requireManagement(context, kit);
      const parentId = requireParent(input.ParentId, context, kit);
      const accounts = context.world.accounts
        .filter((account) => parentOf(account.id, context) === parentId)
        .map((account) => organizationAccount(account, context));
      const page = kit.page(accounts, input.NextToken, context.pageSize(input.MaxResults, 20));
      return { Accounts: page.items, NextToken: page.nextToken };
    }),
    ListPolicies: custom<ListPoliciesCommandInput, ListPoliciesCommandOutput>((input, context, kit) => {
      requireManagement(context, kit);
      const summaries = policies(context)
        .filter((policy) => policy.Type === input.Filter)
        .map((policy) => ({
          Id: policy.Id,
          Arn: policyArn(policy, context),
          Name: policy.Name,
          Description: policy.Description ?? '',
          Type: policy.Type,
          AwsManaged: policy.AwsManaged ?? false,
        }));
      const page = kit.page(summaries, input.NextToken, context.pageSize(input.MaxResults, 20));
      return { Policies: page.items, NextToken: page.nextToken };
    }),
    ListTargetsForPolicy: custom<ListTargetsForPolicyCommandInput, ListTargetsForPolicyCommandOutput>((input, context, kit) => {
      requireManagement(context, kit);
      const policy = policies(context).find((candidate) => candidate.Id === input.PolicyId);
      if (!policy) throw kit.error('PolicyNotFoundException', `We can't find a policy with the PolicyId that you specified: ${input.PolicyId}`);
      const org = context.world.organization;
      const units = managementSection(context).organizationalUnits ?? [];
      const targets = (policy.Targets ?? []).map((targetId) => {
        const root = roots(context).find((candidate) => candidate.Id === targetId);
        if (root) return { TargetId: targetId, Arn: root.Arn, Name: root.Name, Type: 'ROOT' as const };
        const unit = units.find((candidate) => candidate.Id === targetId);
        if (unit)
          return {
            TargetId: targetId,
            Arn: `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${targetId}`,
            Name: unit.Name,
            Type: 'ORGANIZATIONAL_UNIT' as const,
          };
        const account = accountOf(context.world, targetId);
        return {
          TargetId: targetId,
          Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${targetId}`,
          Name: account?.name,
          Type: 'ACCOUNT' as const,
        };
      });
      const page = kit.page(targets, input.NextToken, context.pageSize(input.MaxResults, 20));
      return { Targets: page.items, NextToken: page.nextToken };
    }),
    ListAWSServiceAccessForOrganization: custom<ListAWSServiceAccessForOrganizationCommandInput, ListAWSServiceAccessForOrganizationCommandOutput>(
      (input, context, kit) => {
        requireManagement(context, kit);
        const services = (managementSection(context).trustedServices ?? []).map((service) => ({
          ServicePrincipal: service.ServicePrincipal,
          DateEnabled: date(service.DateEnabled),
        }));
        const page = kit.page(services, input.NextToken, context.pageSize(input.MaxResults, 20));
        return { EnabledServicePrincipals: page.items, NextToken: page.nextToken };
      },
    ),
    ListDelegatedAdministrators: custom<ListDelegatedAdministratorsCommandInput, ListDelegatedAdministratorsCommandOutput>((input, context, kit) => {
      requireManagement(context, kit);
      const administrators = (managementSection(context).delegatedAdministrators ?? [])
        .filter((entry) => !input.ServicePrincipal || (entry.Services ?? []).some((service) => service.ServicePrincipal === input.ServicePrincipal))
        .map((entry) => {
          const account = accountOf(context.world, entry.Id);
          const listed = account ? organizationAccount(account, context) : { Id: entry.Id };
          return { ...listed, DelegationEnabledDate: date(entry.DelegationEnabledDate) };
        });
      const page = kit.page(administrators, input.NextToken, context.pageSize(input.MaxResults, 20));
      return { DelegatedAdministrators: page.items, NextToken: page.nextToken };
    }),
    ListDelegatedServicesForAccount: custom<ListDelegatedServicesForAccountCommandInput, ListDelegatedServicesForAccountCommandOutput>(
      (input, context, kit) => {
        requireManagement(context, kit);
        if (!accountOf(context.world, input.AccountId)) {
          throw kit.error('AccountNotFoundException', `We can't find an AWS account with the AccountId that you specified: ${input.AccountId}`);
        }
        const entry = (managementSection(context).delegatedAdministrators ?? []).find((candidate) => candidate.Id === input.AccountId);
        if (!entry)
          throw kit.error(
            'AccountNotRegisteredException',
            `The provided account ${input.AccountId} is not a registered delegated administrator for your organization.`,
          );
        const services = (entry.Services ?? []).map((service) => ({
          ServicePrincipal: service.ServicePrincipal,
          DelegationEnabledDate: date(service.DelegationEnabledDate),
        }));
        const page = kit.page(services, input.NextToken, context.pageSize(input.MaxResults, 20));
        return { DelegatedServices: page.items, NextToken: page.nextToken };
      },
    ),
    DescribeResourcePolicy: custom<object, DescribeResourcePolicyCommandOutput>((_input, context, kit) => {
      requireManagement(context, kit);
      const policy = managementSection(context).delegationPolicy;
      if (!policy) throw kit.error('ResourcePolicyNotFoundException', 'We can’t find a resource policy request with the parameter that you specified.');
      const org = context.world.organization;
      const id = 'rp-' + org.id.replace(/^o-/, '').slice(0, 8).padEnd(8, '0');
      return {
        ResourcePolicy: {
          ResourcePolicySummary: { Id: id, Arn: `arn:aws:organizations::${org.managementAccountId}:resourcepolicy/${org.id}/${id}` },
          Content: policy.Content,
        },
      };
    }),
  },
});

/**
 * IAM's ListOrganizationsFeatures, answered from the organization's section (the IAM simulator
 * serves the rest of IAM): only the management account may ask, and only once IAM has trusted access.
 */
export const organizationsIamSimulator: ServiceSimulator = {
  ...defineSimulatedService({
    service: 'iam',
    clientName: 'IAMClient',
    scope: 'global',
    collections: {},
    operations: {
      ListOrganizationsFeatures: custom<object, ListOrganizationsFeaturesCommandOutput>((_input, context, kit) => {
        if (context.account.id !== context.world.organization.managementAccountId) {
          throw kit.error(
            'AccountNotManagementOrDelegatedAdministratorException',
            'The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.',
          );
        }
        const section = managementSection(context);
        if (!(section.trustedServices ?? []).some((service) => service.ServicePrincipal === 'iam.amazonaws.com')) {
          throw kit.error('ServiceAccessNotEnabledException', 'The request was rejected because trusted access is not enabled for IAM in Organizations.');
        }
        return { OrganizationId: context.world.organization.id, EnabledFeatures: section.rootAccessFeatures ?? [] };
      }),
    },
  }),
  // The IAM section's schema is the IAM simulator's; this one reads the organizations section.
  schema: {},
  idFields: [],
};
