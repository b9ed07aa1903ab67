import type { DescribeRegionsCommandInput, DescribeRegionsCommandOutput } from '@aws-sdk/client-ec2';
import type {
  DescribeAccountCommandInput,
  DescribeAccountCommandOutput,
  DescribeOrganizationCommandOutput,
  ListAccountsCommandInput,
  ListAccountsCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  Account as OrganizationAccount,
} from '@aws-sdk/client-organizations';
import type { AssumeRoleCommandInput, AssumeRoleCommandOutput, GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import { ServiceException } from '@smithy/smithy-client';
import { accountOf } from './accounts';
import { roleAccessKeyId, roleSessionToken } from './identity';
import { pageOf } from './paginate';
import { defineHandler, type ServiceSimulator, type SimCallContext, type WorldAccount } from './types';

function accessDenied(message: string): never {
  throw new ServiceException({ name: 'AccessDenied', message, $fault: 'client', $metadata: { httpStatusCode: 403 } });
}

/** STS: AssumeRole succeeds only for an existing audit role, in an active account, with the right External ID. */
export const stsSimulator: ServiceSimulator = {
  service: 'sts',
  clientName: 'STSClient',
  scope: 'global',
  schema: {},
  handlers: {
    AssumeRoleCommand: defineHandler<AssumeRoleCommandInput, AssumeRoleCommandOutput>((input, context) => {
      const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(input.RoleArn ?? '');
      const caller = `arn:aws:sts::${context.account.id}:assumed-role/ingester`;
      const denied = () => accessDenied(`User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`);
      if (!match) return denied();
      const [, accountId, roleName] = match;
      const target = accountOf(context.world, accountId);
      if (!target || (target.status ?? 'ACTIVE') !== 'ACTIVE' || target.auditRole === false) return denied();
      if (roleName !== context.world.organization.roleName) return denied();
      if (input.ExternalId !== context.world.organization.externalId) return denied();
      const lifetimeSeconds = context.world.behaviour?.credentialLifetimeSeconds ?? input.DurationSeconds ?? 3600;
      const expiration = new Date(context.now() + lifetimeSeconds * 1000);
      return {
        Credentials: {
          AccessKeyId: roleAccessKeyId(accountId),
          SecretAccessKey: `simulated-secret-${accountId}`,
          SessionToken: roleSessionToken(accountId, expiration),
          Expiration: expiration,
        },
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${input.RoleSessionName}`,
          AssumedRoleId: `AROASIM${accountId}:${input.RoleSessionName}`,
        },
      };
    }),
    GetCallerIdentityCommand: defineHandler<object, GetCallerIdentityCommandOutput>((_input, context) => ({
      Account: context.account.id,
      Arn: `arn:aws:sts::${context.account.id}:assumed-role/${context.world.organization.roleName}/aws-org-graph-ingestion`,
      UserId: `AROASIM${context.account.id}`,
    })),
  },
};

/** An account of the world as Organizations lists it (ListAccounts, ListAccountsForParent). */
export function organizationAccount(account: WorldAccount, context: SimCallContext): OrganizationAccount {
  const org = context.world.organization;
  return {
    Id: account.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${account.id}`,
    Email: account.email,
    Name: account.name,
    Status: account.status ?? 'ACTIVE',
    JoinedMethod: account.joinedMethod ?? 'CREATED',
    JoinedTimestamp: new Date(account.joinedAt ?? '2020-01-01T00:00:00Z'),
  };
}

function requireManagement(context: SimCallContext): void {
  if (context.account.id !== context.world.organization.managementAccountId) {
    throw new ServiceException({
      name: 'AccessDeniedException',
      message: 'You don’t have permissions to access this resource: the account is not the management account of an organization.',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  }
}

/** Organizations: answered only from the management account, as AWS does. */
export const organizationsSimulator: ServiceSimulator = {
  service: 'organizations',
  clientName: 'OrganizationsClient',
  scope: 'global',
  schema: {},
  accessDeniedName: 'AccessDeniedException',
  throttlingName: 'TooManyRequestsException',
  bucket: () => ({ capacity: 20, refillPerSecond: 10 }),
  handlers: {
    DescribeOrganizationCommand: defineHandler<object, DescribeOrganizationCommandOutput>((_input, context) => {
      const org = context.world.organization;
      const management = accountOf(context.world, org.managementAccountId);
      return {
        Organization: {
          Id: org.id,
          Arn: `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
          MasterAccountId: org.managementAccountId,
          MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
          MasterAccountEmail: management?.email,
          FeatureSet: 'ALL',
        },
      };
    }),
    ListAccountsCommand: defineHandler<ListAccountsCommandInput, ListAccountsCommandOutput>((input, context) => {
      requireManagement(context);
      const page = pageOf(context.world.accounts, input.NextToken, context.pageSize(input.MaxResults, 20));
      return { Accounts: page.items.map((account) => organizationAccount(account, context)), NextToken: page.nextToken };
    }),
    DescribeAccountCommand: defineHandler<DescribeAccountCommandInput, DescribeAccountCommandOutput>((input, context) => {
      requireManagement(context);
      const account = accountOf(context.world, input.AccountId);
      if (!account) return context.notFound('AccountNotFoundException', `Account ${input.AccountId} is not in the organization.`);
      return { Account: organizationAccount(account, context) };
    }),
    ListTagsForResourceCommand: defineHandler<ListTagsForResourceCommandInput, ListTagsForResourceCommandOutput>((input, context) => {
      requireManagement(context);
      const account = accountOf(context.world, input.ResourceId);
      if (!account) return context.notFound('TargetNotFoundException', `Resource ${input.ResourceId} is not in the organization.`);
      const tags = Object.entries(account.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
      const page = pageOf(tags, input.NextToken, context.pageSize(undefined, 20));
      return { Tags: page.items, NextToken: page.nextToken };
    }),
  },
};

/** EC2 DescribeRegions, used for region discovery (the EC2 collectors' simulator adds the rest of EC2). */
export const regionsSimulator: ServiceSimulator = {
  service: 'ec2',
  clientName: 'EC2Client',
  scope: 'global',
  accessDeniedName: 'UnauthorizedOperation',
  throttlingName: 'RequestLimitExceeded',
  schema: {},
  handlers: {
    DescribeRegionsCommand: defineHandler<DescribeRegionsCommandInput, DescribeRegionsCommandOutput>((input, context) => {
      const regions = context.world.regions.map((region) => {
        const optedIn = (context.account.optedInRegions ?? []).includes(region.name);
        const status = optedIn ? 'opted-in' : (region.optInStatus ?? 'opt-in-not-required');
        return { RegionName: region.name, Endpoint: `ec2.${region.name}.amazonaws.com`, OptInStatus: status };
      });
      const visible = input.AllRegions ? regions : regions.filter((r) => r.OptInStatus !== 'not-opted-in');
      return { Regions: visible };
    }),
  },
};

export const coreSimulators: readonly ServiceSimulator[] = [stsSimulator, organizationsSimulator, regionsSimulator];
