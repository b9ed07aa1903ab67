import test from 'ava';
import type { WebACL as ClassicWebAcl } from '@aws-sdk/client-waf';
import type { WebACL } from '@aws-sdk/client-wafv2';
import { validateEntity } from '../../src/graph';
import { classicNotOffered } from '../../src/services/waf/collectors';
import { convertClassicWebAcl, convertWebAcl } from '../../src/services/waf/converters';
import { stageApiArn } from '../../src/services/waf/schema';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const ACCOUNT = '123456789012';

// Shape: AWS WAFV2 API Reference, GetWebACL response (`WebACL`), as the SDK deserializes it.
const v2WebAcl: WebACL = {
  Name: 'ExampleWebACL',
  Id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  ARN: `arn:aws:wafv2:us-west-2:${ACCOUNT}:regional/webacl/ExampleWebACL/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`,
  DefaultAction: { Allow: {} },
  Description: 'example',
  Rules: [
    {
      Name: 'AWS-AWSManagedRulesCommonRuleSet',
      Priority: 0,
      Statement: {
        ManagedRuleGroupStatement: {
          VendorName: 'AWS',
          Name: 'AWSManagedRulesCommonRuleSet',
          ScopeDownStatement: { NotStatement: { Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'Nested' } } } },
        },
      },
      OverrideAction: { None: {} },
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'common' },
    },
    {
      Name: 'limit',
      Priority: 1,
      Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
      Action: { Block: {} },
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'limit' },
    },
  ],
  VisibilityConfig: { SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true, MetricName: 'ExampleWebACL' },
  Capacity: 710,
  ManagedByFirewallManager: false,
  LabelNamespace: `awswaf:${ACCOUNT}:webacl:ExampleWebACL:`,
};

test('a v2 web ACL: ARN key, default action, rules, managed rule groups, logging and tags, valid', (t) => {
  const summary = { Name: v2WebAcl.Name, Id: v2WebAcl.Id, ARN: v2WebAcl.ARN, Description: 'example', LockToken: 'token' };
  const entity = convertWebAcl({
    summary,
    detail: v2WebAcl,
    tags: [{ Key: 'team', Value: 'edge' }],
    logging: { LogDestinationConfigs: [`arn:aws:firehose:us-west-2:${ACCOUNT}:deliverystream/aws-waf-logs-example`] },
    accountId: ACCOUNT,
    region: 'us-west-2',
    scope: 'REGIONAL',
  });
  t.like(entity, {
    _key: v2WebAcl.ARN,
    _type: 'aws_waf_v2_web_acl',
    _class: ['Firewall'],
    name: 'ExampleWebACL',
    id: v2WebAcl.Id,
    scope: 'REGIONAL',
    defaultAction: 'ALLOW',
    rulesCount: 2,
    rateBasedRulesCount: 1,
    capacity: 710,
    loggingEnabled: true,
    sampledRequestsEnabled: false,
    'tag.team': 'edge',
  });
  // A scope-down statement narrows what the group inspects: it is not a group the ACL uses.
  t.deepEqual(entity.managedRuleGroups, ['AWS/AWSManagedRulesCommonRuleSet']);
  t.deepEqual(entity.ruleActions, ['Block', 'None']);
  t.deepEqual(validateEntity(entity), []);
});

test('a v2 web ACL from the list alone: facts of GetWebACL and logging unknown, not false', (t) => {
  const entity = convertWebAcl({
    summary: { Name: 'x', Id: 'id-1', ARN: `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/x/id-1` },
    accountId: ACCOUNT,
    region: 'us-east-1',
    scope: 'CLOUDFRONT',
  });
  t.like(entity, { scope: 'CLOUDFRONT', name: 'x' });
  for (const name of ['defaultAction', 'rulesCount', 'managedRuleGroups', 'loggingEnabled']) t.false(name in entity, name);
  t.is(
    convertWebAcl({
      summary: { Name: 'x', Id: 'i', ARN: `arn:aws:wafv2:us-east-1:${ACCOUNT}:regional/webacl/x/i` },
      logging: null,
      accountId: ACCOUNT,
      region: 'us-east-1',
      scope: 'REGIONAL',
    }).loggingEnabled,
    false,
  );
  t.deepEqual(validateEntity(entity), []);
});

