import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/**
 * Inspector's entity types: the one place they are spelled. Inspector Classic (assessment runs) is
 * retired; these types carry Amazon Inspector (Inspector2) data, mapped as docs/inspector.md says:
 * one assessment per account and region (Inspector2's continuous scanning) and its findings.
 */
export const InspectorEntities = defineEntities({
  SERVICE: serviceEntitySchema('inspector', 'Inspector'),
  ASSESSMENT: { _type: 'aws_inspector_assessment', _class: ['Assessment'], resourceName: 'Inspector Assessment Run' },
  /** Ever-growing: closed findings stay in the graph with `open: false`. */
  FINDING: { _type: 'aws_inspector_finding', _class: ['Finding'], resourceName: 'Finding', everGrowing: true },
});

export const InspectorRelationships = defineRelationships({
  SERVICE_HAS_ASSESSMENT: { from: 'aws_inspector', verb: RelationshipVerb.HAS, to: InspectorEntities.ASSESSMENT._type },
  ASSESSMENT_IDENTIFIED_FINDING: { from: InspectorEntities.ASSESSMENT._type, verb: RelationshipVerb.IDENTIFIED, to: InspectorEntities.FINDING._type },
  INSTANCE_HAS_FINDING: { from: 'aws_instance', verb: RelationshipVerb.HAS, to: InspectorEntities.FINDING._type },
  /** Lambda functions by ARN: Lambda's entities when collected, placeholders otherwise. */
  FUNCTION_HAS_FINDING: { from: 'aws_lambda_function', verb: RelationshipVerb.HAS, to: InspectorEntities.FINDING._type },
  /** Other accounts' instances (a delegated administrator sees its members'): placeholders. */
  RESOURCE_HAS_FINDING: { from: 'aws_resource', verb: RelationshipVerb.HAS, to: InspectorEntities.FINDING._type },
});
