import {
  GetWebACLCommand as GetClassicWebACLCommand,
  ListLoggingConfigurationsCommand as ListClassicLoggingConfigurationsCommand,
  ListWebACLsCommand as ListClassicWebACLsCommand,
  WAFClient,
  type WebACLSummary as ClassicWebAclSummary,
} from '@aws-sdk/client-waf';
import {
  GetWebACLCommand as GetRegionalWebACLCommand,
  ListLoggingConfigurationsCommand as ListRegionalLoggingConfigurationsCommand,
  ListResourcesForWebACLCommand as ListRegionalResourcesForWebACLCommand,
  ListWebACLsCommand as ListRegionalWebACLsCommand,
  WAFRegionalClient,
} from '@aws-sdk/client-waf-regional';
import {
  GetWebACLCommand,
  ListLoggingConfigurationsCommand,
  ListResourcesForWebACLCommand,
  ListTagsForResourceCommand,
  ListWebACLsCommand,
  WAFV2Client,
  type WebACLSummary,
} from '@aws-sdk/client-wafv2';
import type { SdkClient, SdkClientClass } from '../../aws/access';
import { classifyError } from '../../aws/errors';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext, OptionalCallDeclaration } from '../../collectors/types';
import type { EventDeclaration } from '../../events/declarations';
import { serviceEntityKey, type Entity } from '../../graph';
import { edgeTarget, placeholderEntity, type EntityRef } from '../cross-service';
import { regionalFlagEnrichment, summarizeRegionalFlag, type RegionalFlag } from '../regional-flags';
import {
  classicWebAclArn,
  convertClassicWebAcl,
  convertWebAcl,
  wafServiceHasWebAcl,
  wafV2ServiceHasWebAcl,
  webAclProtects,
  type LoggingFacts,
  type WafScope,
} from './converters';
import { stageApiArn, WafEntities, WafProtectedTargets, WafRelationships, WafV2Entities, WafV2Relationships } from './schema';

/** WAF Classic's global API and WAF's CLOUDFRONT scope are served in us-east-1 only. */
export const WAF_GLOBAL_REGION = 'us-east-1';
/** WAF's list calls take at most 100 items per page. */
const LIST_LIMIT = 100;

/**
 * `offered.<region>` (and `offered.global` for the CloudFront API) on `aws_waf`, with
 * `notOfferedRegions`: WAF Classic reached its end of support on 2025-09-30 and AWS retires its
 * endpoints region by region, so a Classic API that answers as gone is recorded there, not as an error.
 */
export const CLASSIC_OFFERED: RegionalFlag = { service: 'waf', property: 'offered', summary: 'notOfferedRegions' };

/** Answers of a Classic API that is no longer there: no endpoint, no such action, or not enabled for the account. */
const RETIRED_CODES = new Set(['UnknownOperationException']);

export function classicNotOffered(error: unknown): boolean {
  const { code, awsCode } = classifyError(error);
  return code === 'NotOfferedInRegion' || code === 'NotEnabled' || RETIRED_CODES.has(awsCode);
}

function setClassicOffered(context: CollectorContext, where: string, offered: boolean): void {
  const service = context.graph.getEntity(serviceEntityKey(context.account.accountId, CLASSIC_OFFERED.service));
  if (!service) return;
  service[`${CLASSIC_OFFERED.property}.${where}`] = offered;
  summarizeRegionalFlag(service, CLASSIC_OFFERED);
}

/** Every page of a NextMarker/Limit list (WAF's clients export no paginators). */
async function listAll<T>(page: (marker: string | undefined) => Promise<{ items?: T[]; NextMarker?: string }>): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let marker: string | undefined;
  do {
    const { items = [], NextMarker } = await page(marker);
    all.push(...items);
    // WAF returns a marker when a page is full; an empty page or a repeated marker ends the list.
    marker = items.length && NextMarker && !seen.has(NextMarker) ? NextMarker : undefined;
    if (marker) seen.add(marker);
  } while (marker);
  return all;
}

