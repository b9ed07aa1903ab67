import type {
  AdvancedEventSelector,
  DescribeTrailsCommandInput,
  DescribeTrailsCommandOutput,
  EventSelector,
  GetEventSelectorsCommandInput,
  GetEventSelectorsCommandOutput,
  GetTrailStatusCommandInput,
  GetTrailStatusCommandOutput,
  ListTagsCommandInput,
  ListTagsCommandOutput,
  Tag,
  Trail,
} from '@aws-sdk/client-cloudtrail';
import { accountOf } from '../../../sim/accounts';
import { COMMERCIAL_REGIONS } from '../../../sim/generate';
import type { SimCallContext } from '../../../sim/types';
import { collection, custom, defineSimulatedService, ownRandom, type InWorld } from '../../../sim/service-kit';

/** A trail in the world: DescribeTrails' `Trail` (home region: its section's), its status, selectors and tags. */
type WorldTrail = Trail & {
  Name: string;
  Status?: InWorld<Omit<GetTrailStatusCommandOutput, '$metadata'>>;
  EventSelectors?: EventSelector[];
  AdvancedEventSelectors?: AdvancedEventSelector[];
  Tags?: Tag[];
};

const STATUS_DATES = ['LatestDeliveryTime', 'StartLoggingTime', 'StopLoggingTime', 'LatestCloudWatchLogsDeliveryTime', 'LatestDigestDeliveryTime'] as const;
/** What CloudTrail records without selectors: every management event, read and write. */
const DEFAULT_SELECTORS: EventSelector[] = [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }];

function trailArn(trail: WorldTrail, accountId: string, homeRegion: string): string {
  return trail.TrailARN ?? `arn:aws:cloudtrail:${homeRegion}:${accountId}:trail/${trail.Name}`;
}

interface Seen {
  trail: WorldTrail;
  arn: string;
  homeRegion: string;
  owner: string;
}

/** An account's trails, with their home regions. */
function trailsOf(context: SimCallContext, accountId: string): Seen[] {
  const account = accountOf(context.world, accountId);
  return Object.entries(account?.regions ?? {}).flatMap(([homeRegion, sections]) =>
    ((sections.cloudtrail as { trails?: WorldTrail[] } | undefined)?.trails ?? []).map((trail) => ({
      trail,
      arn: trailArn(trail, accountId, homeRegion),
      homeRegion,
      owner: accountId,
    })),
  );
}

/**
 * The trails DescribeTrails shows in the call's account and region: the account's trails of this
 * region and, as shadow trails, its multi-region trails of other regions and the management
 * account's organization trails.
 */
function visibleTrails(context: SimCallContext, includeShadowTrails = true): Seen[] {
  const here = (seen: Seen) => seen.homeRegion === context.region || (includeShadowTrails && seen.trail.IsMultiRegionTrail === true);
  const own = trailsOf(context, context.account.id).filter(here);
  const management = context.world.organization.managementAccountId;
  if (!includeShadowTrails || management === context.account.id) return own;
  return [...own, ...trailsOf(context, management).filter((seen) => seen.trail.IsOrganizationTrail === true && here(seen))];
}

function findTrail(context: SimCallContext, nameOrArn: string | undefined): Seen {
  const found = visibleTrails(context).find((seen) => seen.arn === nameOrArn || (seen.owner === context.account.id && seen.trail.Name === nameOrArn));
  if (!found) context.notFound('TrailNotFoundException', `Unknown trail: ${nameOrArn} for the user: ${context.account.id}`);
  return found;
}

function dated<T extends object>(value: T, fields: readonly string[]): T {
  const copy = { ...value } as Record<string, unknown>;
  for (const field of fields) if (typeof copy[field] === 'string') copy[field] = new Date(copy[field] as string);
  return copy as T;
}

