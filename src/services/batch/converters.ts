import type { ComputeEnvironmentDetail, JobDefinition, JobQueueDetail, JobSummary } from '@aws-sdk/client-batch';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import type { EntityRef } from '../cross-service';
import { BatchEntities } from './schema';

export interface BatchScope {
  accountId: string;
  region: string;
}

const consoleLink = (region: string, fragment: string) => `https://console.aws.amazon.com/batch/home?region=${region}#${fragment}`;

export function convertComputeEnvironment(environment: ComputeEnvironmentDetail, scope: BatchScope): Entity {
  const arn = environment.computeEnvironmentArn ?? '';
  const resources = environment.computeResources;
  return createEntity({
    _key: arn,
    schema: BatchEntities.COMPUTE_ENVIRONMENT,
    name: environment.computeEnvironmentName ?? arn,
    tags: environment.tags,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      type: environment.type,
      state: environment.state,
      status: environment.status,
      enabled: environment.state === 'ENABLED',
      ecsClusterArn: environment.ecsClusterArn,
      serviceRole: environment.serviceRole,
      containerOrchestrationType: environment.containerOrchestrationType,
      resourceType: resources?.type,
      minvCpus: resources?.minvCpus,
      maxvCpus: resources?.maxvCpus,
      instanceTypes: resources?.instanceTypes?.length ? [...resources.instanceTypes] : undefined,
      subnets: resources?.subnets?.length ? [...resources.subnets] : undefined,
      securityGroupIds: resources?.securityGroupIds?.length ? [...resources.securityGroupIds] : undefined,
      instanceRole: resources?.instanceRole,
      ec2KeyPair: resources?.ec2KeyPair,
      webLink: consoleLink(scope.region, `compute-environments/detail/${arn}`),
    },
  });
}

export function convertJobQueue(queue: JobQueueDetail, scope: BatchScope): Entity {
  const arn = queue.jobQueueArn ?? '';
  return createEntity({
    _key: arn,
    schema: BatchEntities.JOB_QUEUE,
    name: queue.jobQueueName ?? arn,
    tags: queue.tags,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      state: queue.state,
      status: queue.status,
      enabled: queue.state === 'ENABLED',
      priority: queue.priority,
      schedulingPolicyArn: queue.schedulingPolicyArn,
      computeEnvironments: (queue.computeEnvironmentOrder ?? []).map((entry) => entry.computeEnvironment ?? ''),
      webLink: consoleLink(scope.region, `queues/detail/${arn}`),
    },
  });
}

/**
 * `aws_batch_job_definition`. Container environment values are never stored (they often hold
 * secrets); their names, the image, privilege and user are.
 */
export function convertJobDefinition(definition: JobDefinition, scope: BatchScope): Entity {
  const arn = definition.jobDefinitionArn ?? '';
  const container = definition.containerProperties;
  const environmentNames = (container?.environment ?? []).map((variable) => variable.name ?? '').filter(Boolean);
  return createEntity({
    _key: arn,
    schema: BatchEntities.JOB_DEFINITION,
    name: `${definition.jobDefinitionName}:${definition.revision}`,
    tags: definition.tags,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      jobDefinitionName: definition.jobDefinitionName,
      revision: definition.revision,
      version: definition.revision === undefined ? undefined : String(definition.revision),
      status: definition.status,
      active: definition.status === 'ACTIVE',
      type: definition.type,
      platformCapabilities: definition.platformCapabilities?.length ? [...definition.platformCapabilities] : undefined,
      image: container?.image,
      jobRoleArn: container?.jobRoleArn,
      executionRoleArn: container?.executionRoleArn,
      privileged: container?.privileged ?? false,
      user: container?.user,
      readonlyRootFilesystem: container?.readonlyRootFilesystem ?? false,
      environmentVariableNames: environmentNames.length ? [...new Set(environmentNames)].sort() : undefined,
      loggingEnabled: container ? container.logConfiguration !== undefined : undefined,
      logDriver: container?.logConfiguration?.logDriver,
      webLink: consoleLink(scope.region, `job-definition/detail/${arn}`),
    },
  });
}

export function convertJob(job: JobSummary, queue: Entity, scope: BatchScope): Entity {
  const arn = job.jobArn ?? `arn:aws:batch:${scope.region}:${scope.accountId}:job/${job.jobId}`;
  return createEntity({
    _key: arn,
    schema: BatchEntities.JOB,
    name: job.jobName ?? job.jobId ?? arn,
    createdOn: job.createdAt,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      jobId: job.jobId,
      jobQueueArn: queue._key,
      jobDefinition: job.jobDefinition,
      // Process.state.
      state: job.status,
      status: job.status,
      statusReason: job.statusReason,
      startedOn: job.startedAt,
      stoppedOn: job.stoppedAt,
      exitCode: job.container?.exitCode,
    },
  });
}

/** The jobs worth collecting: the `limit` most recently created (ties: by id). */
export function mostRecentJobs(jobs: readonly JobSummary[], limit: number): JobSummary[] {
  return [...jobs].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || (a.jobId ?? '').localeCompare(b.jobId ?? '')).slice(0, limit);
}

/**
 * The job definitions worth keeping: the newest ACTIVE revision of each name and every revision a
 * collected job runs. Older revisions pile up with every registration.
 */
export function jobDefinitionsToKeep(definitions: readonly JobDefinition[], referenced: ReadonlySet<string>): JobDefinition[] {
  const newest = new Map<string, JobDefinition>();
  for (const definition of definitions) {
    const name = definition.jobDefinitionName ?? '';
    if ((newest.get(name)?.revision ?? -1) < (definition.revision ?? 0)) newest.set(name, definition);
  }
  const kept = new Set(newest.values());
  return definitions.filter((definition) => kept.has(definition) || referenced.has(definition.jobDefinitionArn ?? ''));
}

export function batchServiceHas(accountId: string, entity: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'batch'), verb: RelationshipVerb.HAS, to: entity });
}

export function batchEdge(from: EntityRef, verb: RelationshipVerb, to: EntityRef): Relationship {
  return createRelationship({ from, verb, to });
}
