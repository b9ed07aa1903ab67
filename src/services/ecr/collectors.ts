import {
  ECRClient,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  paginateDescribeImages,
  paginateDescribeImageScanFindings,
  paginateDescribeRepositories,
  type ImageDetail,
  type Repository,
} from '@aws-sdk/client-ecr';
import { mapConcurrent } from '../../collectors/concurrency';
import { collectionLimits } from '../../collectors/limits';
import type { Collector } from '../../collectors/types';
import type { Entity } from '../../graph';
import {
  convertEcrBasicFinding,
  convertEcrEnhancedFinding,
  convertEcrImage,
  convertEcrRepository,
  convertEcrRepositoryPolicy,
  ecrHas,
  ecrServiceHas,
  mostRecentImages,
} from './converters';
import { EcrEntities, EcrRelationships } from './schema';

const REPOSITORY = EcrEntities.REPOSITORY._type;

/** AWS's answer for a repository without a policy, or an image never scanned: nothing to read, not a failure. */
function isAbsent(error: unknown, name: string): boolean {
  return (error as { name?: string } | undefined)?.name === name;
}

/** Scan states in which DescribeImageScanFindings has findings to return. */
const SCANNED = new Set(['COMPLETE', 'ACTIVE']);

export const ecrRepositoriesCollector: Collector = {
  id: 'ecr-repositories',
  service: 'ecr',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'ecr.amazonaws.com',
      names: [
        'CreateRepository',
        'DeleteRepository',
        'PutImage',
        'BatchDeleteImage',
        'SetRepositoryPolicy',
        'DeleteRepositoryPolicy',
        'PutImageScanningConfiguration',
        'PutImageTagMutability',
        'StartImageScan',
        'TagResource',
        'UntagResource',
      ],
    },
  ],
  entities: [EcrEntities.REPOSITORY, EcrEntities.IMAGE, EcrEntities.IMAGE_SCAN_FINDING, EcrEntities.REPOSITORY_POLICY],
  relationships: Object.values(EcrRelationships),
  permissions: ['ecr:DescribeRepositories', 'ecr:ListTagsForResource', 'ecr:GetRepositoryPolicy', 'ecr:DescribeImages', 'ecr:DescribeImageScanFindings'],
  optionalCalls: [
    {
      operation: 'ecr:ListTagsForResource',
      properties: [{ _type: REPOSITORY, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'repositories have no `tag.*` properties',
    },
    {
      operation: 'ecr:GetRepositoryPolicy',
      properties: [{ _type: REPOSITORY, properties: ['public'] }],
      cost: 'no `aws_ecr_repository_policy` and no ALLOWS edges from it; repositories have no `public`',
    },
    {
      operation: 'ecr:DescribeImages',
      properties: [{ _type: REPOSITORY, properties: ['imageCount'] }],
      cost: 'no `aws_ecr_image` nor findings of the repository',
    },
    { operation: 'ecr:DescribeImageScanFindings', cost: 'no `aws_ecr_image_scan_finding` of the image (those of earlier runs are kept)' },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(ECRClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };
    const { ecrImagesPerRepository } = collectionLimits(context.limits);

    const repositories: Repository[] = [];
    // Pages of 1,000, the maximum (the default is 100: DescribeRepositories API Reference, `maxResults`).
    for await (const page of paginateDescribeRepositories({ client }, { maxResults: 1000 })) repositories.push(...(page.repositories ?? []));

    await mapConcurrent(repositories, 4, async (repository) => {
      const arn = repository.repositoryArn;
      const repositoryName = repository.repositoryName;
      if (!arn || !repositoryName) return;
      const tags = await context.optional(
        'ecr:ListTagsForResource',
        async () => (await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags,
      );
      const policyText = await context.optional('ecr:GetRepositoryPolicy', async () => {
        try {
          return (await client.send(new GetRepositoryPolicyCommand({ repositoryName, registryId: repository.registryId }))).policyText ?? null;
        } catch (error) {
          if (isAbsent(error, 'RepositoryPolicyNotFoundException')) return null;
          throw error;
        }
      });
      // Every image is listed (1,000 a page) to find the most recently pushed: DescribeImages has no order.
      const images = await context.optional('ecr:DescribeImages', async () => {
        const all: ImageDetail[] = [];
        for await (const page of paginateDescribeImages({ client }, { repositoryName, registryId: repository.registryId, maxResults: 1000 }))
          all.push(...(page.imageDetails ?? []));
        return all;
      });
      const entity = context.addEntity(
        convertEcrRepository(repository, scope, tags, { policyText: policyText === undefined ? undefined : (policyText ?? ''), imageCount: images?.length }),
      );
      context.addRelationship(ecrServiceHas(accountId, entity));
      if (policyText) {
        const policy = context.addEntity(convertEcrRepositoryPolicy(entity, policyText));
        context.addRelationship(ecrHas(entity, policy));
      }

      const kept = mostRecentImages(images ?? [], ecrImagesPerRepository);
      if (images && images.length > kept.length) context.noteLimited?.('ecrImagesPerRepository', EcrEntities.IMAGE._type, images.length - kept.length);
      for (const detail of kept) {
        const image = context.addEntity(convertEcrImage(detail, entity, scope));
        context.addRelationship(ecrHas(entity, image));
        if (!detail.imageDigest || !SCANNED.has(detail.imageScanStatus?.status ?? '')) continue;
        const findings = await context.optional('ecr:DescribeImageScanFindings', () => scanFindings(client, repositoryName, detail, image));
        for (const finding of findings ?? []) context.addRelationship(ecrHas(image, context.addEntity(finding)));
      }
    });
  },
};

/** The findings of an image's latest scan, basic and enhanced; none when the image has no scan after all. */
async function scanFindings(client: ECRClient, repositoryName: string, detail: ImageDetail, image: Entity): Promise<Entity[]> {
  const findings = new Map<string, Entity>();
  try {
    const pages = paginateDescribeImageScanFindings(
      { client },
      { repositoryName, registryId: detail.registryId, imageId: { imageDigest: detail.imageDigest }, maxResults: 1000 },
    );
    for await (const page of pages) {
      for (const finding of page.imageScanFindings?.findings ?? []) {
        const entity = convertEcrBasicFinding(finding, image);
        findings.set(entity._key, entity);
      }
      for (const finding of page.imageScanFindings?.enhancedFindings ?? []) {
        const entity = convertEcrEnhancedFinding(finding, image);
        findings.set(entity._key, entity);
      }
    }
  } catch (error) {
    if (isAbsent(error, 'ScanNotFoundException')) return [];
    throw error;
  }
  return [...findings.values()];
}
