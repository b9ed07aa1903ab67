import test from 'ava';
import {
  convertEcsContainerInstance,
  convertEcsService,
  convertEcsTask,
  convertEcsTaskDefinition,
  convertEcsCluster,
  taskServiceName,
} from '../../src/services/ecs/converters';
import { taskDefinitionsToDescribe } from '../../src/services/ecs/collectors';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '123456789012', region: 'us-east-1' };

// Shapes from the ECS API Reference examples (DescribeClusters, DescribeContainerInstances, DescribeServices, DescribeTasks, DescribeTaskDefinition).
const cluster = convertEcsCluster(
  {
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
    clusterName: 'default',
    status: 'ACTIVE',
    registeredContainerInstancesCount: 1,
    pendingTasksCount: 0,
    runningTasksCount: 1,
    activeServicesCount: 1,
    settings: [{ name: 'containerInsights', value: 'enabled' }],
    tags: [{ key: 'team', value: 'web' }],
  },
  scope,
);

test('convertEcsCluster maps status, counts, insights and tags', (t) => {
  t.is(cluster._key, 'arn:aws:ecs:us-east-1:123456789012:cluster/default');
  t.deepEqual(cluster._class, ['Cluster']);
  t.like(cluster, { name: 'default', active: true, runningTasksCount: 1, containerInsightsEnabled: true, 'tag.team': 'web' });
});

test('convertEcsContainerInstance is a Host with the agent facts', (t) => {
  const instance = convertEcsContainerInstance(
    {
      containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/default/f9cc75bb-0c94-46b9-bf6d-49d320bc1551',
      ec2InstanceId: 'i-042f39dc',
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: 1,
      pendingTasksCount: 0,
      versionInfo: { agentVersion: '1.0.0', agentHash: '4023248', dockerVersion: 'DockerVersion: 1.5.0' },
      registeredAt: new Date('2024-01-01T00:00:00Z'),
      attributes: [{ name: 'ecs.os-type', value: 'linux' }],
    },
    cluster,
    scope,
  );
  t.deepEqual(instance._class, ['Host', 'Container']);
  t.like(instance, {
    name: 'i-042f39dc',
    ec2InstanceId: 'i-042f39dc',
    agentConnected: true,
    dockerVersion: 'DockerVersion: 1.5.0',
    osType: 'linux',
    createdOn: Date.parse('2024-01-01T00:00:00Z'),
  });
});

test('convertEcsService and convertEcsTask, and the service that started a task', (t) => {
  const service = convertEcsService(
    {
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/default/ecs-simple-service',
      serviceName: 'ecs-simple-service',
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
      status: 'ACTIVE',
      desiredCount: 10,
      runningCount: 10,
      launchType: 'FARGATE',
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/hello_world:6',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-12344321'], securityGroups: ['sg-12344321'], assignPublicIp: 'ENABLED' } },
      createdAt: new Date('2016-08-29T16:25:52.130Z'),
    },
    scope,
  );
  t.like(service, { desiredCount: 10, public: true, assignPublicIp: 'ENABLED', createdOn: Date.parse('2016-08-29T16:25:52.130Z') });
  t.deepEqual(service.function, ['container-orchestration']);
  const task = {
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/default/1dc5c17a-422b-4dc4-b493-371970c6c4d6',
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/hello_world:6',
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    group: 'service:ecs-simple-service',
    containers: [{ name: 'wordpress', image: 'wordpress' }],
  };
  const entity = convertEcsTask(task, scope);
  t.deepEqual(entity._class, ['Task', 'Process']);
  t.like(entity, { state: 'RUNNING', name: '1dc5c17a-422b-4dc4-b493-371970c6c4d6' });
  t.is(taskServiceName(task), 'ecs-simple-service');
  t.is(taskServiceName({ ...task, group: 'family:hello_world' }), undefined);
});

