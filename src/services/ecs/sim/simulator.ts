import type {
  Cluster,
  ContainerInstance,
  DescribeClustersCommandInput,
  DescribeClustersCommandOutput,
  DescribeContainerInstancesCommandInput,
  DescribeContainerInstancesCommandOutput,
  DescribeServicesCommandInput,
  DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionCommandOutput,
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  ListClustersCommandInput,
  ListClustersCommandOutput,
  ListContainerInstancesCommandInput,
  ListContainerInstancesCommandOutput,
  ListServicesCommandInput,
  ListServicesCommandOutput,
  ListTaskDefinitionsCommandInput,
  ListTaskDefinitionsCommandOutput,
  ListTasksCommandInput,
  ListTasksCommandOutput,
  Service,
  Tag,
  Task,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { collection, custom, defineSimulatedService, list, type WorldRecord } from '../../../sim/service-kit';
import type { GenerateInput, SimCallContext } from '../../../sim/types';
import { ec2Resources } from '../../ec2/sim/records';

/** Records of a cluster's resources name their cluster (world only: ECS serves its ARN). */
type InCluster = { cluster: string };
export type WorldContainerInstance = ContainerInstance & InCluster & { id: string };
export type WorldService = Service & InCluster;
export type WorldTask = Task & InCluster & { id: string };
export type WorldTaskDefinition = TaskDefinition & { tags?: Tag[] };

const ecsArn = (context: SimCallContext, resource: string) => `arn:aws:ecs:${context.region}:${context.account.id}:${resource}`;
const lastPart = (arnOrName: unknown) =>
  String(arnOrName ?? 'default')
    .split('/')
    .pop() ?? '';
const notFound = (what: string) => ({ error: 'ClientException', message: (id: string) => `${what} ${id} not found.` });
const inCluster = (record: InCluster, input: { cluster?: string }) => record.cluster === lastPart(input.cluster);
const arnOf = (field: string) => (view: WorldRecord) => view[field];

export const ecsSimulator = defineSimulatedService({
  service: 'ecs',
  clientName: 'ECSClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidParameterException' },
  collections: {
    clusters: collection<Cluster>({
      id: 'clusterName',
      arn: (cluster, context) => ecsArn(context, `cluster/${cluster.clusterName}`),
      arnField: 'clusterArn',
      derive: () => ({ status: 'ACTIVE' }),
      notFound: { error: 'ClusterNotFoundException', message: () => 'Cluster not found.' },
    }),
    containerInstances: collection<WorldContainerInstance>({
      id: 'id',
      required: ['cluster'],
      arn: (instance, context) => ecsArn(context, `container-instance/${instance.cluster}/${instance.id}`),
      arnField: 'containerInstanceArn',
      worldOnly: ['id', 'cluster'],
      dates: ['registeredAt'],
      derive: () => ({ status: 'ACTIVE', agentConnected: true }),
      notFound: notFound('Container instance'),
    }),
    services: collection<WorldService>({
      id: 'serviceName',
      required: ['cluster'],
      arn: (service, context) => ecsArn(context, `service/${service.cluster}/${service.serviceName}`),
      arnField: 'serviceArn',
      worldOnly: ['cluster'],
      dates: ['createdAt'],
      derive: (service, context) => ({ clusterArn: ecsArn(context, `cluster/${service.cluster}`), status: 'ACTIVE' }),
      notFound: notFound('Service'),
    }),
    tasks: collection<WorldTask>({
      id: 'id',
      required: ['cluster', 'taskDefinitionArn'],
      arn: (task, context) => ecsArn(context, `task/${task.cluster}/${task.id}`),
      arnField: 'taskArn',
      worldOnly: ['id', 'cluster'],
      dates: ['createdAt', 'startedAt'],
      derive: (task, context) => ({ clusterArn: ecsArn(context, `cluster/${task.cluster}`), lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }),
      notFound: notFound('Task'),
    }),
    taskDefinitions: collection<WorldTaskDefinition>({
      id: 'taskDefinitionArn',
      required: ['family', 'revision'],
      // ECS serves a definition's tags beside it (DescribeTaskDefinition's `tags`), not in it.
      worldOnly: ['tags'],
      dates: ['registeredAt'],
      derive: () => ({ status: 'ACTIVE' }),
      notFound: { error: 'ClientException', message: () => 'Unable to describe task definition.' },
    }),
  },
  operations: {
    ListClusters: list<ListClustersCommandInput, ListClustersCommandOutput>('clusters', {
      items: 'clusterArns',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      item: arnOf('clusterArn'),
    }),
    DescribeClusters: list<DescribeClustersCommandInput, DescribeClustersCommandOutput>('clusters', { items: 'clusters', ids: 'clusters', token: false }),
    ListContainerInstances: list<ListContainerInstancesCommandInput, ListContainerInstancesCommandOutput, WorldContainerInstance>('containerInstances', {
      items: 'containerInstanceArns',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      filter: inCluster,
      item: arnOf('containerInstanceArn'),
    }),
    DescribeContainerInstances: list<DescribeContainerInstancesCommandInput, DescribeContainerInstancesCommandOutput>('containerInstances', {
      items: 'containerInstances',
      ids: 'containerInstances',
      token: false,
    }),
    ListServices: list<ListServicesCommandInput, ListServicesCommandOutput, WorldService>('services', {
      items: 'serviceArns',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      filter: inCluster,
      item: arnOf('serviceArn'),
    }),
    DescribeServices: list<DescribeServicesCommandInput, DescribeServicesCommandOutput>('services', { items: 'services', ids: 'services', token: false }),
    ListTasks: list<ListTasksCommandInput, ListTasksCommandOutput, WorldTask>('tasks', {
      items: 'taskArns',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      filter: inCluster,
      item: arnOf('taskArn'),
    }),
    DescribeTasks: list<DescribeTasksCommandInput, DescribeTasksCommandOutput>('tasks', { items: 'tasks', ids: 'tasks', token: false }),
    ListTaskDefinitions: list<ListTaskDefinitionsCommandInput, ListTaskDefinitionsCommandOutput, WorldTaskDefinition>('taskDefinitions', {
      items: 'taskDefinitionArns',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      source: (records, input) => {
        const arns = records.filter((d) => (d.status ?? 'ACTIVE') === (input.status ?? 'ACTIVE')).map((d) => d.taskDefinitionArn ?? '');
        // Ordered by family and revision, as ECS lists them; DESC reverses.
        const ordered = arns.sort(
          (a, b) => a.replace(/:(\d+)$/, '').localeCompare(b.replace(/:(\d+)$/, '')) || Number(a.split(':').pop()) - Number(b.split(':').pop()),
        );
        return input.sort === 'DESC' ? ordered.reverse() : ordered;
      },
    }),
    DescribeTaskDefinition: custom<DescribeTaskDefinitionCommandInput, DescribeTaskDefinitionCommandOutput>((input, context, kit) => {
      const record = kit.find('taskDefinitions', input.taskDefinition, context);
      return {
        taskDefinition: kit.view('taskDefinitions', record, context),
        tags: input.include?.includes('TAGS') ? ((record as WorldTaskDefinition).tags ?? []) : undefined,
      };
    }),
  },
  generate: generateEcsSection,
});

