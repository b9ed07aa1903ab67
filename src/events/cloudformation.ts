/**
 * Event streaming as CloudFormation (for organizations that do not run the Pulumi program): the
 * same resources as onboarding/event-streaming.ts, in two templates.
 *
 * - `hub`, deployed once in the ingesting account: the event bus whose policy admits the
 *   organization by `aws:PrincipalOrgID`, the rule on it, the SQS queue (SSE) whose policy admits
 *   only that rule, and the dead-letter queue (SSE).
 * - `forwarder`, deployed in every account and region (a service-managed StackSet over the
 *   organization's units deploys it to accounts as they join): the role EventBridge assumes to put
 *   events on the bus, and one rule per event pattern derived from the collectors' declarations.
 */
import { hubQueuePolicy } from './hub-policy';
import { Document, isScalar, visit } from 'yaml';
import { CLOUDTRAIL_DETAIL_TYPE, eventPatterns, type EventPattern } from './declarations';

export const DEFAULT_BUS_NAME = 'aws-org-graph-events';
export const DEFAULT_MAX_RECEIVE_COUNT = 5;
export const HUB_IDS = {
  bus: 'EventBus',
  busPolicy: 'EventBusPolicy',
  queue: 'EventQueue',
  deadLetterQueue: 'EventDeadLetterQueue',
  rule: 'EventQueueRule',
  queuePolicy: 'EventQueuePolicy',
} as const;
export const FORWARDER_ROLE_ID = 'EventForwarderRole';
export const forwarderRuleId = (index: number) => `ForwardRule${index + 1}`;

/** The ingesting account's part. */
export function eventHubTemplate(options: { busName?: string; maxReceiveCount?: number } = {}): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'aws-org-graph event streaming, ingesting account: central event bus, queue and dead-letter queue (generated; do not edit)',
    Metadata: { GeneratedBy: 'orggraph policy --event-streaming hub' },
    Parameters: {
      OrganizationId: { Type: 'String', AllowedPattern: 'o-[a-z0-9]{10,32}', Description: 'The organization whose accounts may put events on the bus' },
      BusName: {
        Type: 'String',
        Default: options.busName ?? DEFAULT_BUS_NAME,
        AllowedPattern: '[\\w.-]{1,256}',
        Description: 'Name of the event bus and the queues',
      },
      MaxReceiveCount: {
        Type: 'Number',
        Default: options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
        MinValue: 1,
        MaxValue: 1000,
        Description: 'Deliveries of a message before it goes to the dead-letter queue',
      },
    },
    Resources: {
      [HUB_IDS.bus]: { Type: 'AWS::Events::EventBus', Properties: { Name: { Ref: 'BusName' } } },
      [HUB_IDS.busPolicy]: {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: { Ref: HUB_IDS.bus },
          StatementId: 'OrganizationPutEvents',
          // The organization, not an account list: accounts that join later need no change here.
          Statement: {
            Sid: 'OrganizationPutEvents',
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': [HUB_IDS.bus, 'Arn'] },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
          },
        },
      },
      [HUB_IDS.deadLetterQueue]: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: { 'Fn::Sub': '${BusName}-dlq' }, SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 },
      },
      [HUB_IDS.queue]: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: { Ref: 'BusName' },
          SqsManagedSseEnabled: true,
          // Long enough for a batch's refresh and snapshot before another reader may see the message.
          VisibilityTimeout: 900,
          ReceiveMessageWaitTimeSeconds: 20,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [HUB_IDS.deadLetterQueue, 'Arn'] }, maxReceiveCount: { Ref: 'MaxReceiveCount' } },
        },
      },
      [HUB_IDS.rule]: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventBusName: { Ref: HUB_IDS.bus },
          Description: 'aws-org-graph: CloudTrail write calls of the organization, to the ingestion queue',
          EventPattern: { 'detail-type': [CLOUDTRAIL_DETAIL_TYPE] },
          State: 'ENABLED',
          Targets: [{ Id: 'IngestionQueue', Arn: { 'Fn::GetAtt': [HUB_IDS.queue, 'Arn'] } }],
        },
      },
      [HUB_IDS.queuePolicy]: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [{ Ref: HUB_IDS.queue }],
          PolicyDocument: hubQueuePolicy({ 'Fn::GetAtt': [HUB_IDS.queue, 'Arn'] }, { 'Fn::GetAtt': [HUB_IDS.rule, 'Arn'] }),
        },
      },
    },
    Outputs: {
      EventBusArn: { Description: 'The bus the forwarder stacks target', Value: { 'Fn::GetAtt': [HUB_IDS.bus, 'Arn'] } },
      EventQueueUrl: { Description: 'The queue `orggraph watch --queue` reads', Value: { Ref: HUB_IDS.queue } },
      EventDeadLetterQueueUrl: { Description: 'Where poison events end', Value: { Ref: HUB_IDS.deadLetterQueue } },
    },
  };
}

