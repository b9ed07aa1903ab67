import type { LoadBalancerDescription, LoadBalancerAttributes as ClassicAttributes, Tag as ClassicTag } from '@aws-sdk/client-elastic-load-balancing';
import type { Listener, LoadBalancer, LoadBalancerAttribute, Rule, RuleCondition, Tag, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type RawValue, type Relationship } from '../../graph';
import type { EntityRef } from '../cross-service';
import { ElbEntities } from './schema';

export interface ElbScope {
  accountId: string;
  region: string;
}

const consoleLink = (region: string, fragment: string) => `https://console.aws.amazon.com/ec2/home?region=${region}#${fragment}`;

/** ELBv2 attributes (`[{Key, Value}]`, values as strings) as a map. */
export function attributeMap(attributes: readonly LoadBalancerAttribute[] | undefined): Map<string, string> {
  return new Map((attributes ?? []).flatMap((a) => (a.Key ? [[a.Key, a.Value ?? ''] as const] : [])));
}

function flag(attributes: Map<string, string> | undefined, key: string): boolean | undefined {
  const value = attributes?.get(key);
  return value === undefined ? undefined : value === 'true';
}

/** The schema of an ELBv2 load balancer by `Type`: `application` -> ALB, `network` -> NLB; gateway load balancers are not modelled. */
export function loadBalancerSchema(type: string | undefined) {
  if (type === 'application') return ElbEntities.ALB;
  if (type === 'network') return ElbEntities.NLB;
  return undefined;
}

/**
 * `aws_alb` / `aws_nlb` from DescribeLoadBalancers, DescribeLoadBalancerAttributes (absent when
 * that call failed) and DescribeTags. `public` is the scheme (internet-facing); which ports the
 * Internet reaches is the exposure model's (`exposedPorts`, set by the collector).
 */
export function convertLoadBalancer(lb: LoadBalancer, scope: ElbScope, facts: { attributes?: LoadBalancerAttribute[]; tags?: Tag[] } = {}): Entity | undefined {
  const schema = loadBalancerSchema(lb.Type);
  if (!schema || !lb.LoadBalancerArn) return undefined;
  const attributes = facts.attributes ? attributeMap(facts.attributes) : undefined;
  const application = lb.Type === 'application';
  const name = lb.LoadBalancerName ?? lb.LoadBalancerArn;
  return createEntity({
    _key: lb.LoadBalancerArn,
    schema,
    name,
    tags: facts.tags,
    createdOn: lb.CreatedTime,
    properties: {
      id: lb.LoadBalancerArn,
      arn: lb.LoadBalancerArn,
      accountId: scope.accountId,
      region: scope.region,
      type: lb.Type,
      scheme: lb.Scheme,
      internetFacing: lb.Scheme === 'internet-facing',
      public: lb.Scheme === 'internet-facing',
      category: [application ? 'application' : 'network'],
      function: application ? ['load-balancing', 'reverse-proxy'] : ['load-balancing'],
      dnsName: lb.DNSName,
      hostname: lb.DNSName,
      canonicalHostedZoneId: lb.CanonicalHostedZoneId,
      vpcId: lb.VpcId,
      state: lb.State?.Code,
      ipAddressType: lb.IpAddressType,
      availabilityZones: lb.AvailabilityZones?.length ? lb.AvailabilityZones.map((z) => z.ZoneName ?? '').filter(Boolean) : undefined,
      subnetIds: lb.AvailabilityZones?.length ? lb.AvailabilityZones.map((z) => z.SubnetId ?? '').filter(Boolean) : undefined,
      securityGroupIds: lb.SecurityGroups?.length ? [...lb.SecurityGroups] : undefined,
      // Attributes: JupiterOne's names for the checks its queries make.
      dropInvalidHeaders: application ? flag(attributes, 'routing.http.drop_invalid_header_fields.enabled') : undefined,
      desyncMitigationMode: attributes?.get('routing.http.desync_mitigation_mode'),
      accessLogsEnabled: flag(attributes, 'access_logs.s3.enabled'),
      accessLogsBucket: attributes?.get('access_logs.s3.bucket') || undefined,
      deletionProtection: flag(attributes, 'deletion_protection.enabled'),
      crossZoneLoadBalancing: flag(attributes, 'load_balancing.cross_zone.enabled'),
      http2Enabled: application ? flag(attributes, 'routing.http2.enabled') : undefined,
      idleTimeoutSeconds: attributes?.has('idle_timeout.timeout_seconds') ? Number(attributes.get('idle_timeout.timeout_seconds')) : undefined,
      wafFailOpen: application ? flag(attributes, 'waf.fail_open.enabled') : undefined,
      webLink: consoleLink(scope.region, `LoadBalancer:loadBalancerArn=${lb.LoadBalancerArn}`),
    },
  });
}

