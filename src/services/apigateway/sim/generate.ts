import { ownRandom } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';
import type { WorldRestApi, WorldV2Api } from './simulator';

const lambdaUri = (region: string, functionArn: string) => `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;

/** Names of the functions the Lambda generator makes (`gen-fn-<n>`), when it made some. */
function generatedFunctions(input: GenerateInput): string[] {
  const lambda = input.sections.lambda as { functions?: Array<{ FunctionName?: string; FunctionArn?: string }> } | undefined;
  return (lambda?.functions ?? []).map((fn) => fn.FunctionArn ?? `arn:aws:lambda:${input.region}:${input.accountId}:function:${fn.FunctionName}`);
}

/** The benchmark worlds' REST APIs: one per five resources, each method invoking a generated function when there is one. */
export function generateApiGatewaySection(input: GenerateInput): { restApis: WorldRestApi[] } {
  const random = ownRandom(input, 'apigateway');
  const functions = generatedFunctions(input);
  return {
    restApis: Array.from({ length: Math.ceil(input.size / 5) }, (_, index): WorldRestApi => {
      const id = `r${input.accountId.slice(-4)}${index}`.padEnd(10, 'x');
      const fn = functions.length ? functions[Math.floor(random() * functions.length)] : undefined;
      return {
        id,
        name: `api-${index}`,
        createdDate: new Date(Date.UTC(2024, 0, 1) + index * 86_400_000).toISOString(),
        endpointConfiguration: { types: [random() < 0.2 ? 'PRIVATE' : 'REGIONAL'] },
        apiKeySource: 'HEADER',
        tags: { environment: random() < 0.5 ? 'production' : 'staging' },
        Resources: [
          { id: `${id.slice(0, 6)}root`, path: '/' },
          {
            id: `${id.slice(0, 6)}item`,
            parentId: `${id.slice(0, 6)}root`,
            pathPart: 'items',
            path: '/items',
            resourceMethods: fn
              ? {
                  GET: {
                    httpMethod: 'GET',
                    authorizationType: 'NONE',
                    methodIntegration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: lambdaUri(input.region, fn) },
                  },
                }
              : { GET: { httpMethod: 'GET', authorizationType: 'NONE', methodIntegration: { type: 'MOCK' } } },
          },
        ],
      };
    }),
  };
}

/** The benchmark worlds' HTTP APIs: one per ten resources, a route with a Lambda proxy integration. */
export function generateApiGatewayV2Section(input: GenerateInput): { apis: WorldV2Api[] } {
  const functions = generatedFunctions(input);
  return {
    apis: Array.from({ length: Math.ceil(input.size / 10) }, (_, index): WorldV2Api => {
      const id = `h${input.accountId.slice(-4)}${index}`.padEnd(10, 'x');
      const fn = functions[index % Math.max(functions.length, 1)];
      return {
        ApiId: id,
        Name: `http-api-${index}`,
        ProtocolType: 'HTTP',
        RouteSelectionExpression: '$request.method $request.path',
        CreatedDate: new Date(Date.UTC(2024, 0, 1) + index * 86_400_000).toISOString(),
        Routes: [{ RouteId: 'r1', RouteKey: 'GET /items', AuthorizationType: 'NONE', Target: 'integrations/i1' }],
        Integrations: [
          fn
            ? { IntegrationId: 'i1', IntegrationType: 'AWS_PROXY', IntegrationUri: fn, PayloadFormatVersion: '2.0' }
            : {
                IntegrationId: 'i1',
                IntegrationType: 'HTTP_PROXY',
                IntegrationMethod: 'GET',
                IntegrationUri: 'https://example.com',
                PayloadFormatVersion: '1.0',
              },
        ],
        Authorizers: [],
      };
    }),
  };
}
