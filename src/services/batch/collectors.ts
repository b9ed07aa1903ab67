import {
  BatchClient,
  paginateDescribeComputeEnvironments,
  paginateDescribeJobDefinitions,
  paginateDescribeJobQueues,
  paginateListJobs,
  type ComputeEnvironmentDetail,
  type JobDefinition,
  type JobQueueDetail,
  type JobSummary,
} from '@aws-sdk/client-batch';
import { collectionLimits } from '../../collectors/limits';
import type { Collector, CollectorContext } from '../../collectors/types';
import { RelationshipVerb, type Entity } from '../../graph';
import { edgeTarget, placeholderEntity, type EntityRef } from '../cross-service';
import { EcsEntities } from '../ecs/schema';
import { IamEntities } from '../iam/schema';
import {
  batchEdge,
  batchServiceHas,
  convertComputeEnvironment,
  convertJob,
  convertJobDefinition,
  convertJobQueue,
  jobDefinitionsToKeep,
  mostRecentJobs,
} from './converters';
import { BatchEntities, BatchRelationships } from './schema';

function roleTarget(context: CollectorContext, arn: string): Promise<EntityRef> {
  return edgeTarget(context, { _key: arn, _type: IamEntities.ROLE._type });
}

function clusterTarget(context: CollectorContext, arn: string): Promise<EntityRef> {
  const ref = { _key: arn, _type: EcsEntities.CLUSTER._type };
  return edgeTarget(context, ref, () => placeholderEntity(ref, EcsEntities.CLUSTER._class));
}

export const batchCollector: Collector = {
  id: 'batch',
  service: 'batch',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md); jobs come and go too often to follow.
  events: [
    {
      source: 'batch.amazonaws.com',
      names: [
        'CreateComputeEnvironment',
        'UpdateComputeEnvironment',
        'DeleteComputeEnvironment',
        'CreateJobQueue',
        'UpdateJobQueue',
        'DeleteJobQueue',
        'RegisterJobDefinition',
        'DeregisterJobDefinition',
        'TagResource',
        'UntagResource',
      ],
    },
  ],
  entities: [BatchEntities.COMPUTE_ENVIRONMENT, BatchEntities.JOB_QUEUE, BatchEntities.JOB_DEFINITION, BatchEntities.JOB],
  relationships: Object.values(BatchRelationships),
  permissions: ['batch:DescribeComputeEnvironments', 'batch:DescribeJobQueues', 'batch:DescribeJobDefinitions', 'batch:ListJobs'],
  optionalCalls: [{ operation: 'batch:ListJobs', cost: 'no `aws_batch_job` of the queue' }],
  // Only the account: ECS clusters and roles are named by key (see edgeTarget).
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(BatchClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };
    const { batchJobsPerQueue } = collectionLimits(context.limits);

    const environments: ComputeEnvironmentDetail[] = [];
    for await (const page of paginateDescribeComputeEnvironments({ client }, {})) environments.push(...(page.computeEnvironments ?? []));
    const environmentsByArn = new Map<string, Entity>();
    for (const environment of environments) {
      const entity = context.addEntity(convertComputeEnvironment(environment, scope));
      environmentsByArn.set(entity._key, entity);
      context.addRelationship(batchServiceHas(accountId, entity));
      if (environment.ecsClusterArn) context.addRelationship(batchEdge(entity, RelationshipVerb.USES, await clusterTarget(context, environment.ecsClusterArn)));
      if (environment.serviceRole) context.addRelationship(batchEdge(entity, RelationshipVerb.USES, await roleTarget(context, environment.serviceRole)));
    }

    const queues: JobQueueDetail[] = [];
    for await (const page of paginateDescribeJobQueues({ client }, {})) queues.push(...(page.jobQueues ?? []));
    const jobsByDefinition = new Map<string, Entity[]>();
    for (const queue of queues) {
      const entity = context.addEntity(convertJobQueue(queue, scope));
      context.addRelationship(batchServiceHas(accountId, entity));
      for (const { computeEnvironment } of queue.computeEnvironmentOrder ?? []) {
        const environment = computeEnvironment ? environmentsByArn.get(computeEnvironment) : undefined;
        if (environment) context.addRelationship(batchEdge(entity, RelationshipVerb.USES, environment));
      }
      // Running jobs (ListJobs' default status), the most recently created `collection.batchJobsPerQueue`.
      const listed = await context.optional('batch:ListJobs', async () => {
        const jobs: JobSummary[] = [];
        for await (const page of paginateListJobs({ client }, { jobQueue: queue.jobQueueArn })) jobs.push(...(page.jobSummaryList ?? []));
        return jobs;
      });
      const kept = mostRecentJobs(listed ?? [], batchJobsPerQueue);
      if (listed && listed.length > kept.length) context.noteLimited?.('batchJobsPerQueue', BatchEntities.JOB._type, listed.length - kept.length);
      for (const summary of kept) {
        const job = context.addEntity(convertJob(summary, entity, scope));
        context.addRelationship(batchEdge(entity, RelationshipVerb.HAS, job));
        if (summary.jobDefinition) jobsByDefinition.set(summary.jobDefinition, [...(jobsByDefinition.get(summary.jobDefinition) ?? []), job]);
      }
    }

    const definitions: JobDefinition[] = [];
    for await (const page of paginateDescribeJobDefinitions({ client }, { status: 'ACTIVE' })) definitions.push(...(page.jobDefinitions ?? []));
    for (const definition of jobDefinitionsToKeep(definitions, new Set(jobsByDefinition.keys()))) {
      const entity = context.addEntity(convertJobDefinition(definition, scope));
      context.addRelationship(batchServiceHas(accountId, entity));
      const container = definition.containerProperties;
      if (container?.jobRoleArn) context.addRelationship(batchEdge(entity, RelationshipVerb.ASSIGNED, await roleTarget(context, container.jobRoleArn)));
      if (container?.executionRoleArn) context.addRelationship(batchEdge(entity, RelationshipVerb.USES, await roleTarget(context, container.executionRoleArn)));
      for (const job of jobsByDefinition.get(entity._key) ?? []) context.addRelationship(batchEdge(entity, RelationshipVerb.DEFINES, job));
    }
  },
};