// Shape: AWS WAF Classic API Reference, GetWebACL response example.
const classicWebAcl: ClassicWebAcl = {
  WebACLId: 'createwebacl-1472061481310',
  Name: 'CreateExample',
  MetricName: 'CreateExample',
  DefaultAction: { Type: 'ALLOW' },
  Rules: [
    { Priority: 1, RuleId: 'WAFRule-1-Example', Action: { Type: 'ALLOW' }, Type: 'REGULAR' },
    { Priority: 2, RuleId: 'WAFRule-2-Example', Action: { Type: 'BLOCK' }, Type: 'RATE_BASED' },
  ],
  WebACLArn: `arn:aws:waf::${ACCOUNT}:webacl/createwebacl-1472061481310`,
};

test('a Classic web ACL, global and regional: ARN key (computed without GetWebACL), default action, rule counts, valid', (t) => {
  const summary = { WebACLId: classicWebAcl.WebACLId, Name: classicWebAcl.Name };
  const global = convertClassicWebAcl({ summary, detail: classicWebAcl, logging: null, accountId: ACCOUNT });
  t.like(global, {
    _key: classicWebAcl.WebACLArn,
    _type: 'aws_waf_web_acl',
    scope: 'CLOUDFRONT',
    classic: true,
    defaultAction: 'ALLOW',
    rulesCount: 2,
    rateBasedRulesCount: 1,
    loggingEnabled: false,
  });
  t.deepEqual(validateEntity(global), []);
  const regional = convertClassicWebAcl({ summary, accountId: ACCOUNT, region: 'eu-west-1' });
  t.is(regional._key, `arn:aws:waf-regional:eu-west-1:${ACCOUNT}:webacl/createwebacl-1472061481310`);
  t.like(regional, { scope: 'REGIONAL', region: 'eu-west-1' });
  t.false('defaultAction' in regional);
});

test('API stages are named by their REST API; retired Classic APIs are told from denials', (t) => {
  t.is(stageApiArn('arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod'), 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5');
  t.is(stageApiArn('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1'), undefined);
  const named = (name: string) => Object.assign(new Error('gone'), { name });
  t.true(classicNotOffered(named('UnknownOperationException')));
  t.true(classicNotOffered(Object.assign(new Error('getaddrinfo ENOTFOUND waf-regional.ap-east-1.amazonaws.com'), { code: 'ENOTFOUND' })));
  t.false(classicNotOffered(named('AccessDeniedException')));
  t.false(classicNotOffered(named('ThrottlingException')));
});

const WAF_RUN = { config: { services: { include: ['waf', 'waf_v2', 'cloudfront', 'elasticloadbalancing', 'apigateway'] } } };
const PROD_REGIONAL = 'arn:aws:wafv2:us-east-1:222222222222:regional/webacl/acme-prod-regional/3f1e8a52-0c4d-4b6e-9a7f-1d2c3b4a5e60';
const PROD_EDGE = 'arn:aws:wafv2:us-east-1:222222222222:global/webacl/acme-edge/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const LEGACY_CLASSIC = 'arn:aws:waf-regional:us-east-1:222222222222:webacl/5c0a7e1f-2b3d-4c5e-8f90-a1b2c3d4e5f6';
const STAGING_CLASSIC = 'arn:aws:waf::333333333333:webacl/0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';

test('the simulated organization, one page at a time: both WAFs, what they protect, Classic not offered where retired', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary: run } = await simulate(world, WAF_RUN);
  t.deepEqual(run.errors, []);
  t.like(run.counts.entities, { aws_waf_v2_web_acl: 2, aws_waf_web_acl: 2 });
  const has = (from: string, verb: string, to: string) =>
    [...graph.allRelationships()].some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to);
  t.like(graph.getEntity(PROD_REGIONAL), {
    defaultAction: 'ALLOW',
    rulesCount: 3,
    loggingEnabled: true,
    managedRuleGroups: ['AWS/AWSManagedRulesCommonRuleSet', 'AWS/AWSManagedRulesKnownBadInputsRuleSet'],
    'tag.owner': 'security@acme.example',
  });
  t.true(has('aws:222222222222:service:waf_v2', 'HAS', PROD_REGIONAL));
  t.true(has(PROD_REGIONAL, 'PROTECTS', 'arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/prod-web/50dc6c495c0c9188'));
  t.true(has(PROD_REGIONAL, 'PROTECTS', 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5'), 'the stage prod of the orders API: its REST API');
  t.true(has(PROD_EDGE, 'PROTECTS', 'arn:aws:cloudfront::222222222222:distribution/E2QWRUHEXAMPLE'), 'the website names the ACL by ARN');
  t.like(graph.getEntity(PROD_EDGE), { scope: 'CLOUDFRONT', defaultAction: 'BLOCK', loggingEnabled: false });
  t.like(graph.getEntity(LEGACY_CLASSIC), { classic: true, defaultAction: 'ALLOW', loggingEnabled: false, rulesCount: 1 });
  t.true(has(LEGACY_CLASSIC, 'PROTECTS', 'arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/legacy-portal/7a1f0e2d3c4b5a69'));
  t.true(has(STAGING_CLASSIC, 'PROTECTS', 'arn:aws:cloudfront::333333333333:distribution/E1STAGINGEXAMPLE'), 'staging names the Classic id');
  t.false(has(PROD_EDGE, 'PROTECTS', 'arn:aws:cloudfront::222222222222:distribution/E3LEGACYEXAMPLE'));
  // Retired Classic APIs: recorded on aws_waf, not as errors.
  t.like(graph.getEntity('aws:222222222222:service:waf'), {
    'offered.global': false,
    'offered.eu-west-1': false,
    'offered.us-east-1': true,
    notOfferedRegions: ['eu-west-1', 'global'],
  });
  t.like(graph.getEntity('aws:333333333333:service:waf'), { 'offered.global': true });
  t.false('notOfferedRegions' in (graph.getEntity('aws:333333333333:service:waf') ?? {}));
  t.deepEqual(graphIssues(graph), []);
});

