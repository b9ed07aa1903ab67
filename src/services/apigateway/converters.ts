import type { Resource, RestApi } from '@aws-sdk/client-api-gateway';
import type { Api, Authorizer, Integration, Route } from '@aws-sdk/client-apigatewayv2';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { parsePolicyDocument, isPublicStatement, policyDocumentText } from '../../policy/document';
import type { EntityRef } from '../cross-service';
import { ApiGatewayEntities, ApiGatewayTargets, restApiArn, v2ApiArn } from './schema';

export interface ApiGatewayScope {
  accountId: string;
  region: string;
}

const endpointHost = (id: string, region: string) => `${id}.execute-api.${region}.amazonaws.com`;

/**
 * `aws_api_gateway_rest_api` from a GetRestApis item (tags included). `hostname` is the default
 * `execute-api` endpoint that DNS records and CloudFront origins name.
 */
export function convertRestApi(api: RestApi, scope: ApiGatewayScope): Entity {
  const id = api.id ?? '';
  const arn = restApiArn(scope.region, id);
  const types = api.endpointConfiguration?.types ?? [];
  const policy = readRestApiPolicy(api.policy);
  return createEntity({
    _key: arn,
    schema: ApiGatewayEntities.REST_API,
    name: api.name || id,
    tags: api.tags,
    createdOn: api.createdDate,
    properties: {
      id,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      description: api.description || undefined,
      version: api.version,
      endpointTypes: types.length ? [...types] : undefined,
      vpcEndpointIds: api.endpointConfiguration?.vpcEndpointIds?.length ? [...api.endpointConfiguration.vpcEndpointIds] : undefined,
      apiKeySource: api.apiKeySource,
      disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
      hostname: api.disableExecuteApiEndpoint ? undefined : endpointHost(id, scope.region),
      category: ['network'],
      function: ['api-gateway'],
      // Private APIs answer only inside VPCs; a resource policy that lets anyone in does not change that.
      public: !types.includes('PRIVATE'),
      resourcePolicyPublic: policy ? policy.public : undefined,
      webLink: `https://console.aws.amazon.com/apigateway/home?region=${scope.region}#/apis/${id}/resources`,
    },
  });
}