/** `aws_lb_listener` from DescribeListeners; `address` is the URL clients reach it at. */
export function convertListener(listener: Listener, loadBalancer: Entity, scope: ElbScope): Entity {
  const arn = listener.ListenerArn ?? '';
  const protocol = listener.Protocol;
  const certificateArns = (listener.Certificates ?? []).map((c) => c.CertificateArn ?? '').filter(Boolean);
  const actions = listener.DefaultActions ?? [];
  return createEntity({
    _key: arn,
    schema: ElbEntities.LISTENER,
    name: `${String(loadBalancer.name)}:${listener.Port ?? ''}`,
    properties: {
      id: arn,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      loadBalancerArn: listener.LoadBalancerArn,
      address: `${(protocol ?? 'tcp').toLowerCase()}://${String(loadBalancer.dnsName ?? '')}:${listener.Port ?? ''}`,
      protocol,
      port: listener.Port,
      sslPolicy: listener.SslPolicy,
      // TLS-terminating listeners: HTTPS (ALB) and TLS (NLB).
      encrypted: protocol === 'HTTPS' || protocol === 'TLS',
      certificateArns: certificateArns.length ? certificateArns : undefined,
      alpnPolicy: listener.AlpnPolicy?.length ? [...listener.AlpnPolicy] : undefined,
      mutualAuthenticationMode: listener.MutualAuthentication?.Mode,
      defaultActionTypes: actions.length ? actions.map((a) => a.Type ?? '').filter(Boolean) : undefined,
      defaultTargetGroupArns: listTargetGroups(actions),
      redirectsToHttps: actions.some((a) => a.Type === 'redirect' && a.RedirectConfig?.Protocol === 'HTTPS') || undefined,
    },
  });
}

/** Target groups an action list forwards to (`TargetGroupArn`, or the weighted `ForwardConfig`). */
function listTargetGroups(
  actions: ReadonlyArray<{ TargetGroupArn?: string; ForwardConfig?: { TargetGroups?: Array<{ TargetGroupArn?: string }> } }>,
): string[] | undefined {
  const arns = new Set<string>();
  for (const action of actions) {
    if (action.TargetGroupArn) arns.add(action.TargetGroupArn);
    for (const group of action.ForwardConfig?.TargetGroups ?? []) if (group.TargetGroupArn) arns.add(group.TargetGroupArn);
  }
  return arns.size ? [...arns].sort() : undefined;
}

/** A rule condition's values: the legacy `Values`, or the field's own configuration. */
function conditionValues(condition: RuleCondition): string[] {
  return (
    condition.Values ??
    condition.HostHeaderConfig?.Values ??
    condition.PathPatternConfig?.Values ??
    condition.HttpRequestMethodConfig?.Values ??
    condition.SourceIpConfig?.Values ??
    condition.HttpHeaderConfig?.Values ??
    condition.QueryStringConfig?.Values?.map((pair) => `${pair.Key ?? ''}:${pair.Value ?? ''}`) ??
    []
  );
}

/** `aws_lb_listener_rule` from DescribeRules: its conditions as text, its actions by type. */
export function convertListenerRule(rule: Rule, listener: Entity, scope: ElbScope): Entity {
  const arn = rule.RuleArn ?? '';
  const conditions = (rule.Conditions ?? []).map((c) => `${c.Field ?? ''}=${conditionValues(c).join(',')}`);
  const actions = rule.Actions ?? [];
  return createEntity({
    _key: arn,
    schema: ElbEntities.LISTENER_RULE,
    name: `${String(listener.name)}:${rule.Priority ?? ''}`,
    properties: {
      id: arn,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      listenerArn: listener._key,
      priority: rule.Priority,
      isDefault: rule.IsDefault === true,
      conditions: conditions.length ? conditions : undefined,
      actionTypes: actions.length ? actions.map((a) => a.Type ?? '').filter(Boolean) : undefined,
      targetGroupArns: listTargetGroups(actions),
    },
  });
}