test('a stage of an API that is not collected becomes a mapped REST API; denied enrichments leave facts unknown', async (t) => {
  const world = builtinWorld();
  const section = world.accounts.find((a) => a.id === '222222222222')?.regions?.['us-east-1']?.wafv2 as { webAcls: Array<{ Resources?: string[] }> };
  section.webAcls[0].Resources = [...(section.webAcls[0].Resources ?? []), 'arn:aws:apigateway:us-east-1::/restapis/gone000000/stages/v1'];
  world.faults = [
    { service: 'wafv2', operation: 'GetWebACL', error: 'AccessDenied' },
    { service: 'wafv2', operation: 'ListLoggingConfigurations', error: 'AccessDenied' },
  ];
  const { graph, summary: run } = await simulate(world, { config: { services: { include: ['waf_v2', 'elasticloadbalancing', 'apigateway'] } } });
  const mapped = graph.getEntity('arn:aws:apigateway:us-east-1::/restapis/gone000000');
  t.like(mapped, { _type: 'aws_api_gateway_rest_api', _source: 'system-mapper' });
  const acl = graph.getEntity(PROD_REGIONAL);
  t.truthy(acl);
  for (const name of ['defaultAction', 'rulesCount', 'loggingEnabled']) t.false(name in (acl ?? {}), name);
  t.true([...graph.allRelationships()].some((r) => r._fromEntityKey === PROD_REGIONAL && r._toEntityKey === mapped?._key));
  t.deepEqual([...new Set(run.errors.map((e) => `${e.account} ${e.operation} ${e.code}`))].sort(), [
    '222222222222 wafv2:GetWebACL AccessDenied',
    '222222222222 wafv2:ListLoggingConfigurations AccessDenied',
  ]);
});

test('a denied Classic ListWebACLs is an error of its collector, not "not offered"; the other collectors are whole', async (t) => {
  const world = builtinWorld();
  world.faults = [{ account: '333333333333', service: 'waf', operation: 'ListWebACLs', error: 'AccessDenied' }];
  const { graph, summary: run } = await simulate(world, { config: { services: { include: ['waf', 'cloudfront'] } } });
  t.deepEqual(
    run.errors.map((e) => `${e.account} ${e.operation} ${e.code}`),
    ['333333333333 waf:ListWebACLs AccessDenied'],
  );
  t.false('offered.global' in (graph.getEntity('aws:333333333333:service:waf') ?? {}));
  t.is(graph.entitiesOfType('aws_waf_web_acl').length, 1, 'the production legacy ACL (regional) is still collected');
});
