import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { DynamoDbEntities } from '../dynamodb/schema';
import { Ec2Entities } from '../ec2/schema';
import { IamEntities } from '../iam/schema';
import { KmsEntities } from '../kms/schema';
import { LambdaEntities } from '../lambda/schema';
import { S3Entities } from '../s3/schema';
import { SnsEntities } from '../sns/schema';
import { SqsEntities } from '../sqs/schema';

/** CloudFormation's entity types: the one place they are spelled. */
export const CloudFormationEntities = defineEntities({
  SERVICE: serviceEntitySchema('cloudformation', 'CloudFormation'),
  STACK: { _type: 'aws_cloudformation_stack', _class: ['Configuration'], resourceName: 'CloudFormation Stack' },
});

/**
 * The entity type of each CloudFormation resource type whose key this project can compute from
 * ListStackResources' `PhysicalResourceId` (converters.ts `managedResourceKey`). Other resource
 * types are skipped (docs/cloudformation.md).
 */
export const MANAGED_TYPES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': S3Entities.BUCKET._type,
  'AWS::IAM::Role': IamEntities.ROLE._type,
  'AWS::SNS::Topic': SnsEntities.TOPIC._type,
  'AWS::SQS::Queue': SqsEntities.QUEUE._type,
  'AWS::KMS::Key': KmsEntities.KEY._type,
  'AWS::EC2::Instance': Ec2Entities.INSTANCE._type,
  'AWS::EC2::VPC': Ec2Entities.VPC._type,
  'AWS::EC2::Subnet': Ec2Entities.SUBNET._type,
  'AWS::EC2::SecurityGroup': Ec2Entities.SECURITY_GROUP._type,
  'AWS::Lambda::Function': LambdaEntities.FUNCTION._type,
  'AWS::DynamoDB::Table': DynamoDbEntities.TABLE._type,
};

export const CloudFormationRelationships = defineRelationships({
  SERVICE_HAS_STACK: { from: CloudFormationEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: CloudFormationEntities.STACK._type },
  /**
   * The resources a stack created and manages, when they are in the graph (edges to others are
   * dropped at write). data-model.yaml has no relationship line for stacks: HAS, as a container
   * has what it holds.
   */
  STACK_HAS_RESOURCE: { from: CloudFormationEntities.STACK._type, verb: RelationshipVerb.HAS, to: [...new Set(Object.values(MANAGED_TYPES))] },
});
