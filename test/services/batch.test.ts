import type { JobDefinition } from '@aws-sdk/client-batch';
import test from 'ava';
import {
  convertComputeEnvironment,
  convertJob,
  convertJobDefinition,
  convertJobQueue,
  jobDefinitionsToKeep,
  mostRecentJobs,
} from '../../src/services/batch/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '012345678910', region: 'us-east-1' };

// Shapes from the Batch API Reference examples (DescribeComputeEnvironments, DescribeJobQueues, DescribeJobDefinitions, ListJobs).
test('convertComputeEnvironment and convertJobQueue', (t) => {
  const environment = convertComputeEnvironment(
    {
      computeEnvironmentName: 'P2OnDemand',
      computeEnvironmentArn: 'arn:aws:batch:us-east-1:012345678910:compute-environment/P2OnDemand',
      ecsClusterArn: 'arn:aws:ecs:us-east-1:012345678910:cluster/P2OnDemand_Batch_2c06f29d-d1fe-3a49-879d-42394c86effc',
      type: 'MANAGED',
      state: 'ENABLED',
      status: 'VALID',
      statusReason: 'ComputeEnvironment Healthy',
      serviceRole: 'arn:aws:iam::012345678910:role/AWSBatchServiceRole',
      computeResources: {
        type: 'EC2',
        minvCpus: 0,
        maxvCpus: 128,
        desiredvCpus: 48,
        instanceTypes: ['p2'],
        subnets: ['subnet-220c0e0a', 'subnet-1a95556d'],
        securityGroupIds: ['sg-cf5093b2'],
        ec2KeyPair: 'id_rsa',
        instanceRole: 'ecsInstanceRole',
        tags: { Name: 'Batch Instance - P2OnDemand' },
      },
      tags: { team: 'ml' },
    },
    scope,
  );
  t.deepEqual(environment._class, ['Configuration']);
  t.like(environment, { name: 'P2OnDemand', enabled: true, resourceType: 'EC2', maxvCpus: 128, instanceRole: 'ecsInstanceRole', 'tag.team': 'ml' });
  const queue = convertJobQueue(
    {
      jobQueueName: 'HighPriority',
      jobQueueArn: 'arn:aws:batch:us-east-1:012345678910:job-queue/HighPriority',
      state: 'ENABLED',
      status: 'VALID',
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'arn:aws:batch:us-east-1:012345678910:compute-environment/C4OnDemand' }],
    },
    scope,
  );
  t.deepEqual(queue._class, ['Queue']);
  t.like(queue, { priority: 1, enabled: true });
  t.deepEqual(queue.computeEnvironments, ['arn:aws:batch:us-east-1:012345678910:compute-environment/C4OnDemand']);
});

test('convertJobDefinition keeps the image, roles and privilege, not environment values; convertJob has epoch dates', (t) => {
  const definition = convertJobDefinition(
    {
      jobDefinitionName: 'sleep60',
      jobDefinitionArn: 'arn:aws:batch:us-east-1:012345678910:job-definition/sleep60:1',
      revision: 1,
      status: 'ACTIVE',
      type: 'container',
      containerProperties: {
        image: 'busybox',
        vcpus: 1,
        memory: 128,
        command: ['sleep', '60'],
        jobRoleArn: 'arn:aws:iam::012345678910:role/job',
        privileged: true,
        environment: [{ name: 'TOKEN', value: 'hunter2' }],
        volumes: [],
        mountPoints: [],
        ulimits: [],
      },
    },
    scope,
  );
  t.deepEqual(definition._class, ['Configuration', 'Function']);
  t.like(definition, { name: 'sleep60:1', image: 'busybox', privileged: true, jobRoleArn: 'arn:aws:iam::012345678910:role/job', loggingEnabled: false });
  t.deepEqual(definition.environmentVariableNames, ['TOKEN']);
  t.false(JSON.stringify(definition).includes('hunter2'));
  const queue = convertJobQueue(
    {
      jobQueueName: 'HighPriority',
      jobQueueArn: 'arn:aws:batch:us-east-1:012345678910:job-queue/HighPriority',
      state: 'ENABLED',
      priority: 1,
      computeEnvironmentOrder: [],
    },
    scope,
  );
  const job = convertJob(
    {
      jobArn: 'arn:aws:batch:us-east-1:012345678910:job/24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9',
      jobId: '24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9',
      jobName: 'example',
      createdAt: 1716249600000,
      status: 'RUNNING',
    },
    queue,
    scope,
  );
  t.deepEqual(job._class, ['Process', 'Task']);
  t.like(job, { name: 'example', state: 'RUNNING', createdOn: 1716249600000, jobQueueArn: queue._key });
});

