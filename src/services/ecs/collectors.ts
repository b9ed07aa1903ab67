import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  paginateListClusters,
  paginateListContainerInstances,
  paginateListServices,
  paginateListTaskDefinitions,
  paginateListTasks,
  type Cluster,
  type Task,
} from '@aws-sdk/client-ecs';
import { mapConcurrent } from '../../collectors/concurrency';
import { collectionLimits } from '../../collectors/limits';
import type { Collector, CollectorContext } from '../../collectors/types';
import { RelationshipVerb, type Entity } from '../../graph';
import { edgeTarget, placeholderEntity } from '../cross-service';
import { Ec2Entities, instanceKey } from '../ec2/schema';
import { IamEntities } from '../iam/schema';
import {
  convertEcsCluster,
  convertEcsContainerInstance,
  convertEcsService,
  convertEcsTask,
  convertEcsTaskDefinition,
  ecsEdge,
  ecsServiceHas,
  taskServiceName,
} from './converters';
import { EcsEntities, EcsRelationships } from './schema';

const ROLE = IamEntities.ROLE._type;
const INSTANCE = Ec2Entities.INSTANCE._type;

/** Chunks of at most `size` (ECS's describe calls take 100 ARNs, DescribeServices 10). */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

async function collectPages<P>(pages: AsyncIterable<P>, pick: (page: P) => string[] | undefined): Promise<string[]> {
  const items: string[] = [];
  for await (const page of pages) items.push(...(pick(page) ?? []));
  return items;
}

function roleTarget(context: CollectorContext, arn: string) {
  return edgeTarget(context, { _key: arn, _type: ROLE });
}

/**
 * The task definitions worth describing: the newest ACTIVE revision of each family (ListTaskDefinitions
 * newest first) and every revision a service or task runs. Older revisions are left out: every
 * registration creates one and they are rarely deregistered.
 */
export function taskDefinitionsToDescribe(activeNewestFirst: readonly string[], referenced: Iterable<string>): string[] {
  const chosen = new Set<string>();
  const families = new Set<string>();
  for (const arn of activeNewestFirst) {
    const family = arn.replace(/:\d+$/, '');
    if (families.has(family)) continue;
    families.add(family);
    chosen.add(arn);
  }
  for (const arn of referenced) chosen.add(arn);
  return [...chosen].sort();
}

