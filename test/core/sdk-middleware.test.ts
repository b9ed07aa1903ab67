import { getUserAgentMiddlewareOptions, userAgentMiddleware } from '@aws-sdk/core/client';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeVpcsCommand, EC2Client, paginateDescribeVpcs } from '@aws-sdk/client-ec2';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import test from 'ava';
import { AwsAccess, type ClientPlugin, type SdkClient } from '../../src/aws/access';

/** Answers every call after signing, keeping the headers each request was sent with. */
function answering(seen: Array<Record<string, string>>): ClientPlugin {
  return {
    applyToStack: (stack) =>
      stack.add(
        () => async (args) => {
          seen.push({ ...(args as { request: { headers: Record<string, string> } }).request.headers });
          return { output: { $metadata: {} }, response: {} };
        },
        { step: 'finalizeRequest', priority: 'low', name: 'answering' },
      ),
  };
}

function accessWith(seen: Array<Record<string, string>>): AwsAccess {
  return new AwsAccess({
    roleName: 'JupiterOne',
    baseCredentials: { accessKeyId: 'AKIAUSERAGENTTEST', secretAccessKey: 'x' },
    directAccountIds: ['111111111111', '222222222222'],
    pacing: false,
    plugins: () => [answering(seen)],
  });
}

/** The same calls through the SDK's own user-agent middleware, put back on every shared client of `access`. */
function restoreSdkUserAgent(view: SdkClient): void {
  const shared = Object.getPrototypeOf(view) as { config: Parameters<typeof userAgentMiddleware>[0]; middlewareStack: { add: (...args: unknown[]) => void } };
  shared.middlewareStack.add(userAgentMiddleware(shared.config), { ...getUserAgentMiddlewareOptions, override: true });
}

async function callsOf(access: AwsAccess, sdkUserAgent: boolean): Promise<void> {
  const scope = (accountId: string, collector: string) => ({ accountId, region: 'eu-west-1', collector });
  const ec2 = access.client(EC2Client, '111111111111', 'eu-west-1', scope('111111111111', 'ec2-network'));
  const ec2Other = access.client(EC2Client, '222222222222', 'eu-west-1', scope('222222222222', 'ec2-instances'));
  const s3 = access.client(S3Client, '111111111111', 'eu-west-1', scope('111111111111', 's3-buckets'));
  const dynamo = access.client(DynamoDBClient, '222222222222', 'eu-west-1', scope('222222222222', 'dynamodb-tables'));
  if (sdkUserAgent) for (const view of [ec2, s3, dynamo]) restoreSdkUserAgent(view);
  for (let i = 0; i < 3; i++) {
    await ec2.send(new DescribeVpcsCommand({}));
    await ec2Other.send(new DescribeVpcsCommand({}));
    for await (const page of paginateDescribeVpcs({ client: ec2 }, {})) void page;
    await Promise.all([s3.send(new GetBucketPolicyCommand({ Bucket: `bucket-${i}` })), s3.send(new GetBucketPolicyCommand({ Bucket: `other-${i}` }))]);
    await dynamo.send(new DescribeTableCommand({ TableName: `table-${i}` }));
  }
}

test('the remembered user agent is the one the SDK builds for each call, per client, feature flags and collector', async (t) => {
  const cached: Array<Record<string, string>> = [];
  const built: Array<Record<string, string>> = [];
  const withCache = accessWith(cached);
  const withSdk = accessWith(built);
  try {
    await callsOf(withCache, false);
    await callsOf(withSdk, true);
  } finally {
    withCache.destroy();
    withSdk.destroy();
  }
  const userAgents = (seen: Array<Record<string, string>>) => seen.map((headers) => [headers['user-agent'], headers['x-amz-user-agent']]);
  t.is(cached.length, 18);
  t.deepEqual(userAgents(cached), userAgents(built));
  // What the SDK puts there: its own sections, its feature flags, and the collector's tag (added at signing).
  t.regex(cached[0]['user-agent'], /aws-sdk-js\/\S+ .*api\/ec2#\S+ .*md\/orggraph-collector#ec2-network/);
  t.regex(cached[1]['user-agent'], /md\/orggraph-collector#ec2-instances/);
  // DynamoDB's account-based endpoints set a feature flag that the other clients' calls do not have.
  t.regex(cached[5]['user-agent'], /api\/dynamodb#\S+ m\/P /);
  t.regex(cached[3]['user-agent'], /api\/s3#\S+ m\/ /);
});

test('the recursion-detection middleware is gone outside Lambda, and the user-agent middleware replaced in place', (t) => {
  const access = accessWith([]);
  try {
    const view = access.client(EC2Client, '111111111111', 'eu-west-1');
    const names = (Object.getPrototypeOf(view) as { middlewareStack: { identify(): string[] } }).middlewareStack.identify();
    t.false(names.some((name) => name.startsWith('recursionDetectionMiddleware')));
    t.is(names.filter((name) => name.startsWith('getUserAgentMiddleware')).length, 1);
    // It still runs in the build step, where the SDK's ran (before the retry loop and signing).
    t.true(names.indexOf('getUserAgentMiddleware - build') < names.findIndex((name) => name.startsWith('retryMiddleware')));
  } finally {
    access.destroy();
  }
});
