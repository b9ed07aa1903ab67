import test from 'ava';
import { PRODUCTION, runIngest, scenario, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS (test/wire): Transfer Family read from fixtures
// shaped as its API Reference documents them (JSON 1.1), with the IAM role and S3 bucket its edges reach.

const SERVICES = 'transfer,iam,s3';

let transferRun: Promise<CliRun> | undefined;
const run = () => (transferRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--regions', 'us-east-1', '--services', SERVICES]));

function edges(result: CliRun): Set<string> {
  return new Set((result.snapshot?.relationships ?? []).map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
}

function entity(result: CliRun, key: string) {
  return result.snapshot?.entities.find((e) => e._key === key);
}

test('transfer family: servers (public by endpoint or Elastic IP), service-managed users, their roles and home buckets', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  t.deepEqual(result.server.unanswered(), []);
  const server = `arn:aws:transfer:us-east-1:${PRODUCTION}:server/s-1111aaaa2222bbbb3`;
  const lambdaServer = `arn:aws:transfer:us-east-1:${PRODUCTION}:server/s-4444cccc5555dddd6`;
  t.like(entity(result, server), {
    _type: 'aws_transfer_server',
    endpointType: 'PUBLIC',
    identityProviderType: 'SERVICE_MANAGED',
    public: true,
    state: 'ONLINE',
    loggingRole: `arn:aws:iam::${PRODUCTION}:role/app-ec2`,
    'tag.project': 'lima',
  });
  t.deepEqual(entity(result, server)?._class, ['Host', 'Gateway']);
  t.like(entity(result, lambdaServer), { endpointType: 'VPC', public: true, identityProviderType: 'AWS_LAMBDA', state: 'OFFLINE', active: false });
  t.deepEqual(entity(result, lambdaServer)?.protocols, ['SFTP', 'FTPS']);
  const user = `arn:aws:transfer:us-east-1:${PRODUCTION}:user/s-1111aaaa2222bbbb3/my_user`;
  const partner = `arn:aws:transfer:us-east-1:${PRODUCTION}:user/s-1111aaaa2222bbbb3/partner`;
  t.like(entity(result, user), {
    _type: 'aws_transfer_user',
    homeDirectory: `/${PRODUCTION}-app-data/my_user`,
    sshPublicKeyCount: 1,
    hasSessionPolicy: true,
    'tag.department': 'finance',
  });
  t.deepEqual(entity(result, partner)?.homeDirectoryMappings, [`/in -> /${PRODUCTION}-app-data/partner/in`]);
  const role = `arn:aws:iam::${PRODUCTION}:role/app-ec2`;
  const bucket = `arn:aws:s3:::${PRODUCTION}-app-data`;
  const all = edges(result);
  for (const edge of [
    `${server} HAS ${user}`,
    `${server} HAS ${partner}`,
    `${role} ASSIGNED ${server}`,
    `${role} ASSIGNED ${user}`,
    `${role} ASSIGNED ${partner}`,
    `${bucket} ALLOWS ${user}`,
    `${bucket} ALLOWS ${partner}`,
  ])
    t.true(all.has(edge), edge);
  // Users are listed only for service-managed identities.
  const calls = result.server.calls().filter((c) => c.action === 'transfer:ListUsers');
  t.is(calls.length, 1);
});
