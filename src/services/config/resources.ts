import { accountEntityKey } from '../../graph';

/**
 * Where a Config evaluation's resource (`ResourceType`, `ResourceId`) is in the graph. Config names
 * most resources by id, and IAM principals by their unique id (`AIDA...`), so each type says how its
 * key is computed (an ARN) or which property of the ingested entities holds the id.
 */
interface ResourceMapping {
  _type: string;
  key?: (id: string, accountId: string, region: string) => string;
  /** Property of the ingested entities that holds Config's `ResourceId`. */
  idProperty?: string;
}

const ec2 = (kind: string) => (id: string, accountId: string, region: string) => `arn:aws:ec2:${region}:${accountId}:${kind}/${id}`;

export const CONFIG_RESOURCE_TYPES: Readonly<Record<string, ResourceMapping>> = {
  'AWS::::Account': { _type: 'aws_account', key: (_id, accountId) => accountEntityKey(accountId) },
  'AWS::EC2::Instance': { _type: 'aws_instance', key: ec2('instance') },
  'AWS::EC2::SecurityGroup': { _type: 'aws_security_group', key: ec2('security-group') },
  'AWS::EC2::VPC': { _type: 'aws_vpc', key: ec2('vpc') },
  'AWS::EC2::Subnet': { _type: 'aws_subnet', key: ec2('subnet') },
  'AWS::EC2::Volume': { _type: 'aws_ebs_volume', key: ec2('volume') },
  'AWS::EC2::NetworkAcl': { _type: 'aws_network_acl', key: ec2('network-acl') },
  'AWS::EC2::NetworkInterface': { _type: 'aws_eni', key: ec2('network-interface') },
  'AWS::S3::Bucket': { _type: 'aws_s3_bucket', key: (id) => `arn:aws:s3:::${id}` },
  'AWS::KMS::Key': { _type: 'aws_kms_key', key: (id, accountId, region) => `arn:aws:kms:${region}:${accountId}:key/${id}` },
  'AWS::CloudWatch::Alarm': { _type: 'aws_cloudwatch_metric_alarm', key: (id, accountId, region) => `arn:aws:cloudwatch:${region}:${accountId}:alarm:${id}` },
  'AWS::IAM::User': { _type: 'aws_iam_user', idProperty: 'userId' },
  'AWS::IAM::Role': { _type: 'aws_iam_role', idProperty: 'roleId' },
  'AWS::IAM::Group': { _type: 'aws_iam_group', idProperty: 'groupId' },
  'AWS::IAM::Policy': { _type: 'aws_iam_policy', idProperty: 'policyId' },
};

/** Placeholder type of an evaluated resource that is not in the graph. */
export const CONFIG_RESOURCE_PLACEHOLDER_TYPE = 'aws_resource';

export const CONFIG_RESOURCE_TARGET_TYPES: readonly string[] = [
  ...new Set([...Object.values(CONFIG_RESOURCE_TYPES).map((mapping) => mapping._type), CONFIG_RESOURCE_PLACEHOLDER_TYPE]),
];

/** Key of a placeholder for an evaluated resource the graph does not hold. */
export function configResourcePlaceholderKey(resourceType: string, resourceId: string, accountId: string, region: string): string {
  return `aws-config-resource:${accountId}:${region}:${resourceType}:${resourceId}`;
}