/** A REST API's resource policy as GetRestApis returns it: JSON with its quotes escaped (`{\"Version\"...`). */
export function readRestApiPolicy(raw: string | undefined): { document: string; public: boolean; statementCount: number } | undefined {
  if (!raw) return undefined;
  const text = raw.includes('\\"') ? raw.replace(/\\"/g, '"').replace(/\\\\/g, '\\') : raw;
  const document = policyDocumentText(text);
  if (!document) return undefined;
  const parsed = parsePolicyDocument(document);
  return { document, public: parsed ? parsed.statements.some(isPublicStatement) : false, statementCount: parsed?.statements.length ?? 0 };
}

/** `aws_api_gateway_rest_api_policy`: the REST API's resource policy, an AccessPolicy the policy analysis reads. */
export function convertRestApiPolicy(api: Entity, raw: string | undefined): Entity | undefined {
  const policy = readRestApiPolicy(raw);
  if (!policy) return undefined;
  return createEntity({
    _key: `${api._key}|policy`,
    schema: ApiGatewayEntities.REST_API_POLICY,
    name: `${String(api.name)}-policy`,
    properties: {
      accountId: api.accountId as string,
      region: api.region as string,
      restApiId: api.id as string,
      document: policy.document,
      statementCount: policy.statementCount,
      public: policy.public,
    },
  });
}

/** `aws_api_gateway_v2_api` (HTTP or WebSocket) from a GetApis item. */
export function convertV2Api(api: Api, scope: ApiGatewayScope): Entity {
  const id = api.ApiId ?? '';
  const arn = v2ApiArn(scope.region, id);
  return createEntity({
    _key: arn,
    schema: ApiGatewayEntities.V2_API,
    name: api.Name || id,
    tags: api.Tags,
    createdOn: api.CreatedDate,
    properties: {
      id,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      description: api.Description || undefined,
      protocolType: api.ProtocolType,
      apiEndpoint: api.ApiEndpoint,
      disableExecuteApiEndpoint: api.DisableExecuteApiEndpoint,
      hostname: api.DisableExecuteApiEndpoint ? undefined : api.ApiEndpoint?.replace(/^[a-z]+:\/\//, '') || endpointHost(id, scope.region),
      corsAllowOrigins: api.CorsConfiguration?.AllowOrigins?.length ? [...api.CorsConfiguration.AllowOrigins] : undefined,
      version: api.Version,
      category: ['network'],
      function: ['api-gateway'],
      public: true,
      webLink: `https://console.aws.amazon.com/apigateway/main/api-detail?api=${id}&region=${scope.region}`,
    },
  });
}

export function convertV2Route(api: Entity, route: Route): Entity {
  const id = route.RouteId ?? '';
  return createEntity({
    _key: `${api._key}/routes/${id}`,
    schema: ApiGatewayEntities.V2_ROUTE,
    name: route.RouteKey || id,
    properties: {
      id,
      apiId: api.id as string,
      accountId: api.accountId as string,
      region: api.region as string,
      routeKey: route.RouteKey,
      target: route.Target,
      authorizationType: route.AuthorizationType,
      authorizerId: route.AuthorizerId,
      apiKeyRequired: route.ApiKeyRequired,
      // A route anyone can call: no authorizer, IAM or API key.
      public: (route.AuthorizationType ?? 'NONE') === 'NONE' && route.ApiKeyRequired !== true,
      address: route.RouteKey,
    },
  });
}

export function convertV2Integration(api: Entity, integration: Integration): Entity {
  const id = integration.IntegrationId ?? '';
  return createEntity({
    _key: `${api._key}/integrations/${id}`,
    schema: ApiGatewayEntities.V2_INTEGRATION,
    name: integration.Description || `${integration.IntegrationType ?? 'integration'} ${id}`,
    properties: {
      id,
      apiId: api.id as string,
      accountId: api.accountId as string,
      region: api.region as string,
      integrationType: integration.IntegrationType,
      integrationSubtype: integration.IntegrationSubtype,
      integrationUri: integration.IntegrationUri,
      integrationMethod: integration.IntegrationMethod,
      connectionType: integration.ConnectionType,
      connectionId: integration.ConnectionId,
      payloadFormatVersion: integration.PayloadFormatVersion,
      timeoutInMillis: integration.TimeoutInMillis,
    },
  });
}

export function convertV2Authorizer(api: Entity, authorizer: Authorizer): Entity {
  const id = authorizer.AuthorizerId ?? '';
  return createEntity({
    _key: `${api._key}/authorizers/${id}`,
    schema: ApiGatewayEntities.V2_AUTHORIZER,
    name: authorizer.Name || id,
    properties: {
      id,
      apiId: api.id as string,
      accountId: api.accountId as string,
      region: api.region as string,
      authorizerType: authorizer.AuthorizerType,
      authorizerUri: authorizer.AuthorizerUri,
      identitySource: authorizer.IdentitySource?.length ? [...authorizer.IdentitySource] : undefined,
      jwtIssuer: authorizer.JwtConfiguration?.Issuer,
      jwtAudience: authorizer.JwtConfiguration?.Audience?.length ? [...authorizer.JwtConfiguration.Audience] : undefined,
      authorizerCredentialsArn: authorizer.AuthorizerCredentialsArn,
    },
  });
}

/**
 * What an integration or authorizer URI reaches: a Lambda function (its ARN, or API Gateway's
 * `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`, without
 * an alias or version), the load balancer of an ELB listener ARN (keyed by its ARN, as ELB's
 * converter keys it), or another resource by ARN. HTTP URLs reach nothing in the graph.
 */
export function integrationTargetRef(uri: string | undefined): EntityRef | undefined {
  if (!uri) return undefined;
  const lambda = /(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:/]+)/.exec(uri);
  if (lambda) return { _key: lambda[1], _type: ApiGatewayTargets.FUNCTION };
  const listener = /^(arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}):listener\/(app|net)\/([^/]+\/[^/]+)\/[^/]+$/.exec(uri);
  if (listener)
    return { _key: `${listener[1]}:loadbalancer/${listener[2]}/${listener[3]}`, _type: listener[2] === 'app' ? ApiGatewayTargets.ALB : ApiGatewayTargets.NLB };
  if (uri.startsWith('arn:')) return { _key: uri, _type: ApiGatewayTargets.RESOURCE };
  return undefined;
}

/** The Lambda functions a REST API's method integrations invoke (GetResources with `embed=methods`). */
export function restApiFunctions(resources: readonly Resource[]): string[] {
  const functions = new Set<string>();
  for (const resource of resources)
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      const target = integrationTargetRef(method.methodIntegration?.uri);
      if (target?._type === ApiGatewayTargets.FUNCTION) functions.add(target._key);
    }
  return [...functions].sort();
}

export function apiGatewayServiceHas(accountId: string, to: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'apigateway'), verb: RelationshipVerb.HAS, to });
}

export function apiGatewayEdge(from: EntityRef, verb: RelationshipVerb, to: EntityRef): Relationship {
  return createRelationship({ from, verb, to });
}