/**
 * One cluster per region with resources: `size / 20` container instances on the region's first
 * EC2 instances, one service with a task per container instance, and its task definition (two
 * revisions). Deterministic from the index (no draw on the shared random stream).
 */
export function generateEcsSection({ accountId, region, size, sections }: GenerateInput): WorldRecord {
  const count = Math.ceil(size / 20);
  if (!count) return {};
  const instances = ec2Resources(sections.ec2).instances.slice(0, count);
  const family = 'generated-app';
  const definitionArn = (revision: number) => `arn:aws:ecs:${region}:${accountId}:task-definition/${family}:${revision}`;
  const taskDefinitions: WorldRecord[] = [1, 2].map((revision) => ({
    taskDefinitionArn: definitionArn(revision),
    family,
    revision,
    taskRoleArn: `arn:aws:iam::${accountId}:role/generated-role-0`,
    networkMode: 'bridge',
    containerDefinitions: [
      {
        name: 'app',
        image: `${accountId}.dkr.ecr.${region}.amazonaws.com/generated-repo-0:latest`,
        privileged: revision === 1,
        logConfiguration: { logDriver: 'awslogs' },
      },
    ],
    registeredAt: '2024-01-01T00:00:00Z',
  }));
  return {
    clusters: [{ clusterName: 'generated-cluster', tags: [{ key: 'Name', value: 'generated-cluster' }] }],
    containerInstances: instances.map((instance, index) => ({
      id: `generated${String(index).padStart(8, '0')}`,
      cluster: 'generated-cluster',
      ec2InstanceId: instance.InstanceId,
      runningTasksCount: 1,
    })),
    services: [
      { serviceName: 'generated-service', cluster: 'generated-cluster', taskDefinition: definitionArn(2), desiredCount: instances.length, launchType: 'EC2' },
    ],
    tasks: instances.map((_, index) => ({
      id: `generatedtask${String(index).padStart(8, '0')}`,
      cluster: 'generated-cluster',
      taskDefinitionArn: definitionArn(2),
      containerInstanceArn: `arn:aws:ecs:${region}:${accountId}:container-instance/generated-cluster/generated${String(index).padStart(8, '0')}`,
      group: 'service:generated-service',
      launchType: 'EC2',
    })),
    taskDefinitions,
  };
}
