import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import test from 'ava';
import nock from 'nock';
import { AwsAccess, type AwsAccessOptions } from '../../src/aws/access';
import { discoverRegions } from '../../src/aws/regions';

// Wire-level: the real SDK clients, real HTTP requests, intercepted by nock at the endpoints that the
// standard AWS_ENDPOINT_URL_<SERVICE> variables point at (as with LocalStack-style endpoints).
test.before(() => {
  nock.disableNetConnect();
  process.env.AWS_ENDPOINT_URL_STS = 'https://sts.localstack.test';
  process.env.AWS_ENDPOINT_URL_EC2 = 'https://ec2.localstack.test';
});
test.after.always(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const describeRegionsXml = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <regionInfo>
    <item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>
    <item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>
    <item><regionName>af-south-1</regionName><regionEndpoint>ec2.af-south-1.amazonaws.com</regionEndpoint><optInStatus>not-opted-in</optInStatus></item>
  </regionInfo>
</DescribeRegionsResponse>`;

const assumeRoleXml = (
  accountId: string,
  accessKeyId = 'ASIAIOSFODNN7EXAMPLE',
  sessionToken = 'FwoGZXIvYXdzEXAMPLETOKEN',
) => `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:aws-org-graph-ingestion</AssumedRoleId><Arn>arn:aws:sts::${accountId}:assumed-role/JupiterOne/aws-org-graph-ingestion</Arn></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>${sessionToken}</SessionToken>
      <Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

/** The access layer as a real run builds it: base credentials, the audit role, the External ID. */
function wireAccess(options: Partial<AwsAccessOptions> = {}): AwsAccess {
  return new AwsAccess({
    roleName: 'JupiterOne',
    externalId: 'wire-test-external-id',
    baseCredentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'base-secret' },
    ...options,
  });
}

test('AssumeRole sends the External ID and session name, and the assumed credentials sign the EC2 call', async (t) => {
  let assumeRoleBody = '';
  let ec2Authorization = '';
  const sts = nock('https://sts.localstack.test')
    .post('/', (body: Record<string, string>) => {
      assumeRoleBody = new URLSearchParams(body).toString();
      return body.Action === 'AssumeRole';
    })
    .reply(200, assumeRoleXml('222222222222'), { 'content-type': 'text/xml' });
  const ec2 = nock('https://ec2.localstack.test')
    .post('/', (body: Record<string, string>) => body.Action === 'DescribeRegions' && body.AllRegions === 'true')
    .reply(function () {
      ec2Authorization = String(this.req.headers.authorization);
      return [200, describeRegionsXml, { 'content-type': 'text/xml' }];
    });

  const access = wireAccess();
  try {
    const regions = await discoverRegions(access, '222222222222');
    t.deepEqual(regions.enabled, ['eu-west-1', 'us-east-1']);
    t.deepEqual(regions.skipped, [{ region: 'af-south-1', reason: 'not enabled for the account (opt-in region)' }]);
  } finally {
    access.destroy();
  }
  t.true(sts.isDone());
  t.true(ec2.isDone());
  const params = new URLSearchParams(assumeRoleBody);
  t.is(params.get('RoleArn'), 'arn:aws:iam::222222222222:role/JupiterOne');
  t.is(params.get('ExternalId'), 'wire-test-external-id');
  t.is(params.get('RoleSessionName'), 'aws-org-graph-ingestion');
  t.regex(ec2Authorization, /Credential=ASIAIOSFODNN7EXAMPLE\//, 'EC2 is signed with the assumed role, not the base credentials');
});

test('throttled responses on the wire are retried by the SDK and counted', async (t) => {
  nock('https://sts.localstack.test').post('/').reply(200, assumeRoleXml('333333333333'), { 'content-type': 'text/xml' });
  const throttle = `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>x</RequestID></Response>`;
  nock('https://ec2.localstack.test').post('/').times(2).reply(503, throttle, { 'content-type': 'text/xml' });
  nock('https://ec2.localstack.test').post('/').reply(200, describeRegionsXml, { 'content-type': 'text/xml' });
  const { ConfiguredRetryStrategy } = await import('@smithy/util-retry');
  const access = wireAccess({ retryStrategy: () => new ConfiguredRetryStrategy(5, 1) });
  try {
    const scope = { accountId: '333333333333', region: 'global', collector: 'regions' };
    const regions = await access.withScope(scope, () => discoverRegions(access, '333333333333'));
    t.deepEqual(regions.enabled, ['eu-west-1', 'us-east-1']);
    t.deepEqual(access.countersFor(scope), { calls: 1, throttled: 2 });
  } finally {
    access.destroy();
  }
});

// Serial: its interceptors answer any EC2 call, which the concurrent tests' must not meet.
test.serial('on the wire, concurrent calls of two accounts through one shared client carry each its own role credentials', async (t) => {
  const accounts = ['444444444444', '555555555555'];
  nock('https://sts.localstack.test')
    .post('/', (body: Record<string, string>) => body.Action === 'AssumeRole')
    .times(2)
    .reply((_uri, body) => {
      const accountId = /arn:aws:iam::(\d{12}):role/.exec(new URLSearchParams(body as Record<string, string>).get('RoleArn') ?? '')?.[1] ?? '';
      return [200, assumeRoleXml(accountId, `ASIAWIRE${accountId}`, `token-of-${accountId}`), { 'content-type': 'text/xml' }];
    });
  const seen: Array<{ marker: string; authorization: string; token: string }> = [];
  nock('https://ec2.localstack.test')
    .post('/', (body: Record<string, string>) => body.Action === 'DescribeRegions')
    .times(20)
    .delay(5)
    .reply(function (_uri, body) {
      const marker = new URLSearchParams(body as Record<string, string>).get('RegionName.1') ?? '';
      seen.push({ marker, authorization: String(this.req.headers.authorization), token: String(this.req.headers['x-amz-security-token']) });
      return [200, describeRegionsXml, { 'content-type': 'text/xml' }];
    });
  const access = wireAccess();
  try {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const accountId = accounts[i % 2];
        return access.client(EC2Client, accountId, 'us-east-1').send(new DescribeRegionsCommand({ RegionNames: [`call-of-${accountId}-${i}`] }));
      }),
    );
  } finally {
    access.destroy();
  }
  t.is(seen.length, 20);
  for (const { marker, authorization, token } of seen) {
    const accountId = /call-of-(\d{12})-/.exec(marker)?.[1];
    t.regex(authorization, new RegExp(`Credential=ASIAWIRE${accountId}/`), marker);
    t.is(token, `token-of-${accountId}`, marker);
  }
});
