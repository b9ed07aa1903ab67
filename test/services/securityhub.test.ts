import type { DescribeHubCommandOutput, StandardsSubscription } from '@aws-sdk/client-securityhub';
import test from 'ava';
import { selectCollectors } from '../../src/services';
import { convertSecurityHub, isHubNotEnabled, summarizeHubRegions } from '../../src/services/securityhub/converters';
import type { Entity } from '../../src/graph';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

// Security Hub API Reference: DescribeHub's response example, and GetEnabledStandards' StandardsSubscriptions.
const DESCRIBE_HUB: Omit<DescribeHubCommandOutput, '$metadata'> = {
  HubArn: 'arn:aws:securityhub:us-west-1:123456789012:hub/default',
  SubscribedAt: '2019-11-19T23:15:10.046Z',
  AutoEnableControls: true,
  ControlFindingGenerator: 'SECURITY_CONTROL',
};
const STANDARDS: StandardsSubscription[] = [
  {
    StandardsArn: 'arn:aws:securityhub:us-west-1::standards/aws-foundational-security-best-practices/v/1.0.0',
    StandardsInput: {},
    StandardsStatus: 'READY',
    StandardsSubscriptionArn: 'arn:aws:securityhub:us-west-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0',
  },
  {
    StandardsArn: 'arn:aws:securityhub:us-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0',
    StandardsInput: {},
    StandardsStatus: 'DELETING',
    StandardsSubscriptionArn: 'arn:aws:securityhub:us-west-1:123456789012:subscription/cis-aws-foundations-benchmark/v/1.4.0',
  },
];

test('a hub from DescribeHub: ARN, subscription date in epoch ms, the standards it runs (not those being deleted)', (t) => {
  const hub = convertSecurityHub(DESCRIBE_HUB, STANDARDS, { accountId: '123456789012', region: 'us-west-1' });
  t.is(hub._type, 'aws_securityhub_hub');
  t.is(hub._key, 'arn:aws:securityhub:us-west-1:123456789012:hub/default');
  t.is(hub.subscribedOn, Date.parse('2019-11-19T23:15:10.046Z'));
  t.is(hub.createdOn, Date.parse('2019-11-19T23:15:10.046Z'));
  t.is(hub.enabled, true);
  t.is(hub.autoEnableControls, true);
  t.is(hub.controlFindingGenerator, 'SECURITY_CONTROL');
  t.deepEqual(hub.standards, ['arn:aws:securityhub:us-west-1::standards/aws-foundational-security-best-practices/v/1.0.0']);
  t.is(hub.cisStandardEnabled, false);
  // GetEnabledStandards failed: unknown, not "none".
  const unknown = convertSecurityHub(DESCRIBE_HUB, undefined, { accountId: '123456789012', region: 'us-west-1' });
  t.is(unknown.standards, undefined);
  t.is(unknown.cisStandardEnabled, undefined);
});

test('not enabled is told by InvalidAccessException (or ResourceNotFoundException); other errors are errors', (t) => {
  t.true(isHubNotEnabled({ name: 'InvalidAccessException', message: 'Account 123456789012 is not subscribed to AWS Security Hub' }));
  t.true(isHubNotEnabled({ name: 'ResourceNotFoundException' }));
  t.false(isHubNotEnabled({ name: 'AccessDeniedException' }));
  t.false(isHubNotEnabled(undefined));
});

test('disabledRegions lists the regions whose flag is false, sorted; unknown regions are not listed', (t) => {
  const service = { 'enabled.us-west-2': false, 'enabled.eu-west-1': false, 'enabled.us-east-1': true } as unknown as Entity;
  summarizeHubRegions(service);
  t.deepEqual(service.disabledRegions, ['eu-west-1', 'us-west-2']);
  service['enabled.us-west-2'] = true;
  service['enabled.eu-west-1'] = true;
  summarizeHubRegions(service);
  t.false('disabledRegions' in service);
});

test('through the simulator: a hub where enabled, a flag per region, no error where not enabled, valid entities', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'securityhub', operation: 'DescribeHub', account: '222222222222', region: 'eu-west-1', error: 'AccessDenied' }];
  const { graph, summary } = await simulate(world, { collectors: selectCollectors({ include: ['securityhub'] }) });
  const hubs = graph.entitiesOfType('aws_securityhub_hub');
  t.deepEqual(hubs.map((hub) => `${hub.accountId}/${hub.region}`).sort(), [
    '111111111111/us-east-1',
    '111111111111/us-west-2',
    '222222222222/us-east-1',
    '222222222222/us-west-2',
  ]);
  const service = (accountId: string) => graph.getEntity(`aws:${accountId}:service:securityhub`);
  t.is(service('111111111111')?.['enabled.us-east-1'], true);
  t.is(service('111111111111')?.['enabled.eu-west-1'], false);
  t.deepEqual(service('111111111111')?.disabledRegions, ['eu-west-1']);
  t.deepEqual(service('333333333333')?.disabledRegions, ['eu-west-1', 'us-east-1', 'us-west-2']);
  // Denied in one region: no flag there (unknown), the error recorded; not enabled is no error.
  t.is(service('222222222222')?.['enabled.eu-west-1'], undefined);
  t.is(service('222222222222')?.disabledRegions, undefined);
  const errors = summary.errors.filter((error) => error.service === 'securityhub');
  t.deepEqual(
    errors.map((error) => `${error.account}/${error.region}`),
    ['222222222222/eu-west-1'],
  );
  const cis = hubs.find((hub) => hub.accountId === '111111111111' && hub.region === 'us-east-1');
  t.is(cis?.cisStandardEnabled, true);
  const hasHub = [...graph.allRelationships()].filter((relationship) => relationship._type === 'aws_securityhub_has_hub');
  t.deepEqual(hasHub.map((relationship) => relationship._toEntityKey).sort(), hubs.map((hub) => hub._key).sort());
  t.deepEqual(
    graphIssues(graph).filter((issue) => issue._type.startsWith('aws_securityhub')),
    [],
  );
});
