import type { Finding, GetDetectorResponse } from '@aws-sdk/client-guardduty';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, toEpochMs, type Entity, type Relationship } from '../../graph';
import type { EntityRef } from '../cross-service';
import { Ec2Entities } from '../ec2/schema';
import { IamEntities } from '../iam/schema';
import { S3Entities } from '../s3/schema';
import { GuardDutyEntities } from './schema';

export interface GuardDutyScope {
  accountId: string;
  region: string;
}

export function detectorKey(scope: GuardDutyScope, detectorId: string): string {
  return `arn:aws:guardduty:${scope.region}:${scope.accountId}:detector/${detectorId}`;
}

/** `aws_guardduty_detector` from GetDetector. */
export function convertDetector(detectorId: string, detector: Omit<GetDetectorResponse, '$metadata'>, scope: GuardDutyScope): Entity {
  const key = detectorKey(scope, detectorId);
  const features = detector.Features ?? [];
  return createEntity({
    _key: key,
    schema: GuardDutyEntities.DETECTOR,
    name: `GuardDuty detector ${scope.region}`,
    tags: detector.Tags,
    createdOn: detector.CreatedAt,
    properties: {
      id: detectorId,
      detectorId,
      arn: key,
      accountId: scope.accountId,
      region: scope.region,
      status: detector.Status,
      enabled: detector.Status === 'ENABLED',
      active: detector.Status === 'ENABLED',
      findingPublishingFrequency: detector.FindingPublishingFrequency,
      serviceRole: detector.ServiceRole,
      updatedOn: toEpochMs(detector.UpdatedAt),
      enabledFeatures: features.filter((f) => f.Status === 'ENABLED').map((f) => f.Name ?? ''),
      disabledFeatures: features.filter((f) => f.Status === 'DISABLED').map((f) => f.Name ?? ''),
      // Assessment and Scanner (JupiterOne's classes) type `category` differently; an array satisfies Scanner.
      category: ['threat-detection'],
      summary: `GuardDuty threat detection in ${scope.region} (${detector.Status ?? 'unknown status'})`,
      internal: true,
      webLink: `https://console.aws.amazon.com/guardduty/home?region=${scope.region}#/findings`,
    },
  });
}

/** GuardDuty's severity bands (1.0-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical). */
export function guardDutySeverity(score: number | undefined): string | undefined {
  if (score === undefined) return undefined;
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** `aws_guardduty_finding` from GetFindings. `open` is false once the finding is archived. */
export function convertFinding(finding: Finding, scope: GuardDutyScope): Entity {
  const type = finding.Type ?? '';
  const resource = finding.Resource;
  return createEntity({
    _key: finding.Arn ?? `${detectorKey(scope, finding.Service?.DetectorId ?? '')}/finding/${finding.Id}`,
    schema: GuardDutyEntities.FINDING,
    name: finding.Title ?? type,
    createdOn: finding.CreatedAt,
    properties: {
      id: finding.Id,
      arn: finding.Arn,
      accountId: finding.AccountId ?? scope.accountId,
      region: finding.Region ?? scope.region,
      title: finding.Title,
      description: finding.Description,
      findingType: type,
      // `ThreatPurpose:ResourceTypeAffected/ThreatFamilyName...`
      threatPurpose: type.split(':')[0] || undefined,
      category: resource?.ResourceType?.toLowerCase() ?? 'threat',
      severity: guardDutySeverity(finding.Severity),
      numericSeverity: finding.Severity ?? null,
      confidence: finding.Confidence,
      open: finding.Service?.Archived !== true,
      archived: finding.Service?.Archived === true,
      count: finding.Service?.Count,
      detectorId: finding.Service?.DetectorId,
      resourceType: resource?.ResourceType,
      instanceId: resource?.InstanceDetails?.InstanceId,
      bucketNames: resource?.S3BucketDetails?.map((bucket) => bucket.Name ?? ''),
      accessKeyId: resource?.AccessKeyDetails?.AccessKeyId,
      userName: resource?.AccessKeyDetails?.UserName,
      firstSeenOn: toEpochMs(finding.Service?.EventFirstSeen),
      lastSeenOn: toEpochMs(finding.Service?.EventLastSeen),
      updatedOn: toEpochMs(finding.UpdatedAt),
      webLink: `https://console.aws.amazon.com/guardduty/home?region=${finding.Region ?? scope.region}#/findings?search=id%3D${finding.Id}`,
    },
  });
}

/**
 * The resources a finding is about, by the keys and types their collectors give them: the instance,
 * the buckets, the IAM user's access key, in the finding's account and region.
 */
export function affectedResources(finding: Finding, scope: GuardDutyScope): EntityRef[] {
  const accountId = finding.AccountId ?? scope.accountId;
  const region = finding.Region ?? scope.region;
  const resource = finding.Resource;
  const refs: EntityRef[] = [];
  const instanceId = resource?.InstanceDetails?.InstanceId;
  if (instanceId) refs.push({ _key: `arn:aws:ec2:${region}:${accountId}:instance/${instanceId}`, _type: Ec2Entities.INSTANCE._type });
  for (const bucket of resource?.S3BucketDetails ?? [])
    if (bucket.Name) refs.push({ _key: bucket.Arn ?? `arn:aws:s3:::${bucket.Name}`, _type: S3Entities.BUCKET._type });
  const accessKey = resource?.AccessKeyDetails;
  if (accessKey?.AccessKeyId && /^(AKIA|ASIA)/.test(accessKey.AccessKeyId)) refs.push({ _key: accessKey.AccessKeyId, _type: IamEntities.ACCESS_KEY._type });
  return refs;
}

/** The keys of {@link affectedResources}. */
export function affectedResourceKeys(finding: Finding, scope: GuardDutyScope): string[] {
  return affectedResources(finding, scope).map((ref) => ref._key);
}

export function guardDutyServiceHasDetector(accountId: string, detector: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'guardduty'), verb: RelationshipVerb.HAS, to: detector });
}
