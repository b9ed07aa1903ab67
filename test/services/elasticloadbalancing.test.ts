import test from 'ava';
import type { LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
import type { Listener, LoadBalancer, Rule, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { exposureEdges, internetIngressRules, loadBalancerExposure } from '../../src/analysis/exposure';
import { GraphStore, internetEntity } from '../../src/graph';
import { convertSecurityGroup } from '../../src/services/ec2/converters';
import { securityGroupRuleEdges } from '../../src/services/ec2/rules';
import {
  convertClassicLoadBalancer,
  convertListener,
  convertListenerRule,
  convertLoadBalancer,
  convertTargetGroup,
} from '../../src/services/elasticloadbalancing/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '123456789012', region: 'us-west-2' };

// DescribeLoadBalancers (ELBv2 API Reference example), with DescribeLoadBalancerAttributes' attributes.
const alb: LoadBalancer = {
  LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188',
  DNSName: 'my-load-balancer-424835706.us-west-2.elb.amazonaws.com',
  CanonicalHostedZoneId: 'Z2P70J7EXAMPLE',
  CreatedTime: new Date('2016-03-25T21:26:12.920Z'),
  LoadBalancerName: 'my-load-balancer',
  Scheme: 'internet-facing',
  VpcId: 'vpc-3ac0fb5f',
  State: { Code: 'active' },
  Type: 'application',
  AvailabilityZones: [
    { ZoneName: 'us-west-2a', SubnetId: 'subnet-8360a9e7' },
    { ZoneName: 'us-west-2b', SubnetId: 'subnet-b7d581c0' },
  ],
  SecurityGroups: ['sg-5943793c'],
  IpAddressType: 'ipv4',
};
const attributes = [
  { Key: 'access_logs.s3.enabled', Value: 'false' },
  { Key: 'idle_timeout.timeout_seconds', Value: '60' },
  { Key: 'access_logs.s3.prefix', Value: '' },
  { Key: 'deletion_protection.enabled', Value: 'false' },
  { Key: 'access_logs.s3.bucket', Value: '' },
  { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
];

test('convertLoadBalancer: an ALB with its attributes and tags; an NLB; gateway load balancers are not modelled', (t) => {
  const entity = convertLoadBalancer(alb, scope, { attributes, tags: [{ Key: 'Name', Value: 'web' }] });
  t.like(entity, {
    _key: alb.LoadBalancerArn,
    _type: 'aws_alb',
    scheme: 'internet-facing',
    public: true,
    dnsName: 'my-load-balancer-424835706.us-west-2.elb.amazonaws.com',
    vpcId: 'vpc-3ac0fb5f',
    state: 'active',
    dropInvalidHeaders: true,
    accessLogsEnabled: false,
    accessLogsBucket: undefined,
    deletionProtection: false,
    idleTimeoutSeconds: 60,
    createdOn: Date.parse('2016-03-25T21:26:12.920Z'),
    'tag.Name': 'web',
  });
  t.deepEqual(entity?._class, ['Gateway']);
  t.deepEqual(entity?.securityGroupIds, ['sg-5943793c']);
  t.deepEqual(entity?.subnetIds, ['subnet-8360a9e7', 'subnet-b7d581c0']);
  // Without the attributes call, nothing is claimed about headers or logs.
  t.is(convertLoadBalancer(alb, scope)?.dropInvalidHeaders, undefined);
  const nlb = convertLoadBalancer({ ...alb, Type: 'network', Scheme: 'internal', SecurityGroups: undefined }, scope, { attributes });
  t.like(nlb, { _type: 'aws_nlb', public: false, dropInvalidHeaders: undefined, category: ['network'] });
  t.is(convertLoadBalancer({ ...alb, Type: 'gateway' }, scope), undefined);
});

test('convertListener and convertListenerRule: protocol, TLS policy, certificates and forward targets', (t) => {
  const lb = convertLoadBalancer(alb, scope)!;
  // DescribeListeners example, and an HTTPS listener as CreateListener's example configures one.
  const http: Listener = {
    ListenerArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2',
    LoadBalancerArn: alb.LoadBalancerArn,
    Port: 80,
    Protocol: 'HTTP',
    DefaultActions: [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067' }],
  };
  const https: Listener = {
    ...http,
    ListenerArn: `${http.ListenerArn}0`,
    Port: 443,
    Protocol: 'HTTPS',
    SslPolicy: 'ELBSecurityPolicy-2016-08',
    Certificates: [{ CertificateArn: 'arn:aws:iam::123456789012:server-certificate/my-server-cert' }],
  };
  t.like(convertListener(http, lb, scope), {
    _type: 'aws_lb_listener',
    protocol: 'HTTP',
    port: 80,
    encrypted: false,
    sslPolicy: undefined,
    address: 'http://my-load-balancer-424835706.us-west-2.elb.amazonaws.com:80',
  });
  const secure = convertListener(https, lb, scope);
  t.like(secure, { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-2016-08', encrypted: true });
  t.deepEqual(secure.certificateArns, ['arn:aws:iam::123456789012:server-certificate/my-server-cert']);
  t.deepEqual(secure.defaultTargetGroupArns, ['arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067']);
  // DescribeRules example.
  const rule: Rule = {
    RuleArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:listener-rule/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee',
    Priority: '10',
    Conditions: [{ Field: 'path-pattern', Values: ['/img/*'] }],
    Actions: [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067' }],
    IsDefault: false,
  };
  const ruleEntity = convertListenerRule(rule, convertListener(http, lb, scope), scope);
  t.like(ruleEntity, { _type: 'aws_lb_listener_rule', priority: '10', isDefault: false });
  t.deepEqual(ruleEntity.conditions, ['path-pattern=/img/*']);
  t.deepEqual(ruleEntity.actionTypes, ['forward']);
  const hosts = convertListenerRule({ ...rule, Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['*.example.com'] } }] }, ruleEntity, scope);
  t.deepEqual(hosts.conditions, ['host-header=*.example.com']);
});

test('convertTargetGroup and convertClassicLoadBalancer follow the API Reference examples', (t) => {
  // DescribeTargetGroups example.
  const group: TargetGroup = {
    TargetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
    TargetGroupName: 'my-targets',
    Protocol: 'HTTP',
    Port: 80,
    VpcId: 'vpc-3ac0fb5f',
    HealthCheckProtocol: 'HTTP',
    HealthCheckPort: 'traffic-port',
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: '/',
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: [alb.LoadBalancerArn!],
    TargetType: 'instance',
  };
  t.like(convertTargetGroup(group, scope), { _type: 'aws_lb_target_group', targetType: 'instance', port: 80, healthCheckPath: '/', vpcId: 'vpc-3ac0fb5f' });
  // The classic API's DescribeLoadBalancers example.
  const classic: LoadBalancerDescription = {
    LoadBalancerName: 'my-load-balancer',
    DNSName: 'my-load-balancer-1234567890.us-west-2.elb.amazonaws.com',
    CanonicalHostedZoneName: 'my-load-balancer-1234567890.us-west-2.elb.amazonaws.com',
    CanonicalHostedZoneNameID: 'Z3DZXE0EXAMPLE',
    ListenerDescriptions: [
      { Listener: { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }, PolicyNames: [] },
      {
        Listener: {
          Protocol: 'HTTPS',
          LoadBalancerPort: 443,
          InstanceProtocol: 'HTTPS',
          InstancePort: 443,
          SSLCertificateId: 'arn:aws:iam::123456789012:server-certificate/my-server-cert',
        },
        PolicyNames: ['ELBSecurityPolicy-2015-03'],
      },
    ],
    Instances: [{ InstanceId: 'i-207d9717' }, { InstanceId: 'i-afefb49b' }],
    AvailabilityZones: ['us-west-2a'],
    Subnets: ['subnet-15aaab61'],
    VPCId: 'vpc-a01106c2',
    SecurityGroups: ['sg-a61988c3'],
    CreatedTime: new Date('2015-03-19T03:24:02.650Z'),
    Scheme: 'internet-facing',
  };
  const entity = convertClassicLoadBalancer(classic, scope, { attributes: { AccessLog: { Enabled: false }, CrossZoneLoadBalancing: { Enabled: true } } });
  t.like(entity, {
    _key: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/my-load-balancer',
    _type: 'aws_elb',
    public: true,
    vpcId: 'vpc-a01106c2',
    encrypted: false,
    accessLogsEnabled: false,
    crossZoneLoadBalancing: true,
    createdOn: Date.parse('2015-03-19T03:24:02.650Z'),
  });
  t.deepEqual(entity.instanceIds, ['i-207d9717', 'i-afefb49b']);
  t.deepEqual(entity.listenerPorts, [80, 443]);
});

test('the exposure model: an internet-facing load balancer is reachable on the listener ports its groups open to the Internet', (t) => {
  const graph = new GraphStore();
  const ec2Scope = { accountId: '123456789012', region: 'us-west-2' };
  // A web group open to the Internet on 443 (IPv4 and IPv6) and to the office on 80; an office-only group.
  const web = {
    GroupId: 'sg-0a1b2c3d4e5f60718',
    GroupName: 'web',
    VpcId: 'vpc-3ac0fb5f',
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
    ],
  };
  const office = { GroupId: 'sg-0f0e0d0c0b0a09080', GroupName: 'office', VpcId: 'vpc-3ac0fb5f', IpPermissions: [web.IpPermissions[0]] };
  for (const group of [web, office]) {
    graph.addEntity(convertSecurityGroup(group, ec2Scope));
    for (const edge of securityGroupRuleEdges(group, ec2Scope).relationships) graph.addRelationship(edge);
  }
  graph.addEntity(internetEntity());
  const key = (id: string) => `arn:aws:ec2:us-west-2:123456789012:security-group/${id}`;
  t.is(internetIngressRules(graph, key(web.GroupId))?.length, 2);
  t.deepEqual(internetIngressRules(graph, key(office.GroupId)), []);
  t.is(internetIngressRules(graph, key('sg-0000000000000000a')), undefined, 'a group not collected is unknown, not closed');

  const listening = [
    { port: 80, transport: 'tcp' as const },
    { port: 443, transport: 'tcp' as const },
  ];
  t.deepEqual(loadBalancerExposure(graph, { scheme: 'internet-facing', listening, securityGroupKeys: [key(web.GroupId)] }), {
    internetFacing: true,
    exposedPorts: [443],
    basis: 'security-groups',
  });
  t.deepEqual(loadBalancerExposure(graph, { scheme: 'internet-facing', listening, securityGroupKeys: [key(office.GroupId)] }).exposedPorts, []);
  t.deepEqual(loadBalancerExposure(graph, { scheme: 'internal', listening, securityGroupKeys: [key(web.GroupId)] }).exposedPorts, []);
  t.like(loadBalancerExposure(graph, { scheme: 'internet-facing', listening, securityGroupKeys: [] }), {
    exposedPorts: [80, 443],
    basis: 'no-security-groups',
  });
  t.like(loadBalancerExposure(graph, { scheme: 'internet-facing', listening, securityGroupKeys: [key('sg-0000000000000000a')] }), {
    exposedPorts: [80, 443],
    basis: 'scheme-only',
  });
  // UDP listeners need a UDP (or all-traffic) rule.
  t.deepEqual(
    loadBalancerExposure(graph, { scheme: 'internet-facing', listening: [{ port: 443, transport: 'udp' }], securityGroupKeys: [key(web.GroupId)] })
      .exposedPorts,
    [],
  );

  const lb = convertLoadBalancer(alb, scope)!;
  const edges = exposureEdges(lb, { internetFacing: true, exposedPorts: [443], basis: 'security-groups' });
  t.deepEqual(
    edges.map((e) => [e._class, e._toEntityKey, e.ingress, e.fromPort, e.toPort]),
    [['ALLOWS', internetEntity()._key, true, 443, 443]],
  );
});

test('the simulated organization: load balancers, listeners, rules, targets, certificates and exposure, one page at a time', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  const arn = (resource: string) => `arn:aws:elasticloadbalancing:us-east-1:222222222222:${resource}`;
  const prodWeb = arn('loadbalancer/app/prod-web/50dc6c495c0c9188');
  t.like(graph.getEntity(prodWeb), {
    _type: 'aws_alb',
    dropInvalidHeaders: false,
    internetReachable: true,
    accessLogsBucket: 'acme-prod-logs',
    'tag.owner': 'web@acme.example',
  });
  t.deepEqual(graph.getEntity(prodWeb)?.exposedPorts, [80, 443]);
  // Internet-facing, but its group lets only the office in.
  t.like(graph.getEntity(arn('loadbalancer/app/legacy-portal/7a1f0e2d3c4b5a69')), { public: true, internetReachable: false });
  t.like(graph.getEntity(arn('loadbalancer/net/api-edge/3c2b1a0f9e8d7c6b')), { _type: 'aws_nlb', internetReachable: true });
  t.true(edges.has(`${prodWeb} ALLOWS ${internetEntity()._key}`));
  t.like(graph.getEntity(arn('listener/app/legacy-portal/7a1f0e2d3c4b5a69/1b2c3d4e5f6a7b8c')), { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-2016-08' });
  const certificate = 'arn:aws:acm:us-east-1:222222222222:certificate/6b0c3e52-8a11-4d1e-9c36-2f7d1a5e0b01';
  t.true(edges.has(`${arn('listener/app/prod-web/50dc6c495c0c9188/f2f7dc8efc522ab2')} USES ${certificate}`));
  t.true(edges.has(`${prodWeb} USES ${certificate}`));
  t.true(edges.has(`${prodWeb} HAS arn:aws:ec2:us-east-1:222222222222:security-group/sg-02221000000000103`));
  t.is(graph.entitiesOfType('aws_lb_listener_rule').length, 2);
  // Targets: instances, a function, an interface found by its address, an address on premises, an ALB behind an NLB.
  const targets = (name: string) =>
    [...graph.allRelationships()]
      .filter((r) => r._fromEntityKey.includes(`targetgroup/${name}/`) && r._class === 'HAS')
      .map((r) => graph.getEntity(r._toEntityKey)?._type);
  t.deepEqual(targets('app-servers'), ['aws_instance', 'aws_instance']);
  t.deepEqual(targets('orders-api'), ['aws_lambda_function']);
  t.deepEqual(targets('reporting-ip').sort(), ['aws_eni', 'ip_address']);
  t.deepEqual(targets('api-edge-alb'), ['aws_alb']);
  const classic = arn('loadbalancer/legacy-classic');
  t.like(graph.getEntity(classic), { _type: 'aws_elb', encrypted: false, classification: 'internal' });
  t.true(edges.has(`${classic} CONNECTS arn:aws:ec2:us-east-1:222222222222:instance/i-02221000000000204`));
  t.like(graph.getEntity('arn:aws:elasticloadbalancing:us-west-2:333333333333:loadbalancer/app/staging-internal/1f2e3d4c5b6a7980'), {
    public: false,
    internetReachable: false,
    dropInvalidHeaders: true,
  });
  t.deepEqual(graphIssues(graph), []);
});

test('denied listener and attribute calls are recorded once per region; the load balancers are still produced', async (t) => {
  const world = builtinWorld();
  world.faults = [
    { service: 'elasticloadbalancing', operation: 'DescribeListeners', error: 'AccessDenied' },
    { service: 'elasticloadbalancing', operation: 'DescribeLoadBalancerAttributes', error: 'AccessDenied' },
  ];
  const { graph, summary } = await simulate(world);
  t.is(graph.entitiesOfType('aws_lb_listener').length, 0);
  t.is(graph.entitiesOfType('aws_alb').length, 3);
  t.true(graph.entitiesOfType('aws_alb').every((lb) => lb.dropInvalidHeaders === undefined));
  t.deepEqual(summary.errors.map((e) => `${e.account} ${e.region} ${e.operation}`).sort(), [
    '222222222222 us-east-1 elasticloadbalancing:DescribeListeners',
    '222222222222 us-east-1 elasticloadbalancing:DescribeLoadBalancerAttributes',
    '333333333333 us-west-2 elasticloadbalancing:DescribeListeners',
    '333333333333 us-west-2 elasticloadbalancing:DescribeLoadBalancerAttributes',
  ]);
});
