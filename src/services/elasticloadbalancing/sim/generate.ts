import type { GenerateInput } from '../../../sim/types';
import { ec2Resources } from '../../ec2/sim/records';
import type { WorldClassicLoadBalancer, WorldLoadBalancer, WorldRule, WorldTargetGroup } from './simulator';
import type { Listener } from '@aws-sdk/client-elastic-load-balancing-v2';

/**
 * Load balancers of a generated benchmark region: `size / 10` (none for an empty region or one
 * without a VPC). Each is an internet-facing ALB (the even ones) with an HTTPS listener using the
 * region's first ACM certificate, a forward rule and a target group of the region's instances, or
 * an internal NLB with a TCP listener; every fourth region-index also has a classic load balancer
 * in front of the instances. Deterministic from the index (no draw on the shared random stream).
 */
export function generateElbSections({ accountId, region, size, sections }: GenerateInput): {
  v2: { loadBalancers?: WorldLoadBalancer[]; listeners?: Listener[]; rules?: WorldRule[]; targetGroups?: WorldTargetGroup[] };
  classic: { loadBalancers?: WorldClassicLoadBalancer[] };
} {
  const ec2 = ec2Resources(sections.ec2);
  const count = Math.ceil(size / 10);
  const subnets = ec2.subnets;
  if (!count || subnets.length === 0) return { v2: {}, classic: {} };
  const vpcId = subnets[0].VpcId;
  const inVpc = subnets.filter((s) => s.VpcId === vpcId);
  const group = ec2.securityGroups.find((g) => g.VpcId === vpcId);
  const instances = ec2.instances.filter((i) => inVpc.some((s) => s.SubnetId === i.SubnetId)).slice(0, 4);
  const certificate = (sections.acm as { certificates?: Array<{ CertificateArn?: string }> } | undefined)?.certificates?.[0]?.CertificateArn;
  const base = `arn:aws:elasticloadbalancing:${region}:${accountId}`;
  const hex = (index: number) => (0x1000000000000000n + BigInt(index) * 7919n).toString(16).slice(-16);

  const v2 = { loadBalancers: [] as WorldLoadBalancer[], listeners: [] as Listener[], rules: [] as WorldRule[], targetGroups: [] as WorldTargetGroup[] };
  for (let index = 0; index < count; index++) {
    const application = index % 2 === 0;
    const name = `generated-${application ? 'alb' : 'nlb'}-${index}`;
    const path = `${application ? 'app' : 'net'}/${name}/${hex(index)}`;
    const lbArn = `${base}:loadbalancer/${path}`;
    const tgArn = `${base}:targetgroup/${name}-tg/${hex(index + 1000)}`;
    v2.loadBalancers.push({
      LoadBalancerArn: lbArn,
      LoadBalancerName: name,
      DNSName: `${name}-${index}.${region}.elb.amazonaws.com`,
      Type: application ? 'application' : 'network',
      Scheme: application ? 'internet-facing' : 'internal',
      VpcId: vpcId,
      State: { Code: 'active' },
      IpAddressType: 'ipv4',
      CreatedTime: '2024-02-01T10:00:00.000Z',
      AvailabilityZones: inVpc.slice(0, 2).map((s) => ({ ZoneName: s.AvailabilityZone, SubnetId: s.SubnetId })),
      SecurityGroups: application && group ? [group.GroupId] : undefined,
      Attributes: application ? [{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: index % 4 === 0 ? 'true' : 'false' }] : [],
      Tags: [{ Key: 'Name', Value: name }],
    });
    const listenerArn = `${base}:listener/${path}/${hex(index + 2000)}`;
    const secure = application && certificate !== undefined;
    v2.listeners.push({
      ListenerArn: listenerArn,
      LoadBalancerArn: lbArn,
      Port: secure ? 443 : application ? 80 : 5432,
      Protocol: secure ? 'HTTPS' : application ? 'HTTP' : 'TCP',
      SslPolicy: secure ? 'ELBSecurityPolicy-TLS13-1-2-2021-06' : undefined,
      Certificates: secure ? [{ CertificateArn: certificate }] : undefined,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    });
    if (application)
      v2.rules.push({
        RuleArn: `${base}:listener-rule/${path}/${hex(index + 2000)}/${hex(index + 3000)}`,
        ListenerArn: listenerArn,
        Priority: 'default',
        IsDefault: true,
        Conditions: [],
        Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      });
    v2.targetGroups.push({
      TargetGroupArn: tgArn,
      TargetGroupName: `${name}-tg`,
      Protocol: application ? 'HTTP' : 'TCP',
      Port: application ? 8080 : 5432,
      VpcId: vpcId,
      TargetType: 'instance',
      HealthCheckEnabled: true,
      LoadBalancerArns: [lbArn],
      Targets: instances.map((instance) => ({ Target: { Id: instance.InstanceId, Port: application ? 8080 : 5432 }, TargetHealth: { State: 'healthy' } })),
    });
  }
  const classic: WorldClassicLoadBalancer[] =
    instances.length && size >= 20
      ? [
          {
            LoadBalancerName: 'generated-classic',
            DNSName: `generated-classic-1.${region}.elb.amazonaws.com`,
            Scheme: 'internet-facing',
            VPCId: vpcId,
            Subnets: inVpc.slice(0, 2).map((s) => s.SubnetId),
            SecurityGroups: group ? [group.GroupId] : undefined,
            ListenerDescriptions: [{ Listener: { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 8080 }, PolicyNames: [] }],
            Instances: instances.map((instance) => ({ InstanceId: instance.InstanceId })),
            CreatedTime: '2019-05-01T10:00:00.000Z',
            Tags: [{ Key: 'Name', Value: 'generated-classic' }],
          },
        ]
      : [];
  return { v2, classic: classic.length ? { loadBalancers: classic } : {} };
}