/** A protected resource of this account, by the key its converter computes; a mapped stand-in when it is not collected. */
function protectedTarget(context: CollectorContext, resourceArn: string): Promise<EntityRef> | undefined {
  const { ALB, REST_API } = WafProtectedTargets;
  const apiArn = stageApiArn(resourceArn);
  const schema = apiArn ? REST_API : /:loadbalancer\/app\//.test(resourceArn) ? ALB : undefined;
  if (!schema) return undefined;
  const ref = { _key: apiArn ?? resourceArn, _type: schema._type };
  return edgeTarget(context, ref, () => placeholderEntity(ref, schema._class));
}

/** The distributions of this account whose `webACLId` names the web ACL (a Classic id or a v2 ARN). */
function protectedDistributions(context: CollectorContext, webAclId: string): Entity[] {
  return context.graph
    .entitiesOfType(WafProtectedTargets.DISTRIBUTION._type)
    .filter((distribution) => distribution.accountId === context.account.accountId && distribution.webACLId === webAclId);
}

/** ListLoggingConfigurations' answers by web ACL ARN, or undefined when the list could not be read. */
function loggingOf(configurations: Array<{ ResourceArn?: string; LogDestinationConfigs?: string[] }> | undefined) {
  if (!configurations) return () => undefined;
  const byArn = new Map(configurations.map((configuration) => [configuration.ResourceArn, configuration]));
  return (arn: string): LoggingFacts => {
    const found = byArn.get(arn);
    return found ? { LogDestinationConfigs: found.LogDestinationConfigs ?? [] } : null;
  };
}

const CLASSIC_EVENTS = ['CreateWebACL', 'UpdateWebACL', 'DeleteWebACL', 'PutLoggingConfiguration', 'DeleteLoggingConfiguration'];
/** A distribution's `WebACLId` is set by CloudFront's writes: they change what protects it. */
const DISTRIBUTION_EVENTS: EventDeclaration = {
  source: 'cloudfront.amazonaws.com',
  names: ['CreateDistribution', 'UpdateDistribution', 'DeleteDistribution'],
};

const classicOptionalCalls = (prefix: string, regional: boolean): OptionalCallDeclaration[] => [
  {
    operation: `${prefix}:GetWebACL`,
    properties: [{ _type: WafEntities.WEB_ACL._type, properties: ['defaultAction', 'metricName', 'rulesCount', 'rateBasedRulesCount', 'ruleGroupsCount'] }],
    cost: 'Classic web ACLs have no default action nor rule counts',
  },
  {
    operation: `${prefix}:ListLoggingConfigurations`,
    per: 'scope',
    properties: [{ _type: WafEntities.WEB_ACL._type, properties: ['loggingEnabled', 'logDestinations'] }],
    cost: 'Classic web ACLs have no logging facts',
  },
  ...(regional
    ? [
        {
          operation: `${prefix}:ListResourcesForWebACL`,
          cost: 'regional Classic web ACLs have no PROTECTS edges to load balancers and APIs',
        },
      ]
    : []),
];

/**
 * WAF Classic's global web ACLs (the CloudFront API, us-east-1), and the distributions whose
 * `WebACLId` names them. An API that answers as retired is recorded as `offered.global = false`
 * on `aws_waf`; any other failure (a denied ListWebACLs) is the collector's error, as elsewhere.
 */
