import { defineEntities, defineRelationships, RelationshipVerb } from '../../graph';

/** ECS's entity types: the one place they are spelled. */
export const EcsEntities = defineEntities({
  CLUSTER: { _type: 'aws_ecs_cluster', _class: ['Cluster'], resourceName: 'ECS Cluster' },
  CONTAINER_INSTANCE: { _type: 'aws_ecs_container_instance', _class: ['Host', 'Container'], resourceName: 'Container Instance' },
  SERVICE: { _type: 'aws_ecs_service', _class: ['Service'], resourceName: 'Service' },
  TASK_DEFINITION: { _type: 'aws_ecs_task_definition', _class: ['Function', 'Configuration'], resourceName: 'Task Definition' },
  TASK: { _type: 'aws_ecs_task', _class: ['Task', 'Process'], resourceName: 'Task' },
});

/** Types of other services ECS's edges reach. */
export const EcsTargets = { ROLE: 'aws_iam_role', INSTANCE: 'aws_instance' } as const;

const { CLUSTER, CONTAINER_INSTANCE, SERVICE, TASK_DEFINITION, TASK } = EcsEntities;

export const EcsRelationships = defineRelationships({
  SERVICE_HAS_CLUSTER: { from: 'aws_ecs', verb: RelationshipVerb.HAS, to: [CLUSTER._type, TASK_DEFINITION._type] },
  CLUSTER_HAS: { from: CLUSTER._type, verb: RelationshipVerb.HAS, to: [SERVICE._type, CONTAINER_INSTANCE._type] },
  CLUSTER_RUNS_TASK: { from: CLUSTER._type, verb: RelationshipVerb.RUNS, to: TASK._type },
  CONTAINER_INSTANCE_RUNS_TASK: { from: CONTAINER_INSTANCE._type, verb: RelationshipVerb.RUNS, to: TASK._type },
  /** The task role is ASSIGNED to the task definition's containers; the execution role is what ECS USES to start them. */
  TASK_DEFINITION_ASSIGNED_ROLE: { from: TASK_DEFINITION._type, verb: RelationshipVerb.ASSIGNED, to: EcsTargets.ROLE },
  TASK_DEFINITION_USES_ROLE: { from: TASK_DEFINITION._type, verb: RelationshipVerb.USES, to: EcsTargets.ROLE },
  TASK_DEFINITION_DEFINES: { from: TASK_DEFINITION._type, verb: RelationshipVerb.DEFINES, to: [SERVICE._type, TASK._type] },
  SERVICE_TRIGGERS_TASK: { from: SERVICE._type, verb: RelationshipVerb.TRIGGERS, to: TASK._type },
  INSTANCE_RUNS_CONTAINER_INSTANCE: { from: EcsTargets.INSTANCE, verb: RelationshipVerb.RUNS, to: CONTAINER_INSTANCE._type },
});
