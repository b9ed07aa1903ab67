import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { AwsAccess, CallScope } from './access';
import { classifyError } from './errors';

export interface RegionSelection {
  /** Only these regions (when given). */
  include?: string[];
  /** Never these regions. */
  exclude?: string[];
}

export interface SkippedRegion {
  region: string;
  reason: string;
}

export interface DiscoveredRegions {
  enabled: string[];
  skipped: SkippedRegion[];
  /**
   * Set when DescribeRegions failed (denied by the role or an SCP): the regions are the configured
   * ones, or AWS's regions enabled by default, and this is the error to record.
   */
  fallbackFrom?: unknown;
}

/**
 * The commercial regions every account has enabled (AWS enables them by default and they cannot be
 * disabled; regions launched since March 2019 are opt-in). Used when DescribeRegions is denied and
 * no regions are configured.
 */
export const DEFAULT_ENABLED_REGIONS: readonly string[] = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/** Partitions a self-hosted commercial-partition ingester cannot reach with the same credentials. */
const OTHER_PARTITION = /^(cn-|us-gov-|us-iso|eu-isoe-)/;

/** Chooses the regions to collect from DescribeRegions' answer, saying why each other region is skipped. */
export function selectRegions(regions: ReadonlyArray<{ RegionName?: string; OptInStatus?: string }>, selection: RegionSelection = {}): DiscoveredRegions {
  const enabled: string[] = [];
  const skipped: SkippedRegion[] = [];
  const include = selection.include?.length ? new Set(selection.include) : undefined;
  const exclude = new Set(selection.exclude ?? []);
  for (const { RegionName: region, OptInStatus: status } of regions) {
    if (!region) continue;
    if (OTHER_PARTITION.test(region)) skipped.push({ region, reason: 'other AWS partition (China, GovCloud, ISO)' });
    else if (include && !include.has(region)) skipped.push({ region, reason: 'not in the configured regions' });
    else if (exclude.has(region)) skipped.push({ region, reason: 'excluded by configuration' });
    else if (status === 'not-opted-in') skipped.push({ region, reason: 'not enabled for the account (opt-in region)' });
    else enabled.push(region);
  }
  for (const region of include ?? []) {
    if (!regions.some((r) => r.RegionName === region)) skipped.push({ region, reason: 'unknown to the account' });
  }
  enabled.sort();
  skipped.sort((a, b) => a.region.localeCompare(b.region));
  return { enabled, skipped };
}

/**
 * The regions to collect when DescribeRegions cannot be called: the configured ones (`include`), or
 * AWS's default-enabled regions, less the excluded ones. Opt-in regions are not guessed.
 */
export function fallbackRegions(selection: RegionSelection = {}): DiscoveredRegions {
  const candidates = selection.include?.length ? selection.include : DEFAULT_ENABLED_REGIONS;
  return selectRegions(
    candidates.map((region) => ({ RegionName: region, OptInStatus: 'opt-in-not-required' })),
    selection,
  );
}

/** An error thrown while the account's role is assumed, before any call of its own. */
export class AccountCredentialsError extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = reason instanceof Error ? reason.name : 'CredentialsError';
    Object.defineProperty(this, '$operation', { value: 'sts:AssumeRole', enumerable: false });
    const metadata = (reason as { $metadata?: unknown } | undefined)?.$metadata;
    if (metadata) Object.defineProperty(this, '$metadata', { value: metadata, enumerable: false });
  }
}

/**
 * The regions of one account to collect, from EC2 DescribeRegions with opt-in status; the call is
 * attributed to `scope` when given. The account's credentials are obtained first: when that fails
 * the account cannot be reached (an {@link AccountCredentialsError}). When DescribeRegions itself
 * is denied (a role or an SCP narrower than SecurityAudit), the account is still collected in
 * {@link fallbackRegions}, and `fallbackFrom` carries the error to record.
 */
export async function discoverRegions(access: AwsAccess, accountId: string, selection?: RegionSelection, scope?: CallScope): Promise<DiscoveredRegions> {
  try {
    await access.credentialsFor(accountId)();
  } catch (error) {
    throw new AccountCredentialsError(error);
  }
  const ec2 = access.client(EC2Client, accountId, access.homeRegion, scope);
  try {
    const response = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    return selectRegions(response.Regions ?? [], selection);
  } catch (error) {
    const { code } = classifyError(error);
    if (code !== 'AccessDenied' && code !== 'ScpDenied') throw error;
    return { ...fallbackRegions(selection), fallbackFrom: error };
  }
}
