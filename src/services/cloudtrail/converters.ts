import type { AdvancedEventSelector, EventSelector, GetTrailStatusCommandOutput, Tag, Trail } from '@aws-sdk/client-cloudtrail';
import { createEntity, type Entity, type RawValue } from '../../graph';
import { CloudTrailEntities, memberTrailKey } from './schema';

/** GetTrailStatus' answer without the SDK's metadata. */
export type TrailStatus = Omit<GetTrailStatusCommandOutput, '$metadata'>;

/** GetEventSelectors' answer: basic selectors or advanced ones (a trail has one kind). */
export interface TrailSelectors {
  EventSelectors?: EventSelector[];
  AdvancedEventSelectors?: AdvancedEventSelector[];
}

export interface TrailFacts {
  /** From DescribeTrails (`includeShadowTrails`): always there. */
  trail: Trail;
  /** From GetTrailStatus; absent when the call failed. */
  status?: TrailStatus;
  /** From GetEventSelectors; absent when the call failed. */
  selectors?: TrailSelectors;
  tags?: Tag[];
  /** The account collecting: the trail's owner, or a member account an organization trail covers. */
  accountId: string;
  region: string;
}

/** What a trail's selectors record: management events read and write, S3 object-level events. */
export interface SelectorCoverage {
  managementReadEventsLogged: boolean;
  managementWriteEventsLogged: boolean;
  s3ObjectReadEventsLogged: boolean;
  s3ObjectWriteEventsLogged: boolean;
  /** S3 object events of every bucket (not only named ones). */
  s3ObjectEventsAllBuckets: boolean;
  /** Bucket ARN prefixes whose object events are recorded (none when all buckets are). */
  s3ObjectEventBuckets: string[];
}

const S3_OBJECT = 'AWS::S3::Object';
/** `arn:aws:s3` or `arn:aws:s3:::` (any partition): every bucket's objects. */
const ALL_BUCKETS = /^arn:[\w-]+:s3(:::)?$/;

function readWrite(type: string | undefined): { read: boolean; write: boolean } {
  // ReadWriteType defaults to All.
  return { read: type !== 'WriteOnly', write: type !== 'ReadOnly' };
}

/** Basic selectors: `IncludeManagementEvents` (default true), `ReadWriteType`, `DataResources`. */
function basicCoverage(selectors: readonly EventSelector[], coverage: SelectorCoverage): void {
  for (const selector of selectors) {
    const { read, write } = readWrite(selector.ReadWriteType);
    if (selector.IncludeManagementEvents !== false) {
      coverage.managementReadEventsLogged ||= read;
      coverage.managementWriteEventsLogged ||= write;
    }
    for (const resource of selector.DataResources ?? []) {
      if (resource.Type !== S3_OBJECT || !resource.Values?.length) continue;
      coverage.s3ObjectReadEventsLogged ||= read;
      coverage.s3ObjectWriteEventsLogged ||= write;
      for (const value of resource.Values) {
        if (ALL_BUCKETS.test(value)) coverage.s3ObjectEventsAllBuckets = true;
        else coverage.s3ObjectEventBuckets.push(value);
      }
    }
  }
}

/**
 * Advanced selectors: each selects events whose fields match all its field selectors.
 * `eventCategory` Management or Data; `readOnly` `true` or `false` (absent: both);
 * `resources.type` `AWS::S3::Object` with `resources.ARN` StartsWith/Equals (absent: every bucket).
 */
function advancedCoverage(selectors: readonly AdvancedEventSelector[], coverage: SelectorCoverage): void {
  for (const selector of selectors) {
    const field = (name: string) => selector.FieldSelectors?.find((candidate) => candidate.Field === name);
    const category = field('eventCategory')?.Equals ?? [];
    const readOnly = field('readOnly')?.Equals;
    const read = !readOnly?.length || readOnly.includes('true');
    const write = !readOnly?.length || readOnly.includes('false');
    if (category.includes('Management')) {
      coverage.managementReadEventsLogged ||= read;
      coverage.managementWriteEventsLogged ||= write;
    }
    if (category.includes('Data') && (field('resources.type')?.Equals ?? []).includes(S3_OBJECT)) {
      coverage.s3ObjectReadEventsLogged ||= read;
      coverage.s3ObjectWriteEventsLogged ||= write;
      const arn = field('resources.ARN');
      const buckets = [...(arn?.StartsWith ?? []), ...(arn?.Equals ?? [])];
      if (!arn || arn.NotStartsWith?.length || arn.NotEquals?.length || buckets.length === 0) coverage.s3ObjectEventsAllBuckets = true;
      else coverage.s3ObjectEventBuckets.push(...buckets);
    }
  }
}

