import type { Cluster, ContainerInstance, Service, Tag, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import type { EntityRef } from '../cross-service';
import { EcsEntities } from './schema';

export interface EcsScope {
  accountId: string;
  region: string;
}

/** ECS's tags (`[{key, value}]`) in the SDK's usual shape. */
function tagsOf(tags: Tag[] | undefined): Array<{ Key?: string; Value?: string }> | undefined {
  return tags?.map((tag) => ({ Key: tag.key, Value: tag.value }));
}

function console(region: string, fragment: string): string {
  return `https://console.aws.amazon.com/ecs/v2/${fragment}?region=${region}`;
}

/** The last part of an ECS ARN (`.../cluster/prod` -> `prod`, `.../task/prod/abc` -> `abc`). */
export function ecsArnName(arn: string | undefined): string {
  return arn?.split('/').pop() ?? '';
}

export function convertEcsCluster(cluster: Cluster, scope: EcsScope): Entity {
  const arn = cluster.clusterArn ?? '';
  return createEntity({
    _key: arn,
    schema: EcsEntities.CLUSTER,
    name: cluster.clusterName ?? ecsArnName(arn),
    tags: tagsOf(cluster.tags),
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      status: cluster.status,
      active: cluster.status === 'ACTIVE',
      registeredContainerInstancesCount: cluster.registeredContainerInstancesCount,
      runningTasksCount: cluster.runningTasksCount,
      pendingTasksCount: cluster.pendingTasksCount,
      activeServicesCount: cluster.activeServicesCount,
      capacityProviders: cluster.capacityProviders?.length ? [...cluster.capacityProviders] : undefined,
      containerInsightsEnabled: cluster.settings?.some((s) => s.name === 'containerInsights' && (s.value === 'enabled' || s.value === 'enhanced')) ?? undefined,
      executeCommandLogging: cluster.configuration?.executeCommandConfiguration?.logging,
      webLink: console(scope.region, `clusters/${cluster.clusterName}`),
    },
  });
}

/** `aws_ecs_container_instance`: a Host (the EC2 instance as ECS knows it) and a Container host. */
export function convertEcsContainerInstance(instance: ContainerInstance, cluster: Entity, scope: EcsScope): Entity {
  const arn = instance.containerInstanceArn ?? '';
  return createEntity({
    _key: arn,
    schema: EcsEntities.CONTAINER_INSTANCE,
    name: instance.ec2InstanceId ?? ecsArnName(arn),
    tags: tagsOf(instance.tags),
    createdOn: instance.registeredAt,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      clusterArn: cluster._key,
      ec2InstanceId: instance.ec2InstanceId,
      // Host.status is a device lifecycle value; ECS's own status is kept apart.
      status: instance.status === 'ACTIVE' ? 'deployed' : 'other',
      containerInstanceStatus: instance.status,
      active: instance.status === 'ACTIVE',
      agentConnected: instance.agentConnected,
      agentVersion: instance.versionInfo?.agentVersion,
      dockerVersion: instance.versionInfo?.dockerVersion,
      runningTasksCount: instance.runningTasksCount,
      pendingTasksCount: instance.pendingTasksCount,
      instanceType: instance.attributes?.find((a) => a.name === 'ecs.instance-type')?.value,
      // Host class properties ECS does not report (the EC2 instance entity holds them).
      category: 'server',
      hostname: null,
      fqdn: null,
      ipv4Addresses: null,
      ipv6Addresses: null,
      macAddresses: null,
      publicIpAddresses: null,
      privateIpAddresses: null,
      serial: null,
      deviceId: null,
      lastSeenOn: null,
      make: null,
      model: null,
      osName: null,
      osType: instance.attributes?.find((a) => a.name === 'ecs.os-type')?.value ?? null,
      osDetails: null,
      osVersion: null,
    },
  });
}

