import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { ApiGatewayEntities } from '../apigateway/schema';
import { CloudFrontEntities } from '../cloudfront/schema';
import { ElbEntities } from '../elasticloadbalancing/schema';

/**
 * WAF's entity types: the one place they are spelled. WAF Classic (`aws_waf`, end of support
 * 2025-09-30) and WAF (v2, `aws_waf_v2`) are two services in JupiterOne's model, each with its
 * Service entity, so this folder holds two service modules (index.ts).
 */
export const WafEntities = defineEntities({
  SERVICE: serviceEntitySchema('waf', 'WAF Classic'),
  WEB_ACL: { _type: 'aws_waf_web_acl', _class: ['Firewall'], resourceName: 'Web ACL' },
});

export const WafV2Entities = defineEntities({
  SERVICE: serviceEntitySchema('waf_v2', 'WAF'),
  WEB_ACL: { _type: 'aws_waf_v2_web_acl', _class: ['Firewall'], resourceName: 'V2 Web ACL' },
});

/**
 * What a web ACL protects, each named by the key its own converter computes: distributions
 * (ARN), Application Load Balancers (ARN) and REST APIs, for the API stages WAF names
 * (`.../restapis/<id>/stages/<stage>`: stages are not collected, so the edge goes to their API).
 */
export const WafProtectedTargets = {
  DISTRIBUTION: CloudFrontEntities.DISTRIBUTION,
  ALB: ElbEntities.ALB,
  REST_API: ApiGatewayEntities.REST_API,
} as const;

const { DISTRIBUTION, ALB, REST_API } = WafProtectedTargets;

export const WafRelationships = defineRelationships({
  SERVICE_HAS_WEB_ACL: { from: WafEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: WafEntities.WEB_ACL._type },
  /** Global (CloudFront) Classic web ACLs, from the distributions' `WebACLId`. */
  WEB_ACL_PROTECTS_DISTRIBUTION: { from: WafEntities.WEB_ACL._type, verb: RelationshipVerb.PROTECTS, to: DISTRIBUTION._type },
  /** Regional Classic web ACLs (WAF Classic Regional's ListResourcesForWebACL). */
  WEB_ACL_PROTECTS_REGIONAL_RESOURCE: { from: WafEntities.WEB_ACL._type, verb: RelationshipVerb.PROTECTS, to: [ALB._type, REST_API._type] },
});

export const WafV2Relationships = defineRelationships({
  SERVICE_HAS_WEB_ACL: { from: WafV2Entities.SERVICE._type, verb: RelationshipVerb.HAS, to: WafV2Entities.WEB_ACL._type },
  WEB_ACL_PROTECTS_RESOURCE: { from: WafV2Entities.WEB_ACL._type, verb: RelationshipVerb.PROTECTS, to: [DISTRIBUTION._type, ALB._type, REST_API._type] },
});

/** A REST API stage's ARN as WAF lists it (`arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>`) -> its API's key. */
export function stageApiArn(stageArn: string): string | undefined {
  return /^(arn:[^:]+:apigateway:[^:]+::\/restapis\/[^/]+)\/stages\/[^/]+$/.exec(stageArn)?.[1];
}
