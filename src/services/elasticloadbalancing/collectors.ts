import {
  DescribeLoadBalancerAttributesCommand as DescribeClassicAttributesCommand,
  DescribeTagsCommand as DescribeClassicTagsCommand,
  ElasticLoadBalancingClient,
  paginateDescribeLoadBalancers as paginateDescribeClassicLoadBalancers,
  type LoadBalancerDescription,
  type Tag as ClassicTag,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeLoadBalancerAttributesCommand,
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeRules,
  paginateDescribeTargetGroups,
  type Listener,
  type LoadBalancer,
  type Rule,
  type Tag,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { exposureEdges, loadBalancerExposure, transportsOf, type ListeningPort } from '../../analysis/exposure';
import { addMappedEntity } from '../../analysis/mappings';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import { cidrEntity, internetEntity, RelationshipVerb, type Entity } from '../../graph';
import { AcmEntities } from '../acm/schema';
import { edgeTarget, placeholderEntity, type EntityRef } from '../cross-service';
import { Ec2Entities, instanceKey, securityGroupKey } from '../ec2/schema';
import { LambdaEntities } from '../lambda/schema';
import { securityGroupEdges } from '../resource-edges';
import {
  convertClassicLoadBalancer,
  convertListener,
  convertListenerRule,
  convertLoadBalancer,
  convertTargetGroup,
  elbEdge,
  elbServiceHasLoadBalancer,
} from './converters';
import { ElbEntities, ElbRelationships } from './schema';

const ELB_EVENT_SOURCE = 'elasticloadbalancing.amazonaws.com';
/** DescribeTags takes at most 20 resources (ARNs, or classic load balancer names) per call. */
const TAGS_PER_CALL = 20;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** An ACM certificate a listener names (IAM server certificates are recorded by ARN only). */
async function certificateTarget(context: CollectorContext, arn: string): Promise<EntityRef | undefined> {
  if (arn.split(':')[2] !== 'acm') return undefined;
  const ref = { _key: arn, _type: AcmEntities.CERTIFICATE._type };
  return edgeTarget(context, ref, () => placeholderEntity(ref, AcmEntities.CERTIFICATE._class));
}

/** The ports a listener set listens on, with their transports, for the exposure model. */
function listeningPorts(listeners: ReadonlyArray<{ port?: number; protocol?: string }>): ListeningPort[] {
  return listeners.flatMap((l) => (l.port === undefined ? [] : transportsOf(l.protocol).map((transport) => ({ port: l.port as number, transport }))));
}

/** Sets the exposure model's facts on a load balancer and adds its `ALLOWS Internet` edges. */
function addExposure(context: CollectorContext, loadBalancer: Entity, listening: ListeningPort[], securityGroupIds: readonly string[]): void {
  const keys = securityGroupIds.map((id) => securityGroupKey(context.region, context.account.accountId, id));
  const exposure = loadBalancerExposure(context.graph, { scheme: loadBalancer.scheme as string | undefined, listening, securityGroupKeys: keys });
  loadBalancer.exposedPorts = exposure.exposedPorts.length ? exposure.exposedPorts : undefined;
  loadBalancer.internetReachable = exposure.exposedPorts.length > 0;
  context.addEntity(loadBalancer);
  if (exposure.exposedPorts.length) {
    addMappedEntity(context, internetEntity());
    context.addRelationships(exposureEdges(loadBalancer, exposure));
  }
}

/**
 * Load balancers of both APIs (ELBv2: ALBs, NLBs, target groups, listeners, rules; classic) in one
 * collector: IAM names both APIs' reads alike (`elasticloadbalancing:DescribeTags` grants both).
 */
export const elbLoadBalancersCollector: Collector = {
  id: 'elb-load-balancers',
  service: 'elasticloadbalancing',
  scope: 'regional',
  entities: [ElbEntities.ALB, ElbEntities.NLB, ElbEntities.ELB, ElbEntities.TARGET_GROUP, ElbEntities.LISTENER, ElbEntities.LISTENER_RULE],
  relationships: [
    ElbRelationships.ELB_CONNECTS_INSTANCE,
    ElbRelationships.ELB_USES_CERTIFICATE,
    ElbRelationships.ELB_HAS_SECURITY_GROUP,
    ElbRelationships.ELB_ALLOWS_INTERNET,
    ElbRelationships.SERVICE_HAS_LOAD_BALANCER,
    ElbRelationships.ALB_CONNECTS,
    ElbRelationships.NLB_CONNECTS,
    ElbRelationships.ALB_USES_CERTIFICATE,
    ElbRelationships.NLB_USES_CERTIFICATE,
    ElbRelationships.LISTENER_USES_CERTIFICATE,
    ElbRelationships.LISTENER_HAS_RULE,
    ElbRelationships.TARGET_GROUP_HAS_TARGET,
    ElbRelationships.ALB_HAS_SECURITY_GROUP,
    ElbRelationships.NLB_HAS_SECURITY_GROUP,
    ElbRelationships.SECURITY_GROUP_PROTECTS_LOAD_BALANCER,
    ElbRelationships.ALB_ALLOWS_INTERNET,
    ElbRelationships.NLB_ALLOWS_INTERNET,
  ],
  permissions: [
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeLoadBalancerAttributes',
    'elasticloadbalancing:DescribeListeners',
    'elasticloadbalancing:DescribeRules',
    'elasticloadbalancing:DescribeTargetHealth',
    'elasticloadbalancing:DescribeTags',
  ],
  optionalCalls: [
    {
      operation: 'elasticloadbalancing:DescribeLoadBalancerAttributes',
      properties: [
        {
          _type: ElbEntities.ALB._type,
          properties: [
            'dropInvalidHeaders',
            'desyncMitigationMode',
            'accessLogsEnabled',
            'accessLogsBucket',
            'deletionProtection',
            'crossZoneLoadBalancing',
            'http2Enabled',
            'idleTimeoutSeconds',
            'wafFailOpen',
          ],
        },
        { _type: ElbEntities.NLB._type, properties: ['accessLogsEnabled', 'accessLogsBucket', 'deletionProtection', 'crossZoneLoadBalancing'] },
        {
          _type: ElbEntities.ELB._type,
          properties: ['accessLogsEnabled', 'accessLogsBucket', 'crossZoneLoadBalancing', 'connectionDraining', 'idleTimeoutSeconds'],
        },
      ],
      cost: 'load balancers have no `dropInvalidHeaders`, access-log, deletion-protection, cross-zone or draining facts',
    },
    {
      operation: 'elasticloadbalancing:DescribeListeners',
      cost: 'no `aws_lb_listener` nor rules, no certificate edges; the exposure model then sees no listening port',
    },
    { operation: 'elasticloadbalancing:DescribeRules', cost: 'no `aws_lb_listener_rule`' },
    { operation: 'elasticloadbalancing:DescribeTargetHealth', cost: 'target groups have no HAS edges to their targets' },
    {
      operation: 'elasticloadbalancing:DescribeTags',
      per: 'scope',
      properties: [
        { _type: ElbEntities.ALB._type, properties: ['tag.*', 'classification', 'owner', 'email'] },
        { _type: ElbEntities.NLB._type, properties: ['tag.*', 'classification', 'owner', 'email'] },
        { _type: ElbEntities.TARGET_GROUP._type, properties: ['tag.*', 'classification', 'owner', 'email'] },
        { _type: ElbEntities.ELB._type, properties: ['tag.*', 'classification', 'owner', 'email'] },
      ],
      cost: 'load balancers and target groups have no `tag.*` properties',
    },
  ],
  events: [
    {
      source: ELB_EVENT_SOURCE,
      names: [
        'CreateLoadBalancer',
        'DeleteLoadBalancer',
        'ModifyLoadBalancerAttributes',
        'SetSecurityGroups',
        'SetSubnets',
        'SetIpAddressType',
        'CreateListener',
        'ModifyListener',
        'DeleteListener',
        'AddListenerCertificates',
        'RemoveListenerCertificates',
        'CreateRule',
        'ModifyRule',
        'DeleteRule',
        'SetRulePriorities',
        'CreateTargetGroup',
        'ModifyTargetGroup',
        'DeleteTargetGroup',
        'RegisterTargets',
        'DeregisterTargets',
        'AddTags',
        'RemoveTags',
        // The classic API's own writes.
        'CreateLoadBalancerListeners',
        'DeleteLoadBalancerListeners',
        'SetLoadBalancerListenerSSLCertificate',
        'RegisterInstancesWithLoadBalancer',
        'DeregisterInstancesFromLoadBalancer',
        'ApplySecurityGroupsToLoadBalancer',
        'AttachLoadBalancerToSubnets',
        'DetachLoadBalancerFromSubnets',
      ],
    },
  ],
  // EC2's network (interfaces, for IP targets) and firewalls (the rules the exposure model reads)
  // come first; certificates, instances and functions are named by key.
  dependsOn: ['account', 'ec2-network', 'ec2-firewalls'],
  async run(context) {
    const client = context.client(ElasticLoadBalancingV2Client);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };

    const loadBalancers: LoadBalancer[] = [];
    for await (const page of paginateDescribeLoadBalancers({ client }, {})) loadBalancers.push(...(page.LoadBalancers ?? []));
    const targetGroups: TargetGroup[] = [];
    for await (const page of paginateDescribeTargetGroups({ client }, {})) targetGroups.push(...(page.TargetGroups ?? []));

    const arns = [...loadBalancers.map((lb) => lb.LoadBalancerArn), ...targetGroups.map((g) => g.TargetGroupArn)].filter((arn): arn is string => Boolean(arn));
    const tags = await context.optional('elasticloadbalancing:DescribeTags', async () => {
      const byArn = new Map<string, Tag[]>();
      for (const batch of chunks(arns, TAGS_PER_CALL)) {
        const output = await client.send(new DescribeTagsCommand({ ResourceArns: batch }));
        for (const description of output.TagDescriptions ?? []) if (description.ResourceArn) byArn.set(description.ResourceArn, description.Tags ?? []);
      }
      return byArn;
    });

    const collected = new Map<string, Entity>();
    await mapConcurrent(loadBalancers, 4, async (lb) => {
      const LoadBalancerArn = lb.LoadBalancerArn;
      if (!LoadBalancerArn || !(lb.Type === 'application' || lb.Type === 'network')) return;
      const attributes = await context.optional(
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        async () => (await client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn }))).Attributes,
      );
      const listeners = await context.optional('elasticloadbalancing:DescribeListeners', async () => {
        const all: Listener[] = [];
        for await (const page of paginateDescribeListeners({ client }, { LoadBalancerArn })) all.push(...(page.Listeners ?? []));
        return all;
      });
      const loadBalancer = convertLoadBalancer(lb, scope, { attributes, tags: tags?.get(LoadBalancerArn) });
      if (!loadBalancer) return;
      addExposure(context, loadBalancer, listeningPorts((listeners ?? []).map((l) => ({ port: l.Port, protocol: l.Protocol }))), lb.SecurityGroups ?? []);
      collected.set(LoadBalancerArn, loadBalancer);
      context.addRelationship(elbServiceHasLoadBalancer(accountId, loadBalancer));
      context.addRelationships(securityGroupEdges(loadBalancer, lb.SecurityGroups ?? [], scope));

      const certificates = new Map<string, EntityRef>();
      for (const listenerData of listeners ?? []) {
        if (!listenerData.ListenerArn) continue;
        const listener = context.addEntity(convertListener(listenerData, loadBalancer, scope));
        context.addRelationship(elbEdge(loadBalancer, RelationshipVerb.CONNECTS, listener));
        for (const certificate of listenerData.Certificates ?? []) {
          const target = certificate.CertificateArn ? await certificateTarget(context, certificate.CertificateArn) : undefined;
          if (!target) continue;
          context.addRelationship(elbEdge(listener, RelationshipVerb.USES, target, { isDefault: certificate.IsDefault }));
          certificates.set(target._key, target);
        }
        const rules = await context.optional('elasticloadbalancing:DescribeRules', async () => {
          const all: Rule[] = [];
          for await (const page of paginateDescribeRules({ client }, { ListenerArn: listenerData.ListenerArn })) all.push(...(page.Rules ?? []));
          return all;
        });
        for (const ruleData of rules ?? []) {
          if (!ruleData.RuleArn) continue;
          const rule = context.addEntity(convertListenerRule(ruleData, listener, scope));
          context.addRelationship(elbEdge(listener, RelationshipVerb.HAS, rule));
        }
      }
      for (const certificate of certificates.values()) context.addRelationship(elbEdge(loadBalancer, RelationshipVerb.USES, certificate));
    });

    const interfacesByIp = interfacesByPrivateIp(context);
    await mapConcurrent(targetGroups, 4, async (groupData) => {
      const TargetGroupArn = groupData.TargetGroupArn;
      if (!TargetGroupArn) return;
      const group = context.addEntity(convertTargetGroup(groupData, scope, tags?.get(TargetGroupArn)));
      for (const arn of groupData.LoadBalancerArns ?? []) {
        const loadBalancer = collected.get(arn);
        if (loadBalancer) context.addRelationship(elbEdge(loadBalancer, RelationshipVerb.CONNECTS, group));
      }
      const health = await context.optional(
        'elasticloadbalancing:DescribeTargetHealth',
        async () => (await client.send(new DescribeTargetHealthCommand({ TargetGroupArn }))).TargetHealthDescriptions,
      );
      for (const description of health ?? []) {
        const id = description.Target?.Id;
        if (!id) continue;
        const target = await targetRef(context, groupData.TargetType, id, interfacesByIp);
        if (!target) continue;
        context.addRelationship(
          elbEdge(
            group,
            RelationshipVerb.HAS,
            target,
            { port: description.Target?.Port, healthState: description.TargetHealth?.State },
            description.Target?.Port === undefined ? undefined : String(description.Target.Port),
          ),
        );
      }
    });
    await collectClassicLoadBalancers(context);
  },
};

