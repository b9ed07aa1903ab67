import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** ECR's entity types: the one place they are spelled. */
export const EcrEntities = defineEntities({
  SERVICE: serviceEntitySchema('ecr', 'ECR'),
  REPOSITORY: { _type: 'aws_ecr_repository', _class: ['Repository'], resourceName: 'ECR Container Repository' },
  IMAGE: { _type: 'aws_ecr_image', _class: ['Image'], resourceName: 'Container Image' },
  /** Findings are ever-growing: a later run that no longer sees one (fixed, or its image past the limit) keeps it. */
  IMAGE_SCAN_FINDING: { _type: 'aws_ecr_image_scan_finding', _class: ['Finding'], resourceName: 'Image Scan Finding', everGrowing: true },
  /** The repository policy (GetRepositoryPolicy): an AccessPolicy, so the policy analysis derives its ALLOWS edges. */
  REPOSITORY_POLICY: { _type: 'aws_ecr_repository_policy', _class: ['AccessPolicy'], resourceName: 'ECR Repository Policy' },
});

const { SERVICE, REPOSITORY, IMAGE, IMAGE_SCAN_FINDING, REPOSITORY_POLICY } = EcrEntities;

export const EcrRelationships = defineRelationships({
  SERVICE_HAS_REPOSITORY: { from: SERVICE._type, verb: RelationshipVerb.HAS, to: REPOSITORY._type },
  REPOSITORY_HAS_IMAGE: { from: REPOSITORY._type, verb: RelationshipVerb.HAS, to: IMAGE._type },
  IMAGE_HAS_FINDING: { from: IMAGE._type, verb: RelationshipVerb.HAS, to: IMAGE_SCAN_FINDING._type },
  REPOSITORY_HAS_POLICY: { from: REPOSITORY._type, verb: RelationshipVerb.HAS, to: REPOSITORY_POLICY._type },
});

/** An image's key: its repository's ARN and digest (images have no ARN of their own). */
export function ecrImageKey(repositoryArn: string, imageDigest: string): string {
  return `${repositoryArn}@${imageDigest}`;
}