/** Every account's and region's part: the forwarding role (named per region: IAM is global) and the rules. */
export function eventForwarderTemplate(patterns: readonly EventPattern[] = defaultPatterns()): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  patterns.forEach((pattern, index) => {
    rules[forwarderRuleId(index)] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: `aws-org-graph-forward-${index + 1}`,
        Description: 'aws-org-graph: CloudTrail write calls it follows, to its central event bus',
        EventPattern: pattern,
        State: 'ENABLED',
        Targets: [{ Id: 'CentralBus', Arn: { Ref: 'EventBusArn' }, RoleArn: { 'Fn::GetAtt': [FORWARDER_ROLE_ID, 'Arn'] } }],
      },
    };
  });
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `aws-org-graph event streaming, every account and region: ${patterns.length} rule(s) forwarding the collectors' declared write calls to the central bus (generated; do not edit)`,
    Metadata: { GeneratedBy: 'orggraph policy --event-streaming forwarder', Patterns: patterns.length },
    Parameters: {
      EventBusArn: { Type: 'String', AllowedPattern: 'arn:aws[\\w-]*:events:[a-z0-9-]+:\\d{12}:event-bus/.+', Description: 'The hub stack output EventBusArn' },
    },
    Resources: {
      [FORWARDER_ROLE_ID]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { 'Fn::Sub': 'aws-org-graph-event-forwarder-${AWS::Region}' },
          Description: 'EventBridge puts the CloudTrail events aws-org-graph follows on its central bus',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'put-events-on-the-central-bus',
              PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'EventBusArn' } }] },
            },
          ],
        },
      },
      ...rules,
    },
  };
}

function defaultPatterns(): EventPattern[] {
  // The registry is loaded only for the default: callers with their own patterns need none of it.
  const { allCollectors } = require('../services') as typeof import('../services');
  return eventPatterns(allCollectors());
}

/** A template as YAML text (long-form intrinsics, date-like strings quoted for YAML 1.1 readers). */
export function templateYaml(template: Record<string, unknown>, comment: string): string {
  const document = new Document(template);
  document.commentBefore = comment;
  visit(document, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return document.toString({ lineWidth: 0 });
}

/** The deployment commands, as the templates' opening comment. */
export const DEPLOY_COMMENTS = {
  hub:
    ' Generated by `orggraph policy --event-streaming hub`; regenerate, do not edit. In the ingesting account:\n' +
    ' aws cloudformation deploy --template-file event-hub.yaml --stack-name aws-org-graph-event-hub --parameter-overrides OrganizationId=o-...',
  forwarder:
    " Generated by `orggraph policy --event-streaming forwarder` from the collectors' event declarations; regenerate, do not edit.\n" +
    ' Every account and region, as a service-managed StackSet with automatic deployment (accounts that join get it):\n' +
    ' aws cloudformation create-stack-set --stack-set-name aws-org-graph-event-forwarder --template-body file://event-forwarder.yaml \\\n' +
    '   --permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false \\\n' +
    '   --capabilities CAPABILITY_NAMED_IAM --parameters ParameterKey=EventBusArn,ParameterValue=arn:aws:events:...',
} as const;
