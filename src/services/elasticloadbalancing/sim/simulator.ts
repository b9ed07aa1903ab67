import type {
  DescribeLoadBalancerAttributesCommandInput as ClassicAttributesInput,
  DescribeLoadBalancerAttributesCommandOutput as ClassicAttributesOutput,
  DescribeLoadBalancersCommandInput as ClassicLoadBalancersInput,
  DescribeLoadBalancersCommandOutput as ClassicLoadBalancersOutput,
  DescribeTagsCommandInput as ClassicTagsInput,
  DescribeTagsCommandOutput as ClassicTagsOutput,
  LoadBalancerAttributes as ClassicAttributes,
  LoadBalancerDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import type {
  DescribeListenersCommandInput,
  DescribeListenersCommandOutput,
  DescribeLoadBalancerAttributesCommandInput,
  DescribeLoadBalancerAttributesCommandOutput,
  DescribeLoadBalancersCommandInput,
  DescribeLoadBalancersCommandOutput,
  DescribeRulesCommandInput,
  DescribeRulesCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  DescribeTargetGroupsCommandInput,
  DescribeTargetGroupsCommandOutput,
  DescribeTargetHealthCommandInput,
  DescribeTargetHealthCommandOutput,
  Listener,
  LoadBalancer,
  LoadBalancerAttribute,
  Rule,
  TargetGroup,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { collection, custom, defineSimulatedService, get, list, type InWorld } from '../../../sim/service-kit';
import { generateElbSections } from './generate';

/** World records: the SDK's shapes, with what only other calls serve (attributes, tags, targets, a rule's listener). */
export type WorldLoadBalancer = InWorld<LoadBalancer> & { Attributes?: LoadBalancerAttribute[]; Tags?: Array<{ Key: string; Value?: string }> };
export type WorldTargetGroup = TargetGroup & { Targets?: TargetHealthDescription[]; Tags?: Array<{ Key: string; Value?: string }> };
export type WorldRule = Rule & { ListenerArn: string };
export type WorldClassicLoadBalancer = InWorld<LoadBalancerDescription> & { Attributes?: ClassicAttributes; Tags?: Array<{ Key: string; Value?: string }> };

const PAGING = { token: { input: 'Marker', output: 'NextMarker' }, maxResults: 'PageSize', awsMax: 400 } as const;
const ERRORS = { accessDenied: 'AccessDenied', throttling: 'Throttling', invalidToken: 'ValidationError' };
const arnPattern = (resource: string) => ({ type: 'string', pattern: `^arn:aws:elasticloadbalancing:[a-z0-9-]+:\\d{12}:${resource}/` });

/**
 * One world section, `elasticloadbalancing`, for both APIs (they share IAM's prefix, so a denial
 * or fault of `elasticloadbalancing:DescribeTags` reaches both, as in AWS): ELBv2's collections and
 * the classic API's `classicLoadBalancers`. Each client's simulator serves its own operations.
 */
const COLLECTIONS = {
  loadBalancers: collection<WorldLoadBalancer>({
    id: 'LoadBalancerArn',
    required: ['LoadBalancerName', 'Type', 'Scheme'],
    fields: {
      LoadBalancerArn: arnPattern('loadbalancer/(app|net|gwy)'),
      Type: { enum: ['application', 'network', 'gateway'] },
      Scheme: { enum: ['internet-facing', 'internal'] },
    },
    dates: ['CreatedTime'],
    worldOnly: ['Attributes', 'Tags'],
    notFound: { error: 'LoadBalancerNotFoundException', message: (arn) => `One or more load balancers not found: '${arn}'` },
  }),
  listeners: collection<Listener>({
    id: 'ListenerArn',
    required: ['LoadBalancerArn', 'Port', 'Protocol'],
    fields: { ListenerArn: arnPattern('listener/(app|net)') },
    notFound: { error: 'ListenerNotFoundException', message: (arn) => `One or more listeners not found: '${arn}'` },
  }),
  rules: collection<WorldRule>({
    id: 'RuleArn',
    required: ['ListenerArn'],
    fields: { RuleArn: arnPattern('listener-rule/(app|net)') },
    worldOnly: ['ListenerArn'],
    notFound: { error: 'RuleNotFoundException', message: (arn) => `One or more rules not found: '${arn}'` },
  }),
  targetGroups: collection<WorldTargetGroup>({
    id: 'TargetGroupArn',
    required: ['TargetGroupName', 'TargetType'],
    fields: { TargetGroupArn: arnPattern('targetgroup'), TargetType: { enum: ['instance', 'ip', 'lambda', 'alb'] } },
    worldOnly: ['Targets', 'Tags'],
    notFound: { error: 'TargetGroupNotFoundException', message: (arn) => `One or more target groups not found: '${arn}'` },
  }),
  classicLoadBalancers: collection<WorldClassicLoadBalancer>({
    id: 'LoadBalancerName',
    required: ['Scheme'],
    dates: ['CreatedTime'],
    worldOnly: ['Attributes', 'Tags'],
    notFound: { error: 'AccessPointNotFoundException', message: (name) => `There is no ACTIVE Load Balancer named '${name}'` },
  }),
};

export const elbSimulator = defineSimulatedService({
  service: 'elasticloadbalancing',
  clientName: 'ElasticLoadBalancingV2Client',
  scope: 'regional',
  errors: ERRORS,
  collections: COLLECTIONS,
  operations: {
    DescribeLoadBalancers: list<DescribeLoadBalancersCommandInput, DescribeLoadBalancersCommandOutput>('loadBalancers', {
      items: 'LoadBalancers',
      ...PAGING,
      ids: 'LoadBalancerArns',
    }),
    DescribeTargetGroups: list<DescribeTargetGroupsCommandInput, DescribeTargetGroupsCommandOutput, WorldTargetGroup>('targetGroups', {
      items: 'TargetGroups',
      ...PAGING,
      filter: (group, input) => !input.LoadBalancerArn || (group.LoadBalancerArns ?? []).includes(input.LoadBalancerArn),
    }),
    DescribeListeners: list<DescribeListenersCommandInput, DescribeListenersCommandOutput, Listener>('listeners', {
      items: 'Listeners',
      ...PAGING,
      filter: (listener, input) => listener.LoadBalancerArn === input.LoadBalancerArn,
    }),
    DescribeRules: list<DescribeRulesCommandInput, DescribeRulesCommandOutput, WorldRule>('rules', {
      items: 'Rules',
      ...PAGING,
      filter: (rule, input) => rule.ListenerArn === input.ListenerArn,
    }),
    DescribeLoadBalancerAttributes: get<DescribeLoadBalancerAttributesCommandInput, DescribeLoadBalancerAttributesCommandOutput, WorldLoadBalancer>(
      'loadBalancers',
      {
        id: 'LoadBalancerArn',
        item: (_view, lb) => ({ Attributes: lb.Attributes ?? [] }),
      },
    ),
    DescribeTargetHealth: custom<DescribeTargetHealthCommandInput, DescribeTargetHealthCommandOutput>((input, context, kit) => ({
      TargetHealthDescriptions: (kit.find('targetGroups', input.TargetGroupArn, context) as WorldTargetGroup).Targets ?? [],
    })),
    // Tags of load balancers and target groups, at most 20 ARNs a call as the API allows.
    DescribeTags: custom<DescribeTagsCommandInput, DescribeTagsCommandOutput>((input, context, kit) => {
      const arns = input.ResourceArns ?? [];
      if (arns.length > 20) throw kit.error('TooManyTagsException', 'At most 20 resources can be described at a time');
      return {
        TagDescriptions: arns.map((arn) => {
          const collectionName = arn.includes(':targetgroup/') ? 'targetGroups' : 'loadBalancers';
          const tagMap = kit.tagsOf(collectionName, kit.find(collectionName, arn, context), context);
          return { ResourceArn: arn, Tags: Object.entries(tagMap).map(([Key, Value]) => ({ Key, Value })) };
        }),
      };
    }),
  },
  // The section of both APIs (the classic simulator generates nothing of its own).
  generate: (input) => {
    const { v2, classic } = generateElbSections(input);
    return { ...v2, classicLoadBalancers: classic.loadBalancers };
  },
});

export const elbClassicSimulator = defineSimulatedService({
  service: 'elasticloadbalancing',
  clientName: 'ElasticLoadBalancingClient',
  scope: 'regional',
  errors: ERRORS,
  collections: COLLECTIONS,
  operations: {
    DescribeLoadBalancers: list<ClassicLoadBalancersInput, ClassicLoadBalancersOutput>('classicLoadBalancers', {
      items: 'LoadBalancerDescriptions',
      ...PAGING,
      ids: 'LoadBalancerNames',
    }),
    DescribeLoadBalancerAttributes: get<ClassicAttributesInput, ClassicAttributesOutput, WorldClassicLoadBalancer>('classicLoadBalancers', {
      id: 'LoadBalancerName',
      output: 'LoadBalancerAttributes',
      item: (_view, lb) => lb.Attributes ?? {},
    }),
    DescribeTags: custom<ClassicTagsInput, ClassicTagsOutput>((input, context, kit) => {
      const names = input.LoadBalancerNames ?? [];
      if (names.length > 20) throw kit.error('ValidationError', 'At most 20 load balancers can be described at a time');
      return {
        TagDescriptions: names.map((name) => ({
          LoadBalancerName: name,
          Tags: Object.entries(kit.tagsOf('classicLoadBalancers', kit.find('classicLoadBalancers', name, context), context)).map(([Key, Value]) => ({
            Key,
            Value,
          })),
        })),
      };
    }),
  },
});
