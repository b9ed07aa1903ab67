import test from 'ava';
import { PRODUCTION, runIngest, scenario, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS (test/wire): CloudFormation read from fixtures
// shaped as its API Reference documents them (awsQuery), with the EC2 security group and the S3
// bucket its stack manages.

const SERVICES = 'cloudformation,ec2,s3';

let cloudFormationRun: Promise<CliRun> | undefined;
const run = () => (cloudFormationRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--regions', 'us-east-1', '--services', SERVICES]));

function entity(result: CliRun, key: string) {
  return result.snapshot?.entities.find((e) => e._key === key);
}

test('cloudformation: the DRIFTED stack, HAS edges to the resources it manages, the unmapped alarm skipped', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  t.deepEqual(result.server.unanswered(), []);
  const stack = `arn:aws:cloudformation:us-east-1:${PRODUCTION}:stack/MyStack/aaf549a0-a413-11df-adb3-5081b3858e83`;
  t.like(entity(result, stack), {
    _type: 'aws_cloudformation_stack',
    name: 'MyStack',
    status: 'CREATE_COMPLETE',
    driftStatus: 'DRIFTED',
    drifted: true,
    driftCheckedOn: Date.parse('2024-05-01T08:00:00Z'),
    createdOn: Date.parse('2010-07-27T22:28:28Z'),
    terminationProtection: false,
    'tag.project': 'lima',
  });
  const managed = (result.snapshot?.relationships ?? []).filter((r) => r._fromEntityKey === stack && r._class === 'HAS');
  t.deepEqual(managed.map((r) => r._toEntityKey).sort(), [
    `arn:aws:ec2:us-east-1:${PRODUCTION}:security-group/sg-0a1b2c3d4eEXAMPLE`,
    `arn:aws:s3:::${PRODUCTION}-app-data`,
  ]);
  t.like(
    managed.find((r) => r._toEntityKey.includes('security-group')),
    { logicalResourceId: 'WebSecurityGroup', driftStatus: 'MODIFIED' },
  );
  for (const r of managed) t.truthy(entity(result, r._toEntityKey), r._toEntityKey);
  // Read-only: drift comes from DescribeStacks, never from DetectStackDrift (the resources come in pages).
  const actions = new Set(
    result.server
      .calls()
      .map((c) => c.action)
      .filter((a) => a.startsWith('cloudformation:')),
  );
  t.deepEqual([...actions].sort(), ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources']);
});
