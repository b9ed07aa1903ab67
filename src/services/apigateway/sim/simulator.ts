import type {
  GetResourcesCommandInput,
  GetResourcesCommandOutput,
  GetRestApisCommandInput,
  GetRestApisCommandOutput,
  Resource,
  RestApi,
} from '@aws-sdk/client-api-gateway';
import type {
  Api,
  Authorizer,
  GetApisCommandInput,
  GetApisCommandOutput,
  GetAuthorizersCommandInput,
  GetAuthorizersCommandOutput,
  GetIntegrationsCommandInput,
  GetIntegrationsCommandOutput,
  GetRoutesCommandInput,
  GetRoutesCommandOutput,
  Integration,
  Route,
} from '@aws-sdk/client-apigatewayv2';
import { collection, custom, defineSimulatedService, list, type InWorld, type Kit } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';
import { generateApiGatewaySection, generateApiGatewayV2Section } from './generate';

/** A REST API in the world: a GetRestApis item (dates as ISO strings), with its resources (GetResources, methods embedded). */
export type WorldRestApi = InWorld<RestApi> & { id: string; Resources?: Resource[] };
/** An HTTP or WebSocket API in the world: a GetApis item, with its routes, integrations and authorizers. */
export type WorldV2Api = InWorld<Api> & { ApiId: string; Routes?: Route[]; Integrations?: Integration[]; Authorizers?: Authorizer[] };

export const apiGatewaySimulator = defineSimulatedService({
  service: 'apigateway',
  clientName: 'APIGatewayClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'TooManyRequestsException', invalidToken: 'BadRequestException' },
  collections: {
    restApis: collection<WorldRestApi>({
      id: 'id',
      required: ['name'],
      dates: ['createdDate'],
      worldOnly: ['Resources'], // served by GetResources only
      tags: (api) => api.tags,
      notFound: { error: 'NotFoundException', message: (id) => `Invalid API identifier specified ${id}` },
    }),
  },
  operations: {
    GetRestApis: list<GetRestApisCommandInput, GetRestApisCommandOutput>('restApis', { items: 'items', token: 'position', maxResults: 'limit', awsMax: 500 }),
    GetResources: custom<GetResourcesCommandInput, GetResourcesCommandOutput>((input, context, kit) => {
      const api = kit.find('restApis', input.restApiId, context) as unknown as WorldRestApi;
      // Without `embed=methods` a resource names its methods only.
      const embedded = input.embed?.includes('methods') ?? false;
      const resources = (api.Resources ?? []).map((resource) =>
        embedded ? resource : { ...resource, resourceMethods: Object.fromEntries(Object.keys(resource.resourceMethods ?? {}).map((method) => [method, {}])) },
      );
      const page = kit.page(resources, input.position, context.pageSize(input.limit, 500));
      return { items: page.items, position: page.nextToken };
    }),
  },
  generate: generateApiGatewaySection,
});

/** One page of an API's parts, by NextToken and the string MaxResults v2 takes. */
function partsPage<T>(kit: Kit, context: SimCallContext, items: readonly T[], input: { NextToken?: string; MaxResults?: string }) {
  const page = kit.page(items, input.NextToken, context.pageSize(input.MaxResults ? Number(input.MaxResults) : undefined, 500));
  return { Items: page.items, NextToken: page.nextToken };
}

const apiOf = (kit: Kit, context: SimCallContext, id: string | undefined) => kit.find('apis', id, context) as unknown as WorldV2Api;

export const apiGatewayV2Simulator = defineSimulatedService({
  service: 'apigatewayv2',
  clientName: 'ApiGatewayV2Client',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'TooManyRequestsException', invalidToken: 'BadRequestException' },
  collections: {
    apis: collection<WorldV2Api>({
      id: 'ApiId',
      required: ['Name', 'ProtocolType'],
      dates: ['CreatedDate'],
      worldOnly: ['Routes', 'Integrations', 'Authorizers'],
      derive: (api, context) => ({ ApiEndpoint: api.ApiEndpoint ?? `https://${api.ApiId}.execute-api.${context.region}.amazonaws.com` }),
      notFound: { error: 'NotFoundException', message: (id) => `Invalid API identifier specified ${id}` },
    }),
  },
  operations: {
    GetApis: custom<GetApisCommandInput, GetApisCommandOutput>((input, context, kit) =>
      partsPage(
        kit,
        context,
        kit.records('apis', context).map((record) => kit.view('apis', record, context) as unknown as Api),
        input,
      ),
    ),
    GetRoutes: custom<GetRoutesCommandInput, GetRoutesCommandOutput>((input, context, kit) =>
      partsPage(kit, context, apiOf(kit, context, input.ApiId).Routes ?? [], input),
    ),
    GetIntegrations: custom<GetIntegrationsCommandInput, GetIntegrationsCommandOutput>((input, context, kit) =>
      partsPage(kit, context, apiOf(kit, context, input.ApiId).Integrations ?? [], input),
    ),
    GetAuthorizers: custom<GetAuthorizersCommandInput, GetAuthorizersCommandOutput>((input, context, kit) =>
      partsPage(kit, context, apiOf(kit, context, input.ApiId).Authorizers ?? [], input),
    ),
  },
  generate: generateApiGatewayV2Section,
});
