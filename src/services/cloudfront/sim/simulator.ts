import type {
  Distribution,
  DistributionSummary,
  GetDistributionConfigCommandInput,
  GetDistributionConfigCommandOutput,
  ListDistributionsCommandInput,
  ListDistributionsCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  Tag,
} from '@aws-sdk/client-cloudfront';
import { collection, custom, defineSimulatedService, get, ownRandom, type InWorld, type WorldRecord } from '../../../sim/service-kit';
import type { GenerateInput, SimCallContext } from '../../../sim/types';

/** A distribution in the world: GetDistribution's `Distribution` (dates as ISO strings), with its tags. */
export type WorldDistribution = InWorld<Partial<Omit<Distribution, 'ARN'>>> & { Id: string; ARN?: string; Tags?: Tag[] };

const distributionArn = (distribution: WorldDistribution, context: SimCallContext) =>
  `arn:aws:cloudfront::${context.account.id}:distribution/${distribution.Id}`;

/** The summary fields ListDistributions returns, from the distribution and its configuration. */
function summaryOf(view: WorldRecord): DistributionSummary {
  const distribution = view as unknown as Distribution;
  const config = distribution.DistributionConfig;
  return {
    Id: distribution.Id,
    ARN: distribution.ARN,
    Status: distribution.Status,
    LastModifiedTime: distribution.LastModifiedTime,
    DomainName: distribution.DomainName,
    Aliases: config?.Aliases ?? { Quantity: 0 },
    Origins: config?.Origins,
    OriginGroups: config?.OriginGroups,
    DefaultCacheBehavior: config?.DefaultCacheBehavior,
    CacheBehaviors: config?.CacheBehaviors ?? { Quantity: 0 },
    CustomErrorResponses: config?.CustomErrorResponses ?? { Quantity: 0 },
    Comment: config?.Comment,
    PriceClass: config?.PriceClass,
    Enabled: config?.Enabled,
    ViewerCertificate: config?.ViewerCertificate,
    Restrictions: config?.Restrictions,
    WebACLId: config?.WebACLId ?? '',
    HttpVersion: config?.HttpVersion,
    IsIPV6Enabled: config?.IsIPV6Enabled,
    Staging: config?.Staging ?? false,
  };
}

export const cloudFrontSimulator = defineSimulatedService({
  service: 'cloudfront',
  clientName: 'CloudFrontClient',
  scope: 'global',
  errors: { accessDenied: 'AccessDenied', throttling: 'Throttling', invalidToken: 'InvalidArgument' },
  collections: {
    distributions: collection<WorldDistribution>({
      id: 'Id',
      required: ['DomainName', 'DistributionConfig'],
      fields: { DomainName: { type: 'string', pattern: '^[a-z0-9]+\\.cloudfront\\.net$' } },
      dates: ['LastModifiedTime'],
      arn: distributionArn,
      arnField: 'ARN',
      derive: (distribution) => ({ Status: distribution.Status ?? 'Deployed', InProgressInvalidationBatches: 0 }),
      worldOnly: ['Tags'], // served by ListTagsForResource only
      notFound: { error: 'NoSuchDistribution', message: (id) => `The specified distribution does not exist: ${id}` },
    }),
  },
  operations: {
    // The list is wrapped in `DistributionList`, paged by Marker/NextMarker.
    ListDistributions: custom<ListDistributionsCommandInput, ListDistributionsCommandOutput>((input, context, kit) => {
      const items = kit.records('distributions', context).map((record) => summaryOf(kit.view('distributions', record, context)));
      const size = context.pageSize(input.MaxItems, 1000);
      const page = kit.page(items, input.Marker, size);
      return {
        DistributionList: {
          Marker: input.Marker ?? '',
          NextMarker: page.nextToken,
          MaxItems: size,
          IsTruncated: page.nextToken !== undefined,
          Quantity: page.items.length,
          Items: page.items,
        },
      };
    }),
    GetDistributionConfig: get<GetDistributionConfigCommandInput, GetDistributionConfigCommandOutput>('distributions', {
      id: 'Id',
      item: (view) => ({ DistributionConfig: view.DistributionConfig, ETag: 'E2QWRUHEXAMPLE' }),
    }),
    ListTagsForResource: custom<ListTagsForResourceCommandInput, ListTagsForResourceCommandOutput>((input, context, kit) => {
      const tagMap = kit.tagsOf('distributions', kit.find('distributions', input.Resource, context), context);
      return { Tags: { Items: Object.entries(tagMap).map(([Key, Value]) => ({ Key, Value })) } };
    }),
  },
  generate: generateCloudFrontSection,
});

/** The benchmark worlds' distributions: one per five resources, fronting a bucket, TLS by ACM or the default certificate. */
export function generateCloudFrontSection(input: GenerateInput): { distributions: WorldDistribution[] } {
  const random = ownRandom(input, 'cloudfront');
  const count = Math.ceil(input.size / 5);
  return {
    distributions: Array.from({ length: count }, (_, index): WorldDistribution => {
      const id = `E${input.accountId.slice(-6)}${String(index).padStart(4, '0')}`;
      // Buckets the S3 generator makes in us-east-1 (`gen-<account>-<region>-<n>`).
      const bucket = `gen-${input.accountId}-us-east-1-${index}`;
      const https = random() < 0.8;
      return {
        Id: id,
        DomainName: `d${input.accountId}${index}.cloudfront.net`,
        LastModifiedTime: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 365) * 86_400_000).toISOString(),
        DistributionConfig: {
          CallerReference: `generated-${index}`,
          Comment: `site ${index}`,
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [
              {
                Id: 's3-origin',
                DomainName: `${bucket}.s3.us-east-1.amazonaws.com`,
                OriginPath: '',
                S3OriginConfig: { OriginAccessIdentity: '' },
                OriginAccessControlId: 'E2OAC0EXAMPLE',
              },
            ],
          },
          DefaultCacheBehavior: { TargetOriginId: 's3-origin', ViewerProtocolPolicy: https ? 'redirect-to-https' : 'allow-all' },
          ViewerCertificate: { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1' },
          PriceClass: 'PriceClass_100',
          HttpVersion: 'http2',
          IsIPV6Enabled: true,
          Logging: { Enabled: random() < 0.5, IncludeCookies: false, Bucket: `gen-${input.accountId}-us-east-1-logs.s3.amazonaws.com`, Prefix: 'cf/' },
        },
        Tags: [{ Key: 'environment', Value: random() < 0.5 ? 'production' : 'staging' }],
      };
    }),
  };
}
