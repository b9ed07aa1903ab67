import type {
  ComputeEnvironmentDetail,
  DescribeComputeEnvironmentsCommandInput,
  DescribeComputeEnvironmentsCommandOutput,
  DescribeJobDefinitionsCommandInput,
  DescribeJobDefinitionsCommandOutput,
  DescribeJobQueuesCommandInput,
  DescribeJobQueuesCommandOutput,
  JobDefinition,
  JobQueueDetail,
  JobSummary,
  ListJobsCommandInput,
  ListJobsCommandOutput,
} from '@aws-sdk/client-batch';
import { collection, defineSimulatedService, list } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';

/** World records: the SDK's shapes, without what the simulator derives (ARNs, state). */
export type WorldComputeEnvironment = Omit<ComputeEnvironmentDetail, 'computeEnvironmentArn'> & { computeEnvironmentArn?: string };
export type WorldJobQueue = Omit<JobQueueDetail, 'jobQueueArn' | 'state'> & Partial<Pick<JobQueueDetail, 'jobQueueArn' | 'state'>>;
/** A job of the world: ListJobs' JobSummary, with the name of its queue (world only). */
export type WorldJob = JobSummary & { jobQueue: string };

const batchArn = (region: string, accountId: string, resource: string) => `arn:aws:batch:${region}:${accountId}:${resource}`;
const lastPart = (arnOrName: unknown) =>
  String(arnOrName ?? '')
    .split('/')
    .pop() ?? '';

export const batchSimulator = defineSimulatedService({
  service: 'batch',
  clientName: 'BatchClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'TooManyRequestsException', invalidToken: 'ClientException' },
  collections: {
    computeEnvironments: collection<WorldComputeEnvironment>({
      id: 'computeEnvironmentName',
      arn: (environment, context) => batchArn(context.region, context.account.id, `compute-environment/${environment.computeEnvironmentName}`),
      arnField: 'computeEnvironmentArn',
      derive: () => ({ status: 'VALID', state: 'ENABLED' }),
      notFound: { error: 'ClientException', message: (id) => `computeEnvironment ${id} does not exist` },
    }),
    jobQueues: collection<WorldJobQueue>({
      id: 'jobQueueName',
      arn: (queue, context) => batchArn(context.region, context.account.id, `job-queue/${queue.jobQueueName}`),
      arnField: 'jobQueueArn',
      derive: () => ({ status: 'VALID', state: 'ENABLED' }),
      notFound: { error: 'ClientException', message: (id) => `jobQueue ${id} does not exist` },
    }),
    jobDefinitions: collection<JobDefinition>({
      id: 'jobDefinitionArn',
      required: ['jobDefinitionName', 'revision', 'type'],
      derive: () => ({ status: 'ACTIVE' }),
      notFound: { error: 'ClientException', message: (id) => `jobDefinition ${id} does not exist` },
    }),
    jobs: collection<WorldJob>({
      id: 'jobId',
      required: ['jobName', 'jobQueue'],
      arn: (job, context) => batchArn(context.region, context.account.id, `job/${job.jobId}`),
      arnField: 'jobArn',
      worldOnly: ['jobQueue'],
      derive: () => ({ status: 'RUNNING' }),
      notFound: { error: 'ClientException', message: (id) => `Job ${id} not found` },
    }),
  },
  operations: {
    DescribeComputeEnvironments: list<DescribeComputeEnvironmentsCommandInput, DescribeComputeEnvironmentsCommandOutput>('computeEnvironments', {
      items: 'computeEnvironments',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      ids: 'computeEnvironments',
    }),
    DescribeJobQueues: list<DescribeJobQueuesCommandInput, DescribeJobQueuesCommandOutput>('jobQueues', {
      items: 'jobQueues',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      ids: 'jobQueues',
    }),
    DescribeJobDefinitions: list<DescribeJobDefinitionsCommandInput, DescribeJobDefinitionsCommandOutput, JobDefinition>('jobDefinitions', {
      items: 'jobDefinitions',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      filter: (definition, input) => !input.status || (definition.status ?? 'ACTIVE') === input.status,
    }),
    // Without a status, ListJobs lists the queue's RUNNING jobs, as Batch does.
    ListJobs: list<ListJobsCommandInput, ListJobsCommandOutput, WorldJob>('jobs', {
      items: 'jobSummaryList',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      filter: (job, input) => job.jobQueue === lastPart(input.jobQueue) && (job.status ?? 'RUNNING') === (input.jobStatus ?? 'RUNNING'),
    }),
  },
  generate: generateBatchSection,
});

/**
 * In a region with at least 40 resources: a Fargate compute environment on the ECS generator's
 * cluster, a queue, a job definition and `size / 40` running jobs. Deterministic from the index.
 */
export function generateBatchSection({ accountId, region, size }: GenerateInput): {
  computeEnvironments?: WorldComputeEnvironment[];
  jobQueues?: WorldJobQueue[];
  jobDefinitions?: JobDefinition[];
  jobs?: WorldJob[];
} {
  if (size < 40) return {};
  const definitionArn = batchArn(region, accountId, 'job-definition/generated-job:1');
  const environmentArn = batchArn(region, accountId, 'compute-environment/generated-fargate');
  return {
    computeEnvironments: [
      {
        computeEnvironmentName: 'generated-fargate',
        computeEnvironmentArn: environmentArn,
        type: 'MANAGED',
        ecsClusterArn: `arn:aws:ecs:${region}:${accountId}:cluster/generated-cluster`,
        serviceRole: `arn:aws:iam::${accountId}:role/generated-role-0`,
        computeResources: { type: 'FARGATE', maxvCpus: 16, subnets: [], securityGroupIds: [] },
      },
    ],
    jobQueues: [{ jobQueueName: 'generated-queue', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: environmentArn }] }],
    jobDefinitions: [
      {
        jobDefinitionName: 'generated-job',
        jobDefinitionArn: definitionArn,
        revision: 1,
        type: 'container',
        platformCapabilities: ['FARGATE'],
        containerProperties: { image: 'public.ecr.aws/amazonlinux/amazonlinux:2023', jobRoleArn: `arn:aws:iam::${accountId}:role/generated-role-0` },
      },
    ],
    jobs: Array.from({ length: Math.ceil(size / 40) }, (_, index) => ({
      jobId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      jobName: `generated-job-${index}`,
      jobQueue: 'generated-queue',
      jobDefinition: definitionArn,
      createdAt: Date.UTC(2024, 0, 1) + index * 60_000,
    })),
  };
}
