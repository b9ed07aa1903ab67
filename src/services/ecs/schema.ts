import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { Ec2Entities } from '../ec2/schema';
import { IamEntities } from '../iam/schema';

/** ECS's entity types: the one place they are spelled. */
export const EcsEntities = defineEntities({
  SERVICE: serviceEntitySchema('ecs', 'ECS'),
  CLUSTER: { _type: 'aws_ecs_cluster', _class: ['Cluster'], resourceName: 'ECS Cluster' },
  CONTAINER_INSTANCE: { _type: 'aws_ecs_container_instance', _class: ['Host', 'Container'], resourceName: 'Container Instance' },
  /** An ECS service (a cluster's long-running set of tasks), not the `aws_ecs` service entity above. */
  ECS_SERVICE: { _type: 'aws_ecs_service', _class: ['Service'], resourceName: 'Service' },
  TASK_DEFINITION: { _type: 'aws_ecs_task_definition', _class: ['Function', 'Configuration'], resourceName: 'Task Definition' },
  TASK: { _type: 'aws_ecs_task', _class: ['Task', 'Process'], resourceName: 'Task' },
});

const { SERVICE, CLUSTER, CONTAINER_INSTANCE, ECS_SERVICE, TASK_DEFINITION, TASK } = EcsEntities;
const ROLE = IamEntities.ROLE._type;
const INSTANCE = Ec2Entities.INSTANCE._type;

export const EcsRelationships = defineRelationships({
  SERVICE_HAS: { from: SERVICE._type, verb: RelationshipVerb.HAS, to: [CLUSTER._type, TASK_DEFINITION._type] },
  CLUSTER_HAS: { from: CLUSTER._type, verb: RelationshipVerb.HAS, to: [ECS_SERVICE._type, CONTAINER_INSTANCE._type] },
  CLUSTER_RUNS_TASK: { from: CLUSTER._type, verb: RelationshipVerb.RUNS, to: TASK._type },
  CONTAINER_INSTANCE_RUNS_TASK: { from: CONTAINER_INSTANCE._type, verb: RelationshipVerb.RUNS, to: TASK._type },
  /** The task role is ASSIGNED to the task definition's containers; the execution role is what ECS USES to start them. */
  TASK_DEFINITION_ASSIGNED_ROLE: { from: TASK_DEFINITION._type, verb: RelationshipVerb.ASSIGNED, to: ROLE },
  TASK_DEFINITION_USES_ROLE: { from: TASK_DEFINITION._type, verb: RelationshipVerb.USES, to: ROLE },
  TASK_DEFINITION_DEFINES: { from: TASK_DEFINITION._type, verb: RelationshipVerb.DEFINES, to: [ECS_SERVICE._type, TASK._type] },
  SERVICE_TRIGGERS_TASK: { from: ECS_SERVICE._type, verb: RelationshipVerb.TRIGGERS, to: TASK._type },
  INSTANCE_RUNS_CONTAINER_INSTANCE: { from: INSTANCE, verb: RelationshipVerb.RUNS, to: CONTAINER_INSTANCE._type },
});
