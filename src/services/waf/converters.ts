import type { WebACL as ClassicWebAcl, WebACLSummary as ClassicWebAclSummary } from '@aws-sdk/client-waf';
import type { LoggingConfiguration, Rule, Statement, Tag, WebACL, WebACLSummary } from '@aws-sdk/client-wafv2';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { WafEntities, WafV2Entities } from './schema';

/** Where a web ACL applies: CloudFront distributions (global) or regional resources. */
export type WafScope = 'CLOUDFRONT' | 'REGIONAL';

/**
 * What ListLoggingConfigurations says of one web ACL: its configuration, `null` when the scope's
 * list does not name it (logging off), `undefined` when the list could not be read (unknown).
 */
export type LoggingFacts = Pick<LoggingConfiguration, 'LogDestinationConfigs'> | null | undefined;

function loggingProperties(logging: LoggingFacts) {
  if (logging === undefined) return {};
  const destinations = logging?.LogDestinationConfigs ?? [];
  return { loggingEnabled: logging !== null, logDestinations: destinations.length ? [...destinations].sort() : undefined };
}

/** A Classic web ACL's ARN: `arn:aws:waf::<account>:webacl/<id>` (global) or `arn:aws:waf-regional:<region>:<account>:webacl/<id>`. */
export function classicWebAclArn(accountId: string, id: string, region?: string): string {
  return region ? `arn:aws:waf-regional:${region}:${accountId}:webacl/${id}` : `arn:aws:waf::${accountId}:webacl/${id}`;
}

export interface ClassicWebAclFacts {
  /** From ListWebACLs: always there. */
  summary: ClassicWebAclSummary;
  /** From GetWebACL (optional): default action and rules. */
  detail?: ClassicWebAcl;
  logging?: LoggingFacts;
  accountId: string;
  /** The region of a regional (WAF Classic Regional) ACL; none for a global (CloudFront) one. */
  region?: string;
}

/** `aws_waf_web_acl`: a WAF Classic web ACL, global (CloudFront) or regional. */
export function convertClassicWebAcl(facts: ClassicWebAclFacts): Entity {
  const { summary, detail, accountId, region } = facts;
  const id = summary.WebACLId ?? detail?.WebACLId ?? '';
  const arn = detail?.WebACLArn ?? classicWebAclArn(accountId, id, region);
  const rules = detail?.Rules;
  return createEntity({
    _key: arn,
    schema: WafEntities.WEB_ACL,
    name: summary.Name ?? detail?.Name ?? id,
    properties: {
      id,
      arn,
      accountId,
      region,
      scope: region ? 'REGIONAL' : 'CLOUDFRONT',
      // A layer 7 firewall: it inspects web requests.
      category: ['application'],
      classic: true,
      defaultAction: detail?.DefaultAction?.Type,
      metricName: detail?.MetricName,
      rulesCount: rules?.length,
      rateBasedRulesCount: rules ? rules.filter((rule) => rule.Type === 'RATE_BASED').length : undefined,
      ruleGroupsCount: rules ? rules.filter((rule) => rule.Type === 'GROUP').length : undefined,
      ...loggingProperties(facts.logging),
      webLink: region
        ? `https://console.aws.amazon.com/wafv2/home?region=${region}#/webacls/classic`
        : 'https://console.aws.amazon.com/wafv2/home#/webacls/classic',
    },
  });
}

/** The managed rule groups a rule statement uses, as `<vendor>/<name>` (nested in scope-down statements too). */
function managedRuleGroups(statement: Statement | undefined, into: Set<string>): void {
  if (!statement) return;
  const managed = statement.ManagedRuleGroupStatement;
  if (managed?.VendorName && managed.Name) into.add(`${managed.VendorName}/${managed.Name}`);
  for (const nested of [...(statement.AndStatement?.Statements ?? []), ...(statement.OrStatement?.Statements ?? [])]) managedRuleGroups(nested, into);
  managedRuleGroups(statement.NotStatement?.Statement, into);
}

