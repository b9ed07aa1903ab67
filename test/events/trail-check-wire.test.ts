/**
 * The trail check over the wire: CloudTrail's JSON 1.1 answers (test/wire/fixtures/cloudtrail.yaml,
 * shaped as the API Reference documents them) read through the SDK from the loopback server.
 */
import test from 'ava';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { checkTrailWith } from '../../src/events/trail-check';
import { BASE_CREDENTIALS, EXTERNAL_ID, PRODUCTION, scenario } from '../e2e/helpers';
import { loadFixtures } from '../wire/fixtures';
import { WireServer } from '../wire/server';

test('covered through the organization trail, its advanced selectors read; a region without a trail is said', async (t) => {
  const server = await new WireServer(scenario(), loadFixtures()).start();
  t.teardown(() => server.stop());
  const config = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string) => ({
    region,
    endpoint: server.url,
    credentials,
    maxAttempts: 1,
  });
  const { Credentials } = await new STSClient(config(BASE_CREDENTIALS, 'us-east-1')).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PRODUCTION}:role/JupiterOne`, RoleSessionName: 'trail-check', ExternalId: EXTERNAL_ID }),
  );
  const role = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  const check = (region: string) => checkTrailWith(new CloudTrailClient(config(role, region)), PRODUCTION, region);

  t.like(await check('us-east-1'), { coverage: 'covered', trails: ['arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail'] });
  t.like(await check('eu-west-1'), { coverage: 'covered', trails: ['arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail'] });
  t.like(await check('ap-southeast-2'), { coverage: 'no-trail', trails: [] });
  const actions = server.calls().map((call) => call.action);
  for (const action of ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors']) t.true(actions.includes(action), action);
});