/** `aws_lb_target_group` from DescribeTargetGroups. */
export function convertTargetGroup(group: TargetGroup, scope: ElbScope, tags?: Tag[]): Entity {
  const arn = group.TargetGroupArn ?? '';
  return createEntity({
    _key: arn,
    schema: ElbEntities.TARGET_GROUP,
    name: group.TargetGroupName ?? arn,
    tags,
    properties: {
      id: arn,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      protocol: group.Protocol,
      protocolVersion: group.ProtocolVersion,
      port: group.Port,
      targetType: group.TargetType,
      vpcId: group.VpcId,
      ipAddressType: group.IpAddressType,
      healthCheckEnabled: group.HealthCheckEnabled,
      healthCheckProtocol: group.HealthCheckProtocol,
      healthCheckPort: group.HealthCheckPort,
      healthCheckPath: group.HealthCheckPath,
      loadBalancerArns: group.LoadBalancerArns?.length ? [...group.LoadBalancerArns] : undefined,
      webLink: consoleLink(scope.region, `TargetGroup:targetGroupArn=${arn}`),
    },
  });
}

/** The ARN of a classic load balancer (the API names them by name only). */
export function classicLoadBalancerArn(scope: ElbScope, name: string): string {
  return `arn:aws:elasticloadbalancing:${scope.region}:${scope.accountId}:loadbalancer/${name}`;
}

/** `aws_elb` from the classic API's DescribeLoadBalancers, its attributes and tags; listeners are properties. */
export function convertClassicLoadBalancer(
  lb: LoadBalancerDescription,
  scope: ElbScope,
  facts: { attributes?: ClassicAttributes; tags?: ClassicTag[] } = {},
): Entity {
  const name = lb.LoadBalancerName ?? '';
  const arn = classicLoadBalancerArn(scope, name);
  const listeners = (lb.ListenerDescriptions ?? []).flatMap((d) => (d.Listener ? [d.Listener] : []));
  const attributes = facts.attributes;
  const certificates = listeners.map((l) => l.SSLCertificateId ?? '').filter(Boolean);
  return createEntity({
    _key: arn,
    schema: ElbEntities.ELB,
    name,
    tags: facts.tags,
    createdOn: lb.CreatedTime,
    properties: {
      id: arn,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      type: 'classic',
      scheme: lb.Scheme,
      internetFacing: lb.Scheme === 'internet-facing',
      public: lb.Scheme === 'internet-facing',
      category: ['network'],
      function: ['load-balancing'],
      dnsName: lb.DNSName,
      hostname: lb.DNSName,
      vpcId: lb.VPCId,
      availabilityZones: lb.AvailabilityZones?.length ? [...lb.AvailabilityZones] : undefined,
      subnetIds: lb.Subnets?.length ? [...lb.Subnets] : undefined,
      securityGroupIds: lb.SecurityGroups?.length ? [...lb.SecurityGroups] : undefined,
      instanceIds: lb.Instances?.length ? lb.Instances.map((i) => i.InstanceId ?? '').filter(Boolean) : undefined,
      listenerProtocols: listeners.length ? listeners.map((l) => l.Protocol ?? '') : undefined,
      listenerPorts: listeners.length ? listeners.map((l) => l.LoadBalancerPort ?? 0) : undefined,
      instancePorts: listeners.length ? listeners.map((l) => l.InstancePort ?? 0) : undefined,
      certificateArns: certificates.length ? certificates : undefined,
      // A classic listener terminates TLS for HTTPS and SSL.
      encrypted: listeners.length ? listeners.every((l) => l.Protocol === 'HTTPS' || l.Protocol === 'SSL') : undefined,
      accessLogsEnabled: attributes?.AccessLog?.Enabled,
      accessLogsBucket: attributes?.AccessLog?.S3BucketName,
      crossZoneLoadBalancing: attributes?.CrossZoneLoadBalancing?.Enabled,
      connectionDraining: attributes?.ConnectionDraining?.Enabled,
      idleTimeoutSeconds: attributes?.ConnectionSettings?.IdleTimeout,
      webLink: consoleLink(scope.region, `LoadBalancers:search=${name}`),
    },
  });
}

export function elbServiceHasLoadBalancer(accountId: string, loadBalancer: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'elasticloadbalancing'), verb: RelationshipVerb.HAS, to: loadBalancer });
}

export function elbEdge(from: EntityRef, verb: RelationshipVerb, to: EntityRef, properties?: Record<string, RawValue>, keySuffix?: string): Relationship {
  return createRelationship({ from, verb, to, properties, keySuffix });
}