function actionOf(rule: Rule): string | undefined {
  const action = rule.Action ?? rule.OverrideAction;
  return action ? Object.keys(action).find((key) => action[key as keyof typeof action] !== undefined) : undefined;
}

export interface WebAclFacts {
  /** From ListWebACLs: always there. */
  summary: WebACLSummary;
  /** From GetWebACL (optional): default action, rules, capacity. */
  detail?: WebACL;
  logging?: LoggingFacts;
  tags?: Tag[];
  accountId: string;
  /** The region it was listed in (us-east-1 for the CLOUDFRONT scope). */
  region: string;
  scope: WafScope;
}

/** `aws_waf_v2_web_acl`: a WAF (v2) web ACL of the REGIONAL or the CLOUDFRONT scope. */
export function convertWebAcl(facts: WebAclFacts): Entity {
  const { summary, detail, accountId, region, scope } = facts;
  const arn = summary.ARN ?? detail?.ARN ?? '';
  const id = summary.Id ?? detail?.Id ?? '';
  const name = summary.Name ?? detail?.Name ?? id;
  const rules = detail?.Rules;
  const groups = new Set<string>();
  for (const rule of rules ?? []) managedRuleGroups(rule.Statement, groups);
  for (const group of [...(detail?.PreProcessFirewallManagerRuleGroups ?? []), ...(detail?.PostProcessFirewallManagerRuleGroups ?? [])]) {
    const managed = group.FirewallManagerStatement?.ManagedRuleGroupStatement;
    if (managed?.VendorName && managed.Name) groups.add(`${managed.VendorName}/${managed.Name}`);
  }
  const defaultAction = detail?.DefaultAction ? (detail.DefaultAction.Block ? 'BLOCK' : detail.DefaultAction.Allow ? 'ALLOW' : undefined) : undefined;
  return createEntity({
    _key: arn,
    schema: WafV2Entities.WEB_ACL,
    name,
    tags: facts.tags,
    properties: {
      id,
      arn,
      accountId,
      region,
      scope,
      category: ['application'],
      description: summary.Description ?? detail?.Description,
      defaultAction,
      rulesCount: rules?.length,
      // The rules' actions (`Block`, `Count`, ...) and rule groups' overrides (`None`: the group's own actions apply).
      ruleActions: rules?.length ? [...new Set(rules.map(actionOf).filter((a): a is string => Boolean(a)))].sort() : undefined,
      rateBasedRulesCount: rules ? rules.filter((rule) => rule.Statement?.RateBasedStatement).length : undefined,
      managedRuleGroups: detail ? [...groups].sort() : undefined,
      capacity: detail?.Capacity,
      managedByFirewallManager: detail?.ManagedByFirewallManager,
      cloudWatchMetricsEnabled: detail?.VisibilityConfig?.CloudWatchMetricsEnabled,
      sampledRequestsEnabled: detail?.VisibilityConfig?.SampledRequestsEnabled,
      ...loggingProperties(facts.logging),
      webLink:
        scope === 'CLOUDFRONT'
          ? `https://console.aws.amazon.com/wafv2/homev2/web-acl/${name}/${id}/overview?region=global`
          : `https://console.aws.amazon.com/wafv2/homev2/web-acl/${name}/${id}/overview?region=${region}`,
    },
  });
}

export function wafServiceHasWebAcl(accountId: string, webAcl: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'waf'), verb: RelationshipVerb.HAS, to: webAcl });
}

export function wafV2ServiceHasWebAcl(accountId: string, webAcl: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'waf_v2'), verb: RelationshipVerb.HAS, to: webAcl });
}

export function webAclProtects(webAcl: { _key: string; _type: string }, resource: { _key: string; _type: string }): Relationship {
  return createRelationship({ from: webAcl, verb: RelationshipVerb.PROTECTS, to: resource });
}
