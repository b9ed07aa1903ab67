import { AutoScalingClient, paginateDescribeAutoScalingGroups, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { Collector } from '../../collectors/types';
import { RelationshipVerb } from '../../graph';
import { Ec2Entities, instanceKey } from '../ec2/schema';
import { ElbEntities } from '../elasticloadbalancing/schema';
import { autoScalingEdge, autoScalingServiceHasGroup, convertAutoScalingGroup } from './converters';
import { AutoScalingEntities, AutoScalingRelationships } from './schema';

export const autoScalingGroupsCollector: Collector = {
  id: 'autoscaling-groups',
  service: 'autoscaling',
  scope: 'regional',
  entities: [AutoScalingEntities.GROUP],
  relationships: Object.values(AutoScalingRelationships),
  // One paginated call: the groups come with their instances and tags.
  permissions: ['autoscaling:DescribeAutoScalingGroups'],
  events: [
    {
      source: 'autoscaling.amazonaws.com',
      names: [
        'CreateAutoScalingGroup',
        'UpdateAutoScalingGroup',
        'DeleteAutoScalingGroup',
        'AttachInstances',
        'DetachInstances',
        'SetDesiredCapacity',
        'TerminateInstanceInAutoScalingGroup',
        'AttachLoadBalancerTargetGroups',
        'DetachLoadBalancerTargetGroups',
        'CreateOrUpdateTags',
        'DeleteTags',
      ],
    },
  ],
  // Instances and target groups of the same account are named by key (edges to what their
  // collectors did not find are dropped when the snapshot is written).
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(AutoScalingClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };
    const groups: AutoScalingGroup[] = [];
    // Pages of 100, the maximum (the default is 50: DescribeAutoScalingGroups API Reference, `MaxRecords`).
    for await (const page of paginateDescribeAutoScalingGroups({ client }, { MaxRecords: 100 })) groups.push(...(page.AutoScalingGroups ?? []));
    for (const data of groups) {
      const group = context.addEntity(convertAutoScalingGroup(data, scope));
      context.addRelationship(autoScalingServiceHasGroup(accountId, group));
      for (const instance of data.Instances ?? []) {
        if (!instance.InstanceId) continue;
        const target = { _key: instanceKey(context.region, accountId, instance.InstanceId), _type: Ec2Entities.INSTANCE._type };
        context.addRelationship(
          autoScalingEdge(group, RelationshipVerb.HAS, target, {
            lifecycleState: instance.LifecycleState,
            healthStatus: instance.HealthStatus,
            protectedFromScaleIn: instance.ProtectedFromScaleIn,
          }),
        );
      }
      for (const arn of data.TargetGroupARNs ?? [])
        context.addRelationship(autoScalingEdge(group, RelationshipVerb.USES, { _key: arn, _type: ElbEntities.TARGET_GROUP._type }));
    }
  },
};
