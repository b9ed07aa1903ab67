import type { Stack, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { instanceKey, securityGroupKey, subnetKey, vpcKey } from '../ec2/schema';
import { kmsKeyKey } from '../kms/schema';
import { sqsQueueArnFromUrl } from '../sqs/schema';
import { CloudFormationEntities, MANAGED_TYPES } from './schema';

export interface StackScope {
  accountId: string;
  region: string;
}

/** `aws_cloudformation_stack` from DescribeStacks, with its drift status. */
export function convertStack(stack: Stack, scope: StackScope): Entity {
  const arn = stack.StackId ?? `arn:aws:cloudformation:${scope.region}:${scope.accountId}:stack/${stack.StackName}`;
  return createEntity({
    _key: arn,
    schema: CloudFormationEntities.STACK,
    name: stack.StackName ?? arn,
    tags: stack.Tags,
    createdOn: stack.CreationTime,
    properties: {
      arn,
      stackId: stack.StackId,
      accountId: scope.accountId,
      region: scope.region,
      description: stack.Description,
      status: stack.StackStatus,
      statusReason: stack.StackStatusReason,
      active: !/DELETE_COMPLETE|ROLLBACK_COMPLETE|FAILED/.test(stack.StackStatus ?? ''),
      driftStatus: stack.DriftInformation?.StackDriftStatus,
      drifted: stack.DriftInformation?.StackDriftStatus === undefined ? undefined : stack.DriftInformation.StackDriftStatus === 'DRIFTED',
      driftCheckedOn: stack.DriftInformation?.LastCheckTimestamp,
      updatedOn: stack.LastUpdatedTime,
      roleArn: stack.RoleARN,
      terminationProtection: stack.EnableTerminationProtection,
      disableRollback: stack.DisableRollback,
      parentId: stack.ParentId,
      rootId: stack.RootId,
      notificationArns: stack.NotificationARNs?.length ? [...stack.NotificationARNs] : undefined,
      capabilities: stack.Capabilities?.length ? [...stack.Capabilities] : undefined,
      webLink: `https://console.aws.amazon.com/cloudformation/home?region=${scope.region}#/stacks/stackinfo?stackId=${encodeURIComponent(arn)}`,
    },
  });
}

/**
 * Key of a stack resource as its own service's converter keys it, from ListStackResources'
 * `PhysicalResourceId`; undefined for a type this project does not collect.
 */
export function managedResourceKey(
  resource: StackResourceSummary,
  scope: StackScope,
  /** Role ARNs of the account by role name: a role's physical id is its name, its ARN has its path. */
  roleArns: ReadonlyMap<string, string> = new Map(),
): { _key: string; _type: string } | undefined {
  const id = resource.PhysicalResourceId;
  const _type = resource.ResourceType ? MANAGED_TYPES[resource.ResourceType] : undefined;
  if (!id || !_type) return undefined;
  const { accountId, region } = scope;
  const keys: Record<string, () => string | undefined> = {
    'AWS::S3::Bucket': () => `arn:aws:s3:::${id}`,
    'AWS::IAM::Role': () => roleArns.get(id) ?? `arn:aws:iam::${accountId}:role/${id}`,
    'AWS::SNS::Topic': () => id, // the topic ARN
    // The queue URL: https://sqs.<region>.amazonaws.com/<account>/<name>
    'AWS::SQS::Queue': () => (/^https:\/\/[^/]+\/\d{12}\/[^/]+$/.test(id) ? sqsQueueArnFromUrl(id, region) : undefined),
    'AWS::KMS::Key': () => kmsKeyKey(id, accountId, region),
    'AWS::EC2::Instance': () => instanceKey(region, accountId, id),
    'AWS::EC2::VPC': () => vpcKey(region, accountId, id),
    'AWS::EC2::Subnet': () => subnetKey(region, accountId, id),
    'AWS::EC2::SecurityGroup': () => securityGroupKey(region, accountId, id),
    'AWS::Lambda::Function': () => `arn:aws:lambda:${region}:${accountId}:function:${id}`,
    // As DynamoDB's converter keys a table without `TableArn` (dynamoDbTableArn).
    'AWS::DynamoDB::Table': () => `arn:aws:dynamodb:${region}:${accountId}:table/${id}`,
  };
  const _key = keys[resource.ResourceType ?? '']?.();
  return _key ? { _key, _type } : undefined;
}

export function cloudFormationServiceHasStack(accountId: string, stack: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'cloudformation'), verb: RelationshipVerb.HAS, to: stack });
}

export function stackHasResource(stack: Entity, target: { _key: string; _type: string }, resource: StackResourceSummary): Relationship {
  return createRelationship({
    from: stack,
    verb: RelationshipVerb.HAS,
    to: target,
    properties: {
      logicalResourceId: resource.LogicalResourceId,
      resourceType: resource.ResourceType,
      driftStatus: resource.DriftInformation?.StackResourceDriftStatus,
    },
  });
}
