import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { LambdaEntities } from '../lambda/schema';

/** API Gateway's entity types: the one place they are spelled. */
export const ApiGatewayEntities = defineEntities({
  SERVICE: serviceEntitySchema('apigateway', 'API Gateway'),
  REST_API: { _type: 'aws_api_gateway_rest_api', _class: ['Gateway'], resourceName: 'REST API' },
  /** A REST API's resource policy: an AccessPolicy, so the policy analysis derives its ALLOWS edges. */
  REST_API_POLICY: { _type: 'aws_api_gateway_rest_api_policy', _class: ['AccessPolicy'], resourceName: 'REST API resource policy' },
  V2_API: { _type: 'aws_api_gateway_v2_api', _class: ['Gateway'], resourceName: 'V2 API' },
  V2_ROUTE: { _type: 'aws_api_gateway_v2_route', _class: ['ApplicationEndpoint'], resourceName: 'Route' },
  V2_INTEGRATION: { _type: 'aws_api_gateway_v2_integration', _class: ['Configuration'], resourceName: 'Integration' },
  V2_AUTHORIZER: { _type: 'aws_api_gateway_v2_authorizer', _class: ['Configuration'], resourceName: 'Authorizer' },
});

/**
 * What integrations and authorizers reach: Lambda functions, load balancers behind private
 * integrations (ELB's types, services/elb/schema.ts, named as strings until its schema is merged)
 * and other resources named by ARN.
 */
export const ApiGatewayTargets = {
  FUNCTION: LambdaEntities.FUNCTION._type,
  // ELB's types (services/elb/schema.ts)
  ALB: 'aws_alb',
  NLB: 'aws_nlb',
  RESOURCE: 'aws_resource',
} as const;

/**
 * Load balancers behind private integrations that are not in the graph (ELB not collected, or
 * another organization's): mapped stand-ins with the class ELB's converter gives them.
 */
export const ApiGatewayTargetPlaceholders = defineEntities({
  ALB: { _type: ApiGatewayTargets.ALB, _class: ['Gateway'], resourceName: 'Application Load Balancer (mapped)' },
  NLB: { _type: ApiGatewayTargets.NLB, _class: ['Gateway'], resourceName: 'Network Load Balancer (mapped)' },
});

const INTEGRATION_TARGETS = Object.values(ApiGatewayTargets);

export const ApiGatewayRelationships = defineRelationships({
  SERVICE_HAS_REST_API: { from: ApiGatewayEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: ApiGatewayEntities.REST_API._type },
  SERVICE_HAS_V2_API: { from: ApiGatewayEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: ApiGatewayEntities.V2_API._type },
  REST_API_HAS_POLICY: { from: ApiGatewayEntities.REST_API._type, verb: RelationshipVerb.HAS, to: ApiGatewayEntities.REST_API_POLICY._type },
  REST_API_TRIGGERS_FUNCTION: { from: ApiGatewayEntities.REST_API._type, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  V2_API_HAS_ROUTE: { from: ApiGatewayEntities.V2_API._type, verb: RelationshipVerb.HAS, to: ApiGatewayEntities.V2_ROUTE._type },
  ROUTE_HAS_INTEGRATION: { from: ApiGatewayEntities.V2_ROUTE._type, verb: RelationshipVerb.HAS, to: ApiGatewayEntities.V2_INTEGRATION._type },
  ROUTE_HAS_AUTHORIZER: { from: ApiGatewayEntities.V2_ROUTE._type, verb: RelationshipVerb.HAS, to: ApiGatewayEntities.V2_AUTHORIZER._type },
  INTEGRATION_CONNECTS_RESOURCE: { from: ApiGatewayEntities.V2_INTEGRATION._type, verb: RelationshipVerb.CONNECTS, to: INTEGRATION_TARGETS },
  AUTHORIZER_CONNECTS_RESOURCE: { from: ApiGatewayEntities.V2_AUTHORIZER._type, verb: RelationshipVerb.CONNECTS, to: INTEGRATION_TARGETS },
});

/** A REST API's key, its ARN (`arn:aws:apigateway:<region>::/restapis/<id>`), as Lambda's policy sources name it too. */
export function restApiArn(region: string, id: string): string {
  return `arn:aws:apigateway:${region}::/restapis/${id}`;
}

/** An HTTP or WebSocket API's key, its ARN (`arn:aws:apigateway:<region>::/apis/<id>`). */
export function v2ApiArn(region: string, id: string): string {
  return `arn:aws:apigateway:${region}::/apis/${id}`;
}
