import test from 'ava';
import type { Stack, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { validateEntity } from '../../src/graph';
import { convertStack, managedResourceKey, stackHasResource } from '../../src/services/cloudformation/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '123456789012', region: 'us-east-1' };
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MyStack/aaf549a0-a413-11df-adb3-5081b3858e83';

// DescribeStacks' Stack, as the CloudFormation API Reference's example shows it, with DriftInformation.
const describedStack: Stack = {
  StackName: 'MyStack',
  StackId: STACK_ID,
  Description: 'My stack',
  Parameters: [{ ParameterKey: 'MyKey', ParameterValue: 'MyValue' }],
  CreationTime: new Date('2010-07-27T22:28:28Z'),
  LastUpdatedTime: new Date('2011-01-04T10:00:00Z'),
  StackStatus: 'CREATE_COMPLETE',
  DisableRollback: false,
  EnableTerminationProtection: true,
  NotificationARNs: ['arn:aws:sns:us-east-1:123456789012:stack-events'],
  Capabilities: ['CAPABILITY_IAM'],
  RoleARN: 'arn:aws:iam::123456789012:role/cfn-deployer',
  Outputs: [{ OutputKey: 'StartPage', OutputValue: 'http://my-load-balancer.amazonaws.com:80/index.html', Description: 'Start page' }],
  DriftInformation: { StackDriftStatus: 'DRIFTED', LastCheckTimestamp: new Date('2024-05-01T08:00:00Z') },
  Tags: [{ Key: 'project', Value: 'lima' }],
};

// ListStackResources' StackResourceSummary (API Reference): physical ids per resource type.
const summary = (ResourceType: string, PhysicalResourceId: string, drift?: 'IN_SYNC' | 'MODIFIED'): StackResourceSummary => ({
  LogicalResourceId: ResourceType.split('::')[2],
  PhysicalResourceId,
  ResourceType,
  LastUpdatedTimestamp: new Date('2010-07-27T22:28:30Z'),
  ResourceStatus: 'CREATE_COMPLETE',
  DriftInformation: drift ? { StackResourceDriftStatus: drift, LastCheckTimestamp: new Date('2024-05-01T08:00:00Z') } : undefined,
});

test('convertStack: Configuration with status, drift from DriftInformation, tags and timestamps', (t) => {
  const stack = convertStack(describedStack, scope);
  t.deepEqual(stack._class, ['Configuration']);
  t.like(stack, {
    _key: STACK_ID,
    _type: 'aws_cloudformation_stack',
    name: 'MyStack',
    status: 'CREATE_COMPLETE',
    active: true,
    driftStatus: 'DRIFTED',
    drifted: true,
    driftCheckedOn: Date.parse('2024-05-01T08:00:00Z'),
    createdOn: Date.parse('2010-07-27T22:28:28Z'),
    updatedOn: Date.parse('2011-01-04T10:00:00Z'),
    terminationProtection: true,
    roleArn: 'arn:aws:iam::123456789012:role/cfn-deployer',
    'tag.project': 'lima',
  });
  t.deepEqual(stack.capabilities, ['CAPABILITY_IAM']);
  t.deepEqual(validateEntity(stack), []);
  // Never checked: the status is said, drifted is not claimed either way; no drift information at all: unknown.
  const unchecked = convertStack({ ...describedStack, DriftInformation: { StackDriftStatus: 'NOT_CHECKED' } }, scope);
  t.like(unchecked, { driftStatus: 'NOT_CHECKED', drifted: false });
  t.is(convertStack({ ...describedStack, DriftInformation: undefined }, scope).drifted, undefined);
  t.like(convertStack({ ...describedStack, StackStatus: 'ROLLBACK_COMPLETE' }, scope), { active: false });
  t.like(convertStack({ ...describedStack, StackStatus: 'UPDATE_ROLLBACK_FAILED' }, scope), { active: false });
});

test('managedResourceKey: keys as the owning services key them, unknown types and odd ids skipped', (t) => {
  const key = (type: string, id: string, roles?: ReadonlyMap<string, string>) => managedResourceKey(summary(type, id), scope, roles)?._key;
  t.is(key('AWS::S3::Bucket', 'my-bucket'), 'arn:aws:s3:::my-bucket');
  t.is(key('AWS::EC2::SecurityGroup', 'sg-0a1b2c3d4eEXAMPLE'), 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4eEXAMPLE');
  t.is(key('AWS::EC2::VPC', 'vpc-1a2b3c4d'), 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d');
  t.is(key('AWS::EC2::Instance', 'i-1234567890abcdef0'), 'arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0');
  t.is(key('AWS::KMS::Key', '1234abcd-12ab-34cd-56ef-1234567890ab'), 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  t.is(key('AWS::SQS::Queue', 'https://sqs.us-east-1.amazonaws.com/123456789012/MyQueue'), 'arn:aws:sqs:us-east-1:123456789012:MyQueue');
  t.is(key('AWS::SQS::Queue', 'MyQueue'), undefined);
  t.is(key('AWS::Lambda::Function', 'my-function'), 'arn:aws:lambda:us-east-1:123456789012:function:my-function');
  t.is(key('AWS::DynamoDB::Table', 'orders'), 'arn:aws:dynamodb:us-east-1:123456789012:table/orders');
  t.is(key('AWS::SNS::Topic', 'arn:aws:sns:us-east-1:123456789012:my-topic'), 'arn:aws:sns:us-east-1:123456789012:my-topic');
  // A role's physical id is its name: its ARN (with its path) comes from the collected roles.
  t.is(key('AWS::IAM::Role', 'deployer'), 'arn:aws:iam::123456789012:role/deployer');
  t.is(
    key('AWS::IAM::Role', 'deployer', new Map([['deployer', 'arn:aws:iam::123456789012:role/ops/deployer']])),
    'arn:aws:iam::123456789012:role/ops/deployer',
  );
  t.like(managedResourceKey(summary('AWS::S3::Bucket', 'b'), scope), { _type: 'aws_s3_bucket' });
  t.is(key('AWS::CloudWatch::Alarm', 'my-alarm'), undefined);
  t.is(managedResourceKey({ ...summary('AWS::S3::Bucket', 'x'), PhysicalResourceId: undefined }, scope), undefined);
});

test('stackHasResource: a HAS edge carrying the logical id, type and resource drift', (t) => {
  const stack = convertStack(describedStack, scope);
  const resource = summary('AWS::EC2::SecurityGroup', 'sg-0a1b2c3d4eEXAMPLE', 'MODIFIED');
  const target = managedResourceKey(resource, scope);
  if (!target) return t.fail('security groups are mapped');
  t.like(stackHasResource(stack, target, resource), {
    _class: 'HAS',
    _fromEntityKey: STACK_ID,
    _toEntityKey: target._key,
    logicalResourceId: 'SecurityGroup',
    resourceType: 'AWS::EC2::SecurityGroup',
    driftStatus: 'MODIFIED',
  });
});

const PROD = '222222222222';
const stackKey = (name: string, suffix: string) => `arn:aws:cloudformation:us-east-1:${PROD}:stack/${name}/5b6c7d8e-2222-4aaa-8bbb-00000000000${suffix}`;

test('the simulated organization: demo stacks, the DRIFTED one, HAS edges to managed resources, unknown types skipped', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary: result } = await simulate(world);
  t.deepEqual(result.errors, []);
  const stacks = graph.entitiesOfType('aws_cloudformation_stack').filter((s) => s.accountId === PROD);
  t.deepEqual(stacks.map((s) => s.name).sort(), ['legacy-reports', 'orders-service', 'prod-edge']);
  const orders = stackKey('orders-service', '1');
  const edge = stackKey('prod-edge', '2');
  t.like(graph.getEntity(orders), { driftStatus: 'IN_SYNC', drifted: false, status: 'UPDATE_COMPLETE', terminationProtection: true, 'tag.team': 'orders' });
  t.like(graph.getEntity(edge), { driftStatus: 'DRIFTED', drifted: true, active: true });
  const legacy = stacks.find((s) => s.name === 'legacy-reports');
  t.like(legacy, { status: 'ROLLBACK_COMPLETE', active: false, driftStatus: 'NOT_CHECKED' });
  const from = (key: string) =>
    [...graph.allRelationships()]
      .filter((r) => r._fromEntityKey === key && r._class === 'HAS')
      .map((r) => r._toEntityKey)
      .sort();
  const ec2 = (kind: string, id: string) => `arn:aws:ec2:us-east-1:${PROD}:${kind}/${id}`;
  t.deepEqual(
    from(orders),
    [
      `arn:aws:dynamodb:us-east-1:${PROD}:table/orders`,
      `arn:aws:iam::${PROD}:role/orders-lambda`,
      `arn:aws:lambda:us-east-1:${PROD}:function:orders-api`,
      `arn:aws:sqs:us-east-1:${PROD}:payments.fifo`,
    ].sort(),
  );
  t.deepEqual(
    from(edge),
    [
      'arn:aws:s3:::acme-prod-app-data',
      ec2('instance', 'i-02221000000000201'),
      ec2('security-group', 'sg-02221000000000104'),
      ec2('vpc', 'vpc-02221000000000001'),
      `arn:aws:kms:us-east-1:${PROD}:key/0a1b2c3d-2222-4aaa-8bbb-000000000001`,
    ].sort(),
  );
  // Every target is the entity its own service collected (no placeholder); the alarm was skipped.
  for (const key of [...from(orders), ...from(edge)]) t.truthy(graph.getEntity(key), key);
  const modified = [...graph.allRelationships()].find((r) => r._fromEntityKey === edge && r._toEntityKey === ec2('security-group', 'sg-02221000000000104'));
  t.like(modified, { driftStatus: 'MODIFIED', logicalResourceId: 'AppSecurityGroup' });
  t.true([...graph.allRelationships()].some((r) => r._fromEntityKey === `aws:${PROD}:service:cloudformation` && r._toEntityKey === orders));
  t.deepEqual(graphIssues(graph), []);
});

test('a denied ListStackResources costs the HAS edges only', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'cloudformation', operation: 'ListStackResources', error: 'AccessDenied' }];
  const { graph, summary: result } = await simulate(world);
  t.is(graph.entitiesOfType('aws_cloudformation_stack').filter((s) => s.accountId === PROD).length, 3);
  t.false([...graph.allRelationships()].some((r) => r._fromEntityKey === stackKey('prod-edge', '2')));
  t.deepEqual(
    result.errors.filter((e) => e.operation !== 'cloudformation:ListStackResources'),
    [],
  );
});
