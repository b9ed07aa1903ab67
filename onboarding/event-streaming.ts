/**
 * CloudTrail event streaming (issue 24, docs/event-streaming.md): in every onboarded account and
 * enabled region, EventBridge rules match the write calls the collectors declare (`events`) and
 * forward them to one event bus in the ingesting account; there a rule feeds an encrypted SQS queue
 * with a dead-letter queue, which `orggraph watch` reads.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { EventPattern } from '../src/events/declarations';

export const EVENT_HUB_TYPE = 'aws-org-graph:onboarding:EventHub';
export const EVENT_FORWARDING_TYPE = 'aws-org-graph:onboarding:EventForwarding';
export const DEFAULT_EVENT_BUS_NAME = 'aws-org-graph-events';
/** Receives before a message goes to the dead-letter queue (a poison event). */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;

/** The `eventStreaming` setting: `true`, or its options. */
export interface EventStreamingArgs {
  /** Regions to forward from, in every account; default: each account's enabled regions. */
  regions?: string[];
  /** Name of the central event bus (and prefix of the queues); default `aws-org-graph-events`. */
  busName?: string;
  /** Deliveries of one message before it goes to the dead-letter queue; default 5. */
  maxReceiveCount?: number;
}

export interface EventHubArgs extends EventStreamingArgs {
  organizationId: string;
  partition: string;
}

/**
 * In the ingesting account: the event bus the organization's accounts may put events on (by
 * `aws:PrincipalOrgID`, not by account list), its rule to the queue, the queue (SSE) whose policy
 * admits only that rule, and the dead-letter queue (SSE).
 */
export class EventHub extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly rule: aws.cloudwatch.EventRule;
  readonly busPolicy: aws.cloudwatch.EventBusPolicy;
  readonly queuePolicy: aws.sqs.QueuePolicy;
  readonly queueTarget: aws.cloudwatch.EventTarget;
  readonly busArn: pulumi.Output<string>;
  readonly queueUrl: pulumi.Output<string>;

  constructor(name: string, args: EventHubArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(EVENT_HUB_TYPE, name, {}, opts);
    const child = { parent: this };
    const busName = args.busName ?? DEFAULT_EVENT_BUS_NAME;
    this.bus = new aws.cloudwatch.EventBus(`${name}-bus`, { name: busName }, child);
    this.busPolicy = new aws.cloudwatch.EventBusPolicy(
      `${name}-bus-policy`,
      {
        eventBusName: this.bus.name,
        policy: this.bus.arn.apply((busArn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'OrganizationPutEvents',
                Effect: 'Allow',
                Principal: '*',
                Action: 'events:PutEvents',
                Resource: busArn,
                Condition: { StringEquals: { 'aws:PrincipalOrgID': args.organizationId } },
              },
            ],
          }),
        ),
      },
      child,
    );
    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      { name: `${busName}-dlq`, sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 },
      child,
    );
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: busName,
        sqsManagedSseEnabled: true,
        // Long enough for a batch's refresh and snapshot before another reader may see the message.
        visibilityTimeoutSeconds: 900,
        receiveWaitTimeSeconds: 20,
        redrivePolicy: this.deadLetterQueue.arn.apply((deadLetterTargetArn) =>
          JSON.stringify({ deadLetterTargetArn, maxReceiveCount: args.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT }),
        ),
      },
      child,
    );
    this.rule = new aws.cloudwatch.EventRule(
      `${name}-to-queue`,
      {
        eventBusName: this.bus.name,
        description: 'aws-org-graph: CloudTrail write calls of the organization, to the ingestion queue',
        // Everything on this bus was put there by the accounts' forwarding rules.
        eventPattern: JSON.stringify({ 'detail-type': ['AWS API Call via CloudTrail'] }),
      },
      child,
    );
    this.queuePolicy = new aws.sqs.QueuePolicy(
      `${name}-queue-policy`,
      {
        queueUrl: this.queue.url,
        policy: pulumi.all([this.queue.arn, this.rule.arn]).apply(([queueArn, ruleArn]) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'OnlyTheHubRule',
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: queueArn,
                Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
              },
            ],
          }),
        ),
      },
      child,
    );
    this.queueTarget = new aws.cloudwatch.EventTarget(
      `${name}-queue-target`,
      { rule: this.rule.name, eventBusName: this.bus.name, arn: this.queue.arn },
      child,
    );
    this.busArn = this.bus.arn;
    this.queueUrl = this.queue.url;
    this.registerOutputs({ busArn: this.busArn, queueUrl: this.queueUrl });
  }
}

export interface EventForwardingArgs {
  accountId: string;
  busArn: pulumi.Input<string>;
  patterns: readonly EventPattern[];
  /** Regions to forward from: given, or the account's enabled regions (looked up through `provider`). */
  regions?: string[];
  partition: string;
  /** Builds the provider of the account in a region (the account's own credentials). */
  providerFor(region: string): pulumi.ProviderResource | undefined;
  /** The account's provider in its home region, for the role and the region lookup. */
  provider?: pulumi.ProviderResource;
}

/**
 * In one account: the role EventBridge uses to put events on the central bus (a cross-account bus
 * target with an organization-wide bus policy needs one), and per region the rules, one per event
 * pattern, that forward the declared events to it.
 */
export class EventForwarding extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  /** The regions forwarded from, once known. */
  readonly regions: pulumi.Output<string[]>;
  /** Each region's rules and their targets, once the regions are known. */
  readonly rules: Promise<Array<{ region: string; rule: aws.cloudwatch.EventRule; target: aws.cloudwatch.EventTarget }>>;

  constructor(name: string, args: EventForwardingArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(EVENT_FORWARDING_TYPE, name, {}, opts);
    const home = { parent: this, provider: args.provider };
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: 'aws-org-graph-event-forwarder',
        description: 'EventBridge puts the CloudTrail events aws-org-graph follows on its central bus',
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': args.accountId } },
            },
          ],
        }),
      },
      home,
    );
    new aws.iam.RolePolicy(
      `${name}-put-events`,
      {
        role: this.role.name,
        policy: pulumi
          .output(args.busArn)
          .apply((busArn) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }] })),
      },
      home,
    );
    const regions = args.regions?.length
      ? Promise.resolve([...args.regions].sort())
      : aws.getRegions({}, { parent: this, provider: args.provider }).then((result) => [...result.names].sort());
    this.rules = regions.then((names) =>
      names.flatMap((region) => {
        const provider = args.providerFor(region);
        return args.patterns.map((pattern, index) => {
          const rule = new aws.cloudwatch.EventRule(
            `${name}-${region}-${index + 1}`,
            {
              name: `aws-org-graph-forward-${index + 1}`,
              description: 'aws-org-graph: CloudTrail write calls it follows, to its central event bus',
              eventPattern: JSON.stringify(pattern),
            },
            { parent: this, provider },
          );
          const target = new aws.cloudwatch.EventTarget(
            `${name}-${region}-${index + 1}-target`,
            { rule: rule.name, arn: args.busArn, roleArn: this.role.arn },
            { parent: this, provider },
          );
          return { region, rule, target };
        });
      }),
    );
    this.rules.catch(() => undefined);
    this.regions = pulumi.output(regions);
    this.registerOutputs({ regions: this.regions });
  }
}
