import type { DescribeHubCommandOutput, StandardsSubscription } from '@aws-sdk/client-securityhub';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { SecurityHubEntities } from './schema';

export interface SecurityHubScope {
  accountId: string;
  region: string;
}

/** Per-region property prefix on `aws_securityhub`: `enabled.<region>`, and the sorted regions where it is false. */
export const HUB_ENABLED_PREFIX = 'enabled.';
export const HUB_DISABLED_REGIONS = 'disabledRegions';

/**
 * `aws_securityhub_hub` from DescribeHub, with the standards the hub runs (GetEnabledStandards;
 * `undefined` when that call failed). Subscriptions being deleted, or that failed, do not count.
 */
export function convertSecurityHub(
  hub: Omit<DescribeHubCommandOutput, '$metadata'>,
  standards: StandardsSubscription[] | undefined,
  scope: SecurityHubScope,
): Entity {
  const arn = hub.HubArn ?? `arn:aws:securityhub:${scope.region}:${scope.accountId}:hub/default`;
  const running = standards?.filter((subscription) => subscription.StandardsStatus !== 'DELETING' && subscription.StandardsStatus !== 'FAILED');
  const standardsArns = running?.map((subscription) => subscription.StandardsArn ?? '').filter(Boolean);
  return createEntity({
    _key: arn,
    schema: SecurityHubEntities.HUB,
    name: `Security Hub ${scope.region}`,
    // The date the account subscribed to Security Hub in this region.
    createdOn: hub.SubscribedAt ? new Date(hub.SubscribedAt) : undefined,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      enabled: true,
      function: ['compliance', 'monitoring'],
      autoEnableControls: hub.AutoEnableControls,
      controlFindingGenerator: hub.ControlFindingGenerator,
      subscribedOn: hub.SubscribedAt ? new Date(hub.SubscribedAt) : undefined,
      standards: standardsArns ? standardsArns.sort() : undefined,
      // CIS AWS Foundations standard of any version (`.../ruleset/cis-aws-foundations-benchmark/...` or `.../standards/cis-aws-foundations-benchmark/...`).
      cisStandardEnabled: standardsArns ? standardsArns.some((standard) => standard.includes('/cis-aws-foundations-benchmark/')) : undefined,
      webLink: `https://${scope.region}.console.aws.amazon.com/securityhub/home?region=${scope.region}#/summary`,
    },
  });
}

export function securityHubServiceHasHub(accountId: string, hub: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'securityhub'), verb: RelationshipVerb.HAS, to: hub });
}

/** The regions where Security Hub is known to be off, sorted, from the `enabled.<region>` flags on the service entity. */
export function summarizeHubRegions(service: Entity): void {
  const off: string[] = [];
  for (const name of Object.keys(service)) if (name.startsWith(HUB_ENABLED_PREFIX) && service[name] === false) off.push(name.slice(HUB_ENABLED_PREFIX.length));
  if (off.length) service[HUB_DISABLED_REGIONS] = off.sort();
  else delete service[HUB_DISABLED_REGIONS];
}

/**
 * Whether an error of DescribeHub says Security Hub is not enabled in the region: AWS answers
 * InvalidAccessException ("Account ... is not subscribed to AWS Security Hub"), and some regions
 * ResourceNotFoundException.
 */
export function isHubNotEnabled(error: unknown): boolean {
  const name = error && typeof error === 'object' ? (error as { name?: string }).name : undefined;
  return name === 'InvalidAccessException' || name === 'ResourceNotFoundException';
}
