import { APIGatewayClient, paginateGetResources, paginateGetRestApis, type Resource, type RestApi } from '@aws-sdk/client-api-gateway';
import {
  ApiGatewayV2Client,
  GetApisCommand,
  GetAuthorizersCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
  type Api,
  type Authorizer,
  type Integration,
  type Route,
} from '@aws-sdk/client-apigatewayv2';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import { RelationshipVerb, type Entity } from '../../graph';
import { edgeTarget, placeholderEntity, type EntityRef } from '../cross-service';
import { LambdaEntities } from '../lambda/schema';
import {
  apiGatewayEdge,
  apiGatewayServiceHas,
  convertRestApi,
  convertRestApiPolicy,
  convertV2Api,
  convertV2Authorizer,
  convertV2Integration,
  convertV2Route,
  integrationTargetRef,
  restApiFunctions,
} from './converters';
import { ApiGatewayEntities, ApiGatewayRelationships, ApiGatewayTargets } from './schema';

/** API Gateway authorizes every read as `apigateway:GET` on the resource's path. */
const GET = 'apigateway:GET';

/** Placeholder classes of the ends of integrations outside the organization (or not collected). */
const PLACEHOLDER_CLASS: Record<string, readonly string[]> = {
  [ApiGatewayTargets.FUNCTION]: LambdaEntities.FUNCTION._class,
  [ApiGatewayTargets.ALB]: ['Gateway'],
  [ApiGatewayTargets.NLB]: ['Gateway'],
};

function target(context: CollectorContext, ref: EntityRef): Promise<EntityRef> {
  const _class = PLACEHOLDER_CLASS[ref._type];
  return _class ? edgeTarget(context, ref, () => placeholderEntity(ref, _class)) : edgeTarget(context, ref);
}

export const apiGatewayRestApisCollector: Collector = {
  id: 'apigateway-rest-apis',
  service: 'apigateway',
  scope: 'regional',
  // No `events`: the declarations check wants IAM action names, and API Gateway's IAM actions are
  // HTTP verbs (apigateway:GET, POST...), not the CloudTrail event names (CreateRestApi, ...).
  entities: [ApiGatewayEntities.REST_API, ApiGatewayEntities.REST_API_POLICY],
  relationships: [
    ApiGatewayRelationships.SERVICE_HAS_REST_API,
    ApiGatewayRelationships.REST_API_HAS_POLICY,
    ApiGatewayRelationships.REST_API_TRIGGERS_FUNCTION,
  ],
  permissions: [GET],
  optionalCalls: [
    {
      operation: 'apigateway:GetResources',
      actions: [GET],
      cost: 'no TRIGGERS edges from REST APIs to the Lambda functions their methods invoke',
    },
  ],
  // Functions are named by key (their ARNs).
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(APIGatewayClient);
    const scope = { accountId: context.account.accountId, region: context.region };
    const apis: RestApi[] = [];
    // Pages of 500, the API's maximum (its default is 25: GetRestApis and GetResources API Reference, `limit`).
    for await (const page of paginateGetRestApis({ client }, { limit: 500 })) apis.push(...(page.items ?? []));
    await mapConcurrent(apis, 2, async (item) => {
      if (!item.id) return;
      const restApiId = item.id;
      const api = context.addEntity(convertRestApi(item, scope));
      context.addRelationship(apiGatewayServiceHas(scope.accountId, api));
      const policy = convertRestApiPolicy(api, item.policy);
      if (policy) context.addRelationship(apiGatewayEdge(api, RelationshipVerb.HAS, context.addEntity(policy)));
      // One paged call per API: the methods' integrations come embedded.
      const resources = await context.optional('apigateway:GetResources', async () => {
        const all: Resource[] = [];
        for await (const page of paginateGetResources({ client }, { restApiId, embed: ['methods'], limit: 500 })) all.push(...(page.items ?? []));
        return all;
      });
      for (const functionArn of restApiFunctions(resources ?? []))
        context.addRelationship(
          apiGatewayEdge(api, RelationshipVerb.TRIGGERS, await target(context, { _key: functionArn, _type: ApiGatewayTargets.FUNCTION })),
        );
    });
  },
};

