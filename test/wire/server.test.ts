import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { ListAccountsCommand, OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  S3Client,
  type ServiceInputTypes as S3Input,
  type ServiceOutputTypes as S3Output,
} from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, FinalizeRequestMiddleware } from '@smithy/types';
import test from 'ava';
import { Sha256 } from '../../src/aws/sha256';
import { BASE_CREDENTIALS, EXTERNAL_ID, MANAGEMENT, PRODUCTION, scenario } from '../e2e/helpers';
import { loadFixtures, type ServiceFixture } from './fixtures';
import { WireServer, type WireScenario } from './server';

const SRC = path.join(__dirname, '..', '..', 'src');

/** TypeScript files of the engine that talk to AWS: the services and the access layer, not the simulators. */
function engineFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'sim' ? [] : engineFiles(file);
    return name.endsWith('.ts') && !/simulator|^sim-/.test(name) ? [file] : [];
  });
}

/** Every SDK operation the engine calls: `Command` classes and paginators imported from `@aws-sdk/client-*`. */
function operationsCalled(): Array<{ service: string; operation: string; file: string }> {
  const found: Array<{ service: string; operation: string; file: string }> = [];
  for (const file of [...engineFiles(path.join(SRC, 'services')), ...engineFiles(path.join(SRC, 'aws'))]) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([\w-]+)'/g)) {
      for (const raw of match[1].split(',')) {
        const name = raw.trim().replace(/^type\s+/, '');
        const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (operation && !raw.trim().startsWith('type ')) found.push({ service: match[2], operation, file: path.relative(SRC, file) });
      }
    }
  }
  return found;
}

test('every operation the engine calls has a fixture (or is answered by the server itself)', (t) => {
  const fixtures = new Map(loadFixtures().map((f) => [f.service, f]));
  const called = operationsCalled();
  t.true(called.length > 50, `found ${called.length} operations`);
  const missing = called
    .filter(({ service, operation }) => !fixtures.get(service)?.operations[operation])
    .map((c) => `${c.service}:${c.operation} (${c.file})`);
  t.deepEqual(missing, []);
});

/** A server of the test organization, and SDK clients that reach it as the ingester or as an account's role. */
async function serverWith(overrides: Partial<WireScenario> = {}, fixtures?: ServiceFixture[]) {
  const server = await new WireServer(scenario(overrides), fixtures).start();
  const config = (credentials: AwsCredentialIdentity, region = 'us-east-1') => ({ region, endpoint: server.url, credentials, maxAttempts: 1 });
  const base = { accessKeyId: BASE_CREDENTIALS.accessKeyId, secretAccessKey: BASE_CREDENTIALS.secretAccessKey };
  const assume = async (accountId: string): Promise<AwsCredentialIdentity> => {
    const sts = new STSClient(config(base));
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/JupiterOne`, RoleSessionName: 'wire-test', ExternalId: EXTERNAL_ID }),
    );
    return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  };
  return { server, config, base, assume };
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('the call succeeded');
}

test('AssumeRole issues per-account keys; GetCallerIdentity knows who holds them; calls are recorded per account', async (t) => {
  const { server, config, base, assume } = await serverWith();
  try {
    const credentials = await assume(PRODUCTION);
    t.regex(credentials.accessKeyId, /^ASIA/);
    const identity = await new STSClient(config(credentials)).send(new GetCallerIdentityCommand({}));
    t.is(identity.Account, PRODUCTION);
    t.is(identity.Arn, `arn:aws:sts::${PRODUCTION}:assumed-role/JupiterOne/wire-test`);
    t.is((await new STSClient(config(base)).send(new GetCallerIdentityCommand({}))).Account, BASE_CREDENTIALS.accountId);
    // The role wants the External ID, and exists only in the scenario's accounts.
    const sts = new STSClient(config(base));
    const wrongId = await errorOf(
      sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PRODUCTION}:role/JupiterOne`, RoleSessionName: 's', ExternalId: 'not-it' })),
    );
    t.like(wrongId, { name: 'AccessDenied', status: 403 });
    t.regex(wrongId.message, /is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role\/JupiterOne/);
    t.like(
      await errorOf(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::555555555555:role/JupiterOne', RoleSessionName: 's', ExternalId: EXTERNAL_ID }))),
      { name: 'AccessDenied' },
    );
    t.is(server.assumeRoleCount(PRODUCTION), 1);
    t.deepEqual(
      server.calls().map((c) => [c.account, c.action, c.status]),
      [
        [BASE_CREDENTIALS.accountId, 'sts:AssumeRole', 200],
        [PRODUCTION, 'sts:GetCallerIdentity', 200],
        [BASE_CREDENTIALS.accountId, 'sts:GetCallerIdentity', 200],
        [BASE_CREDENTIALS.accountId, 'sts:AssumeRole', 403],
        [BASE_CREDENTIALS.accountId, 'sts:AssumeRole', 403],
      ],
    );
  } finally {
    await server.stop();
  }
});

