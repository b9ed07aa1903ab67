import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { Ec2Entities } from '../ec2/schema';
import { KmsEntities } from '../kms/schema';

/** WorkSpaces' entity types: the one place they are spelled. */
export const WorkSpacesEntities = defineEntities({
  SERVICE: serviceEntitySchema('workspaces', 'WorkSpaces'),
  WORKSPACE: { _type: 'aws_workspace', _class: ['Host'], resourceName: 'WorkSpace' },
  BUNDLE: { _type: 'aws_workspaces_bundle', _class: ['Configuration'], resourceName: 'WorkSpaces Bundle' },
});

const E = WorkSpacesEntities;
const { HAS, USES } = RelationshipVerb;

export const WorkSpacesRelationships = defineRelationships({
  SERVICE_HAS_RESOURCE: { from: E.SERVICE._type, verb: HAS, to: [E.WORKSPACE._type, E.BUNDLE._type] },
  SUBNET_HAS_WORKSPACE: { from: Ec2Entities.SUBNET._type, verb: HAS, to: E.WORKSPACE._type },
  WORKSPACE_USES_BUNDLE: { from: E.WORKSPACE._type, verb: USES, to: E.BUNDLE._type },
  WORKSPACE_USES_KEY: { from: E.WORKSPACE._type, verb: USES, to: KmsEntities.KEY._type },
});
