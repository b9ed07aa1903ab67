import type { PolicyDocument, StringOrList } from '../../../policy/document';

/**
 * AWS-managed policies known to the simulated organization. A world attaches them by name. Their
 * documents here are shortened stand-ins that keep each policy's character (`*` on `*`, read-only
 * wildcards, NotAction, service-role permissions); AWS's own documents are much longer.
 */
export interface AwsManagedPolicy {
  name: string;
  path: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  /** Version id of the default version (`v<n>`). */
  version: number;
  document: PolicyDocument;
}

const allow = (Action: StringOrList, Resource: StringOrList = '*') => ({ Effect: 'Allow' as const, Action, Resource });

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
  {
    name: 'AdministratorAccess',
    path: '/',
    description: 'Provides full access to AWS services and resources.',
    createdAt: '2015-02-06T18:39:46Z',
    updatedAt: '2015-02-06T18:39:46Z',
    version: 1,
    document: { Version: '2012-10-17', Statement: [allow('*')] },
  },
  {
    name: 'PowerUserAccess',
    path: '/',
    description: 'Provides full access to AWS services and resources, but does not allow management of Users and groups.',
    createdAt: '2015-02-06T18:39:47Z',
    updatedAt: '2023-07-06T22:04:19Z',
    version: 5,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
        allow(['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions']),
      ],
    },
  },
  {
    name: 'ReadOnlyAccess',
    path: '/',
    description: 'Provides read-only access to AWS services and resources.',
    createdAt: '2015-02-06T18:39:48Z',
    updatedAt: '2024-06-21T15:38:43Z',
    version: 120,
    document: {
      Version: '2012-10-17',
      Statement: [
        allow([
          'ec2:Describe*',
          'ec2:Get*',
          's3:Get*',
          's3:List*',
          'iam:Get*',
          'iam:List*',
          'iam:GenerateCredentialReport',
          'kms:Describe*',
          'kms:Get*',
          'kms:List*',
        ]),
        allow(['dynamodb:BatchGetItem', 'dynamodb:Describe*', 'dynamodb:GetItem', 'dynamodb:List*', 'dynamodb:Query', 'dynamodb:Scan']),
        allow([
          'lambda:Get*',
          'lambda:List*',
          'logs:Describe*',
          'logs:Get*',
          'logs:FilterLogEvents',
          'cloudtrail:Describe*',
          'cloudtrail:Get*',
          'cloudtrail:LookupEvents',
        ]),
      ],
    },
  },
  {
    name: 'ViewOnlyAccess',
    path: '/job-function/',
    description: 'This policy grants permissions to view resources and basic metadata across all AWS services.',
    createdAt: '2016-11-10T17:20:15Z',
    updatedAt: '2024-06-21T15:38:43Z',
    version: 20,
    document: {
      Version: '2012-10-17',
      Statement: [allow(['ec2:Describe*', 's3:ListAllMyBuckets', 's3:ListBucket', 'iam:List*', 'kms:List*', 'lambda:List*', 'dynamodb:ListTables'])],
    },
  },
  {
    name: 'SecurityAudit',
    path: '/',
    description: 'The security audit template grants access to read security configuration metadata.',
    createdAt: '2015-02-06T18:41:01Z',
    updatedAt: '2024-06-21T15:38:43Z',
    version: 45,
    document: {
      Version: '2012-10-17',
      Statement: [
        allow([
          'ec2:Describe*',
          'ec2:GetEbsEncryptionByDefault',
          'iam:GenerateCredentialReport',
          'iam:Get*',
          'iam:List*',
          'iam:SimulateCustomPolicy',
          'iam:SimulatePrincipalPolicy',
          'kms:Describe*',
          'kms:Get*',
          'kms:List*',
          'organizations:Describe*',
          'organizations:List*',
          's3:GetAccelerateConfiguration',
          's3:GetBucket*',
          's3:GetEncryptionConfiguration',
          's3:GetLifecycleConfiguration',
          's3:GetReplicationConfiguration',
          's3:ListAllMyBuckets',
          'cloudtrail:Describe*',
          'cloudtrail:Get*',
          'config:Describe*',
          'logs:Describe*',
        ]),
      ],
    },
  },
  {
    name: 'IAMFullAccess',
    path: '/',
    description: 'Provides full access to IAM via the AWS Management Console.',
    createdAt: '2015-02-06T18:40:38Z',
    updatedAt: '2019-06-21T19:40:00Z',
    version: 2,
    document: {
      Version: '2012-10-17',
      Statement: [allow(['iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization', 'organizations:ListAccounts'])],
    },
  },
  {
    name: 'AmazonS3ReadOnlyAccess',
    path: '/',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    createdAt: '2015-02-06T18:40:59Z',
    updatedAt: '2023-08-10T21:31:39Z',
    version: 3,
    document: { Version: '2012-10-17', Statement: [allow(['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'])] },
  },
  {
    name: 'AmazonEC2ReadOnlyAccess',
    path: '/',
    description: 'Provides read only access to Amazon EC2 via the AWS Management Console.',
    createdAt: '2015-02-06T18:40:17Z',
    updatedAt: '2018-11-27T02:39:15Z',
    version: 1,
    document: {
      Version: '2012-10-17',
      Statement: [
        allow(['ec2:Describe*', 'elasticloadbalancing:Describe*', 'cloudwatch:ListMetrics', 'cloudwatch:GetMetricStatistics', 'autoscaling:Describe*']),
      ],
    },
  },
  {
    name: 'AmazonSSMManagedInstanceCore',
    path: '/',
    description: 'The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.',
    createdAt: '2019-03-15T17:22:12Z',
    updatedAt: '2023-05-03T23:08:31Z',
    version: 3,
    document: {
      Version: '2012-10-17',
      Statement: [
        allow(['ssm:DescribeAssociation', 'ssm:GetDocument', 'ssm:ListAssociations', 'ssm:UpdateInstanceInformation', 'ssm:PutComplianceItems']),
        allow(['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel']),
        allow(['ec2messages:AcknowledgeMessage', 'ec2messages:GetMessages', 'ec2messages:SendReply']),
      ],
    },
  },
  {
    name: 'AWSLambdaBasicExecutionRole',
    path: '/service-role/',
    description: 'Provides write permissions to CloudWatch Logs.',
    createdAt: '2015-04-09T15:03:43Z',
    updatedAt: '2015-04-09T15:03:43Z',
    version: 1,
    document: { Version: '2012-10-17', Statement: [allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'])] },
  },
  {
    name: 'AWSSupportAccess',
    path: '/',
    description: 'Allow users to access the AWS Support Center.',
    createdAt: '2015-02-06T18:41:11Z',
    updatedAt: '2015-02-06T18:41:11Z',
    version: 1,
    document: { Version: '2012-10-17', Statement: [allow('support:*')] },
  },
  {
    name: 'AWSSupportServiceRolePolicy',
    path: '/aws-service-role/',
    description: 'Enable resource access for AWS to provide billing, administrative and support services.',
    createdAt: '2018-04-19T18:04:44Z',
    updatedAt: '2024-05-13T20:07:52Z',
    version: 40,
    document: { Version: '2012-10-17', Statement: [allow(['ec2:Describe*', 'iam:GetRole', 'iam:ListRoles', 's3:GetBucketPolicy', 'support:*'])] },
  },
  {
    name: 'AWSCloudShellFullAccess',
    path: '/',
    description: 'Grants full access to AWS CloudShell.',
    createdAt: '2020-12-15T18:24:37Z',
    updatedAt: '2020-12-15T18:24:37Z',
    version: 1,
    document: { Version: '2012-10-17', Statement: [allow('cloudshell:*')] },
  },
];

export function awsManagedPolicyArn(policy: Pick<AwsManagedPolicy, 'path' | 'name'>): string {
  return `arn:aws:iam::aws:policy${policy.path}${policy.name}`;
}

const BY_NAME = new Map(AWS_MANAGED_POLICIES.map((policy) => [policy.name, policy]));
const BY_ARN = new Map(AWS_MANAGED_POLICIES.map((policy) => [awsManagedPolicyArn(policy), policy]));

export function findAwsManagedPolicy(reference: string): AwsManagedPolicy | undefined {
  return BY_NAME.get(reference) ?? BY_ARN.get(reference);
}