/** What a trail records, from GetEventSelectors' basic or advanced selectors. */
export function selectorCoverage(selectors: TrailSelectors): SelectorCoverage {
  const coverage: SelectorCoverage = {
    managementReadEventsLogged: false,
    managementWriteEventsLogged: false,
    s3ObjectReadEventsLogged: false,
    s3ObjectWriteEventsLogged: false,
    s3ObjectEventsAllBuckets: false,
    s3ObjectEventBuckets: [],
  };
  basicCoverage(selectors.EventSelectors ?? [], coverage);
  advancedCoverage(selectors.AdvancedEventSelectors ?? [], coverage);
  return coverage;
}

function managementReadWriteType(coverage: SelectorCoverage): string {
  if (coverage.managementReadEventsLogged && coverage.managementWriteEventsLogged) return 'All';
  if (coverage.managementReadEventsLogged) return 'ReadOnly';
  return coverage.managementWriteEventsLogged ? 'WriteOnly' : 'None';
}

/** Account id of a trail ARN (`arn:aws:cloudtrail:us-east-1:111122223333:trail/name`). */
export function trailOwner(trail: Trail): string | undefined {
  return /^arn:[\w-]+:cloudtrail:[^:]*:(\d{12}):/.exec(trail.TrailARN ?? '')?.[1];
}

/**
 * `aws_cloudtrail` from DescribeTrails, with GetTrailStatus, GetEventSelectors and the tags. An
 * organization trail read in a member account is that account's view of it (its own key; the
 * management account reports the trail under its ARN).
 */
export function convertTrail(facts: TrailFacts): Entity {
  const { trail, status, selectors } = facts;
  const arn = trail.TrailARN ?? `arn:aws:cloudtrail:${facts.region}:${facts.accountId}:trail/${trail.Name}`;
  const owner = trailOwner(trail) ?? facts.accountId;
  const memberView = owner !== facts.accountId;
  const coverage = selectors ? selectorCoverage(selectors) : undefined;
  const selectorProperties: Record<string, RawValue> = coverage
    ? {
        ...coverage,
        s3ObjectEventBuckets: coverage.s3ObjectEventBuckets.length ? [...new Set(coverage.s3ObjectEventBuckets)].sort() : undefined,
        managementEventsLogged: coverage.managementReadEventsLogged || coverage.managementWriteEventsLogged,
        managementReadWriteType: managementReadWriteType(coverage),
        advancedEventSelectors: Boolean(selectors?.AdvancedEventSelectors?.length),
        eventSelectors: JSON.stringify(selectors?.AdvancedEventSelectors?.length ? selectors.AdvancedEventSelectors : (selectors?.EventSelectors ?? [])),
      }
    : {};
  return createEntity({
    _key: memberView ? memberTrailKey(arn, facts.accountId) : arn,
    schema: CloudTrailEntities.TRAIL,
    name: trail.Name ?? arn,
    tags: facts.tags,
    properties: {
      arn,
      trailArn: arn,
      accountId: facts.accountId,
      ownerAccountId: owner,
      region: trail.HomeRegion ?? facts.region,
      homeRegion: trail.HomeRegion,
      category: ['infrastructure'],
      function: ['auditing', 'logging'],
      isMultiRegionTrail: trail.IsMultiRegionTrail ?? false,
      isOrganizationTrail: trail.IsOrganizationTrail ?? false,
      // Seen from a member account: the management account's organization trail covering it.
      organizationTrailMember: memberView,
      includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents,
      logFileValidationEnabled: trail.LogFileValidationEnabled ?? false,
      s3BucketName: trail.S3BucketName,
      s3KeyPrefix: trail.S3KeyPrefix,
      snsTopicArn: trail.SnsTopicARN,
      cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn,
      cloudWatchLogsRoleArn: trail.CloudWatchLogsRoleArn,
      // CIS 4.5 reads `kmsKeyId = undefined` for a trail whose logs are not encrypted with a key.
      kmsKeyId: trail.KmsKeyId,
      encrypted: Boolean(trail.KmsKeyId),
      hasCustomEventSelectors: trail.HasCustomEventSelectors,
      hasInsightSelectors: trail.HasInsightSelectors,
      isLogging: status?.IsLogging,
      logging: status?.IsLogging,
      active: status?.IsLogging,
      latestDeliveryOn: status?.LatestDeliveryTime,
      latestDeliveryError: status?.LatestDeliveryError || undefined,
      latestCloudWatchLogsDeliveryOn: status?.LatestCloudWatchLogsDeliveryTime,
      latestCloudWatchLogsDeliveryError: status?.LatestCloudWatchLogsDeliveryError || undefined,
      startLoggingOn: status?.StartLoggingTime,
      stopLoggingOn: status?.StopLoggingTime,
      ...selectorProperties,
      webLink: `https://console.aws.amazon.com/cloudtrail/home?region=${trail.HomeRegion ?? facts.region}#/trails/${encodeURIComponent(arn)}`,
    },
  });
}
