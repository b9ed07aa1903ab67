import type { EnhancedImageScanFinding, ImageDetail, ImageScanFinding, Repository, Tag } from '@aws-sdk/client-ecr';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { isPublicStatement, isRecord, parsePolicyDocument, policyDocumentText } from '../../policy/document';
import { ecrImageKey, EcrEntities } from './schema';

export interface EcrScope {
  accountId: string;
  region: string;
}

const consoleLink = (region: string, path: string) => `https://console.aws.amazon.com/ecr/${path}?region=${region}`;

export function convertEcrRepository(
  repository: Repository,
  scope: EcrScope,
  tags: Tag[] | undefined,
  facts: { policyText?: string; imageCount?: number },
): Entity {
  const arn = repository.repositoryArn ?? '';
  const policy = facts.policyText ? parsePolicyDocument(facts.policyText) : undefined;
  return createEntity({
    _key: arn,
    schema: EcrEntities.REPOSITORY,
    name: repository.repositoryName ?? arn,
    tags,
    createdOn: repository.createdAt,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      registryId: repository.registryId,
      repositoryUri: repository.repositoryUri,
      imageTagMutability: repository.imageTagMutability,
      scanOnPush: repository.imageScanningConfiguration?.scanOnPush,
      // ECR always encrypts at rest: with its own AES-256 keys, or a KMS key.
      encrypted: true,
      encryptionType: repository.encryptionConfiguration?.encryptionType,
      kmsKeyId: repository.encryptionConfiguration?.kmsKey,
      // Undefined when the policy could not be read (denied): unknown, not private.
      public: facts.policyText === undefined ? undefined : (policy?.statements.some(isPublicStatement) ?? false),
      imageCount: facts.imageCount,
      webLink: consoleLink(scope.region, `repositories/private/${scope.accountId}/${repository.repositoryName}`),
    },
  });
}

/**
 * The repository policy as an AccessPolicy entity. Repository policies name no `Resource` (the
 * repository is implied): it is written into the statements that lack one, so the policy analysis
 * (ALLOWS edges) reaches the repository.
 */
export function convertEcrRepositoryPolicy(repository: Entity, policyText: string): Entity {
  return createEntity({
    _key: `${repository._key}|policy`,
    schema: EcrEntities.REPOSITORY_POLICY,
    name: `${String(repository.name)}-policy`,
    properties: {
      repositoryArn: repository._key,
      accountId: repository.accountId as string,
      region: repository.region as string,
      document: repositoryPolicyDocument(policyText, repository._key),
    },
  });
}

/** The policy's compact JSON, with the repository as the `Resource` of statements that name none. */
export function repositoryPolicyDocument(policyText: string, repositoryArn: string): string | undefined {
  const text = policyDocumentText(policyText);
  if (!text || !parsePolicyDocument(text)) return text;
  const document = JSON.parse(text) as Record<string, unknown>;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  document.Statement = statements.map((statement) =>
    isRecord(statement) && statement.Resource === undefined && statement.NotResource === undefined ? { ...statement, Resource: repositoryArn } : statement,
  );
  return JSON.stringify(document);
}

/** The images worth collecting: the `limit` most recently pushed (ties: by digest). */
export function mostRecentImages(images: readonly ImageDetail[], limit: number): ImageDetail[] {
  const pushedAt = (image: ImageDetail) => image.imagePushedAt?.getTime() ?? 0;
  return [...images].sort((a, b) => pushedAt(b) - pushedAt(a) || (a.imageDigest ?? '').localeCompare(b.imageDigest ?? '')).slice(0, limit);
}

export function convertEcrImage(image: ImageDetail, repository: Entity, scope: EcrScope): Entity {
  const digest = image.imageDigest ?? '';
  const tags = image.imageTags ?? [];
  const counts = image.imageScanFindingsSummary?.findingSeverityCounts ?? {};
  return createEntity({
    _key: ecrImageKey(repository._key, digest),
    schema: EcrEntities.IMAGE,
    name: tags.length ? `${String(repository.name)}:${tags[0]}` : `${String(repository.name)}@${digest}`,
    createdOn: image.imagePushedAt,
    properties: {
      accountId: scope.accountId,
      region: scope.region,
      repositoryArn: repository._key,
      repositoryName: image.repositoryName,
      imageDigest: digest,
      imageTags: tags.length ? [...tags] : undefined,
      imageSizeInBytes: image.imageSizeInBytes,
      pushedOn: image.imagePushedAt,
      lastPulledOn: image.lastRecordedPullTime,
      imageManifestMediaType: image.imageManifestMediaType,
      scanStatus: image.imageScanStatus?.status,
      scanCompletedOn: image.imageScanFindingsSummary?.imageScanCompletedAt,
      criticalFindings: counts.CRITICAL,
      highFindings: counts.HIGH,
      mediumFindings: counts.MEDIUM,
      lowFindings: counts.LOW,
      informationalFindings: counts.INFORMATIONAL,
      webLink: consoleLink(scope.region, `repositories/private/${scope.accountId}/${image.repositoryName}/_/image/${digest}/details`),
    },
  });
}