export function convertEcsService(service: Service, scope: EcsScope): Entity {
  const arn = service.serviceArn ?? '';
  const network = service.networkConfiguration?.awsvpcConfiguration;
  return createEntity({
    _key: arn,
    schema: EcsEntities.ECS_SERVICE,
    name: service.serviceName ?? ecsArnName(arn),
    tags: tagsOf(service.tags),
    createdOn: service.createdAt,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      clusterArn: service.clusterArn,
      status: service.status,
      active: service.status === 'ACTIVE',
      desiredCount: service.desiredCount,
      runningCount: service.runningCount,
      pendingCount: service.pendingCount,
      launchType: service.launchType,
      platformVersion: service.platformVersion,
      schedulingStrategy: service.schedulingStrategy,
      taskDefinition: service.taskDefinition,
      roleArn: service.roleArn,
      subnets: network?.subnets?.length ? [...network.subnets] : undefined,
      securityGroups: network?.securityGroups?.length ? [...network.securityGroups] : undefined,
      assignPublicIp: network?.assignPublicIp,
      public: network ? network.assignPublicIp === 'ENABLED' : undefined,
      loadBalancerTargetGroups: service.loadBalancers?.map((lb) => lb.targetGroupArn ?? lb.loadBalancerName ?? '').filter(Boolean),
      // Service class properties.
      category: ['software'],
      function: ['container-orchestration'],
      webLink: console(scope.region, `clusters/${ecsArnName(service.clusterArn)}/services/${service.serviceName}`),
    },
  });
}

/**
 * `aws_ecs_task_definition` from DescribeTaskDefinition. Container environment values are never
 * stored (they often hold secrets); the images, privileged flags and users are.
 */
export function convertEcsTaskDefinition(definition: TaskDefinition, tags: Tag[] | undefined, scope: EcsScope): Entity {
  const arn = definition.taskDefinitionArn ?? '';
  const containers = definition.containerDefinitions ?? [];
  return createEntity({
    _key: arn,
    schema: EcsEntities.TASK_DEFINITION,
    name: `${definition.family}:${definition.revision}`,
    tags: tagsOf(tags),
    createdOn: definition.registeredAt,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      family: definition.family,
      revision: definition.revision,
      version: definition.revision === undefined ? undefined : String(definition.revision),
      status: definition.status,
      active: definition.status === 'ACTIVE',
      taskRoleArn: definition.taskRoleArn,
      executionRoleArn: definition.executionRoleArn,
      networkMode: definition.networkMode,
      requiresCompatibilities: definition.requiresCompatibilities?.length ? [...definition.requiresCompatibilities] : undefined,
      cpu: definition.cpu,
      memory: definition.memory,
      pidMode: definition.pidMode,
      ipcMode: definition.ipcMode,
      containerNames: containers.map((c) => c.name ?? ''),
      images: containers.map((c) => c.image ?? ''),
      // Function.image is one string: the first container's.
      image: containers[0]?.image,
      privileged: containers.some((c) => c.privileged === true),
      readonlyRootFilesystem: containers.length > 0 && containers.every((c) => c.readonlyRootFilesystem === true),
      containerUsers: containers.some((c) => c.user) ? containers.map((c) => c.user ?? '') : undefined,
      environmentVariableNames: containers.some((c) => c.environment?.length)
        ? [...new Set(containers.flatMap((c) => (c.environment ?? []).map((e) => e.name ?? '')))].sort()
        : undefined,
      loggingEnabled: containers.length > 0 && containers.every((c) => c.logConfiguration?.logDriver !== undefined),
      logDrivers: [...new Set(containers.map((c) => c.logConfiguration?.logDriver).filter((d): d is NonNullable<typeof d> => d !== undefined))],
      webLink: console(scope.region, `task-definitions/${definition.family}/${definition.revision}`),
    },
  });
}

export function convertEcsTask(task: Task, scope: EcsScope): Entity {
  const arn = task.taskArn ?? '';
  return createEntity({
    _key: arn,
    schema: EcsEntities.TASK,
    name: ecsArnName(arn),
    tags: tagsOf(task.tags),
    createdOn: task.createdAt,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      clusterArn: task.clusterArn,
      taskDefinitionArn: task.taskDefinitionArn,
      containerInstanceArn: task.containerInstanceArn,
      group: task.group,
      startedBy: task.startedBy,
      launchType: task.launchType,
      platformVersion: task.platformVersion,
      // Process.state.
      state: task.lastStatus,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      healthStatus: task.healthStatus,
      startedOn: task.startedAt,
      stoppedOn: task.stoppedAt,
      cpu: task.cpu,
      memory: task.memory,
      images: task.containers?.map((c) => c.image ?? ''),
      enableExecuteCommand: task.enableExecuteCommand,
    },
  });
}

export function ecsServiceHas(accountId: string, entity: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'ecs'), verb: RelationshipVerb.HAS, to: entity });
}

export function ecsEdge(from: EntityRef, verb: RelationshipVerb, to: EntityRef): Relationship {
  return createRelationship({ from, verb, to });
}

/** The service that started a task: its `group` is `service:<name>`. */
export function taskServiceName(task: Task): string | undefined {
  return task.group?.startsWith('service:') ? task.group.slice('service:'.length) : undefined;
}
