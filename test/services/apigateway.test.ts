import test from 'ava';
import { validateEntity } from '../../src/graph';
import {
  convertRestApi,
  convertRestApiPolicy,
  convertV2Api,
  convertV2Authorizer,
  convertV2Integration,
  convertV2Route,
  integrationTargetRef,
  restApiFunctions,
} from '../../src/services/apigateway/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '123456789012', region: 'us-east-1' };
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:my-function';

// Shape: API Gateway REST API Reference, GET /restapis (RestApi items); the policy comes back with
// its quotes escaped.
test('a REST API: ARN key, endpoint host, tags, private or not, its resource policy as an AccessPolicy', (t) => {
  const api = convertRestApi(
    {
      id: 'fugvjdxtri',
      name: 'PetStore',
      description: 'Your first API with Amazon API Gateway.',
      createdDate: new Date('2016-11-30T20:42:05Z'),
      apiKeySource: 'HEADER',
      endpointConfiguration: { types: ['REGIONAL'] },
      tags: { team: 'pets' },
      policy:
        '{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"execute-api:Invoke\\",\\"Resource\\":\\"*\\"}]}',
    },
    scope,
  );
  t.like(api, {
    _key: 'arn:aws:apigateway:us-east-1::/restapis/fugvjdxtri',
    hostname: 'fugvjdxtri.execute-api.us-east-1.amazonaws.com',
    public: true,
    resourcePolicyPublic: true,
    createdOn: Date.parse('2016-11-30T20:42:05Z'),
    'tag.team': 'pets',
  });
  t.deepEqual(validateEntity(api), []);
  const policy = convertRestApiPolicy(api, '{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}');
  t.like(policy, { _type: 'aws_api_gateway_rest_api_policy', document: '{"Version":"2012-10-17","Statement":[]}', public: false });
  t.deepEqual(validateEntity(policy!), []);
  const privateApi = convertRestApi({ id: 'abcdefghij', name: 'internal', endpointConfiguration: { types: ['PRIVATE'] } }, scope);
  t.false(privateApi.public);
  t.false('resourcePolicyPublic' in privateApi);
});

