import test from 'ava';
import type { Entity } from '../../src/graph';
import { BASE_CREDENTIALS, PRODUCTION, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS of test/wire: the edge and DNS services (Route 53
// REST-XML and Route 53 Domains JSON 1.1, CloudFront REST-XML), from fixtures shaped as their API References document them.

// With the services the edges reach: instances, buckets, certificates, functions and load balancers come from their own
// collectors (collected types are named by key: without their collector the edge is dropped).
const SERVICES = 'route53,cloudfront,apigateway,ec2,s3,acm,lambda,elasticloadbalancing';

let edgeRun: Promise<CliRun> | undefined;
const run = () => (edgeRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--regions', 'us-east-1', '--services', SERVICES]));

function entity(result: CliRun, key: string): Entity {
  const found = result.snapshot?.entities.find((e) => e._key === key);
  if (!found) throw new Error(`no entity ${key} in the snapshot`);
  return found;
}

function edge(result: CliRun, from: string, verb: string, to: string): boolean {
  return result.snapshot?.relationships.some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to) ?? false;
}

test('the run is clean: every request answered from the fixtures, signed, no secret written', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  t.deepEqual(result.server.unanswered(), []);
  t.deepEqual(secretLeaks(result, [...result.server.secrets(), BASE_CREDENTIALS.secretAccessKey]), []);
});

// API ids are made per account by the fixtures (their keys do not name the account).
const ORDERS_API = `arn:aws:apigateway:us-east-1::/restapis/a1b2c3${PRODUCTION.slice(-4)}`;
const WEB_API = `arn:aws:apigateway:us-east-1::/apis/h7g8f9${PRODUCTION.slice(-4)}`;

test('API Gateway over REST-JSON (v1 and v2): APIs, the policy, routes and what they reach', async (t) => {
  const result = await run();
  t.like(result.summary?.counts.entities, {
    aws_api_gateway_rest_api: 1,
    aws_api_gateway_rest_api_policy: 1,
    aws_api_gateway_v2_api: 1,
    aws_api_gateway_v2_route: 2,
    aws_api_gateway_v2_integration: 2,
    aws_api_gateway_v2_authorizer: 1,
  });
  const fn = `arn:aws:lambda:us-east-1:${PRODUCTION}:function:my-function`;
  t.like(entity(result, ORDERS_API), { name: 'orders-api', 'tag.team': 'orders', createdOn: 1683709200_000, resourcePolicyPublic: false });
  t.like(entity(result, `${ORDERS_API}|policy`), { public: false });
  t.true(edge(result, ORDERS_API, 'TRIGGERS', fn));
  t.true(edge(result, `${WEB_API}/routes/rt1`, 'HAS', `${WEB_API}/integrations/in1`));
  t.true(edge(result, `${WEB_API}/routes/rt1`, 'HAS', `${WEB_API}/authorizers/au1`));
  t.true(edge(result, `${WEB_API}/integrations/in1`, 'CONNECTS', fn));
  t.true(
    edge(
      result,
      `${WEB_API}/integrations/in2`,
      'CONNECTS',
      `arn:aws:elasticloadbalancing:us-east-1:${PRODUCTION}:loadbalancer/app/my-load-balancer/50dc6c495c0c9188`,
    ),
  );
  t.like(entity(result, `${WEB_API}/routes/rt2`), { public: true });
  // The distribution's API origin is the REST API.
  t.true(edge(result, DISTRIBUTION, 'CONNECTS', ORDERS_API));
});

const DISTRIBUTION = `arn:aws:cloudfront::${PRODUCTION}:distribution/EDFDVBD6EXAMPLE`;

test('CloudFront over REST-XML: the distribution, its origins and what they are, certificate, Lambda@Edge', async (t) => {
  const result = await run();
  t.like(result.summary?.counts.entities, { aws_cloudfront_distribution: 1, aws_cloudfront_distribution_origin: 2 });
  t.like(entity(result, DISTRIBUTION), {
    domainName: 'd111111abcdef8.cloudfront.net',
    httpsOnly: true,
    loggingEnabled: true,
    defaultRootObject: 'index.html',
    wafEnabled: true,
    minimumProtocolVersion: 'TLSv1.2_2021',
    'tag.team': 'web',
    updatedOn: Date.parse('2019-12-04T23:35:41.433Z'),
  });
  t.deepEqual(entity(result, DISTRIBUTION).aliases, ['www.example.com']);
  t.true(edge(result, DISTRIBUTION, 'HAS', `${DISTRIBUTION}|origin|api`));
  t.true(edge(result, DISTRIBUTION, 'CONNECTS', `arn:aws:s3:::${PRODUCTION}-app-data`));
  t.true(edge(result, DISTRIBUTION, 'USES', `arn:aws:acm:us-east-1:${PRODUCTION}:certificate/12345678-1234-1234-1234-123456789012`));
  t.true(edge(result, DISTRIBUTION, 'TRIGGERS', `arn:aws:lambda:us-east-1:${PRODUCTION}:function:my-function`));
  t.false(JSON.stringify(result.snapshot).includes('wire-secret-origin-header'), 'origin header values are never stored');
});

test('Route 53 over REST-XML and JSON 1.1: domains, zones, records and the hosts they name', async (t) => {
  const result = await run();
  t.like(result.summary?.counts.entities, { aws_route53_domain: 2, aws_route53_zone: 2, aws_route53_record: 7 });
  // Zone ids are made per account by the fixture, as AWS makes them unique (their ARNs name no account).
  const tail = PRODUCTION.slice(-4);
  const zone = `arn:aws:route53:::hostedzone/Z1D633PJN${tail}`;
  const domain = `aws:${PRODUCTION}:route53-domain:example.com`;
  t.like(entity(result, zone), { domainName: 'example.com', privateZone: false, 'tag.owner': 'dns-team', recordCount: 6 });
  t.like(entity(result, domain), { autoRenew: true, transferLock: true, privacyProtected: true, expiresOn: 1803643200_000, 'tag.owner': 'web' });
  t.like(entity(result, `aws:${PRODUCTION}:route53-domain:example.net`), { autoRenew: false, privacyProtected: false });
  t.false(JSON.stringify(result.snapshot).includes('john@example.com'), 'registrant contacts are not stored');
  t.true(edge(result, domain, 'HAS', zone));
  t.true(edge(result, zone, 'HAS', `${zone}|app.example.com|A|Seattle data center`));
  t.true(edge(result, zone, 'HAS', `${zone}|app.example.com|A|Portland data center`));
  // The bastion's record names the EC2 fixture's instance and its Elastic IP.
  const bastion = `${zone}|bastion.example.com|A`;
  t.true(edge(result, bastion, 'CONNECTS', `arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-1234567890abcdef0`));
  t.true(edge(result, bastion, 'CONNECTS', `arn:aws:ec2:us-east-1:${PRODUCTION}:elastic-ip/eipalloc-0f2e3d4c5bEXAMPLE`));
  t.true(edge(result, `${zone}|www.example.com|A`, 'CONNECTS', DISTRIBUTION), 'the alias finds the distribution by its domain name');
  t.true(edge(result, `${zone}|api.example.com|CNAME`, 'CONNECTS', ORDERS_API), 'the CNAME finds the API by its execute-api host');
  const listed = result.server.calls().filter((c) => c.operation === 'ListResourceRecordSets');
  t.deepEqual(listed.map((c) => c.input.Id).sort(), [`Z1D633PJN${tail}`, `Z2INTERNAL${tail}`]);
  t.true(
    result.server
      .calls()
      .filter((c) => c.service === 'route53domains')
      .every((c) => c.region === 'us-east-1'),
  );
});