export const wafClassicWebAclsCollector: Collector = {
  id: 'waf-web-acls',
  service: 'waf',
  scope: 'global',
  events: [{ source: 'waf.amazonaws.com', names: CLASSIC_EVENTS }, DISTRIBUTION_EVENTS],
  entities: [WafEntities.WEB_ACL],
  relationships: [WafRelationships.SERVICE_HAS_WEB_ACL, WafRelationships.WEB_ACL_PROTECTS_DISTRIBUTION],
  permissions: ['waf:ListWebACLs', 'waf:GetWebACL', 'waf:ListLoggingConfigurations'],
  // Classic's global API is retired in most accounts: nothing is read past a "not offered" answer.
  conditionalPermissions: [
    { action: 'waf:GetWebACL', when: 'WAF Classic (global) still answers and lists web ACLs' },
    { action: 'waf:ListLoggingConfigurations', when: 'WAF Classic (global) still answers and lists web ACLs' },
  ],
  optionalCalls: classicOptionalCalls('waf', false),
  enriches: [regionalFlagEnrichment(CLASSIC_OFFERED)],
  dependsOn: ['account', 'cloudfront-distributions'],
  async run(context) {
    const client = context.client(WAFClient, WAF_GLOBAL_REGION);
    const { accountId } = context.account;
    let summaries: ClassicWebAclSummary[];
    try {
      summaries = await listAll(async (NextMarker) => {
        const page = await client.send(new ListClassicWebACLsCommand({ NextMarker, Limit: LIST_LIMIT }));
        return { items: page.WebACLs, NextMarker: page.NextMarker };
      });
    } catch (error) {
      if (!classicNotOffered(error)) throw error;
      setClassicOffered(context, 'global', false);
      return;
    }
    setClassicOffered(context, 'global', true);
    if (!summaries.length) return;
    const logging = loggingOf(
      await context.optional('waf:ListLoggingConfigurations', () =>
        listAll(async (NextMarker) => {
          const page = await client.send(new ListClassicLoggingConfigurationsCommand({ NextMarker, Limit: LIST_LIMIT }));
          return { items: page.LoggingConfigurations, NextMarker: page.NextMarker };
        }),
      ),
    );
    await mapConcurrent(summaries, 4, async (summary) => {
      const WebACLId = summary.WebACLId;
      if (!WebACLId) return;
      const detail = await context.optional('waf:GetWebACL', async () => (await client.send(new GetClassicWebACLCommand({ WebACLId }))).WebACL);
      const arn = detail?.WebACLArn ?? classicWebAclArn(accountId, WebACLId);
      const webAcl = context.addEntity(convertClassicWebAcl({ summary, detail, logging: logging(arn), accountId }));
      context.addRelationship(wafServiceHasWebAcl(accountId, webAcl));
      for (const distribution of protectedDistributions(context, WebACLId)) context.addRelationship(webAclProtects(webAcl, distribution));
    });
  },
};

/** WAF Classic Regional's web ACLs, and the load balancers and API stages they are associated with. */
export const wafClassicRegionalWebAclsCollector: Collector = {
  id: 'waf-regional-web-acls',
  service: 'waf',
  scope: 'regional',
  events: [{ source: 'waf-regional.amazonaws.com', names: [...CLASSIC_EVENTS, 'AssociateWebACL', 'DisassociateWebACL'] }],
  entities: [WafEntities.WEB_ACL],
  relationships: [WafRelationships.SERVICE_HAS_WEB_ACL, WafRelationships.WEB_ACL_PROTECTS_REGIONAL_RESOURCE],
  permissions: ['waf-regional:ListWebACLs', 'waf-regional:GetWebACL', 'waf-regional:ListLoggingConfigurations', 'waf-regional:ListResourcesForWebACL'],
  optionalCalls: classicOptionalCalls('waf-regional', true),
  enriches: [regionalFlagEnrichment(CLASSIC_OFFERED)],
  // Load balancers and REST APIs are found in the graph by key (an API's key has no account to tell it apart).
  dependsOn: ['account', 'elb-load-balancers', 'apigateway-rest-apis'],
  async run(context) {
    // The last published Classic Regional client (3.668.0) is typed against older @smithy types; at runtime it is a client like the others.
    const client = context.client(WAFRegionalClient as unknown as SdkClientClass<SdkClient>) as unknown as WAFRegionalClient;
    const { accountId } = context.account;
    const region = context.region;
    let summaries: ClassicWebAclSummary[];
    try {
      summaries = await listAll(async (NextMarker) => {
        const page = await client.send(new ListRegionalWebACLsCommand({ NextMarker, Limit: LIST_LIMIT }));
        return { items: page.WebACLs, NextMarker: page.NextMarker };
      });
    } catch (error) {
      if (!classicNotOffered(error)) throw error;
      setClassicOffered(context, region, false);
      return;
    }
    setClassicOffered(context, region, true);
    if (!summaries.length) return;
    const logging = loggingOf(
      await context.optional('waf-regional:ListLoggingConfigurations', () =>
        listAll(async (NextMarker) => {
          const page = await client.send(new ListRegionalLoggingConfigurationsCommand({ NextMarker, Limit: LIST_LIMIT }));
          return { items: page.LoggingConfigurations, NextMarker: page.NextMarker };
        }),
      ),
    );
    await mapConcurrent(summaries, 4, async (summary) => {
      const WebACLId = summary.WebACLId;
      if (!WebACLId) return;
      const detail = await context.optional('waf-regional:GetWebACL', async () => (await client.send(new GetRegionalWebACLCommand({ WebACLId }))).WebACL);
      const arn = detail?.WebACLArn ?? classicWebAclArn(accountId, WebACLId, region);
      const webAcl = context.addEntity(convertClassicWebAcl({ summary, detail, logging: logging(arn), accountId, region }));
      context.addRelationship(wafServiceHasWebAcl(accountId, webAcl));
      for (const ResourceType of ['APPLICATION_LOAD_BALANCER', 'API_GATEWAY'] as const) {
        const resources = await context.optional(
          'waf-regional:ListResourcesForWebACL',
          async () => (await client.send(new ListRegionalResourcesForWebACLCommand({ WebACLId, ResourceType }))).ResourceArns,
        );
        for (const resourceArn of resources ?? []) {
          const target = await protectedTarget(context, resourceArn);
          if (target) context.addRelationship(webAclProtects(webAcl, target));
        }
      }
    });
  },
};