test('the newest revision of each job definition and those jobs run are kept; the most recent jobs', (t) => {
  const definition = (name: string, revision: number): JobDefinition => ({
    jobDefinitionName: name,
    revision,
    type: 'container',
    jobDefinitionArn: `arn:aws:batch:us-east-1:012345678910:job-definition/${name}:${revision}`,
  });
  const all = [definition('a', 1), definition('a', 2), definition('a', 3), definition('b', 1)];
  t.deepEqual(
    jobDefinitionsToKeep(all, new Set([all[0].jobDefinitionArn ?? ''])).map((d) => `${d.jobDefinitionName}:${d.revision}`),
    ['a:1', 'a:3', 'b:1'],
  );
  const jobs = [1, 3, 2].map((n) => ({ jobId: `job-${n}`, jobName: `job-${n}`, createdAt: n }));
  t.deepEqual(
    mostRecentJobs(jobs, 2).map((j) => j.jobId),
    ['job-3', 'job-2'],
  );
});

test('the simulated organization yields Batch with its ECS cluster, roles, queue and running jobs', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  const batch = 'arn:aws:batch:us-east-1:222222222222';
  t.deepEqual(
    graph
      .entitiesOfType('aws_batch_job')
      .map((j) => j.name)
      .sort(),
    ['orders-report-2024-05-21', 'orders-report-backfill'],
  );
  t.deepEqual(
    graph
      .entitiesOfType('aws_batch_job_definition')
      .map((d) => d.name)
      .sort(),
    ['orders-report:1', 'orders-report:2', 'reindex:3'],
  );
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  const environment = `${batch}:compute-environment/nightly-fargate`;
  t.true(edges.has(`${environment} USES arn:aws:ecs:us-east-1:222222222222:cluster/batch-fargate`));
  t.true(edges.has(`${environment} USES arn:aws:iam::222222222222:role/batch-service`));
  t.true(edges.has(`${batch}:job-queue/nightly USES ${environment}`));
  t.true(edges.has(`${batch}:job-queue/nightly HAS ${batch}:job/8a5f3c2e-1b4d-4e6f-9a0b-1c2d3e4f5a61`));
  t.true(edges.has(`${batch}:job-definition/orders-report:2 ASSIGNED arn:aws:iam::222222222222:role/orders-ecs-task`));
  t.true(edges.has(`${batch}:job-definition/orders-report:2 USES arn:aws:iam::222222222222:role/ecsTaskExecutionRole`));
  t.true(edges.has(`${batch}:job-definition/orders-report:1 DEFINES ${batch}:job/8a5f3c2e-1b4d-4e6f-9a0b-1c2d3e4f5a62`));
  t.true(edges.has(`aws:222222222222:service:batch HAS ${batch}:job-queue/nightly`));
  t.like(graph.getEntity(`${batch}:job-definition/reindex:3`), { privileged: true, user: 'root' });
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
});

test('collection.batchJobsPerQueue keeps the most recently created jobs', async (t) => {
  const { graph, summary } = await simulate(builtinWorld(), { config: { services: { include: ['batch'] }, collection: { batchJobsPerQueue: 1 } } });
  t.deepEqual(
    graph.entitiesOfType('aws_batch_job').map((j) => j.name),
    ['orders-report-2024-05-21'],
  );
  t.deepEqual(summary.limited, [{ limit: 'batchJobsPerQueue', _type: 'aws_batch_job', value: 1, parents: 1, skipped: 1 }]);
});