const NUMERIC_SEVERITY: Record<string, number> = { informational: 1, low: 3, medium: 5, high: 7, critical: 9, untriaged: 0, undefined: 0 };

/** `HIGH` -> `high`, with JupiterOne's numeric scale (0 when AWS has not rated it). */
function severityOf(severity: string | undefined): { severity: string | null; numericSeverity: number | null } {
  if (!severity) return { severity: null, numericSeverity: null };
  const lower = severity.toLowerCase();
  return { severity: lower, numericSeverity: NUMERIC_SEVERITY[lower] ?? 0 };
}

/** A basic-scanning finding (`findings`): a CVE in a package of the image, keyed by image and CVE. */
export function convertEcrBasicFinding(finding: ImageScanFinding, image: Entity): Entity {
  const attribute = (key: string) => finding.attributes?.find((a) => a.key === key)?.value;
  const score = attribute('CVSS3_SCORE') ?? attribute('CVSS2_SCORE');
  return createEntity({
    _key: `${image._key}|finding/${finding.name ?? ''}`,
    schema: EcrEntities.IMAGE_SCAN_FINDING,
    name: finding.name ?? 'finding',
    properties: {
      accountId: image.accountId as string,
      region: image.region as string,
      imageKey: image._key,
      imageDigest: image.imageDigest as string,
      repositoryName: image.repositoryName as string,
      ...severityOf(finding.severity),
      // A basic scan lists only what the image's latest scan found.
      open: true,
      category: 'application',
      scanType: 'basic',
      vulnerabilityId: finding.name,
      description: finding.description,
      webLink: finding.uri,
      packageName: attribute('package_name'),
      packageVersion: attribute('package_version'),
      score: score === undefined ? undefined : Number(score),
    },
  });
}

/** An enhanced-scanning finding (Amazon Inspector, `enhancedFindings`): keyed by its finding ARN. */
export function convertEcrEnhancedFinding(finding: EnhancedImageScanFinding, image: Entity): Entity {
  const vulnerability = finding.packageVulnerabilityDetails;
  const firstPackage = vulnerability?.vulnerablePackages?.[0];
  return createEntity({
    _key: finding.findingArn ?? `${image._key}|finding/${vulnerability?.vulnerabilityId ?? finding.title ?? ''}`,
    schema: EcrEntities.IMAGE_SCAN_FINDING,
    name: finding.title ?? vulnerability?.vulnerabilityId ?? 'finding',
    createdOn: finding.firstObservedAt,
    properties: {
      updatedOn: finding.updatedAt,
      arn: finding.findingArn,
      accountId: image.accountId as string,
      region: image.region as string,
      imageKey: image._key,
      imageDigest: image.imageDigest as string,
      repositoryName: image.repositoryName as string,
      ...severityOf(finding.severity),
      open: finding.status === undefined ? true : finding.status === 'ACTIVE',
      status: finding.status,
      category: 'application',
      scanType: 'enhanced',
      type: finding.type,
      vulnerabilityId: vulnerability?.vulnerabilityId,
      description: finding.description,
      webLink: vulnerability?.sourceUrl,
      packageName: firstPackage?.name,
      packageVersion: firstPackage?.version,
      score: finding.score,
      fixAvailable: finding.fixAvailable,
      exploitAvailable: finding.exploitAvailable,
      lastObservedOn: finding.lastObservedAt,
    },
  });
}

export function ecrServiceHas(accountId: string, repository: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'ecr'), verb: RelationshipVerb.HAS, to: repository });
}

export function ecrHas(from: Entity, to: Entity): Relationship {
  return createRelationship({ from, verb: RelationshipVerb.HAS, to });
}