const V2_EVENTS: EventDeclaration = {
  source: 'wafv2.amazonaws.com',
  names: [
    'CreateWebACL',
    'UpdateWebACL',
    'DeleteWebACL',
    'AssociateWebACL',
    'DisassociateWebACL',
    'PutLoggingConfiguration',
    'DeleteLoggingConfiguration',
    'TagResource',
    'UntagResource',
  ],
};

const V2_WEB_ACL = WafV2Entities.WEB_ACL._type;
const v2OptionalCalls = (regional: boolean): OptionalCallDeclaration[] => [
  {
    operation: 'wafv2:GetWebACL',
    properties: [
      {
        _type: V2_WEB_ACL,
        properties: [
          'defaultAction',
          'rulesCount',
          'ruleActions',
          'rateBasedRulesCount',
          'managedRuleGroups',
          'capacity',
          'managedByFirewallManager',
          'cloudWatchMetricsEnabled',
          'sampledRequestsEnabled',
        ],
      },
    ],
    cost: 'web ACLs have no default action, rules or managed rule groups',
  },
  {
    operation: 'wafv2:ListTagsForResource',
    properties: [{ _type: V2_WEB_ACL, properties: ['tag.*', 'classification', 'owner', 'email'] }],
    cost: 'web ACLs have no `tag.*` properties',
  },
  {
    operation: 'wafv2:ListLoggingConfigurations',
    per: 'scope',
    properties: [{ _type: V2_WEB_ACL, properties: ['loggingEnabled', 'logDestinations'] }],
    cost: 'web ACLs have no logging facts',
  },
  ...(regional ? [{ operation: 'wafv2:ListResourcesForWebACL', cost: 'regional web ACLs have no PROTECTS edges to load balancers and APIs' }] : []),
];

