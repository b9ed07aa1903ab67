import type { AutoScalingGroup, DescribeAutoScalingGroupsCommandInput, DescribeAutoScalingGroupsCommandOutput } from '@aws-sdk/client-auto-scaling';
import { collection, defineSimulatedService, list, type InWorld } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';
import { ec2Resources } from '../../ec2/sim/records';

/** A group of the world: DescribeAutoScalingGroups' AutoScalingGroup (its instances and tags included, as AWS serves them). */
export type WorldAutoScalingGroup = InWorld<AutoScalingGroup>;

/** Auto Scaling's ARNs carry a group id (a UUID AWS assigns): derived from the name so worlds stay short. */
function groupArn(region: string, accountId: string, name: string): string {
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  const hex = hash.toString(16).padStart(8, '0');
  return `arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:${hex}-0000-4000-8000-${hex}0000:autoScalingGroupName/${name}`;
}

export const autoScalingSimulator = defineSimulatedService({
  service: 'autoscaling',
  clientName: 'AutoScalingClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDenied', throttling: 'Throttling', invalidToken: 'InvalidNextToken' },
  collections: {
    groups: collection<WorldAutoScalingGroup>({
      id: 'AutoScalingGroupName',
      required: ['MinSize', 'MaxSize', 'DesiredCapacity'],
      fields: { MinSize: { type: 'integer', minimum: 0 }, MaxSize: { type: 'integer', minimum: 0 } },
      dates: ['CreatedTime'],
      arn: (group, context) => groupArn(context.region, context.account.id, group.AutoScalingGroupName ?? ''),
      arnField: 'AutoScalingGroupARN',
      notFound: { error: 'ValidationError', message: (name) => `AutoScalingGroup name not found - ${name}` },
    }),
  },
  operations: {
    DescribeAutoScalingGroups: list<DescribeAutoScalingGroupsCommandInput, DescribeAutoScalingGroupsCommandOutput>('groups', {
      items: 'AutoScalingGroups',
      maxResults: 'MaxRecords',
      awsMax: 100,
      ids: 'AutoScalingGroupNames',
    }),
  },
  generate: generateAutoScalingSection,
});

/** One group per generated region that has instances: the first (up to) three, in their subnets. */
export function generateAutoScalingSection({ region, size, sections }: GenerateInput): { groups?: WorldAutoScalingGroup[] } {
  const instances = ec2Resources(sections.ec2).instances.slice(0, 3);
  if (!size || instances.length === 0) return {};
  const name = `generated-asg-${region}`;
  return {
    groups: [
      {
        AutoScalingGroupName: name,
        MinSize: 1,
        MaxSize: 6,
        DesiredCapacity: instances.length,
        DefaultCooldown: 300,
        AvailabilityZones: [`${region}a`],
        VPCZoneIdentifier: [...new Set(instances.map((i) => i.SubnetId))].join(','),
        HealthCheckType: 'EC2',
        HealthCheckGracePeriod: 300,
        CreatedTime: '2024-03-01T10:00:00.000Z',
        LaunchTemplate: { LaunchTemplateName: 'generated', Version: '$Latest' },
        Instances: instances.map((instance) => ({
          InstanceId: instance.InstanceId,
          AvailabilityZone: `${region}a`,
          LifecycleState: 'InService',
          HealthStatus: 'Healthy',
          ProtectedFromScaleIn: false,
        })),
        Tags: [{ ResourceId: name, ResourceType: 'auto-scaling-group', Key: 'Name', Value: name, PropagateAtLaunch: true }],
      },
    ],
  };
}