export const ecsCollector: Collector = {
  id: 'ecs-clusters',
  service: 'ecs',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md); tasks come and go too often to follow.
  events: [
    {
      source: 'ecs.amazonaws.com',
      names: [
        'CreateCluster',
        'DeleteCluster',
        'UpdateCluster',
        'UpdateClusterSettings',
        'PutClusterCapacityProviders',
        'RegisterContainerInstance',
        'DeregisterContainerInstance',
        'UpdateContainerInstancesState',
        'CreateService',
        'UpdateService',
        'DeleteService',
        'RegisterTaskDefinition',
        'DeregisterTaskDefinition',
        'DeleteTaskDefinitions',
        'TagResource',
        'UntagResource',
      ],
    },
  ],
  entities: [EcsEntities.CLUSTER, EcsEntities.CONTAINER_INSTANCE, EcsEntities.ECS_SERVICE, EcsEntities.TASK_DEFINITION, EcsEntities.TASK],
  relationships: Object.values(EcsRelationships),
  permissions: [
    'ecs:ListClusters',
    'ecs:DescribeClusters',
    'ecs:ListContainerInstances',
    'ecs:DescribeContainerInstances',
    'ecs:ListServices',
    'ecs:DescribeServices',
    'ecs:ListTasks',
    'ecs:DescribeTasks',
    'ecs:ListTaskDefinitions',
    'ecs:DescribeTaskDefinition',
  ],
  optionalCalls: [
    {
      operation: 'ecs:ListTaskDefinitions',
      per: 'scope',
      cost: 'only the task definitions that services and tasks run; not the newest revision of other families',
    },
  ],
  // Only the account: roles and instances are named by key (see edgeTarget), so excluding IAM or EC2 does not pull them back in.
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(ECSClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };
    const { ecsTasksPerCluster } = collectionLimits(context.limits);

    const clusterArns = await collectPages(paginateListClusters({ client }, {}), (page) => page.clusterArns);
    const clusters: Cluster[] = [];
    for (const batch of chunks(clusterArns, 100)) {
      clusters.push(...((await client.send(new DescribeClustersCommand({ clusters: batch, include: ['TAGS', 'SETTINGS', 'CONFIGURATIONS'] }))).clusters ?? []));
    }

    const referencedDefinitions = new Set<string>();
    const definitionEdges: Array<{ from: string; verb: RelationshipVerb; to: Entity }> = [];
    await mapConcurrent(clusters, 2, async (description) => {
      const cluster = context.addEntity(convertEcsCluster(description, scope));
      context.addRelationship(ecsServiceHas(accountId, cluster));
      const clusterArn = cluster._key;

      const instanceArns = await collectPages(paginateListContainerInstances({ client }, { cluster: clusterArn }), (page) => page.containerInstanceArns);
      const containerInstances = new Map<string, Entity>();
      for (const batch of chunks(instanceArns, 100)) {
        const page = await client.send(new DescribeContainerInstancesCommand({ cluster: clusterArn, containerInstances: batch, include: ['TAGS'] }));
        for (const instance of page.containerInstances ?? []) {
          const entity = context.addEntity(convertEcsContainerInstance(instance, cluster, scope));
          containerInstances.set(entity._key, entity);
          context.addRelationship(ecsEdge(cluster, RelationshipVerb.HAS, entity));
          if (instance.ec2InstanceId) {
            const ref = { _key: instanceKey(context.region, accountId, instance.ec2InstanceId), _type: INSTANCE };
            const host = await edgeTarget(context, ref, () => placeholderEntity(ref, Ec2Entities.INSTANCE._class, HOST_UNKNOWN));
            context.addRelationship(ecsEdge(host, RelationshipVerb.RUNS, entity));
          }
        }
      }

      // Pages of 100, the maximum (without it ListServices returns 10: ListServices API Reference, `maxResults`).
      const serviceArns = await collectPages(paginateListServices({ client }, { cluster: clusterArn, maxResults: 100 }), (page) => page.serviceArns);
      const servicesByName = new Map<string, Entity>();
      for (const batch of chunks(serviceArns, 10)) {
        const page = await client.send(new DescribeServicesCommand({ cluster: clusterArn, services: batch, include: ['TAGS'] }));
        for (const service of page.services ?? []) {
          const entity = context.addEntity(convertEcsService(service, scope));
          servicesByName.set(service.serviceName ?? '', entity);
          context.addRelationship(ecsEdge(cluster, RelationshipVerb.HAS, entity));
          if (service.taskDefinition) {
            referencedDefinitions.add(service.taskDefinition);
            definitionEdges.push({ from: service.taskDefinition, verb: RelationshipVerb.DEFINES, to: entity });
          }
        }
      }

      // Running tasks (ListTasks' default; stopped tasks are gone from ECS within an hour), at most
      // `collection.ecsTasksPerCluster` of them: a busy cluster runs thousands, each a DescribeTasks share.
      const listed = await collectPages(paginateListTasks({ client }, { cluster: clusterArn }), (page) => page.taskArns);
      const taskArns = listed.slice(0, ecsTasksPerCluster);
      if (listed.length > taskArns.length) context.noteLimited?.('ecsTasksPerCluster', EcsEntities.TASK._type, listed.length - taskArns.length);
      const tasks: Task[] = [];
      for (const batch of chunks(taskArns, 100))
        tasks.push(...((await client.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: batch, include: ['TAGS'] }))).tasks ?? []));
      for (const task of tasks) {
        const entity = context.addEntity(convertEcsTask(task, scope));
        context.addRelationship(ecsEdge(cluster, RelationshipVerb.RUNS, entity));
        const host = task.containerInstanceArn ? containerInstances.get(task.containerInstanceArn) : undefined;
        if (host) context.addRelationship(ecsEdge(host, RelationshipVerb.RUNS, entity));
        const service = servicesByName.get(taskServiceName(task) ?? '');
        if (service) context.addRelationship(ecsEdge(service, RelationshipVerb.TRIGGERS, entity));
        if (task.taskDefinitionArn) {
          referencedDefinitions.add(task.taskDefinitionArn);
          definitionEdges.push({ from: task.taskDefinitionArn, verb: RelationshipVerb.DEFINES, to: entity });
        }
      }
    });

    const newestFirst =
      (await context.optional('ecs:ListTaskDefinitions', () =>
        collectPages(paginateListTaskDefinitions({ client }, { status: 'ACTIVE', sort: 'DESC' }), (page) => page.taskDefinitionArns),
      )) ?? [];
    const definitions = new Map<string, Entity>();
    await mapConcurrent(taskDefinitionsToDescribe(newestFirst, referencedDefinitions), 4, async (arn) => {
      const { taskDefinition, tags } = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
      if (!taskDefinition) return;
      const definition = context.addEntity(convertEcsTaskDefinition(taskDefinition, tags, scope));
      definitions.set(arn, definition);
      context.addRelationship(ecsServiceHas(accountId, definition));
      if (taskDefinition.taskRoleArn)
        context.addRelationship(ecsEdge(definition, RelationshipVerb.ASSIGNED, await roleTarget(context, taskDefinition.taskRoleArn)));
      if (taskDefinition.executionRoleArn)
        context.addRelationship(ecsEdge(definition, RelationshipVerb.USES, await roleTarget(context, taskDefinition.executionRoleArn)));
    });
    for (const edge of definitionEdges) {
      const definition = definitions.get(edge.from);
      if (definition) context.addRelationship(ecsEdge(definition, edge.verb, edge.to));
    }
  },
};

/** Host class properties of a placeholder EC2 instance (nothing is known of it). */
const HOST_UNKNOWN = {
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
  osType: null,
  osDetails: null,
  osVersion: null,
};
