import test from 'ava';
import { PRODUCTION, runIngest, scenario, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS (test/wire): the compute services (Lambda, ECS,
// ECR, EKS, Batch) read from fixtures shaped as their API References document them.

// With the services its edges reach: a function's network, role and key come from their own collectors.
const SERVICES = 'lambda,ec2,iam,kms,s3';

let computeRun: Promise<CliRun> | undefined;
const run = () => (computeRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--regions', 'us-east-1', '--services', SERVICES]));

function edges(result: CliRun): Set<string> {
  return new Set((result.snapshot?.relationships ?? []).map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
}

function entity(result: CliRun, key: string) {
  return result.snapshot?.entities.find((e) => e._key === key);
}

test('lambda: the function, its network, role, policy and triggers', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  t.deepEqual(result.server.unanswered(), []);
  const fn = `arn:aws:lambda:us-east-1:${PRODUCTION}:function:my-function`;
  t.like(entity(result, fn), {
    runtime: 'nodejs20.x',
    vpcId: 'vpc-0e9801d129EXAMPLE',
    loggingEnabled: true,
    'tag.Team': 'payments',
    updatedOn: Date.parse('2019-09-24T18:20:35.054Z'),
  });
  const all = edges(result);
  t.true(all.has(`${fn} HAS arn:aws:ec2:us-east-1:${PRODUCTION}:vpc/vpc-0e9801d129EXAMPLE`));
  t.true(all.has(`${fn} HAS arn:aws:ec2:us-east-1:${PRODUCTION}:security-group/sg-0a1b2c3d4eEXAMPLE`));
  t.true(all.has(`${fn} HAS arn:aws:iam::${PRODUCTION}:role/app-ec2`));
  t.not(entity(result, `arn:aws:iam::${PRODUCTION}:role/app-ec2`)?._source, 'system-mapper');
  t.true(all.has(`arn:aws:events:us-east-1:${PRODUCTION}:rule/nightly TRIGGERS ${fn}`));
  t.true(all.has(`arn:aws:sqs:us-east-1:${PRODUCTION}:orders TRIGGERS ${fn}`));
  t.true(all.has(`${fn} HAS ${fn}|policy`));
  t.truthy(result.server.calls().find((c) => c.operation === 'GetPolicy'));
});
