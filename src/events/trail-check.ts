/**
 * Where the events would not come from: EventBridge receives `AWS API Call via CloudTrail` events
 * only where a CloudTrail trail with logging on records management write events (an organization
 * trail of the management account covers every member). Per account and region watched, this
 * reads the trails that apply (DescribeTrails with shadow trails), their status (GetTrailStatus)
 * and their event selectors (GetEventSelectors), and says which are not covered, and why.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import type { AwsAccess } from '../aws/access';
import { classifyError } from '../aws/errors';
import { mapConcurrent } from '../collectors/concurrency';

export type TrailCoverage =
  /** A trail records the region's management write events and is logging. */
  | 'covered'
  /** No trail applies to the region (none of the account's, no organization trail). */
  | 'no-trail'
  /** Trails apply, but none is logging. */
  | 'not-logging'
  /** Logging trails apply, but none records management write events (read-only or data events only). */
  | 'no-write-events'
  /** The trails could not be read (the audit role lacks cloudtrail:DescribeTrails, say). */
  | 'unknown';

export interface TrailCheck {
  account: string;
  region: string;
  coverage: TrailCoverage;
  /** The trail that covers the region, or those found wanting. */
  trails: string[];
  reason?: string;
}

/** Whether a trail's basic event selectors record management write calls. */
function recordsWrites(selectors: {
  EventSelectors?: Array<{ IncludeManagementEvents?: boolean; ReadWriteType?: string }>;
  AdvancedEventSelectors?: Array<{ FieldSelectors?: Array<{ Field?: string; Equals?: string[] }> }>;
}): boolean {
  if (selectors.AdvancedEventSelectors?.length) {
    return selectors.AdvancedEventSelectors.some((selector) => {
      const fields = selector.FieldSelectors ?? [];
      const management = fields.some((field) => field.Field === 'eventCategory' && field.Equals?.includes('Management'));
      const readOnly = fields.some((field) => field.Field === 'readOnly' && field.Equals?.includes('true'));
      return management && !readOnly;
    });
  }
  // A trail without selectors records all management events.
  if (!selectors.EventSelectors?.length) return true;
  return selectors.EventSelectors.some((selector) => selector.IncludeManagementEvents !== false && selector.ReadWriteType !== 'ReadOnly');
}

/** Checks one account and region. */
export async function checkTrail(access: AwsAccess, account: string, region: string): Promise<TrailCheck> {
  const scope = { accountId: account, region, collector: 'trail-check' };
  return checkTrailWith(access.client(CloudTrailClient, account, region, scope), account, region);
}

/** Checks one account and region through this client (of that account and region). */
export async function checkTrailWith(client: CloudTrailClient, account: string, region: string): Promise<TrailCheck> {
  let trails: Trail[];
  try {
    trails = (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  } catch (error) {
    const classified = classifyError(error);
    return { account, region, coverage: 'unknown', trails: [], reason: `DescribeTrails: ${classified.code} ${classified.message}` };
  }
  // A single-region trail of another region does not record this one (DescribeTrails lists only those that apply, but say so anyway).
  const applicable = trails.filter((trail) => trail.IsMultiRegionTrail || trail.HomeRegion === region);
  if (applicable.length === 0) return { account, region, coverage: 'no-trail', trails: [] };
  let logging = 0;
  const problems: string[] = [];
  for (const trail of applicable) {
    const name = trail.TrailARN ?? trail.Name ?? '';
    try {
      const status = await client.send(new GetTrailStatusCommand({ Name: name }));
      if (!status.IsLogging) {
        problems.push(`${name}: not logging`);
        continue;
      }
      logging++;
      const selectors = await client.send(new GetEventSelectorsCommand({ TrailName: name }));
      if (recordsWrites(selectors)) return { account, region, coverage: 'covered', trails: [name] };
      problems.push(`${name}: records no management write events`);
    } catch (error) {
      const classified = classifyError(error);
      problems.push(`${name}: ${classified.code} ${classified.message}`);
    }
  }
  const names = applicable.map((trail) => trail.TrailARN ?? trail.Name ?? '');
  const unreadable = problems.length > 0 && problems.every((problem) => !/not logging|records no/.test(problem));
  return {
    account,
    region,
    coverage: unreadable ? 'unknown' : logging === 0 ? 'not-logging' : 'no-write-events',
    trails: names,
    reason: problems.join('; '),
  };
}

/** Checks every account and region watched (a few calls each), in key order. */
export async function checkTrails(access: AwsAccess, scopes: ReadonlyArray<{ account: string; regions: readonly string[] }>): Promise<TrailCheck[]> {
  const pairs = scopes.flatMap(({ account, regions }) => regions.map((region) => ({ account, region })));
  const checks = await mapConcurrent(pairs, 8, ({ account, region }) => checkTrail(access, account, region));
  return checks.sort((a, b) => `${a.account}|${a.region}`.localeCompare(`${b.account}|${b.region}`));
}

/**
 * The check for what `orggraph watch` follows: the accounts and regions of the latest snapshot of
 * the configured store, read with the run's access (audit role, External ID, or the simulated
 * organization). Undefined when the store holds no snapshot yet.
 */
export async function checkWatchedTrails(options: import('../ingest/types').IngestOptions): Promise<TrailCheck[] | undefined> {
  const { setUpRun } = require('../ingest/preflight') as typeof import('../ingest/preflight');
  const run = await setUpRun(options);
  try {
    const latest = run.previousSnapshots.candidates[0];
    if (!latest) return undefined;
    const metadata = await run.store.readMetadata(latest);
    return await checkTrails(
      run.access,
      metadata.accounts.map((account) => ({ account: account.accountId, regions: metadata.regions })),
    );
  } finally {
    run.access.destroy();
  }
}