/** The account's interfaces in this region by private address: IP targets are matched to them. */
function interfacesByPrivateIp(context: CollectorContext): Map<string, Entity> {
  const byIp = new Map<string, Entity>();
  for (const eni of context.graph.entitiesOfTypeInAccount(Ec2Entities.ENI._type, context.account.accountId)) {
    if (eni.region !== context.region) continue;
    const addresses = Array.isArray(eni.privateIpAddresses) ? (eni.privateIpAddresses as string[]) : [eni.privateIpAddress as string | undefined];
    for (const address of addresses) if (address) byIp.set(address, eni);
  }
  return byIp;
}

/** What a target group's target id names, by the group's target type. */
async function targetRef(
  context: CollectorContext,
  targetType: string | undefined,
  id: string,
  interfacesByIp: Map<string, Entity>,
): Promise<EntityRef | undefined> {
  const { accountId } = context.account;
  if (targetType === 'instance' || (!targetType && id.startsWith('i-')))
    return { _key: instanceKey(context.region, accountId, id), _type: Ec2Entities.INSTANCE._type };
  if (targetType === 'lambda')
    return edgeTarget(context, { _key: id, _type: LambdaEntities.FUNCTION._type }, () =>
      placeholderEntity({ _key: id, _type: LambdaEntities.FUNCTION._type }, LambdaEntities.FUNCTION._class),
    );
  if (targetType === 'alb') return { _key: id, _type: ElbEntities.ALB._type };
  if (targetType === 'ip') {
    const eni = interfacesByIp.get(id);
    if (eni) return { _key: eni._key, _type: eni._type };
    // An address outside the account's interfaces (on premises, a peered VPC): a mapped address.
    const address = cidrEntity(`${id}/${id.includes(':') ? 128 : 32}`);
    addMappedEntity(context, address);
    return { _key: address._key, _type: address._type };
  }
  return undefined;
}

