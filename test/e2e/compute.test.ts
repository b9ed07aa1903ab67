import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { PRODUCTION, runIngest, scenario, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS (test/wire): the compute services (Lambda, ECS,
// ECR, EKS, Batch) read from fixtures shaped as their API References document them.

// With the services its edges reach: a function's network, role and key come from their own collectors,
// the EventBridge rule that triggers it from CloudWatch's (a collected type named by key: without its
// collector the edge would be dropped at write), the queue that triggers it from SQS's.
const SERVICES = 'lambda,ecs,ecr,eks,batch,cloudwatch,ec2,iam,kms,s3,sqs';

/** A configuration file with collection limits the fixtures exceed (one task per cluster, two images per repository). */
function limitsConfig(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'orggraph-e2e-config-')), 'orggraph.yaml');
  writeFileSync(file, 'collection:\n  ecsTasksPerCluster: 1\n  ecrImagesPerRepository: 2\n');
  return file;
}

let computeRun: Promise<CliRun> | undefined;
const run = () =>
  (computeRun ??= runIngest(scenario(), ['--config', limitsConfig(), '--accounts', PRODUCTION, '--regions', 'us-east-1', '--services', SERVICES]));

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

test('ecs: cluster, container instance on its EC2 host, service, task and task definition with roles; tasks capped', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  const ecs = `arn:aws:ecs:us-east-1:${PRODUCTION}`;
  const cluster = `${ecs}:cluster/default`;
  const host = `${ecs}:container-instance/default/f9cc75bb0c9446b9bf6d49d320bc1551`;
  const service = `${ecs}:service/default/ecs-simple-service`;
  const definition = `${ecs}:task-definition/hello_world:6`;
  const task = `${ecs}:task/default/0cc43cdb3bee4407b7a4e6bc8c3e1a2d`;
  t.like(entity(result, cluster), { _type: 'aws_ecs_cluster', containerInsightsEnabled: true, 'tag.team': 'web' });
  t.like(entity(result, host), { _type: 'aws_ecs_container_instance', ec2InstanceId: 'i-1234567890abcdef0', createdOn: 1714727400000 });
  t.like(entity(result, definition), { _type: 'aws_ecs_task_definition', privileged: true, loggingEnabled: true, image: 'wordpress' });
  t.false(JSON.stringify(entity(result, definition)).includes('example-password'));
  // The newest revision of a family no service runs is described; the older revision of hello_world is not.
  t.truthy(entity(result, `${ecs}:task-definition/nightly-report:2`));
  t.falsy(entity(result, `${ecs}:task-definition/hello_world:5`));
  const all = edges(result);
  t.true(all.has(`aws:${PRODUCTION}:service:ecs HAS ${cluster}`));
  t.true(all.has(`arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-1234567890abcdef0 RUNS ${host}`));
  t.true(all.has(`${cluster} HAS ${service}`));
  t.true(all.has(`${host} RUNS ${task}`));
  t.true(all.has(`${service} TRIGGERS ${task}`));
  t.true(all.has(`${definition} DEFINES ${service}`));
  t.true(all.has(`${definition} ASSIGNED arn:aws:iam::${PRODUCTION}:role/app-ec2`));
  t.true(all.has(`${definition} USES arn:aws:iam::${PRODUCTION}:role/app-ec2`));
  // collection.ecsTasksPerCluster: 1 keeps the first listed task and says so in the summary.
  t.is(result.snapshot?.entities.filter((e) => e._type === 'aws_ecs_task').length, 1);
  t.deepEqual(
    result.summary?.limited?.find((limited) => limited.limit === 'ecsTasksPerCluster'),
    { limit: 'ecsTasksPerCluster', _type: 'aws_ecs_task', value: 1, parents: 1, skipped: 1 },
  );
});

