import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  ListTagsForResourceCommand,
  paginateListDistributions,
  type DistributionSummary,
} from '@aws-sdk/client-cloudfront';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import { RelationshipVerb } from '../../graph';
import { AcmEntities } from '../acm/schema';
import { edgeTarget, placeholderEntity, type EntityRef } from '../cross-service';
import { LambdaEntities } from '../lambda/schema';
import { cloudFrontEdge, cloudFrontServiceHasDistribution, convertCloudFrontDistribution, convertCloudFrontOrigin, edgeFunctionArn } from './converters';
import { CloudFrontEntities, CloudFrontRelationships } from './schema';

/** CloudFront's API has one endpoint, signed for us-east-1. */
export const CLOUDFRONT_REGION = 'us-east-1';
const DISTRIBUTION = CloudFrontEntities.DISTRIBUTION._type;

/** A certificate or function of another organization (or not collected): a mapped stand-in of its service's schema. */
function target(context: CollectorContext, ref: EntityRef, _class: readonly string[]): Promise<EntityRef> {
  return edgeTarget(context, ref, () => placeholderEntity(ref, _class));
}

export const cloudFrontDistributionsCollector: Collector = {
  id: 'cloudfront-distributions',
  service: 'cloudfront',
  scope: 'global',
  events: [
    {
      source: 'cloudfront.amazonaws.com',
      names: ['CreateDistribution', 'UpdateDistribution', 'DeleteDistribution', 'TagResource', 'UntagResource'],
      resourceIds: ['requestParameters.id', 'responseElements.distribution.id'],
    },
  ],
  entities: [CloudFrontEntities.DISTRIBUTION, CloudFrontEntities.ORIGIN],
  relationships: [
    CloudFrontRelationships.SERVICE_HAS_DISTRIBUTION,
    CloudFrontRelationships.DISTRIBUTION_HAS_ORIGIN,
    CloudFrontRelationships.DISTRIBUTION_USES_CERTIFICATE,
    CloudFrontRelationships.DISTRIBUTION_TRIGGERS_FUNCTION,
  ],
  permissions: ['cloudfront:ListDistributions', 'cloudfront:ListTagsForResource', 'cloudfront:GetDistributionConfig'],
  optionalCalls: [
    {
      operation: 'cloudfront:ListTagsForResource',
      properties: [{ _type: DISTRIBUTION, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'distributions have no `tag.*` properties',
    },
    {
      operation: 'cloudfront:GetDistributionConfig',
      properties: [{ _type: DISTRIBUTION, properties: ['loggingEnabled', 'loggingBucket', 'defaultRootObject'] }],
      cost: 'distributions have no access-logging facts or default root object',
    },
  ],
  // Certificates and Lambda@Edge functions are named by key (ARNs); origins' targets are matched by
  // the DNS mapping once every service is in the graph.
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(CloudFrontClient, CLOUDFRONT_REGION);
    const { accountId } = context.account;
    const summaries: DistributionSummary[] = [];
    for await (const page of paginateListDistributions({ client }, {})) summaries.push(...(page.DistributionList?.Items ?? []));
    await mapConcurrent(summaries, 4, async (summary) => {
      if (!summary.Id || !summary.ARN) return;
      const Resource = summary.ARN;
      const Id = summary.Id;
      const tags = await context.optional(
        'cloudfront:ListTagsForResource',
        async () => (await client.send(new ListTagsForResourceCommand({ Resource }))).Tags?.Items,
      );
      const config = await context.optional(
        'cloudfront:GetDistributionConfig',
        async () => (await client.send(new GetDistributionConfigCommand({ Id }))).DistributionConfig,
      );
      const distribution = context.addEntity(convertCloudFrontDistribution(accountId, summary, config, tags));
      context.addRelationship(cloudFrontServiceHasDistribution(accountId, distribution));
      for (const origin of summary.Origins?.Items ?? [])
        context.addRelationship(cloudFrontEdge(distribution, RelationshipVerb.HAS, context.addEntity(convertCloudFrontOrigin(distribution, origin))));
      const certificateArn = summary.ViewerCertificate?.ACMCertificateArn;
      if (certificateArn) {
        const certificate = await target(context, { _key: certificateArn, _type: AcmEntities.CERTIFICATE._type }, AcmEntities.CERTIFICATE._class);
        context.addRelationship(cloudFrontEdge(distribution, RelationshipVerb.USES, certificate));
      }
      for (const functionArn of (distribution.lambdaFunctionArns as string[] | undefined) ?? []) {
        const fn = await target(context, { _key: edgeFunctionArn(functionArn), _type: LambdaEntities.FUNCTION._type }, LambdaEntities.FUNCTION._class);
        context.addRelationship(cloudFrontEdge(distribution, RelationshipVerb.TRIGGERS, fn));
      }
    });
  },
};
