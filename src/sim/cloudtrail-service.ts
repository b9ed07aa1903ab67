/**
 * CloudTrail's trails, as far as event streaming needs them (is each account and region recorded,
 * so that EventBridge receives its write calls?): DescribeTrails (with shadow trails: multi-region
 * trails from their home region, organization trails from the management account),
 * GetTrailStatus and GetEventSelectors. A trail lives in its home region's `cloudtrail` section.
 */
import type {
  DescribeTrailsCommandInput,
  DescribeTrailsCommandOutput,
  GetEventSelectorsCommandInput,
  GetEventSelectorsCommandOutput,
  GetTrailStatusCommandInput,
  GetTrailStatusCommandOutput,
  Trail,
} from '@aws-sdk/client-cloudtrail';
import { ServiceException } from '@smithy/smithy-client';
import { defineHandler, type ServiceSimulator, type SimCallContext, type WorldAccount } from './types';

export interface WorldTrail {
  name: string;
  /** Default true (the console creates only multi-region trails). */
  multiRegion?: boolean;
  /** An organization trail of the management account: it records every member account too. */
  organization?: boolean;
  /** Default true; false: created, but `StopLogging` was called. */
  logging?: boolean;
  bucket: string;
  /** Management events it records (default All). */
  managementEvents?: 'All' | 'WriteOnly' | 'ReadOnly' | 'None';
}

export interface WorldCloudTrail {
  trails?: WorldTrail[];
}

const cloudTrailSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    trails: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'bucket'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9][\\w.-]{2,127}$' },
          multiRegion: { type: 'boolean' },
          organization: { type: 'boolean' },
          logging: { type: 'boolean' },
          bucket: { type: 'string' },
          managementEvents: { enum: ['All', 'WriteOnly', 'ReadOnly', 'None'] },
        },
      },
    },
  },
};

interface Located {
  trail: WorldTrail;
  owner: WorldAccount;
  homeRegion: string;
  arn: string;
}

function trailsOf(account: WorldAccount): Located[] {
  return Object.entries(account.regions ?? {}).flatMap(([homeRegion, sections]) =>
    ((sections.cloudtrail as WorldCloudTrail | undefined)?.trails ?? []).map((trail) => ({
      trail,
      owner: account,
      homeRegion,
      arn: `arn:aws:cloudtrail:${homeRegion}:${account.id}:trail/${trail.name}`,
    })),
  );
}

/** Trails that record this account in this region: its own, and the management account's organization trails. */
function visibleTrails(context: SimCallContext, includeShadow: boolean): Located[] {
  const management = context.world.accounts.find((account) => account.id === context.world.organization.managementAccountId);
  const candidates = [
    ...trailsOf(context.account),
    ...(management && management !== context.account ? trailsOf(management).filter(({ trail }) => trail.organization) : []),
  ];
  return candidates.filter(({ trail, homeRegion, owner }) => {
    const shadow = homeRegion !== context.region || owner !== context.account;
    if (homeRegion !== context.region && trail.multiRegion === false) return false;
    return !shadow || includeShadow;
  });
}

function trailNotFound(name: string | undefined, context: SimCallContext): never {
  throw new ServiceException({
    name: 'TrailNotFoundException',
    message: `Unknown trail: ${name} for the user: ${context.account.id}`,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

/** A trail named by name (this account's, in this region) or ARN (any it can see). */
function findTrail(context: SimCallContext, name: string | undefined): Located {
  const found = visibleTrails(context, true).find((located) => located.arn === name || (located.owner === context.account && located.trail.name === name));
  return found ?? trailNotFound(name, context);
}

function describe({ trail, homeRegion, arn }: Located): Trail {
  return {
    Name: trail.name,
    S3BucketName: trail.bucket,
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: trail.multiRegion ?? true,
    HomeRegion: homeRegion,
    TrailARN: arn,
    LogFileValidationEnabled: true,
    HasCustomEventSelectors: (trail.managementEvents ?? 'All') !== 'All',
    HasInsightSelectors: false,
    IsOrganizationTrail: trail.organization ?? false,
  };
}

export const cloudTrailSimulator: ServiceSimulator = {
  service: 'cloudtrail',
  clientName: 'CloudTrailClient',
  scope: 'regional',
  schema: cloudTrailSchema,
  accessDeniedName: 'AccessDeniedException',
  throttlingName: 'ThrottlingException',
  handlers: {
    DescribeTrailsCommand: defineHandler<DescribeTrailsCommandInput, DescribeTrailsCommandOutput>((input, context) => {
      const names = input.trailNameList?.length ? new Set(input.trailNameList) : undefined;
      const trails = visibleTrails(context, input.includeShadowTrails ?? true).filter(
        (located) => !names || names.has(located.arn) || names.has(located.trail.name),
      );
      return { trailList: trails.map(describe), $metadata: {} };
    }),
    GetTrailStatusCommand: defineHandler<GetTrailStatusCommandInput, GetTrailStatusCommandOutput>((input, context) => {
      const { trail } = findTrail(context, input.Name);
      const logging = trail.logging ?? true;
      return {
        IsLogging: logging,
        LatestDeliveryTime: logging ? new Date(context.now() - 5 * 60_000) : undefined,
        StartLoggingTime: new Date('2020-02-01T09:00:00Z'),
        StopLoggingTime: logging ? undefined : new Date(context.now() - 86_400_000),
        $metadata: {},
      };
    }),
    GetEventSelectorsCommand: defineHandler<GetEventSelectorsCommandInput, GetEventSelectorsCommandOutput>((input, context) => {
      const { trail, arn } = findTrail(context, input.TrailName);
      const management = trail.managementEvents ?? 'All';
      return {
        TrailARN: arn,
        EventSelectors: [
          {
            ReadWriteType: management === 'None' ? 'All' : management,
            IncludeManagementEvents: management !== 'None',
            DataResources: [],
            ExcludeManagementEventSources: [],
          },
        ],
        $metadata: {},
      };
    }),
  },
};
