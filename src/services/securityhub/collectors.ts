import {
  DescribeHubCommand,
  paginateGetEnabledStandards,
  SecurityHubClient,
  type DescribeHubCommandOutput,
  type StandardsSubscription,
} from '@aws-sdk/client-securityhub';
import type { Collector } from '../../collectors/types';
import { serviceEntityKey } from '../../graph';
import { convertSecurityHub, HUB_DISABLED_REGIONS, HUB_ENABLED_PREFIX, isHubNotEnabled, securityHubServiceHasHub, summarizeHubRegions } from './converters';
import { SecurityHubEntities, SecurityHubRelationships } from './schema';

/**
 * The account's Security Hub in each region (DescribeHub) and the standards it runs. A region where
 * Security Hub is not enabled has no hub: it is recorded as `enabled.<region> = false` on the
 * account's `aws_securityhub` entity (regions listed in `disabledRegions`), not as an error. A region
 * whose answer was another error has no flag (unknown).
 */
export const securityHubCollector: Collector = {
  id: 'securityhub-hubs',
  service: 'securityhub',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'securityhub.amazonaws.com',
      names: ['EnableSecurityHub', 'DisableSecurityHub', 'UpdateSecurityHubConfiguration', 'BatchEnableStandards', 'BatchDisableStandards'],
    },
  ],
  entities: [SecurityHubEntities.HUB],
  relationships: [SecurityHubRelationships.SERVICE_HAS_HUB],
  permissions: ['securityhub:DescribeHub', 'securityhub:GetEnabledStandards'],
  optionalCalls: [
    {
      operation: 'securityhub:GetEnabledStandards',
      per: 'scope',
      properties: [{ _type: SecurityHubEntities.HUB._type, properties: ['standards', 'cisStandardEnabled'] }],
      cost: 'hubs have no `standards` (which benchmarks Security Hub checks)',
    },
  ],
  dependsOn: ['account'],
  enriches: [
    {
      _type: SecurityHubEntities.SERVICE._type,
      properties: [`${HUB_ENABLED_PREFIX}*`],
      derived: { properties: [HUB_DISABLED_REGIONS], compute: summarizeHubRegions },
    },
  ],
  async run(context) {
    const client = context.client(SecurityHubClient);
    const scope = { accountId: context.account.accountId, region: context.region };
    let hub: DescribeHubCommandOutput | undefined;
    try {
      hub = await client.send(new DescribeHubCommand({}));
    } catch (error) {
      if (!isHubNotEnabled(error)) throw error;
    }
    const service = context.graph.getEntity(serviceEntityKey(scope.accountId, 'securityhub'));
    if (service) {
      service[`${HUB_ENABLED_PREFIX}${scope.region}`] = hub !== undefined;
      summarizeHubRegions(service);
    }
    if (!hub) return;
    const standards = await context.optional('securityhub:GetEnabledStandards', async () => {
      const found: StandardsSubscription[] = [];
      for await (const page of paginateGetEnabledStandards({ client }, {})) found.push(...(page.StandardsSubscriptions ?? []));
      return found;
    });
    const { $metadata: _, ...described } = hub;
    const entity = context.addEntity(convertSecurityHub(described, standards, scope));
    context.addRelationship(securityHubServiceHasHub(scope.accountId, entity));
  },
};
