import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { AwsAccess, CallScope } from './access';

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
}

/** Partitions a self-hosted commercial-partition ingester cannot reach with the same credentials. */
const OTHER_PARTITION = /^(cn-|us-gov-|us-iso|eu-isoe-)/;

/** Chooses the regions to collect from DescribeRegions' answer, saying why each other region is skipped. */
export function selectRegions(
  regions: ReadonlyArray<{ RegionName?: string; OptInStatus?: string }>,
  selection: RegionSelection = {},
): DiscoveredRegions {
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
 * The regions of one account to collect, from EC2 DescribeRegions with opt-in status; the call is
 * attributed to `scope` when given.
 */
export async function discoverRegions(access: AwsAccess, accountId: string, selection?: RegionSelection, scope?: CallScope): Promise<DiscoveredRegions> {
  const ec2 = access.client(EC2Client, accountId, access.homeRegion, scope);
  const response = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
  return selectRegions(response.Regions ?? [], selection);
}