test('unknown keys, expired credentials and bad signatures are refused as each protocol refuses them', async (t) => {
  const { server, config, assume } = await serverWith({ credentialLifetimeSeconds: -60 });
  try {
    const expired = await assume(PRODUCTION); // expired a minute before it was issued
    t.like(await errorOf(new IAMClient(config(expired)).send(new GetAccountSummaryCommand({}))), { name: 'ExpiredToken', status: 403 });
    t.like(await errorOf(new EC2Client(config(expired)).send(new DescribeVpcsCommand({}))), { name: 'RequestExpired', status: 400 });
    t.like(await errorOf(new KMSClient(config(expired)).send(new ListKeysCommand({}))), { name: 'ExpiredTokenException', status: 400 });
    t.like(await errorOf(new S3Client(config(expired)).send(new GetBucketEncryptionCommand({ Bucket: `${PRODUCTION}-app-data` }))), {
      name: 'ExpiredToken',
      status: 400,
    });

    const unknown = { accessKeyId: 'AKIAUNKNOWNEXAMPLE01', secretAccessKey: 'x' };
    t.like(await errorOf(new IAMClient(config(unknown)).send(new GetAccountSummaryCommand({}))), { name: 'InvalidClientTokenId', status: 403 });
    t.like(await errorOf(new EC2Client(config(unknown)).send(new DescribeVpcsCommand({}))), { name: 'AuthFailure', status: 401 });
    t.like(await errorOf(new KMSClient(config(unknown)).send(new ListKeysCommand({}))), { name: 'UnrecognizedClientException', status: 400 });
    t.like(await errorOf(new S3Client(config(unknown)).send(new GetBucketEncryptionCommand({ Bucket: 'b' }))), { name: 'InvalidAccessKeyId', status: 403 });

    const wrongSecret = { accessKeyId: BASE_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' };
    t.like(await errorOf(new STSClient(config(wrongSecret)).send(new GetCallerIdentityCommand({}))), { name: 'SignatureDoesNotMatch', status: 403 });
  } finally {
    await server.stop();
  }
});

test('revokeAfterCalls: an issued key is refused as expired after N calls, whatever its Expiration says', async (t) => {
  const { server, config, assume } = await serverWith({ revokeAfterCalls: 2 });
  try {
    const iam = new IAMClient(config(await assume(PRODUCTION)));
    await iam.send(new GetAccountSummaryCommand({}));
    await iam.send(new GetAccountSummaryCommand({}));
    t.like(await errorOf(iam.send(new GetAccountSummaryCommand({}))), { name: 'ExpiredToken', status: 403 });
    // A new key works again; the ingester's own long-term key is never revoked.
    t.truthy((await new IAMClient(config(await assume(PRODUCTION))).send(new GetAccountSummaryCommand({}))).SummaryMap);
    t.is(server.assumeRoleCount(PRODUCTION), 2);
  } finally {
    await server.stop();
  }
});

test('throttling and access denied come back in each protocol’s own shape', async (t) => {
  const { server, config, assume } = await serverWith({
    throttle: {
      attempts: 1,
      operations: ['iam:GetAccountSummary', 'ec2:DescribeVpcs', 'kms:ListKeys', 's3:GetBucketEncryption', 'organizations:ListAccounts'],
    },
    deny: [{ operation: 'kms:ListKeys', account: PRODUCTION }, { operation: 'ec2:DescribeVpcs', region: 'eu-west-1' }, { operation: 's3:GetBucketPolicy' }],
  });
  try {
    const credentials = await assume(PRODUCTION);
    const iam = new IAMClient(config(credentials));
    t.like(await errorOf(iam.send(new GetAccountSummaryCommand({}))), { name: 'Throttling', status: 400 });
    t.truthy((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap?.Users, 'the second attempt succeeds');
    t.like(await errorOf(new EC2Client(config(credentials)).send(new DescribeVpcsCommand({}))), { name: 'RequestLimitExceeded', status: 503 });
    t.like(await errorOf(new KMSClient(config(credentials)).send(new ListKeysCommand({}))), { name: 'ThrottlingException', status: 400 });
    t.like(await errorOf(new KMSClient(config(credentials)).send(new ListKeysCommand({}))), { name: 'AccessDeniedException', status: 400 });
    const s3 = new S3Client(config(credentials));
    t.like(await errorOf(s3.send(new GetBucketEncryptionCommand({ Bucket: `${PRODUCTION}-app-data` }))), { name: 'SlowDown', status: 503 });
    t.like(await errorOf(s3.send(new GetBucketPolicyCommand({ Bucket: `${PRODUCTION}-app-data` }))), { name: 'AccessDenied', status: 403 });
    // Denied in one region only (throttled first there too: each region's request is throttled once).
    const ireland = new EC2Client(config(credentials, 'eu-west-1'));
    t.like(await errorOf(ireland.send(new DescribeVpcsCommand({}))), { name: 'RequestLimitExceeded' });
    t.like(await errorOf(ireland.send(new DescribeVpcsCommand({}))), { name: 'UnauthorizedOperation', status: 403 });
    t.is((await new EC2Client(config(credentials)).send(new DescribeVpcsCommand({}))).Vpcs?.length, 2);
    const organizations = new OrganizationsClient(config(await assume(MANAGEMENT)));
    t.like(await errorOf(organizations.send(new ListAccountsCommand({}))), { name: 'TooManyRequestsException', status: 400 });
    // Only the management account answers Organizations calls.
    const member = new OrganizationsClient(config(credentials));
    t.like(await errorOf(member.send(new ListAccountsCommand({}))), { name: 'TooManyRequestsException' });
    t.like(await errorOf(member.send(new ListAccountsCommand({}))), { name: 'AWSOrganizationsNotInUseException' });
  } finally {
    await server.stop();
  }
});

test('requests the fixtures cannot answer are reported, not passed off as AWS errors', async (t) => {
  // A KMS fixture that knows one key only, with no answer for the others.
  const fixtures = loadFixtures().map((fixture) =>
    fixture.service !== 'kms'
      ? fixture
      : {
          ...fixture,
          operations: { ...fixture.operations, DescribeKey: { match: 'KeyId', cases: { 'known-key': { body: { KeyMetadata: { KeyId: 'known-key' } } } } } },
        },
  );
  const { server, config, assume } = await serverWith({}, fixtures);
  try {
    const credentials = await assume(PRODUCTION);
    const kms = new KMSClient(config(credentials));
    t.is((await kms.send(new DescribeKeyCommand({ KeyId: 'known-key' }))).KeyMetadata?.KeyId, 'known-key');
    t.deepEqual(server.unanswered(), []);
    t.like(await errorOf(kms.send(new DescribeKeyCommand({ KeyId: 'other-key' }))), { status: 500 });
    // A service without a fixture.
    t.like(await errorOf(new SQSClient(config(credentials)).send(new ListQueuesCommand({}))), { status: 400 });
    t.deepEqual(server.unanswered(), [
      'POST /: kms.yaml DescribeKey: no answer for KeyId=other-key',
      'POST /: wire server: no SigV4 scope or no fixture for sqs',
    ]);
  } finally {
    await server.stop();
  }
});

test('pagination: pages of the configured size, with tokens that only continue their own call', async (t) => {
  const { server, config, assume } = await serverWith({ pageSize: 3 });
  try {
    const organizations = new OrganizationsClient(config(await assume(MANAGEMENT)));
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: organizations }, {})) ids.push(...(page.Accounts ?? []).map((a) => a.Id ?? ''));
    t.deepEqual(ids, [MANAGEMENT, PRODUCTION, '333333333333', '444444444444']);
    t.is(server.calls().filter((c) => c.action === 'organizations:ListAccounts').length, 2);
    // A smaller MaxResults wins over the server's page size.
    const first = await organizations.send(new ListAccountsCommand({ MaxResults: 1 }));
    t.is(first.Accounts?.length, 1);
    t.truthy(first.NextToken);
    // A token of another account's (or another operation's) listing is refused.
    const kms = new KMSClient(config(await assume(PRODUCTION)));
    t.like(await errorOf(kms.send(new ListKeysCommand({ Marker: first.NextToken }))), { name: 'InvalidNextTokenException' });
    const keys = await kms.send(new ListKeysCommand({}));
    t.is(keys.Keys?.length, 3);
    t.false(keys.Truncated);
  } finally {
    await server.stop();
  }
});