/** The classic API's load balancers (their listeners are properties), in the same collector: IAM grants both APIs' reads alike. */
async function collectClassicLoadBalancers(context: CollectorContext): Promise<void> {
  const client = context.client(ElasticLoadBalancingClient);
  const { accountId } = context.account;
  const scope = { accountId, region: context.region };
  const descriptions: LoadBalancerDescription[] = [];
  for await (const page of paginateDescribeClassicLoadBalancers({ client }, {})) descriptions.push(...(page.LoadBalancerDescriptions ?? []));
  const names = descriptions.map((d) => d.LoadBalancerName).filter((name): name is string => Boolean(name));
  const tags = await context.optional('elasticloadbalancing:DescribeTags', async () => {
    const byName = new Map<string, ClassicTag[]>();
    for (const batch of chunks(names, TAGS_PER_CALL)) {
      const output = await client.send(new DescribeClassicTagsCommand({ LoadBalancerNames: batch }));
      for (const description of output.TagDescriptions ?? [])
        if (description.LoadBalancerName) byName.set(description.LoadBalancerName, description.Tags ?? []);
    }
    return byName;
  });
  await mapConcurrent(descriptions, 4, async (description) => {
    const LoadBalancerName = description.LoadBalancerName;
    if (!LoadBalancerName) return;
    const attributes = await context.optional(
      'elasticloadbalancing:DescribeLoadBalancerAttributes',
      async () => (await client.send(new DescribeClassicAttributesCommand({ LoadBalancerName }))).LoadBalancerAttributes,
    );
    const loadBalancer = convertClassicLoadBalancer(description, scope, { attributes, tags: tags?.get(LoadBalancerName) });
    const listeners = (description.ListenerDescriptions ?? []).flatMap((d) => (d.Listener ? [d.Listener] : []));
    addExposure(
      context,
      loadBalancer,
      listeningPorts(listeners.map((l) => ({ port: l.LoadBalancerPort, protocol: l.Protocol }))),
      description.SecurityGroups ?? [],
    );
    context.addRelationship(elbServiceHasLoadBalancer(accountId, loadBalancer));
    context.addRelationships(securityGroupEdges(loadBalancer, description.SecurityGroups ?? [], scope));
    for (const instance of description.Instances ?? []) {
      if (!instance.InstanceId) continue;
      context.addRelationship(
        elbEdge(loadBalancer, RelationshipVerb.CONNECTS, {
          _key: instanceKey(context.region, accountId, instance.InstanceId),
          _type: Ec2Entities.INSTANCE._type,
        }),
      );
    }
    const certificates = new Set(listeners.map((l) => l.SSLCertificateId ?? '').filter(Boolean));
    for (const arn of certificates) {
      const target = await certificateTarget(context, arn);
      if (target) context.addRelationship(elbEdge(loadBalancer, RelationshipVerb.USES, target));
    }
  });
}