test('ecr: repositories, the two most recent images, their scan findings and the repository policy ALLOWS', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  const repository = `arn:aws:ecr:us-east-1:${PRODUCTION}:repository/ubuntu`;
  const jammy = `${repository}@sha256:1e4b5d0a7c3f6e9b2a5d8c1f4e7b0a3d6c9f2e5b8a1d4c7f0e3b6a9d2c5f8e1b`;
  t.like(entity(result, repository), { _type: 'aws_ecr_repository', scanOnPush: true, public: false, imageCount: 3, 'tag.team': 'platform' });
  t.like(entity(result, `arn:aws:ecr:us-east-1:${PRODUCTION}:repository/empty`), { public: false, encryptionType: 'KMS', imageCount: 0 });
  t.like(entity(result, jammy), { _type: 'aws_ecr_image', name: 'ubuntu:jammy', mediumFindings: 1, createdOn: 1714000000000 });
  // The two most recently pushed of three: jammy (2024) and focal (2022), not precise (2019).
  const images = (result.snapshot?.entities ?? []).filter((e) => e._type === 'aws_ecr_image').map((e) => e.name);
  t.deepEqual(images.sort(), ['ubuntu:focal', 'ubuntu:jammy']);
  t.deepEqual(
    result.summary?.limited?.find((limited) => limited.limit === 'ecrImagesPerRepository'),
    { limit: 'ecrImagesPerRepository', _type: 'aws_ecr_image', value: 2, parents: 1, skipped: 1 },
  );
  const inspector = `arn:aws:inspector2:us-east-1:${PRODUCTION}:finding/1b2c3d4e5f60718293a4b5c6d7e8f9a0`;
  t.like(entity(result, `${jammy}|finding/CVE-2019-5188`), { _type: 'aws_ecr_image_scan_finding', severity: 'medium', open: true, packageName: 'e2fsprogs' });
  t.like(entity(result, inspector), { severity: 'high', open: true, vulnerabilityId: 'CVE-2023-4911' });
  const all = edges(result);
  t.true(all.has(`aws:${PRODUCTION}:service:ecr HAS ${repository}`));
  t.true(all.has(`${repository} HAS ${jammy}`));
  t.true(all.has(`${jammy} HAS ${inspector}`));
  t.true(all.has(`${repository} HAS ${repository}|policy`));
  const allows = (result.snapshot?.relationships ?? []).find((r) => r._fromEntityKey === `${repository}|policy` && r._class === 'ALLOWS');
  t.is(allows?._toEntityKey, repository);
  t.true(String(allows?.principals).includes('210987654321'));
  t.true(result.stdout.includes('"limited"'));
});

test('eks: the cluster with vpcEndpointPublicAccess and its security groups', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  const cluster = `arn:aws:eks:us-east-1:${PRODUCTION}:cluster/devel`;
  t.like(entity(result, cluster), {
    _type: 'aws_eks_cluster',
    vpcEndpointPublicAccess: true,
    public: false,
    loggingEnabled: true,
    version: '1.29',
    createdOn: 1527807879988,
    'tag.team': 'platform',
  });
  const all = edges(result);
  t.true(all.has(`aws:${PRODUCTION}:service:eks HAS ${cluster}`));
  const group = `arn:aws:ec2:us-east-1:${PRODUCTION}:security-group/sg-0a1b2c3d4eEXAMPLE`;
  t.true(all.has(`${cluster} HAS ${group}`));
  t.not(entity(result, group)?._source, 'system-mapper');
  // The cluster security group is not in the EC2 fixture: named by key in the same account, its edge is dropped at write.
  const made = `arn:aws:ec2:us-east-1:${PRODUCTION}:security-group/sg-0e1d2c3b4aEKSCLUSTER`;
  t.false(all.has(`${cluster} HAS ${made}`));
  t.falsy(entity(result, made));
});

test('batch: compute environment in its ECS cluster with its role, queue, jobs and job definitions with roles', async (t) => {
  const result = await run();
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.summary?.errors, []);
  const batch = `arn:aws:batch:us-east-1:${PRODUCTION}`;
  const environment = `${batch}:compute-environment/P2OnDemand`;
  const queue = `${batch}:job-queue/HighPriority`;
  const job = `${batch}:job/24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9`;
  t.like(entity(result, environment), { _type: 'aws_batch_compute_environment', resourceType: 'EC2', enabled: true, 'tag.team': 'ml' });
  t.like(entity(result, job), { _type: 'aws_batch_job', state: 'RUNNING', createdOn: 1716249600000 });
  t.like(entity(result, `${batch}:job-definition/sleep60:2`), { privileged: true, loggingEnabled: true });
  t.false(JSON.stringify(result.snapshot?.entities).includes('example-token-value'));
  const all = edges(result);
  t.true(all.has(`${environment} USES arn:aws:ecs:us-east-1:${PRODUCTION}:cluster/default`));
  t.true(all.has(`${environment} USES arn:aws:iam::${PRODUCTION}:role/app-ec2`));
  t.true(all.has(`${queue} USES ${environment}`));
  t.true(all.has(`${queue} HAS ${job}`));
  t.true(all.has(`${batch}:job-definition/sleep60:1 DEFINES ${job}`));
  t.true(all.has(`${batch}:job-definition/sleep60:2 ASSIGNED arn:aws:iam::${PRODUCTION}:role/app-ec2`));
  t.true(all.has(`aws:${PRODUCTION}:service:batch HAS ${queue}`));
});