/** One scope's web ACLs with their details, tags and logging; what they protect is the caller's. */
async function collectV2WebAcls(
  context: CollectorContext,
  client: WAFV2Client,
  Scope: WafScope,
  region: string,
  protect: (webAcl: Entity) => Promise<void>,
): Promise<void> {
  const { accountId } = context.account;
  const summaries = await listAll<WebACLSummary>(async (NextMarker) => {
    const page = await client.send(new ListWebACLsCommand({ Scope, NextMarker, Limit: LIST_LIMIT }));
    return { items: page.WebACLs, NextMarker: page.NextMarker };
  });
  if (!summaries.length) return;
  const logging = loggingOf(
    await context.optional('wafv2:ListLoggingConfigurations', () =>
      listAll(async (NextMarker) => {
        const page = await client.send(new ListLoggingConfigurationsCommand({ Scope, NextMarker, Limit: LIST_LIMIT }));
        return { items: page.LoggingConfigurations, NextMarker: page.NextMarker };
      }),
    ),
  );
  await mapConcurrent(summaries, 4, async (summary) => {
    const { Name, Id, ARN } = summary;
    if (!Name || !Id || !ARN) return;
    const detail = await context.optional('wafv2:GetWebACL', async () => (await client.send(new GetWebACLCommand({ Name, Id, Scope }))).WebACL);
    const tags = await context.optional(
      'wafv2:ListTagsForResource',
      async () => (await client.send(new ListTagsForResourceCommand({ ResourceARN: ARN, Limit: LIST_LIMIT }))).TagInfoForResource?.TagList,
    );
    const webAcl = context.addEntity(convertWebAcl({ summary, detail, tags, logging: logging(ARN), accountId, region, scope: Scope }));
    context.addRelationship(wafV2ServiceHasWebAcl(accountId, webAcl));
    await protect(webAcl);
  });
}

/** WAF's REGIONAL web ACLs, and the load balancers and API stages ListResourcesForWebACL names. */
export const wafV2RegionalWebAclsCollector: Collector = {
  id: 'waf-v2-web-acls',
  service: 'waf_v2',
  scope: 'regional',
  events: [V2_EVENTS],
  entities: [WafV2Entities.WEB_ACL],
  relationships: [WafV2Relationships.SERVICE_HAS_WEB_ACL, WafV2Relationships.WEB_ACL_PROTECTS_RESOURCE],
  permissions: ['wafv2:ListWebACLs', 'wafv2:GetWebACL', 'wafv2:ListTagsForResource', 'wafv2:ListLoggingConfigurations', 'wafv2:ListResourcesForWebACL'],
  optionalCalls: v2OptionalCalls(true),
  dependsOn: ['account', 'elb-load-balancers', 'apigateway-rest-apis'],
  async run(context) {
    const client = context.client(WAFV2Client);
    await collectV2WebAcls(context, client, 'REGIONAL', context.region, async (webAcl) => {
      const WebACLArn = webAcl._key;
      for (const ResourceType of ['APPLICATION_LOAD_BALANCER', 'API_GATEWAY'] as const) {
        const resources = await context.optional(
          'wafv2:ListResourcesForWebACL',
          async () => (await client.send(new ListResourcesForWebACLCommand({ WebACLArn, ResourceType }))).ResourceArns,
        );
        for (const resourceArn of resources ?? []) {
          const target = await protectedTarget(context, resourceArn);
          if (target) context.addRelationship(webAclProtects(webAcl, target));
        }
      }
    });
  },
};

/**
 * WAF's CLOUDFRONT web ACLs (us-east-1), and the distributions whose `WebACLId` is their ARN
 * (ListResourcesForWebACL does not answer for CloudFront: the distributions say it).
 */
export const wafV2CloudFrontWebAclsCollector: Collector = {
  id: 'waf-v2-cloudfront-web-acls',
  service: 'waf_v2',
  scope: 'global',
  events: [V2_EVENTS, DISTRIBUTION_EVENTS],
  entities: [WafV2Entities.WEB_ACL],
  relationships: [WafV2Relationships.SERVICE_HAS_WEB_ACL, WafV2Relationships.WEB_ACL_PROTECTS_RESOURCE],
  permissions: ['wafv2:ListWebACLs', 'wafv2:GetWebACL', 'wafv2:ListTagsForResource', 'wafv2:ListLoggingConfigurations'],
  optionalCalls: v2OptionalCalls(false),
  dependsOn: ['account', 'cloudfront-distributions'],
  async run(context) {
    const client = context.client(WAFV2Client, WAF_GLOBAL_REGION);
    await collectV2WebAcls(context, client, 'CLOUDFRONT', WAF_GLOBAL_REGION, async (webAcl) => {
      for (const distribution of protectedDistributions(context, webAcl._key)) context.addRelationship(webAclProtects(webAcl, distribution));
    });
  },
};
