import test from 'ava';
import { PRODUCTION, runIngest, scenario, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS (test/wire): Elastic Load Balancing (both APIs,
// which share a signing name), Auto Scaling, EFS, Transfer Family and WorkSpaces, read from
// fixtures shaped as their API References document them, with the EC2, ACM, IAM, KMS and S3
// resources their edges reach.

const SERVICES = 'elasticloadbalancing,autoscaling,efs,workspaces,ec2,acm,kms';

let networkRun: Promise<CliRun> | undefined;
const run = () => (networkRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--regions', 'us-east-1', '--services', SERVICES]));

function edges(result: CliRun): Set<string> {
  return new Set((result.snapshot?.relationships ?? []).map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
}

function entity(result: CliRun, key: string) {
  return result.snapshot?.entities.find((e) => e._key === key);
}

test('elastic load balancing: v2 and classic load balancers, listener, rule, targets, certificate and exposure', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  t.deepEqual(result.server.unanswered(), []);
  const arn = (resource: string) => `arn:aws:elasticloadbalancing:us-east-1:${PRODUCTION}:${resource}`;
  const alb = arn('loadbalancer/app/my-load-balancer/50dc6c495c0c9188');
  t.like(entity(result, alb), {
    _type: 'aws_alb',
    scheme: 'internet-facing',
    dropInvalidHeaders: false,
    internetReachable: true,
    'tag.project': 'lima',
    createdOn: Date.parse('2016-03-25T21:26:12.920Z'),
  });
  t.deepEqual(entity(result, alb)?.exposedPorts, [443]);
  const listener = arn('listener/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2');
  t.like(entity(result, listener), { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
  const certificate = `arn:aws:acm:us-east-1:${PRODUCTION}:certificate/12345678-1234-1234-1234-123456789012`;
  const group = arn('targetgroup/my-targets/73e2d6bc24d8a067');
  const all = edges(result);
  for (const edge of [
    `${alb} CONNECTS ${listener}`,
    `${alb} CONNECTS ${group}`,
    `${listener} USES ${certificate}`,
    `${alb} USES ${certificate}`,
    `${listener} HAS ${arn('listener-rule/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee')}`,
    `${group} HAS arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-1234567890abcdef0`,
    `${alb} HAS arn:aws:ec2:us-east-1:${PRODUCTION}:security-group/sg-0a1b2c3d4eEXAMPLE`,
  ])
    t.true(all.has(edge), edge);
  t.true([...all].some((edge) => edge.startsWith(`${alb} ALLOWS `)));
  const classic = arn('loadbalancer/my-classic-load-balancer');
  // Internet-facing, but its security group opens nothing to the Internet.
  t.like(entity(result, classic), { _type: 'aws_elb', public: true, internetReachable: false, crossZoneLoadBalancing: true, 'tag.project': 'lima' });
  t.true(all.has(`${classic} CONNECTS arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-1234567890abcdef0`));
  t.true(all.has(`${classic} USES ${certificate}`));
  const versions = new Set(
    result.server
      .calls()
      .filter((c) => c.action === 'elastic-load-balancing:DescribeLoadBalancers' || c.action === 'elastic-load-balancing-v2:DescribeLoadBalancers')
      .map((c) => c.action),
  );
  t.is(versions.size, 2, 'both APIs were reached through one signing name');
});

test('auto scaling: the group has its instance and uses the target group', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  const group = `arn:aws:autoscaling:us-east-1:${PRODUCTION}:autoScalingGroup:930d940e-891e-4781-a11a-7b0acd480f03:autoScalingGroupName/my-asg`;
  t.like(entity(result, group), { _type: 'aws_autoscaling_group', desiredCapacity: 1, healthCheckType: 'ELB', 'tag.environment': 'production' });
  const all = edges(result);
  t.true(all.has(`${group} HAS arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-1234567890abcdef0`));
  t.true(all.has(`${group} USES arn:aws:elasticloadbalancing:us-east-1:${PRODUCTION}:targetgroup/my-targets/73e2d6bc24d8a067`));
});

test('efs: the encrypted file system, its mount target in the subnet behind the group, and its policy', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  const fs = `arn:aws:elasticfilesystem:us-east-1:${PRODUCTION}:file-system/fs-0123456789abcdef0`;
  t.like(entity(result, fs), { _type: 'aws_efs_file_system', encrypted: true, createdOn: Date.parse('2023-12-10T18:53:34Z'), 'tag.Name': 'my-file-system' });
  const target = `${fs}/mount-target/fsmt-0123456789abcdef0`;
  t.like(entity(result, target), { ipAddress: '10.0.1.120' });
  t.like(entity(result, `${fs}|policy`), { public: true, statementCount: 1 });
  const all = edges(result);
  for (const edge of [
    `${fs} HAS ${target}`,
    `arn:aws:ec2:us-east-1:${PRODUCTION}:subnet/subnet-0bb1c79de3EXAMPLE HAS ${target}`,
    `${target} HAS arn:aws:ec2:us-east-1:${PRODUCTION}:security-group/sg-0a1b2c3d4eEXAMPLE`,
    `${fs} USES arn:aws:kms:us-east-1:${PRODUCTION}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    `${fs}|policy ALLOWS ${fs}`,
  ])
    t.true(all.has(edge), edge);
});

test('workspaces: the workspace in its subnet, on its bundle, encrypted with the key', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  const workspace = `arn:aws:workspaces:us-east-1:${PRODUCTION}:workspace/ws-dk1xzr417`;
  const bundle = `arn:aws:workspaces:us-east-1:${PRODUCTION}:workspacebundle/wsb-0abc12def`;
  t.like(entity(result, workspace), { _type: 'aws_workspace', encrypted: true, userName: 'jdoe', 'tag.Department': 'Finance' });
  t.like(entity(result, bundle), { _type: 'aws_workspaces_bundle', updatedOn: Date.parse('2023-05-15T18:00:00Z') });
  const all = edges(result);
  t.true(all.has(`arn:aws:ec2:us-east-1:${PRODUCTION}:subnet/subnet-0bb1c79de3EXAMPLE HAS ${workspace}`));
  t.true(all.has(`${workspace} USES ${bundle}`));
  t.true(all.has(`${workspace} USES arn:aws:kms:us-east-1:${PRODUCTION}:key/1234abcd-12ab-34cd-56ef-1234567890ab`));
});
