import type { WebACL as ClassicWebAcl } from '@aws-sdk/client-waf';
import type {
  ListLoggingConfigurationsCommandInput,
  ListLoggingConfigurationsCommandOutput,
  ListWebACLsCommandInput,
  ListWebACLsCommandOutput,
  LoggingConfiguration,
  Tag,
  WebACL,
} from '@aws-sdk/client-wafv2';
import { collection, custom, defineSimulatedService, get, list, ownRandom, type InWorld, type Kit, type SimulatedServiceSpec } from '../../../sim/service-kit';
import type { GenerateInput, SimCallContext } from '../../../sim/types';

/** What the world adds to a web ACL: its logging configuration and (regional) the resources it is associated with. */
interface Associations {
  LoggingConfiguration?: Pick<LoggingConfiguration, 'LogDestinationConfigs'>;
  /** ARNs of the load balancers and API stages it protects (ListResourcesForWebACL). */
  Resources?: string[];
}
type WorldClassicWebAcl = InWorld<ClassicWebAcl> & Associations;
type WorldWebAcl = InWorld<WebACL> & Associations & { Tags?: Tag[] };
type AnyWebAcl = WorldClassicWebAcl | WorldWebAcl;

const ERRORS = { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'WAFInvalidParameterException' };
const NOT_FOUND = { error: 'WAFNonexistentItemException', message: (id: string) => `The referenced item ${id} does not exist.` };
const WORLD_ONLY: Array<keyof Associations | 'Tags'> = ['LoggingConfiguration', 'Resources', 'Tags'];
const PAGING = { token: 'NextMarker', maxResults: 'Limit', awsMax: 100 } as const;

/** A Classic web ACL's ARN, as GetWebACL serves it: global `arn:aws:waf::...`, regional `arn:aws:waf-regional:<region>:...`. */
const classicArn = (scope: 'global' | 'regional') => (record: WorldClassicWebAcl, context: SimCallContext) =>
  record.WebACLArn ??
  (scope === 'global'
    ? `arn:aws:waf::${context.account.id}:webacl/${record.WebACLId}`
    : `arn:aws:waf-regional:${context.region}:${context.account.id}:webacl/${record.WebACLId}`);
const v2Arn = (record: WorldWebAcl) => record.ARN ?? '';

/** ListLoggingConfigurations: the configurations of the section's web ACLs that have one. */
const loggingConfigurations = <R extends AnyWebAcl>(arn: (record: R, context: SimCallContext) => string) =>
  list<ListLoggingConfigurationsCommandInput, ListLoggingConfigurationsCommandOutput, R>('webAcls', {
    ...PAGING,
    items: 'LoggingConfigurations',
    source: (records, _input, context) =>
      records.flatMap((record) => (record.LoggingConfiguration ? [{ ResourceArn: arn(record, context), ...record.LoggingConfiguration }] : [])),
  });

/** ListResourcesForWebACL: the associated resources of the type asked (load balancers by default). */
const resourcesForWebAcl = (idField: 'WebACLArn' | 'WebACLId') =>
  custom<{ WebACLArn?: string; WebACLId?: string; ResourceType?: string }, { ResourceArns: string[] }>((input, context, kit) => {
    const record = kit.find('webAcls', input[idField], context) as unknown as AnyWebAcl;
    const apiStage = (arn: string) => arn.includes(':apigateway:');
    const wanted = input.ResourceType ?? 'APPLICATION_LOAD_BALANCER';
    const typed = (arn: string) =>
      wanted === 'API_GATEWAY' ? apiStage(arn) : wanted === 'APPLICATION_LOAD_BALANCER' ? arn.includes(':loadbalancer/app/') : false;
    return { ResourceArns: (record.Resources ?? []).filter(typed) };
  });

/**
 * WAF Classic, global (CloudFront) or regional: `endOfLife: true` in a section stands for an
 * account or region where AWS has retired the Classic API (it answers as an unknown operation).
 */
function classicSimulator(service: 'waf' | 'waf-regional', clientName: string, scope: 'global' | 'regional', extra: SimulatedServiceSpec['operations']) {
  return defineSimulatedService({
    service,
    clientName,
    scope,
    errors: ERRORS,
    sectionFields: { endOfLife: { type: 'boolean' } },
    collections: {
      webAcls: collection<WorldClassicWebAcl>({
        id: 'WebACLId',
        required: ['Name', 'DefaultAction'],
        fields: { DefaultAction: { type: 'object', required: ['Type'], properties: { Type: { enum: ['ALLOW', 'BLOCK', 'COUNT'] } } } },
        arn: classicArn(scope),
        arnField: 'WebACLArn',
        worldOnly: WORLD_ONLY as Array<keyof WorldClassicWebAcl>,
        notFound: NOT_FOUND,
      }),
    },
    operations: {
      ListWebACLs: custom<{ NextMarker?: string; Limit?: number }, object>((input, context, kit) => {
        if (context.section<{ endOfLife?: boolean }>()?.endOfLife)
          throw kit.error('UnknownOperationException', `WAF Classic is no longer available in ${scope === 'global' ? 'this account' : context.region}.`);
        const records = kit.records('webAcls', context);
        const page = kit.page(records, input.NextMarker, context.pageSize(input.Limit, 100));
        return { WebACLs: page.items.map((record) => ({ WebACLId: record.WebACLId, Name: record.Name })), NextMarker: page.nextToken };
      }),
      GetWebACL: get('webAcls', { id: 'WebACLId', output: 'WebACL' }),
      ListLoggingConfigurations: loggingConfigurations(classicArn(scope)),
      ...extra,
    },
    generate: scope === 'regional' ? generateClassicRegional : undefined,
  });
}

