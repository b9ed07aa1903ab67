import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { AcmEntities } from '../acm/schema';
import { Ec2Entities } from '../ec2/schema';
import { LambdaEntities } from '../lambda/schema';
import { S3Entities } from '../s3/schema';

/** CloudFront's entity types: the one place they are spelled. */
export const CloudFrontEntities = defineEntities({
  SERVICE: serviceEntitySchema('cloudfront', 'CloudFront'),
  DISTRIBUTION: { _type: 'aws_cloudfront_distribution', _class: ['Gateway'], resourceName: 'Distribution' },
  ORIGIN: { _type: 'aws_cloudfront_distribution_origin', _class: ['Configuration'], resourceName: 'aws_cloudfront_distribution_origin' },
});

/**
 * What a distribution's origins can be, by their domain names: buckets, API Gateway APIs, load
 * balancers and, for custom origins, instances (by public DNS name or address). ELB's types
 * (services/elb/schema.ts) are named as strings until its schema is merged.
 */
export const CloudFrontOriginTargets = {
  S3_BUCKET: S3Entities.BUCKET._type,
  INSTANCE: Ec2Entities.INSTANCE._type,
  REST_API: 'aws_api_gateway_rest_api',
  V2_API: 'aws_api_gateway_v2_api',
  // ELB's types (services/elb/schema.ts)
  ALB: 'aws_alb',
  NLB: 'aws_nlb',
  ELB: 'aws_elb',
} as const;

export const CloudFrontRelationships = defineRelationships({
  SERVICE_HAS_DISTRIBUTION: { from: CloudFrontEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: CloudFrontEntities.DISTRIBUTION._type },
  DISTRIBUTION_HAS_ORIGIN: { from: CloudFrontEntities.DISTRIBUTION._type, verb: RelationshipVerb.HAS, to: CloudFrontEntities.ORIGIN._type },
  DISTRIBUTION_USES_CERTIFICATE: { from: CloudFrontEntities.DISTRIBUTION._type, verb: RelationshipVerb.USES, to: AcmEntities.CERTIFICATE._type },
  /** Lambda@Edge functions of the cache behaviours. */
  DISTRIBUTION_TRIGGERS_FUNCTION: { from: CloudFrontEntities.DISTRIBUTION._type, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  /** The resources its origins name (drawn by the `mappings-dns` collector, once they are all in the graph). */
  DISTRIBUTION_CONNECTS_ORIGIN_TARGET: {
    from: CloudFrontEntities.DISTRIBUTION._type,
    verb: RelationshipVerb.CONNECTS,
    to: Object.values(CloudFrontOriginTargets),
  },
});

/** A distribution's ARN, its key (`arn:aws:cloudfront::<account>:distribution/<id>`). */
export function cloudFrontDistributionArn(accountId: string, id: string): string {
  return `arn:aws:cloudfront::${accountId}:distribution/${id}`;
}