export const cloudTrailSimulator = defineSimulatedService({
  service: 'cloudtrail',
  clientName: 'CloudTrailClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidTokenException' },
  collections: {
    trails: collection<WorldTrail>({
      id: 'Name',
      required: ['S3BucketName'],
      fields: {
        Name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$' },
        TrailARN: { type: 'string', pattern: '^arn:aws:cloudtrail:[a-z0-9-]+:\\d{12}:trail/' },
        KmsKeyId: { type: 'string', pattern: '^arn:aws:kms:' },
        CloudWatchLogsLogGroupArn: { type: 'string', pattern: '^arn:aws:logs:[a-z0-9-]+:\\d{12}:log-group:.+:\\*$' },
      },
      worldOnly: ['Status', 'EventSelectors', 'AdvancedEventSelectors', 'Tags'],
      notFound: { error: 'TrailNotFoundException', message: (name) => `Unknown trail: ${name}` },
    }),
  },
  operations: {
    DescribeTrails: custom<DescribeTrailsCommandInput, DescribeTrailsCommandOutput>((input, context) => ({
      trailList: visibleTrails(context, input.includeShadowTrails ?? true)
        .filter((seen) => !input.trailNameList?.length || input.trailNameList.some((name) => name === seen.arn || name === seen.trail.Name))
        .map(({ trail, arn, homeRegion }) => {
          const { Status: _status, EventSelectors, AdvancedEventSelectors, Tags: _tags, ...described } = trail;
          return {
            IncludeGlobalServiceEvents: true,
            IsMultiRegionTrail: false,
            IsOrganizationTrail: false,
            LogFileValidationEnabled: false,
            HasInsightSelectors: false,
            ...described,
            TrailARN: arn,
            HomeRegion: homeRegion,
            HasCustomEventSelectors: Boolean(EventSelectors ?? AdvancedEventSelectors),
          };
        }),
    })),
    GetTrailStatus: custom<GetTrailStatusCommandInput, GetTrailStatusCommandOutput>((input, context) => {
      const { trail } = findTrail(context, input.Name);
      return dated({ IsLogging: true, ...trail.Status }, STATUS_DATES) as Omit<GetTrailStatusCommandOutput, '$metadata'>;
    }),
    GetEventSelectors: custom<GetEventSelectorsCommandInput, GetEventSelectorsCommandOutput>((input, context) => {
      const { trail, arn } = findTrail(context, input.TrailName);
      if (trail.AdvancedEventSelectors) return { TrailARN: arn, AdvancedEventSelectors: trail.AdvancedEventSelectors };
      return { TrailARN: arn, EventSelectors: trail.EventSelectors ?? DEFAULT_SELECTORS };
    }),
    // Tags of this account's trails; another account's trail is refused, as CloudTrail does.
    ListTags: custom<ListTagsCommandInput, ListTagsCommandOutput>((input, context) => ({
      ResourceTagList: (input.ResourceIdList ?? []).map((id) => {
        const seen = findTrail(context, id);
        if (seen.owner !== context.account.id) context.notFound('CloudTrailARNInvalidException', `Invalid trail ARN: ${id}`);
        return { ResourceId: seen.arn, TagsList: seen.trail.Tags ?? [] };
      }),
    })),
  },
  // One multi-region trail per account, homed in the first generated region: validation and a KMS
  // key (one KMS generated there) on most, S3 object-level events on some. Shadow copies appear in
  // every other region.
  generate: ({ accountId, region, sections }) => {
    if (region !== COMMERCIAL_REGIONS[0]) return { trails: [] };
    const random = ownRandom({ accountId, region }, 'cloudtrail');
    const keyId = (sections.kms as { keys?: Array<{ id: string }> } | undefined)?.keys?.[0]?.id;
    const s3Events = random() < 0.3;
    const trail: WorldTrail = {
      Name: 'audit',
      S3BucketName: `audit-logs-${accountId}`,
      IsMultiRegionTrail: true,
      LogFileValidationEnabled: random() < 0.8,
      KmsKeyId: keyId && random() < 0.7 ? `arn:aws:kms:${region}:${accountId}:key/${keyId}` : undefined,
      Status: { IsLogging: random() < 0.95, LatestDeliveryTime: '2026-01-01T00:00:00Z' },
      EventSelectors: [
        { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: s3Events ? [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] : [] },
      ],
    };
    return { trails: [trail] };
  },
});
