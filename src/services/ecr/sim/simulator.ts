import type {
  DescribeImageScanFindingsCommandInput,
  DescribeImageScanFindingsCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeRepositoriesCommandInput,
  DescribeRepositoriesCommandOutput,
  GetRepositoryPolicyCommandInput,
  GetRepositoryPolicyCommandOutput,
  ImageDetail,
  ImageScanFinding,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  Repository,
  Tag,
} from '@aws-sdk/client-ecr';
import { collection, custom, defineSimulatedService, list, tagMapOf, tags, type InWorld } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';
import { policyDocumentSchema, type PolicyDocument } from '../../../policy/document';

/** A repository of the world: what DescribeRepositories serves, with the tags and policy other calls serve. */
export type WorldRepository = InWorld<Repository> & { tags?: Tag[]; policy?: PolicyDocument };
/** An image of the world (DescribeImages' ImageDetail), with the findings of its latest scan. */
export type WorldImage = InWorld<ImageDetail> & { findings?: ImageScanFinding[] };

const repositoryArn = (region: string, accountId: string, name: string) => `arn:aws:ecr:${region}:${accountId}:repository/${name}`;

export const ecrSimulator = defineSimulatedService({
  service: 'ecr',
  clientName: 'ECRClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidParameterException' },
  collections: {
    repositories: collection<WorldRepository>({
      id: 'repositoryName',
      fields: { policy: policyDocumentSchema() },
      arn: (repository, context) => repositoryArn(context.region, context.account.id, repository.repositoryName ?? ''),
      arnField: 'repositoryArn',
      derive: (repository, context) => ({
        registryId: context.account.id,
        repositoryUri: `${context.account.id}.dkr.ecr.${context.region}.amazonaws.com/${repository.repositoryName}`,
      }),
      dates: ['createdAt'],
      worldOnly: ['tags', 'policy'],
      tags: (repository) => tagMapOf(repository.tags),
      notFound: {
        error: 'RepositoryNotFoundException',
        message: (id, context) => `The repository with name '${id}' does not exist in the registry with id '${context.account.id}'`,
      },
    }),
    images: collection<WorldImage>({
      id: 'imageDigest',
      required: ['repositoryName'],
      derive: (_image, context) => ({ registryId: context.account.id }),
      dates: ['imagePushedAt', 'lastRecordedPullTime', 'imageScanFindingsSummary.imageScanCompletedAt'],
      worldOnly: ['findings'],
      notFound: { error: 'ImageNotFoundException', message: (id) => `The image with imageId {imageDigest:'${id}'} does not exist` },
    }),
  },
  operations: {
    DescribeRepositories: list<DescribeRepositoriesCommandInput, DescribeRepositoriesCommandOutput>('repositories', {
      items: 'repositories',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 1000,
    }),
    ListTagsForResource: tags<ListTagsForResourceCommandInput, ListTagsForResourceCommandOutput>('repositories', { id: 'resourceArn', output: 'tags' }),
    // A repository without a policy answers RepositoryPolicyNotFoundException, as ECR does.
    GetRepositoryPolicy: custom<GetRepositoryPolicyCommandInput, GetRepositoryPolicyCommandOutput>((input, context, kit) => {
      const repository = kit.find('repositories', input.repositoryName, context) as WorldRepository;
      if (!repository.policy)
        throw kit.error('RepositoryPolicyNotFoundException', `Repository policy does not exist for the repository with name '${input.repositoryName}'`);
      return { registryId: context.account.id, repositoryName: input.repositoryName, policyText: JSON.stringify(repository.policy) };
    }),
    DescribeImages: list<DescribeImagesCommandInput, DescribeImagesCommandOutput, WorldImage>('images', {
      items: 'imageDetails',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 1000,
      filter: (image, input) => image.repositoryName === input.repositoryName,
    }),
    DescribeImageScanFindings: custom<DescribeImageScanFindingsCommandInput, DescribeImageScanFindingsCommandOutput>((input, context, kit) => {
      kit.find('repositories', input.repositoryName, context);
      const record = kit
        .records('images', context)
        .find((image) => image.repositoryName === input.repositoryName && image.imageDigest === input.imageId?.imageDigest) as WorldImage | undefined;
      if (!record) throw kit.error('ImageNotFoundException', `The image with imageId {imageDigest:'${input.imageId?.imageDigest}'} does not exist`);
      const image = kit.view('images', record, context) as ImageDetail;
      if (!image.imageScanStatus)
        throw kit.error('ScanNotFoundException', `Image scan does not exist for the image with '{imageDigest:'${image.imageDigest}'}'`);
      const page = kit.page(record.findings ?? [], input.nextToken, context.pageSize(input.maxResults, 1000));
      return {
        registryId: context.account.id,
        repositoryName: input.repositoryName,
        imageId: { imageDigest: image.imageDigest },
        imageScanStatus: image.imageScanStatus,
        imageScanFindings: {
          imageScanCompletedAt: image.imageScanFindingsSummary?.imageScanCompletedAt,
          vulnerabilitySourceUpdatedAt: image.imageScanFindingsSummary?.vulnerabilitySourceUpdatedAt,
          findingSeverityCounts: image.imageScanFindingsSummary?.findingSeverityCounts,
          findings: page.items,
        },
        nextToken: page.nextToken,
      };
    }),
  },
  generate: generateEcrSection,
});

/**
 * `size / 20` repositories (none for an empty region), each with three images, the newest scanned
 * with one finding; every fourth repository lets the organization's accounts pull through its
 * policy. Deterministic from the index (no draw on the shared random stream).
 */
export function generateEcrSection({ accountId, size }: GenerateInput): { repositories?: WorldRepository[]; images?: WorldImage[] } {
  const count = Math.ceil(size / 20);
  if (!count) return {};
  const repositories: WorldRepository[] = [];
  const images: WorldImage[] = [];
  for (let index = 0; index < count; index++) {
    const repositoryName = `generated-repo-${index}`;
    repositories.push({
      repositoryName,
      createdAt: '2024-01-01T00:00:00Z',
      imageTagMutability: index % 2 ? 'IMMUTABLE' : 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: index % 3 !== 0 },
      encryptionConfiguration: { encryptionType: 'AES256' },
      tags: [{ Key: 'Name', Value: repositoryName }],
      policy:
        index % 4 === 1
          ? {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'pull',
                  Effect: 'Allow',
                  Principal: { AWS: `arn:aws:iam::${accountId}:root` },
                  Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
                },
              ],
            }
          : undefined,
    });
    for (let version = 0; version < 3; version++) {
      const newest = version === 2;
      images.push({
        repositoryName,
        imageDigest: `sha256:${String(index).padStart(8, '0')}${String(version).padStart(56, '0')}`,
        imageTags: [`1.${version}`],
        imageSizeInBytes: 50_000_000 + version,
        imagePushedAt: `2024-0${version + 1}-15T10:00:00Z`,
        imageScanStatus: newest ? { status: 'COMPLETE', description: 'The scan was completed successfully.' } : undefined,
        imageScanFindingsSummary: newest ? { imageScanCompletedAt: '2024-03-15T10:05:00Z', findingSeverityCounts: { HIGH: 1 } } : undefined,
        findings: newest ? [{ name: 'CVE-2023-44487', severity: 'HIGH', uri: 'https://nvd.nist.gov/vuln/detail/CVE-2023-44487' }] : undefined,
      });
    }
  }
  return { repositories, images };
}
