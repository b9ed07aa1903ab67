import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { EcsEntities } from '../ecs/schema';
import { IamEntities } from '../iam/schema';

/** Batch's entity types: the one place they are spelled. */
export const BatchEntities = defineEntities({
  SERVICE: serviceEntitySchema('batch', 'Batch'),
  COMPUTE_ENVIRONMENT: { _type: 'aws_batch_compute_environment', _class: ['Configuration'], resourceName: 'Batch Compute Environment' },
  JOB_QUEUE: { _type: 'aws_batch_job_queue', _class: ['Queue'], resourceName: 'Job Queue' },
  JOB_DEFINITION: { _type: 'aws_batch_job_definition', _class: ['Configuration', 'Function'], resourceName: 'Job Definition' },
  JOB: { _type: 'aws_batch_job', _class: ['Process', 'Task'], resourceName: 'Job' },
});

const { SERVICE, COMPUTE_ENVIRONMENT, JOB_QUEUE, JOB_DEFINITION, JOB } = BatchEntities;
const ROLE = IamEntities.ROLE._type;

export const BatchRelationships = defineRelationships({
  SERVICE_HAS: { from: SERVICE._type, verb: RelationshipVerb.HAS, to: [COMPUTE_ENVIRONMENT._type, JOB_QUEUE._type, JOB_DEFINITION._type] },
  /** The ECS cluster Batch runs a compute environment's jobs in. */
  COMPUTE_ENVIRONMENT_USES_CLUSTER: { from: COMPUTE_ENVIRONMENT._type, verb: RelationshipVerb.USES, to: EcsEntities.CLUSTER._type },
  /** The service role Batch manages the compute environment with. */
  COMPUTE_ENVIRONMENT_USES_ROLE: { from: COMPUTE_ENVIRONMENT._type, verb: RelationshipVerb.USES, to: ROLE },
  JOB_QUEUE_USES_COMPUTE_ENVIRONMENT: { from: JOB_QUEUE._type, verb: RelationshipVerb.USES, to: COMPUTE_ENVIRONMENT._type },
  JOB_QUEUE_HAS_JOB: { from: JOB_QUEUE._type, verb: RelationshipVerb.HAS, to: JOB._type },
  /** The job role is ASSIGNED to the job's containers; the execution role is what Batch USES to start them. */
  JOB_DEFINITION_ASSIGNED_ROLE: { from: JOB_DEFINITION._type, verb: RelationshipVerb.ASSIGNED, to: ROLE },
  JOB_DEFINITION_USES_ROLE: { from: JOB_DEFINITION._type, verb: RelationshipVerb.USES, to: ROLE },
  JOB_DEFINITION_DEFINES_JOB: { from: JOB_DEFINITION._type, verb: RelationshipVerb.DEFINES, to: JOB._type },
});
