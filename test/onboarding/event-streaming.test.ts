/**
 * Onboarding's `eventStreaming` under Pulumi mocks: the hub in the ingesting account (bus admitted
 * to the organization by aws:PrincipalOrgID, encrypted queue and dead-letter queue, a queue policy
 * that admits only the hub's rule), and in every onboarded account and enabled region the rules
 * whose patterns derive from the collectors' event declarations.
 */
import test from 'ava';
import { ENABLED_REGIONS, MANAGEMENT, MEMBER_A, MEMBER_B, SKIPPED, SUSPENDED, accountOfProvider, recorded, resources, valueOf } from './mocks';
import type * as Onboarding from '../../onboarding';
import type { EventPattern } from '../../src/events/declarations';
// Loaded after the mocks are set (the mocks module calls setMocks on import).
const onboarding = require('../../onboarding') as typeof Onboarding;
const { eventPatterns } = require('../../src/events/declarations') as typeof import('../../src/events/declarations');
const { ConfigError } = require('../../src/config') as typeof import('../../src/config');

const collectors = [
  { id: 'ec2-instances', events: [{ source: 'ec2.amazonaws.com', names: ['RunInstances', 'TerminateInstances', 'ModifyInstanceAttribute'] }] },
  { id: 'ec2-security-groups', events: [{ source: 'ec2.amazonaws.com', names: ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress'] }] },
  { id: 'iam-roles', events: [{ source: 'iam.amazonaws.com', names: ['CreateRole', 'DeleteRole', 'UpdateAssumeRolePolicy'] }] },
  { id: 's3-buckets' },
];

/** Waits until every forwarding rule and target has reached the (mocked) engine. */
async function registered(forwarding: Record<string, Onboarding.EventForwarding> | undefined): Promise<void> {
  const all = (await Promise.all(Object.values(forwarding ?? {}).map((f) => f.rules))).flat();
  await Promise.all(all.flatMap(({ rule, target }) => [valueOf(rule.arn), valueOf(target.id)]));
}

type Policy = {
  Statement: Array<{ Effect: string; Principal: unknown; Action: string; Resource: string; Condition?: Record<string, Record<string, string>> }>;
};

test('the hub: an organization-wide bus, an encrypted queue with a dead-letter queue, and a queue policy for the hub rule only', async (t) => {
  const component = new onboarding.OrganizationOnboarding('streaming', { eventStreaming: { maxReceiveCount: 3 }, eventCollectors: collectors });
  const data = await component.ready;
  const hub = data.events!.hub;
  await Promise.all(
    [hub.bus, hub.busPolicy, hub.queue, hub.deadLetterQueue, hub.rule, hub.queuePolicy, hub.queueTarget].map((resource) => valueOf(resource.id)),
  );
  const bus = recorded('streaming-events-bus', 'aws:cloudwatch/eventBus:EventBus');
  t.is(bus.length, 1);
  t.is(bus[0]?.provider, undefined, 'in the ingesting account, with the default provider');
  const busArn = `arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/aws-org-graph-events`;
  t.is(await valueOf(component.eventBusArn), busArn);

  const busPolicy = JSON.parse(String(recorded('streaming-events-bus-policy')[0]?.inputs.policy)) as Policy;
  t.deepEqual(busPolicy.Statement, [
    {
      Sid: 'OrganizationPutEvents',
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-example' } },
    },
  ] as unknown as Policy['Statement']);
  t.false(JSON.stringify(busPolicy).includes(MEMBER_A), 'no account list');

  const [queue] = recorded('streaming-events-queue', 'aws:sqs/queue:Queue');
  const [dlq] = recorded('streaming-events-dlq', 'aws:sqs/queue:Queue');
  t.true(queue?.inputs.sqsManagedSseEnabled === true && dlq?.inputs.sqsManagedSseEnabled === true, 'both queues encrypted');
  t.deepEqual(JSON.parse(String(queue?.inputs.redrivePolicy)), { deadLetterTargetArn: dlq?.state.arn, maxReceiveCount: 3 });
  t.is(await valueOf(component.eventQueueUrl), `https://sqs.us-east-1.amazonaws.com/${MANAGEMENT}/aws-org-graph-events`);

  const [hubRule] = recorded('streaming-events-to-queue', 'aws:cloudwatch/eventRule:EventRule');
  const queuePolicy = JSON.parse(String(recorded('streaming-events-queue-policy')[0]?.inputs.policy)) as Policy;
  t.is(queuePolicy.Statement.length, 1);
  t.deepEqual(queuePolicy.Statement[0]?.Principal, { Service: 'events.amazonaws.com' });
  t.is(queuePolicy.Statement[0]?.Action, 'sqs:SendMessage');
  t.deepEqual(queuePolicy.Statement[0]?.Condition, { ArnEquals: { 'aws:SourceArn': String(hubRule?.state.arn) } });
  const [target] = recorded('streaming-events-queue-target');
  t.is(target?.inputs.arn, queue?.state.arn);
});

test('forwarding: every onboarded account and enabled region has the derived rules, targeting the bus through the account’s own role', async (t) => {
  const component = new onboarding.OrganizationOnboarding('forward', { eventStreaming: true, eventCollectors: collectors });
  const data = await component.ready;
  const patterns = eventPatterns(collectors);
  t.is(patterns.length, 1, 'two services fit one pattern');
  t.deepEqual(Object.keys(data.events?.forwarding ?? {}).sort(), [MANAGEMENT, MEMBER_A, MEMBER_B]);
  await registered(data.events?.forwarding);
  for (const skipped of [SKIPPED, SUSPENDED]) t.is(recorded(`forward-${skipped}`).length, 0, `${skipped} is not onboarded, so it forwards nothing`);

  for (const account of [MANAGEMENT, MEMBER_A, MEMBER_B]) {
    const [role] = recorded(`forward-${account}-events-role`, 'aws:iam/role:Role');
    const trust = JSON.parse(String(role?.inputs.assumeRolePolicy)) as Policy;
    t.deepEqual(trust.Statement[0]?.Principal, { Service: 'events.amazonaws.com' });
    t.deepEqual(trust.Statement[0]?.Condition, { StringEquals: { 'aws:SourceAccount': account } });
    t.is(accountOfProvider(role?.provider) ?? MANAGEMENT, account, 'the role is in its own account');
    const putEvents = JSON.parse(String(recorded(`forward-${account}-events-put-events`)[0]?.inputs.policy)) as Policy;
    t.deepEqual(putEvents.Statement, [
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: `arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/aws-org-graph-events` },
    ] as unknown as Policy['Statement']);

    const rules = recorded(`forward-${account}-events-`, 'aws:cloudwatch/eventRule:EventRule');
    const regions = rules.map((rule) => /events-([a-z]+-[a-z]+-\d)-\d+$/.exec(rule.name)?.[1]).sort();
    t.deepEqual(regions, [...ENABLED_REGIONS[account]!].sort(), `${account}: a rule per enabled region`);
    for (const rule of rules) {
      t.deepEqual(JSON.parse(String(rule.inputs.eventPattern)) as EventPattern, patterns[0]);
      t.is(accountOfProvider(rule.provider) ?? MANAGEMENT, account);
      const region = /events-([a-z]+-[a-z]+-\d)-\d+$/.exec(rule.name)?.[1];
      // A provider reference is `<urn>::<id>`, and the URN ends with the provider's name.
      const providerName = rule.provider?.split('::').slice(-2)[0];
      const providerOfRule = resources.find((resource) => resource.type === 'pulumi:providers:aws' && resource.name === providerName);
      if (region !== 'us-east-1') t.is(providerOfRule?.inputs.region, region, `${rule.name} is created in ${region}`);
    }
    const targets = recorded(`forward-${account}-events-`, 'aws:cloudwatch/eventTarget:EventTarget');
    t.is(targets.length, rules.length);
    for (const target of targets) {
      t.is(target.inputs.arn, `arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/aws-org-graph-events`);
      t.is(target.inputs.roleArn, role?.state.arn);
    }
  }
});

test('configured regions replace the lookup; bad options fail with the full key', async (t) => {
  const component = new onboarding.OrganizationOnboarding('fixed', {
    eventStreaming: { regions: ['eu-west-1'] },
    eventCollectors: collectors,
    accountIds: [MEMBER_B],
  });
  const data = await component.ready;
  await registered(data.events?.forwarding);
  t.deepEqual(
    recorded(`fixed-${MEMBER_B}-events-`, 'aws:cloudwatch/eventRule:EventRule').map((rule) => rule.name),
    [`fixed-${MEMBER_B}-events-eu-west-1-1`],
  );
  t.throws(() => new onboarding.OrganizationOnboarding('bad', { eventStreaming: { regions: ['mars'] } }), {
    instanceOf: ConfigError,
    message: /^aws-org-graph:eventStreaming: regions must be a list of region names/,
  });
  t.throws(() => new onboarding.OrganizationOnboarding('bad2', { eventStreaming: { queue: 'x' } as never }), {
    message: /^aws-org-graph:eventStreaming: unknown option "queue"/,
  });
});
