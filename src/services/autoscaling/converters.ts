import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import type { EntityRef } from '../cross-service';
import { AutoScalingEntities } from './schema';

export interface AutoScalingScope {
  accountId: string;
  region: string;
}

/**
 * `aws_autoscaling_group` from DescribeAutoScalingGroups, whose answer carries the group's
 * instances and tags (`[{ResourceId, Key, Value, PropagateAtLaunch}]`) itself.
 */
export function convertAutoScalingGroup(group: AutoScalingGroup, scope: AutoScalingScope): Entity {
  const name = group.AutoScalingGroupName ?? '';
  const arn = group.AutoScalingGroupARN ?? `arn:aws:autoscaling:${scope.region}:${scope.accountId}:autoScalingGroup:*:autoScalingGroupName/${name}`;
  const template = group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  const subnetIds = (group.VPCZoneIdentifier ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const instanceIds = (group.Instances ?? []).map((i) => i.InstanceId ?? '').filter(Boolean);
  return createEntity({
    _key: arn,
    schema: AutoScalingEntities.GROUP,
    name,
    tags: (group.Tags ?? []).map((tag) => ({ Key: tag.Key, Value: tag.Value })),
    createdOn: group.CreatedTime,
    properties: {
      id: arn,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      minSize: group.MinSize,
      maxSize: group.MaxSize,
      desiredCapacity: group.DesiredCapacity,
      instanceCount: instanceIds.length,
      instanceIds: instanceIds.length ? instanceIds : undefined,
      launchConfigurationName: group.LaunchConfigurationName,
      launchTemplateId: template?.LaunchTemplateId,
      launchTemplateName: template?.LaunchTemplateName,
      launchTemplateVersion: template?.Version,
      mixedInstancesPolicy: group.MixedInstancesPolicy ? true : undefined,
      availabilityZones: group.AvailabilityZones?.length ? [...group.AvailabilityZones] : undefined,
      subnetIds: subnetIds.length ? subnetIds : undefined,
      healthCheckType: group.HealthCheckType,
      healthCheckGracePeriod: group.HealthCheckGracePeriod,
      loadBalancerNames: group.LoadBalancerNames?.length ? [...group.LoadBalancerNames] : undefined,
      targetGroupArns: group.TargetGroupARNs?.length ? [...group.TargetGroupARNs] : undefined,
      capacityRebalance: group.CapacityRebalance,
      newInstancesProtectedFromScaleIn: group.NewInstancesProtectedFromScaleIn,
      serviceLinkedRoleArn: group.ServiceLinkedRoleARN,
      status: group.Status,
      webLink: `https://console.aws.amazon.com/ec2/home?region=${scope.region}#AutoScalingGroupDetails:id=${encodeURIComponent(name)}`,
    },
  });
}

export function autoScalingServiceHasGroup(accountId: string, group: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'autoscaling'), verb: RelationshipVerb.HAS, to: group });
}

export function autoScalingEdge(
  from: EntityRef,
  verb: RelationshipVerb,
  to: EntityRef,
  properties?: Record<string, string | number | boolean | undefined>,
): Relationship {
  return createRelationship({ from, verb, to, properties });
}