/** Every page of an API Gateway v2 list (NextToken loops: the SDK has no paginators for them). */
async function allPages<T>(call: (NextToken: string | undefined) => Promise<{ Items?: T[]; NextToken?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await call(token);
    items.push(...(page.Items ?? []));
    token = page.NextToken;
  } while (token);
  return items;
}

export const apiGatewayV2ApisCollector: Collector = {
  id: 'apigateway-v2-apis',
  service: 'apigateway',
  scope: 'regional',
  // No `events`: the declarations check wants IAM action names, and API Gateway's IAM actions are
  // HTTP verbs (apigateway:GET, POST...), not the CloudTrail event names (CreateRestApi, ...).
  entities: [ApiGatewayEntities.V2_API, ApiGatewayEntities.V2_ROUTE, ApiGatewayEntities.V2_INTEGRATION, ApiGatewayEntities.V2_AUTHORIZER],
  relationships: [
    ApiGatewayRelationships.SERVICE_HAS_V2_API,
    ApiGatewayRelationships.V2_API_HAS_ROUTE,
    ApiGatewayRelationships.ROUTE_HAS_INTEGRATION,
    ApiGatewayRelationships.ROUTE_HAS_AUTHORIZER,
    ApiGatewayRelationships.INTEGRATION_CONNECTS_RESOURCE,
    ApiGatewayRelationships.AUTHORIZER_CONNECTS_RESOURCE,
  ],
  permissions: [GET],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(ApiGatewayV2Client);
    const scope = { accountId: context.account.accountId, region: context.region };
    const apis = await allPages<Api>(async (NextToken) => client.send(new GetApisCommand({ NextToken })));
    await mapConcurrent(apis, 2, async (item) => {
      if (!item.ApiId) return;
      const ApiId = item.ApiId;
      const api = context.addEntity(convertV2Api(item, scope));
      context.addRelationship(apiGatewayServiceHas(scope.accountId, api));
      let routes: Route[], integrations: Integration[], authorizers: Authorizer[];
      try {
        routes = await allPages<Route>(async (NextToken) => client.send(new GetRoutesCommand({ ApiId, NextToken })));
        integrations = await allPages<Integration>(async (NextToken) => client.send(new GetIntegrationsCommand({ ApiId, NextToken })));
        authorizers = await allPages<Authorizer>(async (NextToken) => client.send(new GetAuthorizersCommand({ ApiId, NextToken })));
      } catch (error) {
        // One API's parts failing keeps the other APIs (and this API's entity).
        context.recordError('apigateway:GET', error);
        return;
      }
      const integrationById = new Map<string, Entity>();
      for (const integration of integrations) {
        const entity = context.addEntity(convertV2Integration(api, integration));
        integrationById.set(String(entity.id), entity);
        const reached = integrationTargetRef(integration.IntegrationUri);
        if (reached) context.addRelationship(apiGatewayEdge(entity, RelationshipVerb.CONNECTS, await target(context, reached)));
      }
      const authorizerById = new Map<string, Entity>();
      for (const authorizer of authorizers) {
        const entity = context.addEntity(convertV2Authorizer(api, authorizer));
        authorizerById.set(String(entity.id), entity);
        const reached = integrationTargetRef(authorizer.AuthorizerUri);
        if (reached) context.addRelationship(apiGatewayEdge(entity, RelationshipVerb.CONNECTS, await target(context, reached)));
      }
      for (const item of routes) {
        const route = context.addEntity(convertV2Route(api, item));
        context.addRelationship(apiGatewayEdge(api, RelationshipVerb.HAS, route));
        // A route's target is `integrations/<id>`.
        const integration = integrationById.get(item.Target?.replace(/^integrations\//, '') ?? '');
        if (integration) context.addRelationship(apiGatewayEdge(route, RelationshipVerb.HAS, integration));
        const authorizer = item.AuthorizerId ? authorizerById.get(item.AuthorizerId) : undefined;
        if (authorizer) context.addRelationship(apiGatewayEdge(route, RelationshipVerb.HAS, authorizer));
      }
    });
  },
};
