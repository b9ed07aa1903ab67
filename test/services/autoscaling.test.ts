import test from 'ava';
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { convertAutoScalingGroup } from '../../src/services/autoscaling/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

// DescribeAutoScalingGroups' AutoScalingGroup, as the Auto Scaling API Reference example shows it.
const group: AutoScalingGroup = {
  AutoScalingGroupName: 'my-asg',
  AutoScalingGroupARN: 'arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:930d940e-891e-4781-a11a-7b0acd480f03:autoScalingGroupName/my-asg',
  LaunchTemplate: { LaunchTemplateName: 'my-launch-template', Version: '1', LaunchTemplateId: 'lt-1234567890abcde12' },
  MinSize: 0,
  MaxSize: 1,
  DesiredCapacity: 1,
  DefaultCooldown: 300,
  AvailabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  LoadBalancerNames: [],
  TargetGroupARNs: [],
  HealthCheckType: 'EC2',
  HealthCheckGracePeriod: 0,
  Instances: [
    {
      InstanceId: 'i-06905f55584de02da',
      InstanceType: 't2.micro',
      AvailabilityZone: 'us-west-2a',
      HealthStatus: 'Healthy',
      LifecycleState: 'InService',
      ProtectedFromScaleIn: false,
      LaunchTemplate: { LaunchTemplateName: 'my-launch-template', Version: '1', LaunchTemplateId: 'lt-1234567890abcde12' },
    },
  ],
  CreatedTime: new Date('2023-10-28T02:39:22.152Z'),
  SuspendedProcesses: [],
  VPCZoneIdentifier: 'subnet-5ea0c127,subnet-6194ea3b,subnet-c934b782',
  EnabledMetrics: [],
  Tags: [{ ResourceId: 'my-asg', ResourceType: 'auto-scaling-group', Key: 'environment', Value: 'production', PropagateAtLaunch: true }],
  TerminationPolicies: ['Default'],
  NewInstancesProtectedFromScaleIn: false,
  ServiceLinkedRoleARN: 'arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
  CapacityRebalance: false,
};

test('convertAutoScalingGroup: sizes, launch template, subnets from VPCZoneIdentifier, tags and the creation time', (t) => {
  const entity = convertAutoScalingGroup(group, { accountId: '123456789012', region: 'us-west-2' });
  t.deepEqual(entity._class, ['Deployment', 'Group']);
  t.like(entity, {
    _key: group.AutoScalingGroupARN,
    name: 'my-asg',
    minSize: 0,
    maxSize: 1,
    desiredCapacity: 1,
    instanceCount: 1,
    launchTemplateId: 'lt-1234567890abcde12',
    launchTemplateVersion: '1',
    healthCheckType: 'EC2',
    createdOn: Date.parse('2023-10-28T02:39:22.152Z'),
    'tag.environment': 'production',
    targetGroupArns: undefined,
  });
  t.deepEqual(entity.subnetIds, ['subnet-5ea0c127', 'subnet-6194ea3b', 'subnet-c934b782']);
  t.deepEqual(entity.instanceIds, ['i-06905f55584de02da']);
});

test('the simulated organization: the app-server group has its instances and uses the target group, one page at a time', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  const [group] = graph.entitiesOfType('aws_autoscaling_group');
  t.like(group, { name: 'app-servers', desiredCapacity: 2, classification: 'confidential', healthCheckType: 'EC2' });
  t.regex(String(group._key), /^arn:aws:autoscaling:us-east-1:222222222222:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/app-servers$/);
  const edges = [...graph.allRelationships()]
    .filter((r) => r._fromEntityKey === group._key)
    .map((r) => `${r._class} ${graph.getEntity(r._toEntityKey)?._type}`);
  t.deepEqual(edges.sort(), ['HAS aws_instance', 'HAS aws_instance', 'USES aws_lb_target_group']);
  t.is(summary.counts.relationships.aws_autoscaling_has_group, 1);
  t.deepEqual(graphIssues(graph), []);
});
