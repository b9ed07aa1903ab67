import { GetAccountSummaryCommand, IAMClient, paginateListAccountAliases } from '@aws-sdk/client-iam';
import { createServiceEntity } from '../../graph';
import type { Collector } from '../../collectors/types';
import type { AwsServiceModule, ServiceModule } from '../types';
import { convertAccount, accountHasAccount, accountHasService, SUMMARY_PROPERTIES } from './converters';
import { AccountEntities, AccountRelationships, accountHasServices } from './schema';

/**
 * The account collector: `aws_account` with its organization facts, its alias and the IAM account
 * summary (root MFA, root access keys), the `aws_<service>` entities of every service with
 * collectors, and management `HAS` member.
 *
 * It runs first in every account (every other collector depends on it), so it makes only two quick
 * calls. Facts that need the credential report (root access keys active, root password last used)
 * are added to this entity by the `iam-users` collector, which reads the report once per account.
 * The two calls are recorded on failure and never stop the account entity from being written.
 */
export function createAccountService(services: readonly AwsServiceModule[]): ServiceModule {
  const serviceTypes = services.map((module) => module.serviceEntity._type);
  const collector: Collector = {
    id: 'account',
    service: 'account',
    scope: 'global',
    // Write calls that change what it reads (docs/event-streaming.md).
    events: [{ source: 'iam.amazonaws.com', names: ['CreateAccountAlias', 'DeleteAccountAlias', 'EnableMFADevice', 'DeactivateMFADevice'] }],
    entities: [AccountEntities.ACCOUNT, ...services.map((module) => module.serviceEntity)],
    relationships: [AccountRelationships.ACCOUNT_HAS_ACCOUNT, accountHasServices(serviceTypes)],
    permissions: ['iam:ListAccountAliases', 'iam:GetAccountSummary'],
    optionalCalls: [
      {
        operation: 'iam:ListAccountAliases',
        per: 'scope',
        properties: [{ _type: AccountEntities.ACCOUNT._type, properties: ['alias', 'aliases', 'displayName'] }],
        cost: 'the account has no `alias`; its display name is its name',
      },
      {
        operation: 'iam:GetAccountSummary',
        // Filled where missing only: the IAM users collector may have set `mfaEnabled` meanwhile.
        properties: [{ _type: AccountEntities.ACCOUNT._type, properties: [...SUMMARY_PROPERTIES] }],
        cost: 'the account has no root MFA or root access-key facts from the summary, nor IAM counts',
      },
    ],
    dependsOn: [],
    async run(context) {
      const { account } = context;
      const iam = context.client(IAMClient);
      // Both are optional facts: a failure is recorded and the account entity is still written.
      const [aliases, summary] = await Promise.all([
        context.optional('iam:ListAccountAliases', async () => {
          const found: string[] = [];
          for await (const page of paginateListAccountAliases({ client: iam }, {})) found.push(...(page.AccountAliases ?? []));
          return found;
        }),
        context.optional('iam:GetAccountSummary', async () => (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap),
      ]);
      const accountEntity = context.addEntity(convertAccount(account, { aliases, summary }));
      for (const module of services) {
        const service = context.addEntity(createServiceEntity(account.accountId, module.serviceEntity, module.title, module.serviceFunctions));
        context.addRelationship(accountHasService(accountEntity, service));
      }
      const management = account.organization?.managementAccountId;
      if (management && management !== account.accountId) {
        context.addRelationship(accountHasAccount(management, accountEntity));
      }
    },
  };
  return { service: 'account', title: 'Account', serviceFunctions: [], collectors: [collector], simulators: [] };
}