test('S3: path-style requests (an IP endpoint) and virtual-hosted ones (a host name) reach the same bucket', async (t) => {
  const { server, config, assume } = await serverWith();
  try {
    const credentials = await assume(PRODUCTION);
    const pathStyle = new S3Client(config(credentials));
    t.is(
      (await pathStyle.send(new GetBucketEncryptionCommand({ Bucket: `${PRODUCTION}-app-data` }))).ServerSideEncryptionConfiguration?.Rules?.[0]
        .ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      'aws:kms',
    );
    t.regex((await pathStyle.send(new GetBucketPolicyCommand({ Bucket: `${PRODUCTION}-public-site` }))).Policy ?? '', /"Principal":"\*"/);
    // With a host name, the SDK puts the bucket in the host (bucket.localhost); the connection still
    // goes to 127.0.0.1 (the Host header, signed, keeps the bucket), as a resolver of *.localhost would.
    const port = new URL(server.url).port;
    const virtualHosted = new S3Client({ ...config(credentials), endpoint: `http://localhost:${port}` });
    let sentHost = '';
    const toLoopback: FinalizeRequestMiddleware<S3Input, S3Output> = (next) => (args) => {
      const request = args.request as { hostname: string; headers: Record<string, string> };
      sentHost = request.headers.host;
      request.hostname = '127.0.0.1';
      return next(args);
    };
    virtualHosted.middlewareStack.addRelativeTo(toLoopback, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'toLoopback' });
    const encryption = await virtualHosted.send(new GetBucketEncryptionCommand({ Bucket: `${PRODUCTION}-flow-logs` }));
    t.is(sentHost, `${PRODUCTION}-flow-logs.localhost:${port}`);
    t.is(encryption.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
    t.deepEqual(
      server
        .calls()
        .filter((c) => c.service === 's3')
        .map((c) => [c.operation, c.input.Bucket, c.status]),
      [
        ['GetBucketEncryption', `${PRODUCTION}-app-data`, 200],
        ['GetBucketPolicy', `${PRODUCTION}-public-site`, 200],
        ['GetBucketEncryption', `${PRODUCTION}-flow-logs`, 200],
      ],
    );
  } finally {
    await server.stop();
  }
});