test('convertEcsTaskDefinition keeps images, privilege and logging but not environment values', (t) => {
  const definition = convertEcsTaskDefinition(
    {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/hello_world:8',
      family: 'hello_world',
      revision: 8,
      taskRoleArn: 'arn:aws:iam::123456789012:role/app',
      status: 'ACTIVE',
      containerDefinitions: [
        { name: 'wordpress', image: 'wordpress', privileged: true, environment: [{ name: 'PASSWORD', value: 'hunter2' }] },
        { name: 'mysql', image: 'mysql', logConfiguration: { logDriver: 'awslogs' } },
      ],
    },
    [{ key: 'team', value: 'web' }],
    scope,
  );
  t.deepEqual(definition._class, ['Function', 'Configuration']);
  t.like(definition, { name: 'hello_world:8', version: '8', image: 'wordpress', privileged: true, loggingEnabled: false, 'tag.team': 'web' });
  t.deepEqual(definition.environmentVariableNames, ['PASSWORD']);
  t.false(JSON.stringify(definition).includes('hunter2'));
});

test('taskDefinitionsToDescribe keeps the newest revision per family and every referenced one', (t) => {
  const arn = (family: string, revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`;
  t.deepEqual(taskDefinitionsToDescribe([arn('web', 9), arn('web', 8), arn('web', 7), arn('job', 2), arn('job', 1)], [arn('web', 7)]), [
    arn('job', 2),
    arn('web', 7),
    arn('web', 9),
  ]);
});

test('the simulated organization yields ECS with its hosts, services, tasks, definitions and roles', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.is(graph.entitiesOfType('aws_ecs_cluster').length, 2);
  t.is(graph.entitiesOfType('aws_ecs_container_instance').length, 2);
  t.is(graph.entitiesOfType('aws_ecs_task').length, 4);
  // The newest orders-web revision (3) and db-migrate:1 are described; revision 2 only if referenced (it is not).
  t.deepEqual(
    graph
      .entitiesOfType('aws_ecs_task_definition')
      .map((d) => d.name)
      .sort(),
    ['db-migrate:1', 'orders-web:3'],
  );
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  const prefix = 'arn:aws:ecs:us-east-1:222222222222';
  t.true(
    edges.has(`arn:aws:ec2:us-east-1:222222222222:instance/i-02221000000000202 RUNS ${prefix}:container-instance/prod-apps/4b6d45ea4b2f4d3a8c1e9b0a1f2e3d41`),
  );
  t.true(edges.has(`${prefix}:container-instance/prod-apps/4b6d45ea4b2f4d3a8c1e9b0a1f2e3d41 RUNS ${prefix}:task/prod-apps/0a1b2c3d4e5f4a6b8c9d0e1f2a3b4c01`));
  t.true(edges.has(`${prefix}:service/prod-apps/orders-web TRIGGERS ${prefix}:task/prod-apps/0a1b2c3d4e5f4a6b8c9d0e1f2a3b4c01`));
  t.true(edges.has(`${prefix}:task-definition/orders-web:3 DEFINES ${prefix}:service/prod-apps/orders-web`));
  t.true(edges.has(`${prefix}:task-definition/orders-web:3 ASSIGNED arn:aws:iam::222222222222:role/orders-ecs-task`));
  t.true(edges.has(`${prefix}:task-definition/orders-web:3 USES arn:aws:iam::222222222222:role/ecsTaskExecutionRole`));
  t.true(edges.has(`${prefix}:cluster/batch-fargate RUNS ${prefix}:task/batch-fargate/0a1b2c3d4e5f4a6b8c9d0e1f2a3b4c04`));
  t.is(graph.getEntity('arn:aws:iam::999999999999:role/migration-tool')?._source, 'system-mapper');
  t.is(graph.getEntity(`${prefix}:task-definition/db-migrate:1`)?.privileged, true);
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
});

test('collection.ecsTasksPerCluster keeps the first listed tasks of a cluster and the summary counts the rest', async (t) => {
  const { graph, summary } = await simulate(builtinWorld(), { config: { services: { include: ['ecs'] }, collection: { ecsTasksPerCluster: 2 } } });
  const tasks = graph.entitiesOfType('aws_ecs_task').map((task) => task._key);
  // prod-apps runs three tasks, batch-fargate one.
  t.is(tasks.filter((key) => key.includes(':task/prod-apps/')).length, 2);
  t.is(tasks.filter((key) => key.includes(':task/batch-fargate/')).length, 1);
  t.deepEqual(summary.limited, [{ limit: 'ecsTasksPerCluster', _type: 'aws_ecs_task', value: 2, parents: 1, skipped: 1 }]);
});
