import test from 'ava';
import type { Entity } from '../../src/graph';
import { BASE_CREDENTIALS, PRODUCTION, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS of test/wire: WAF (v2) and WAF Classic (global
// and regional), JSON 1.1, from fixtures shaped as their API References document them, with the
// services whose resources the web ACLs protect.
const SERVICES = 'waf,waf_v2,cloudfront,elasticloadbalancing,apigateway';

let wafRun: Promise<CliRun> | undefined;
const run = () => (wafRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--regions', 'us-east-1,eu-west-1', '--services', SERVICES]));

function entity(result: CliRun, key: string): Entity {
  const found = result.snapshot?.entities.find((e) => e._key === key);
  if (!found) throw new Error(`no entity ${key} in the snapshot`);
  return found;
}

function edge(result: CliRun, from: string, verb: string, to: string): boolean {
  return result.snapshot?.relationships.some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to) ?? false;
}

const REGIONAL_ACL = `arn:aws:wafv2:us-east-1:${PRODUCTION}:regional/webacl/ExampleWebACL/0f2e4d6c-8b0a-4c1e-9f3d-5b7a9c1e3f50`;
const UNUSED_ACL = `arn:aws:wafv2:us-east-1:${PRODUCTION}:regional/webacl/UnusedWebACL/1a3c5e7f-9b1d-4f2a-8c4e-6a8b0c2d4e60`;
const CLOUDFRONT_ACL = `arn:aws:wafv2:us-east-1:${PRODUCTION}:global/webacl/example/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`;
const CLASSIC_ACL = `arn:aws:waf-regional:us-east-1:${PRODUCTION}:webacl/webacl-1472061481310`;
const LOAD_BALANCER = `arn:aws:elasticloadbalancing:us-east-1:${PRODUCTION}:loadbalancer/app/my-load-balancer/50dc6c495c0c9188`;
// API ids are made per account by the fixtures (their keys do not name the account).
const ORDERS_API = `arn:aws:apigateway:us-east-1::/restapis/a1b2c3${PRODUCTION.slice(-4)}`;
const DISTRIBUTION = `arn:aws:cloudfront::${PRODUCTION}:distribution/EDFDVBD6EXAMPLE`;

test('the run is clean: every request answered from the fixtures, signed, no secret written; retired Classic APIs are no errors', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  t.deepEqual(result.server.unanswered(), []);
  // The fixtures answer the retired Classic APIs as an unknown operation, on purpose: recorded as not offered, no error.
  const retired = result.server.calls().filter((call) => call.error === 'UnknownOperationException');
  t.deepEqual([...new Set(retired.map((call) => call.action))].sort(), ['waf-regional:ListWebACLs', 'waf:ListWebACLs']);
  t.deepEqual(secretLeaks(result, [...result.server.secrets(), BASE_CREDENTIALS.secretAccessKey]), []);
});

test('WAF (v2) over JSON 1.1: REGIONAL and CLOUDFRONT web ACLs, their rules, logging, tags and what they protect', async (t) => {
  const result = await run();
  t.like(result.summary?.counts.entities, { aws_waf_v2_web_acl: 3, aws_waf_web_acl: 1 });
  t.like(entity(result, REGIONAL_ACL), {
    _type: 'aws_waf_v2_web_acl',
    scope: 'REGIONAL',
    defaultAction: 'ALLOW',
    rulesCount: 3,
    rateBasedRulesCount: 1,
    capacity: 802,
    loggingEnabled: true,
    logDestinations: [`arn:aws:firehose:us-east-1:${PRODUCTION}:deliverystream/aws-waf-logs-example`],
    'tag.team': 'edge',
  });
  t.deepEqual(entity(result, REGIONAL_ACL).managedRuleGroups, ['AWS/AWSManagedRulesCommonRuleSet', 'AWS/AWSManagedRulesSQLiRuleSet']);
  t.like(entity(result, UNUSED_ACL), { defaultAction: 'BLOCK', rulesCount: 0, loggingEnabled: false });
  t.like(entity(result, CLOUDFRONT_ACL), { scope: 'CLOUDFRONT', defaultAction: 'BLOCK', loggingEnabled: false });
  t.true(edge(result, `aws:${PRODUCTION}:service:waf_v2`, 'HAS', REGIONAL_ACL));
  t.true(edge(result, REGIONAL_ACL, 'PROTECTS', LOAD_BALANCER));
  t.true(edge(result, REGIONAL_ACL, 'PROTECTS', ORDERS_API), 'the API stage, by its REST API');
  t.true(edge(result, CLOUDFRONT_ACL, 'PROTECTS', DISTRIBUTION), 'the distribution names the web ACL by ARN');
  t.false(result.snapshot?.relationships.some((r) => r._fromEntityKey === UNUSED_ACL && r._class === 'PROTECTS'));
});

test('WAF Classic: the regional web ACL and its load balancer; the retired global and eu-west-1 APIs recorded as not offered', async (t) => {
  const result = await run();
  t.like(entity(result, CLASSIC_ACL), { classic: true, defaultAction: 'ALLOW', rulesCount: 1, loggingEnabled: false });
  t.true(edge(result, `aws:${PRODUCTION}:service:waf`, 'HAS', CLASSIC_ACL));
  t.true(edge(result, CLASSIC_ACL, 'PROTECTS', LOAD_BALANCER));
  t.like(entity(result, `aws:${PRODUCTION}:service:waf`), {
    'offered.global': false,
    'offered.us-east-1': true,
    'offered.eu-west-1': false,
    notOfferedRegions: ['eu-west-1', 'global'],
  });
});
