import { GetAccountSummaryCommand, IAMClient, paginateListAccountAliases } from '@aws-sdk/client-iam';
import { accountEntityKey, createServiceEntity } from '../../graph';
import type { Collector, CollectorContext } from '../../collectors/types';
import type { ResourceRefresh } from '../../events/declarations';
import type { AwsServiceModule, ServiceModule } from '../types';
import { convertAccount, accountHasAccount, accountHasService, SUMMARY_PROPERTIES, type AccountFacts } from './converters';
import { AccountEntities, AccountRelationships, accountHasServices } from './schema';

/** Facts of the account entity that its two calls set (the rest come from discovery, or other collectors). */
const REFRESHED_FACTS = ['alias', 'aliases', 'displayName', ...SUMMARY_PROPERTIES.filter((name) => name !== 'mfaEnabled')];

async function readAccountFacts(context: CollectorContext): Promise<AccountFacts> {
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
  return { aliases, summary };
}

/**
 * The alias and IAM counts read again in place (`orggraph watch`): the account entity keeps its
 * organization facts, which only discovery reads, and what other collectors set on it.
 */
const accountFactsRefresh: ResourceRefresh = {
  updatesInPlace: true,
  idOf: (entity) => (entity._type === AccountEntities.ACCOUNT._type && typeof entity.accountId === 'string' ? entity.accountId : undefined),
  async read(context, accountIds) {
    const entity = context.graph.getEntity(accountEntityKey(context.account.accountId));
    if (!entity || !accountIds.includes(context.account.accountId)) return;
    const fresh = convertAccount({ accountId: context.account.accountId, name: String(entity.name) }, await readAccountFacts(context));
    for (const name of REFRESHED_FACTS) {
      if (fresh[name] === undefined) delete entity[name];
      else entity[name] = fresh[name];
    }
  },
};

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
export function createAccountService(allServices: readonly AwsServiceModule[]): ServiceModule {
  // A service whose resources carry its `aws_<service>` type (CloudTrail's trails are
  // `aws_cloudtrail`, as in JupiterOne's model) has no Service entity: it would be one more
  // `aws_cloudtrail`, which queries and compliance inputs would take for a trail.
  const services = allServices.filter(
    (module) => !module.collectors.some((collector) => collector.entities.some((entity) => entity._type === module.serviceEntity._type)),
  );
  const serviceTypes = services.map((module) => module.serviceEntity._type);
  const collector: Collector = {
    id: 'account',
    service: 'account',
    scope: 'global',
    // Write calls that change what it reads (docs/event-streaming.md).
    events: [
      // Root MFA is read by the IAM users collector too: these refresh the account whole.
      { source: 'iam.amazonaws.com', names: ['EnableMFADevice', 'DeactivateMFADevice'] },
      {
        // The alias, and the IAM counts of the account summary.
        source: 'iam.amazonaws.com',
        names: [
          'CreateAccountAlias',
          'DeleteAccountAlias',
          'CreateUser',
          'DeleteUser',
          'CreateRole',
          'DeleteRole',
          'CreateServiceLinkedRole',
          'DeleteServiceLinkedRole',
          'CreateGroup',
          'DeleteGroup',
          'CreatePolicy',
          'DeletePolicy',
        ],
        resourceIds: ['recipientAccountId'],
        resource: accountFactsRefresh,
      },
    ],
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
      const accountEntity = context.addEntity(convertAccount(account, await readAccountFacts(context)));
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