export const wafSimulator = classicSimulator('waf', 'WAFClient', 'global', {});
export const wafRegionalSimulator = classicSimulator('waf-regional', 'WAFRegionalClient', 'regional', {
  ListResourcesForWebACL: resourcesForWebAcl('WebACLId'),
});

const scopeOf = (record: WorldWebAcl) => (record.ARN?.includes(':global/webacl/') ? 'CLOUDFRONT' : 'REGIONAL');

/** WAF (v2): both scopes in the region sections, CLOUDFRONT web ACLs in us-east-1's (their ARNs say `global/webacl`). */
export const wafV2Simulator = defineSimulatedService({
  service: 'wafv2',
  clientName: 'WAFV2Client',
  scope: 'regional',
  errors: ERRORS,
  collections: {
    webAcls: collection<WorldWebAcl>({
      id: 'Id',
      idFields: ['ARN'],
      required: ['Name', 'ARN', 'DefaultAction', 'VisibilityConfig'],
      fields: { ARN: { type: 'string', pattern: '^arn:aws:wafv2:[a-z0-9-]+:\\d{12}:(regional|global)/webacl/[^/]+/[^/]+$' } },
      arn: v2Arn,
      worldOnly: WORLD_ONLY as Array<keyof WorldWebAcl>,
      notFound: NOT_FOUND,
    }),
  },
  operations: {
    ListWebACLs: list<ListWebACLsCommandInput, ListWebACLsCommandOutput, WorldWebAcl>('webAcls', {
      ...PAGING,
      items: 'WebACLs',
      filter: (record, input) => scopeOf(record) === input.Scope,
      item: ['Name', 'Id', 'Description', 'ARN'],
    }),
    GetWebACL: get('webAcls', { id: 'Id', item: (view) => ({ WebACL: view, LockToken: '2b9e1c4f-0000-4000-8000-000000000000' }) }),
    ListLoggingConfigurations: loggingConfigurations(v2Arn),
    ListResourcesForWebACL: resourcesForWebAcl('WebACLArn'),
    ListTagsForResource: custom<{ ResourceARN?: string }, object>((input, context: SimCallContext, kit: Kit) => {
      const record = kit.find('webAcls', input.ResourceARN, context);
      const TagList = Object.entries(kit.tagsOf('webAcls', record, context)).map(([Key, Value]) => ({ Key, Value }));
      return { TagInfoForResource: { ResourceARN: input.ResourceARN, TagList } };
    }),
  },
  generate: generateWafV2,
});

interface GeneratedTargets {
  loadBalancers: string[];
  restApis: string[];
}

/** The generated sections' Application Load Balancers and REST APIs of this region. */
function targetsOf(input: GenerateInput): GeneratedTargets {
  const elb = input.sections.elasticloadbalancing as { loadBalancers?: Array<{ LoadBalancerArn: string; Type?: string }> } | undefined;
  const apis = input.sections.apigateway as { restApis?: Array<{ id: string }> } | undefined;
  return {
    loadBalancers: (elb?.loadBalancers ?? []).filter((lb) => lb.Type === 'application').map((lb) => lb.LoadBalancerArn),
    restApis: (apis?.restApis ?? []).map((api) => `arn:aws:apigateway:${input.region}::/restapis/${api.id}/stages/prod`),
  };
}

/** Benchmark worlds: a regional web ACL over half the ALBs and the first API; in us-east-1 a CloudFront one. */
function generateWafV2(input: GenerateInput): { webAcls: WorldWebAcl[] } {
  const random = ownRandom(input, 'wafv2');
  const { loadBalancers, restApis } = targetsOf(input);
  const webAcl = (scope: 'regional' | 'global', index: number, resources: string[]): WorldWebAcl => {
    const id = `${input.accountId.slice(-8)}-0000-4000-8000-${String(index).padStart(12, '0')}`;
    const name = `${scope}-acl-${index}`;
    return {
      Name: name,
      Id: id,
      ARN: `arn:aws:wafv2:${input.region}:${input.accountId}:${scope}/webacl/${name}/${id}`,
      DefaultAction: random() < 0.8 ? { Allow: {} } : { Block: {} },
      Rules: [
        {
          Name: 'AWS-AWSManagedRulesCommonRuleSet',
          Priority: 0,
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
          OverrideAction: { None: {} },
          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'common' },
        },
      ],
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: name },
      Capacity: 700,
      ...(random() < 0.5
        ? { LoggingConfiguration: { LogDestinationConfigs: [`arn:aws:logs:${input.region}:${input.accountId}:log-group:aws-waf-logs-${name}`] } }
        : {}),
      Resources: resources,
    };
  };
  const regional =
    loadBalancers.length || restApis.length ? [webAcl('regional', 0, [...loadBalancers.filter((_, i) => i % 2 === 0), ...restApis.slice(0, 1)])] : [];
  return { webAcls: input.region === 'us-east-1' ? [...regional, webAcl('global', 1, [])] : regional };
}

/** Benchmark worlds: a Classic regional web ACL left over in one region of five, on one ALB. */
function generateClassicRegional(input: GenerateInput): { webAcls: WorldClassicWebAcl[] } {
  const random = ownRandom(input, 'waf-regional');
  const [loadBalancer] = targetsOf(input).loadBalancers.slice(-1);
  if (!loadBalancer || random() >= 0.2) return { webAcls: [] };
  const id = `${input.accountId.slice(-8)}-1111-4000-8000-000000000000`;
  return {
    webAcls: [
      { WebACLId: id, Name: 'classic-leftover', MetricName: 'classicleftover', DefaultAction: { Type: 'ALLOW' }, Rules: [], Resources: [loadBalancer] },
    ],
  };
}
