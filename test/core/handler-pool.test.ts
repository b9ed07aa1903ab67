import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import test from 'ava';
import { AwsAccess, type ClientPlugin } from '../../src/aws/access';

interface SeenRequest {
  hostname: string;
  bucket: string;
  accessKeyId: string;
}

/** Answers every S3 call after a random delay (so calls overlap), recording where it was sent and for which bucket. */
function recordingS3(seen: SeenRequest[], resolutions: { count: number }): ClientPlugin {
  return {
    applyToStack: (stack) =>
      stack.add(
        () => {
          resolutions.count++; // a middleware factory runs once per resolved stack
          return async (args) => {
            const { request, input } = args as { request: { hostname: string; headers: Record<string, string> }; input: { Bucket: string } };
            const accessKeyId = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '';
            seen.push({ hostname: request.hostname, bucket: input.Bucket, accessKeyId });
            await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5)));
            return { output: { Policy: `{"Id":"${input.Bucket}"}`, $metadata: {} }, response: {} };
          };
        },
        { step: 'finalizeRequest', priority: 'low', name: 'recordingS3' },
      ),
  };
}

test('concurrent S3 calls for different buckets and accounts each go to their own bucket endpoint, with stacks resolved once per concurrent call', async (t) => {
  const seen: SeenRequest[] = [];
  const resolutions = { count: 0 };
  const access = new AwsAccess({
    roleName: 'JupiterOne',
    credentialsProvider: (accountId) => async () => ({
      accessKeyId: `ASIA${accountId}`,
      secretAccessKey: 'x',
      sessionToken: 't',
      expiration: new Date(Date.now() + 3600_000),
    }),
    plugins: () => [recordingS3(seen, resolutions)],
  });
  try {
    const accounts = ['111111111111', '222222222222'];
    const views = accounts.map((accountId) => access.client(S3Client, accountId, 'eu-west-1', { accountId, region: 'eu-west-1', collector: 's3' }));
    const concurrency = 8;
    const outputs: Array<{ bucket: string; policy?: string }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < 120) {
          const i = next++;
          const accountId = accounts[i % 2];
          const bucket = `bucket-${accountId}-${i}`;
          const output = await views[i % 2].send(new GetBucketPolicyCommand({ Bucket: bucket }));
          outputs.push({ bucket, policy: output.Policy });
        }
      }),
    );
    t.is(seen.length, 120);
    for (const request of seen) {
      t.is(request.hostname, `${request.bucket}.s3.eu-west-1.amazonaws.com`, "the endpoint of the call's own bucket");
      t.is(request.accessKeyId, `ASIA${/bucket-(\d{12})-/.exec(request.bucket)?.[1]}`, "signed by the bucket's account");
    }
    for (const { bucket, policy } of outputs) t.is(policy, `{"Id":"${bucket}"}`, 'each caller gets its own answer');
    t.true(resolutions.count >= 1 && resolutions.count <= concurrency, `stacks resolved ${resolutions.count} times for 120 calls, ${concurrency} at a time`);
  } finally {
    access.destroy();
  }
});