test('JSON 1.0 and REST-JSON services are served from their fixtures too', async (t) => {
  const extra: ServiceFixture[] = [
    {
      service: 'sqs',
      protocol: 'json1.0',
      targetPrefix: 'AmazonSQS',
      pagination: { input: 'NextToken', output: 'NextToken', limit: 'MaxResults' },
      source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html',
      file: 'inline sqs',
      operations: {
        ListQueues: {
          paginate: ['QueueUrls'],
          body: {
            QueueUrls: [
              'https://sqs.{{region}}.amazonaws.com/{{accountId}}/alerts',
              'https://sqs.{{region}}.amazonaws.com/{{accountId}}/audit',
              'https://sqs.{{region}}.amazonaws.com/{{accountId}}/dlq',
            ],
          },
        },
      },
    },
    {
      service: 'lambda',
      protocol: 'restJson',
      source: 'https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html',
      file: 'inline lambda',
      operations: {
        GetFunctionConfiguration: {
          http: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/configuration' },
          match: 'FunctionName',
          cases: {
            'my-function': {
              body: { FunctionName: 'my-function', FunctionArn: 'arn:aws:lambda:{{region}}:{{accountId}}:function:my-function', Runtime: 'nodejs20.x' },
            },
            '*': { error: { code: 'ResourceNotFoundException', status: 404, message: 'Function not found' } },
          },
        },
      },
    },
  ];
  const { server, config, assume } = await serverWith({}, [...loadFixtures(), ...extra]);
  try {
    const credentials = await assume(PRODUCTION);
    const queues = await new SQSClient(config(credentials, 'eu-west-1')).send(new ListQueuesCommand({}));
    t.deepEqual(queues.QueueUrls, [`https://sqs.eu-west-1.amazonaws.com/${PRODUCTION}/alerts`, `https://sqs.eu-west-1.amazonaws.com/${PRODUCTION}/audit`]);
    t.truthy(queues.NextToken);

    // No Lambda client is installed: a request signed as the SDK signs it.
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'lambda', sha256: Sha256 });
    const url = new URL(server.url);
    const get = async (name: string) => {
      const signed = await signer.sign({
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: `/2015-03-31/functions/${name}/configuration`,
        query: {},
        headers: { host: url.host },
      });
      const response = await fetch(`${server.url}${signed.path}`, { headers: signed.headers });
      return { status: response.status, type: response.headers.get('x-amzn-errortype'), body: (await response.json()) as Record<string, string> };
    };
    t.like(await get('my-function'), { status: 200, body: { FunctionArn: `arn:aws:lambda:us-east-1:${PRODUCTION}:function:my-function` } });
    t.like(await get('other'), { status: 404, type: 'ResourceNotFoundException' });
  } finally {
    await server.stop();
  }
});