// Shape: GET /restapis/{id}/resources?embed=methods (Resource with resourceMethods.methodIntegration).
test('the functions a REST API invokes, from its embedded method integrations', (t) => {
  t.deepEqual(
    restApiFunctions([
      { id: 'r1', path: '/' },
      {
        id: 'r2',
        path: '/pets',
        resourceMethods: {
          GET: {
            httpMethod: 'GET',
            methodIntegration: { type: 'AWS_PROXY', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}:live/invocations` },
          },
          POST: { httpMethod: 'POST', methodIntegration: { type: 'HTTP', uri: 'http://petstore.example.com/pets' } },
        },
      },
    ]),
    [FN],
  );
});

test('integration and authorizer URIs: functions, the load balancer of a listener, other ARNs, and URLs', (t) => {
  t.deepEqual(integrationTargetRef(FN), { _key: FN, _type: 'aws_lambda_function' });
  t.deepEqual(integrationTargetRef('arn:aws:elasticloadbalancing:us-east-2:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/0467ef3c8400ae65'), {
    _key: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188',
    _type: 'aws_alb',
  });
  t.like(integrationTargetRef('arn:aws:elasticloadbalancing:us-east-2:123456789012:listener/net/my-nlb/50dc6c495c0c9188/0467ef3c8400ae65'), {
    _type: 'aws_nlb',
  });
  t.like(integrationTargetRef('arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1'), { _type: 'aws_resource' });
  t.is(integrationTargetRef('https://example.com'), undefined);
});

// Shapes: API Gateway v2 API Reference, GetApis, GetRoutes, GetIntegrations, GetAuthorizers.
test('an HTTP API, a public route, its integration and JWT authorizer, all valid', (t) => {
  const api = convertV2Api(
    {
      ApiId: 'a1b2c3d4',
      Name: 'my-http-api',
      ProtocolType: 'HTTP',
      RouteSelectionExpression: '$request.method $request.path',
      ApiEndpoint: 'https://a1b2c3d4.execute-api.us-east-1.amazonaws.com',
      CreatedDate: new Date('2020-04-08T19:05:45Z'),
    },
    scope,
  );
  t.like(api, { _key: 'arn:aws:apigateway:us-east-1::/apis/a1b2c3d4', hostname: 'a1b2c3d4.execute-api.us-east-1.amazonaws.com', protocolType: 'HTTP' });
  const route = convertV2Route(api, { RouteId: '0abcdef', RouteKey: 'GET /pets', AuthorizationType: 'NONE', Target: 'integrations/0a1b2c3' });
  t.like(route, { _key: `${api._key}/routes/0abcdef`, public: true, routeKey: 'GET /pets' });
  const integration = convertV2Integration(api, { IntegrationId: '0a1b2c3', IntegrationType: 'AWS_PROXY', IntegrationUri: FN, PayloadFormatVersion: '2.0' });
  const authorizer = convertV2Authorizer(api, {
    AuthorizerId: 'au1',
    Name: 'jwt',
    AuthorizerType: 'JWT',
    IdentitySource: ['$request.header.Authorization'],
    JwtConfiguration: { Audience: ['client'], Issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x' },
  });
  for (const entity of [api, route, integration, authorizer]) t.deepEqual(validateEntity(entity), []);
});

// With the services the edges reach (collected types are named by key: without their collector the edge is dropped).
const API_GATEWAY_RUN = { config: { services: { include: ['apigateway', 'lambda', 'elasticloadbalancing'] } } };
const ORDERS = 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5';
const WEB = 'arn:aws:apigateway:us-east-1::/apis/h7g8f9e0d1';

test('the simulated organization, one page at a time: APIs, routes, integrations, authorizers and what they reach', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world, API_GATEWAY_RUN);
  t.deepEqual(summary.errors, []);
  t.like(summary.counts.entities, {
    aws_api_gateway_rest_api: 2,
    aws_api_gateway_rest_api_policy: 2,
    aws_api_gateway_v2_api: 1,
    aws_api_gateway_v2_route: 3,
    aws_api_gateway_v2_integration: 2,
    aws_api_gateway_v2_authorizer: 2,
  });
  const has = (from: string, verb: string, to: string) =>
    [...graph.allRelationships()].some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to);
  t.true(has(ORDERS, 'TRIGGERS', 'arn:aws:lambda:us-east-1:222222222222:function:orders-api'));
  t.like(graph.getEntity(`${ORDERS}|policy`), { public: true });
  t.like(graph.getEntity('arn:aws:apigateway:us-east-1::/restapis/p9q8r7s6t5'), { public: false, resourcePolicyPublic: false });
  t.true(has(`${WEB}/routes/rt0orders`, 'HAS', `${WEB}/integrations/in0web`));
  t.true(has(`${WEB}/routes/rt0orders`, 'HAS', `${WEB}/authorizers/au0lambda`));
  t.true(has(`${WEB}/authorizers/au0lambda`, 'CONNECTS', 'arn:aws:lambda:us-east-1:222222222222:function:orders-api'));
  t.true(has(`${WEB}/integrations/in0thumbs`, 'CONNECTS', 'arn:aws:lambda:us-east-1:222222222222:function:thumbnailer'));
  // The web load balancer behind the VPC link, as Elastic Load Balancing's collector reports it.
  const alb = 'arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/prod-web/50dc6c495c0c9188';
  t.true(has(`${WEB}/integrations/in0web`, 'CONNECTS', alb));
  t.not(graph.getEntity(alb)?._source, 'system-mapper');
  t.like(graph.getEntity(`${WEB}/routes/rt0proxy`), { public: true });
  t.deepEqual(graphIssues(graph), []);
});

test('a denied GetResources costs the TRIGGERS edges only', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'apigateway', operation: 'GetResources', error: 'AccessDenied' }];
  const { graph, summary } = await simulate(world, API_GATEWAY_RUN);
  t.is(graph.entitiesOfType('aws_api_gateway_rest_api').length, 2);
  // Lambda's own policy still names the API as a source; API Gateway's collector draws none.
  const triggers = [...graph.allRelationships()].filter((r) => r._fromEntityKey === ORDERS && r._class === 'TRIGGERS');
  t.deepEqual(
    triggers.map((r) => r._collector),
    ['lambda-functions'],
  );
  t.deepEqual(
    summary.errors.map((e) => `${e.account} ${e.region} ${e.operation} ${e.code}`),
    ['222222222222 us-east-1 apigateway:GetResources AccessDenied'],
  );
});
