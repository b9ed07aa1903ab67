/**
 * The event-streaming CloudFormation templates: the hub (bus with an organization-wide policy, rule,
 * encrypted queue and dead-letter queue, queue policy admitting only the rule) and the forwarder
 * (role and one rule per derived event pattern), as data, as YAML and through the CLI.
 */
import test from 'ava';
import { parse } from 'yaml';
import {
  DEPLOY_COMMENTS,
  eventForwarderTemplate,
  eventHubTemplate,
  FORWARDER_ROLE_ID,
  forwarderRuleId,
  HUB_IDS,
  templateYaml,
} from '../../src/events/cloudformation';
import { eventPatterns } from '../../src/events/declarations';
import { allCollectors } from '../../src/services';
import { runBinary } from '../helpers/cli';

// Templates are loose JSON; the assertions below check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Type: string; Properties: Record<string, any> };
const resources = (template: Record<string, unknown>) => template.Resources as Record<string, Resource>;

test('the hub: bus open to the organization by aws:PrincipalOrgID, encrypted queue and DLQ, queue policy for the rule only', (t) => {
  const template = eventHubTemplate();
  const hub = resources(template);
  t.deepEqual(Object.fromEntries(Object.entries(hub).map(([id, resource]) => [id, resource.Type])), {
    [HUB_IDS.bus]: 'AWS::Events::EventBus',
    [HUB_IDS.busPolicy]: 'AWS::Events::EventBusPolicy',
    [HUB_IDS.deadLetterQueue]: 'AWS::SQS::Queue',
    [HUB_IDS.queue]: 'AWS::SQS::Queue',
    [HUB_IDS.rule]: 'AWS::Events::Rule',
    [HUB_IDS.queuePolicy]: 'AWS::SQS::QueuePolicy',
  });
  const statement = hub[HUB_IDS.busPolicy]!.Properties.Statement;
  t.deepEqual(statement.Condition, { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } }, 'the organization, not an account list');
  t.is(statement.Action, 'events:PutEvents');
  t.deepEqual(statement.Resource, { 'Fn::GetAtt': [HUB_IDS.bus, 'Arn'] });
  for (const id of [HUB_IDS.queue, HUB_IDS.deadLetterQueue]) t.true(hub[id]!.Properties.SqsManagedSseEnabled, `${id} is encrypted`);
  t.deepEqual(hub[HUB_IDS.queue]!.Properties.RedrivePolicy, {
    deadLetterTargetArn: { 'Fn::GetAtt': [HUB_IDS.deadLetterQueue, 'Arn'] },
    maxReceiveCount: { Ref: 'MaxReceiveCount' },
  });
  const rule = hub[HUB_IDS.rule]!.Properties;
  t.deepEqual(rule.EventBusName, { Ref: HUB_IDS.bus });
  t.deepEqual(rule.Targets, [{ Id: 'IngestionQueue', Arn: { 'Fn::GetAtt': [HUB_IDS.queue, 'Arn'] } }]);
  const queuePolicy = hub[HUB_IDS.queuePolicy]!.Properties.PolicyDocument;
  t.is(queuePolicy.Statement.length, 1, 'one statement: nothing else may send');
  t.deepEqual(queuePolicy.Statement[0], {
    Sid: 'OnlyTheHubRule',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: { 'Fn::GetAtt': [HUB_IDS.queue, 'Arn'] },
    Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [HUB_IDS.rule, 'Arn'] } } },
  });
  t.deepEqual(Object.keys(template.Outputs as object), ['EventBusArn', 'EventQueueUrl', 'EventDeadLetterQueueUrl']);
});

test("the forwarder: one rule per pattern derived from the collectors' declarations, targeting the bus through its own role", (t) => {
  const patterns = eventPatterns(allCollectors());
  const forwarder = resources(eventForwarderTemplate());
  t.is(Object.keys(forwarder).length, patterns.length + 1);
  patterns.forEach((pattern, index) => {
    const rule = forwarder[forwarderRuleId(index)]!;
    t.is(rule.Type, 'AWS::Events::Rule');
    t.deepEqual(rule.Properties.EventPattern, pattern);
    t.true(JSON.stringify(rule.Properties.EventPattern).length <= 2048, 'under EventBridge pattern size limit');
    t.deepEqual(rule.Properties.Targets, [{ Id: 'CentralBus', Arn: { Ref: 'EventBusArn' }, RoleArn: { 'Fn::GetAtt': [FORWARDER_ROLE_ID, 'Arn'] } }]);
  });
  const role = forwarder[FORWARDER_ROLE_ID]!.Properties;
  t.deepEqual(role.AssumeRolePolicyDocument.Statement[0].Principal, { Service: 'events.amazonaws.com' });
  t.deepEqual(role.AssumeRolePolicyDocument.Statement[0].Condition, { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  t.deepEqual(role.Policies[0].PolicyDocument.Statement, [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'EventBusArn' } }]);
  const names = new Set(patterns.flatMap((pattern) => pattern.detail.eventName));
  for (const name of ['AuthorizeSecurityGroupIngress', 'CreateKey', 'PutBucketPolicy', 'CreateRole']) t.true(names.has(name), name);
});

test('the templates as YAML read back as the same data, and the CLI prints them', async (t) => {
  for (const [part, template] of [
    ['hub', eventHubTemplate()],
    ['forwarder', eventForwarderTemplate()],
  ] as const) {
    const text = templateYaml(template, DEPLOY_COMMENTS[part]);
    t.deepEqual(parse(text), template);
    t.regex(text, /^AWSTemplateFormatVersion: "2010-09-09"$/m, 'the version quoted for YAML 1.1 readers');
    const run = await runBinary(['policy', '--event-streaming', part]);
    t.is(run.code, 0, run.stderr);
    t.deepEqual(parse(run.stdout), template);
  }
  const bad = await runBinary(['policy', '--event-streaming', 'spoke']);
  t.is(bad.code, 2);
});
