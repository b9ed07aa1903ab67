import { skippedAccountLine } from './messages';
import type { AwsAccess } from '../aws/access';
import { classifyError } from '../aws/errors';
import { streamOrganization, type OrganizationAccount, type SkippedAccount } from '../aws/organization';
import { discoverRegions } from '../aws/regions';
import { GLOBAL_REGION } from '../collectors/runner';
import type { AccountInfo, Logger } from '../collectors/types';
import type { IngestConfig } from '../config';
import type { Collection } from '../parallel/pool';
import type { RunError, SnapshotMetadata } from '../snapshot';
import type { PendingCollection } from './collect';
import { IngestError, type CollectorScope, type IngestOptions } from './types';
import { inShard } from '../store/shard';

function accountInfo(account: OrganizationAccount, managementAccountId: string): AccountInfo {
  return {
    accountId: account.id,
    name: account.name,
    organization: {
      managementAccountId,
      arn: account.arn,
      email: account.email,
      status: account.status,
      joinedMethod: account.joinedMethod,
      joinedTimestamp: account.joinedTimestamp,
    },
  };
}

/** What discovery found: the accounts reached and their regions, and what it skipped. */
export interface Discovery {
  /** The accounts whose regions are known, by account id. */
  reachable: AccountInfo[];
  regions: Map<string, string[]>;
  skippedRegions: SnapshotMetadata['skippedRegions'];
  skippedAccounts: SkippedAccount[];
  /** The collection every reachable account has joined. */
  running: Collection;
}

/**
 * The organization's accounts (or the configured ones) and each one's regions. Accounts join the
 * collection as soon as they are discovered and their regions are known, so collecting the first
 * accounts overlaps discovering the others; an account that cannot be reached is recorded in the
 * run's errors and failed scopes, and the others go on.
 */
export async function discoverAccounts(run: {
  config: IngestConfig;
  access: AwsAccess;
  logger: Logger;
  options: Pick<IngestOptions, 'onEvent' | 'onProgress'>;
  errors: RunError[];
  failedScopes: CollectorScope[];
  collection: PendingCollection;
}): Promise<Discovery> {
  const { config, access, logger, options, errors, failedScopes, collection } = run;
  const regions = new Map<string, string[]>();
  const skippedRegions: SnapshotMetadata['skippedRegions'] = [];
  const reachable: AccountInfo[] = [];
  const joining: Array<Promise<void>> = [];
  let regionsDone = 0;
  // Regions, per account; an account that cannot be reached is recorded and the others go on.
  const joinAccount = async (account: AccountInfo, discoveredAtDepth: number): Promise<void> => {
    const scope = { accountId: account.accountId, region: GLOBAL_REGION, collector: 'regions' };
    access.setChainBase(scope, discoveredAtDepth);
    try {
      const discovered = await discoverRegions(access, account.accountId, config.regions, scope);
      if (discovered.fallbackFrom !== undefined) {
        // Region discovery denied: the account is still collected, in the regions it surely has.
        const classified = classifyError(discovered.fallbackFrom);
        const where = config.regions?.include?.length ? 'the configured regions' : "AWS's default-enabled regions";
        errors.push({
          account: account.accountId,
          region: GLOBAL_REGION,
          service: 'ec2',
          operation: 'ec2:DescribeRegions',
          code: classified.code,
          awsCode: classified.awsCode,
          kind: classified.kind,
          message: `${classified.message} (regions not discovered: collected in ${where}, ${discovered.enabled.join(', ')}; opt-in regions are not collected)`,
        });
        logger.warn(`account ${account.accountId}: DescribeRegions ${classified.code}; collecting in ${where}`);
      }
      regions.set(account.accountId, discovered.enabled);
      for (const skipped of discovered.skipped) skippedRegions.push({ accountId: account.accountId, ...skipped });
      reachable.push(account);
      options.onEvent?.({ event: 'account-discovered', accountId: account.accountId, name: account.name, regions: discovered.enabled.length });
      await collection.ready;
      collection.current?.addAccount(account, discovered.enabled, access.chainDepth(scope));
    } catch (error) {
      const classified = classifyError(error);
      const operation = (error as { $operation?: string }).$operation;
      errors.push({
        account: account.accountId,
        region: '*',
        service: operation?.startsWith('sts:') || /AssumeRole/.test(classified.message) ? 'sts' : 'ec2',
        operation: operation ?? 'sts:AssumeRole',
        code: classified.code,
        awsCode: classified.awsCode,
        kind: classified.kind,
        message: classified.message,
      });
      failedScopes.push({ accountId: account.accountId, region: '*', collector: '*' });
      options.onEvent?.({
        event: 'scope-failed',
        accountId: account.accountId,
        region: '*',
        collector: '*',
        code: classified.code,
        message: classified.message,
      });
      logger.warn(`account ${account.accountId} cannot be reached: ${classified.code} ${classified.message}`);
    }
    options.onProgress?.({ phase: 'regions', done: ++regionsDone, total: joining.length });
  };
  const join = (account: AccountInfo, discoveredAtDepth: number) => {
    // A sharded run ingests only its stable share of the accounts; the other shards take the rest.
    if (config.shard && !inShard(account.accountId, config.shard)) return;
    joining.push(joinAccount(account, discoveredAtDepth));
  };

  options.onProgress?.({ phase: 'accounts', done: 0, total: 1 });
  let skippedAccounts: SkippedAccount[] = [];
  const unreadableTags: SkippedAccount[] = [];
  if (config.organization) {
    const management = config.organization.managementAccountId;
    const scope = { accountId: management, region: GLOBAL_REGION, collector: 'organization' };
    try {
      const discovery = await streamOrganization(
        access,
        management,
        { skipTag: config.organization?.skipTag, only: config.accounts?.map((a) => a.id) },
        {
          // A first page that is not the last is enough to know the organization is large.
          onListed: (candidates, complete) => collection.setUp(complete ? candidates : candidates + 1),
          onAccount: (account) => join(accountInfo(account, management), access.chainDepth(scope)),
          onTagsFailed: (account, error) => {
            // Its tags may say to skip it: it is not ingested, and what it had is kept.
            const classified = classifyError(error);
            errors.push({
              account: account.id,
              region: '*',
              service: 'organizations',
              operation: 'organizations:ListTagsForResource',
              code: classified.code,
              awsCode: classified.awsCode,
              kind: classified.kind,
              message: `the account's tags cannot be read, so whether to skip it is unknown: ${classified.message}`,
            });
            failedScopes.push({ accountId: account.id, region: '*', collector: '*' });
            const reason = `its tags cannot be read (${classified.code}), so whether it is tagged to be skipped is unknown`;
            unreadableTags.push({ accountId: account.id, name: account.name, reason });
            logger.warn(`account ${account.id}: its tags cannot be read (${classified.code}); not ingested this time`);
          },
        },
        scope,
      );
      // The same rule as the onboarding: not ingested, listed with the reason (and its error recorded).
      skippedAccounts = [...discovery.skipped, ...unreadableTags].sort((a, b) => a.accountId.localeCompare(b.accountId));
      const listed = discovery.accounts.length + discovery.skipped.length + discovery.unreadable.length;
      options.onProgress?.({ phase: 'accounts', done: listed, total: listed });
    } catch (error) {
      collection.setUp(0);
      await Promise.all(joining);
      await collection.current?.finish();
      const classified = classifyError(error);
      throw new IngestError(`cannot list the organization's accounts from the management account ${management}: ${classified.code} (${classified.message})`, [
        {
          account: management,
          region: GLOBAL_REGION,
          service: 'organizations',
          code: classified.code,
          awsCode: classified.awsCode,
          kind: classified.kind,
          message: classified.message,
        },
      ]);
    }
    // Each skipped account is told once: as an event, which the CLI's text output prints as a line.
    for (const skipped of skippedAccounts)
      options.onEvent?.({ event: 'account-skipped', accountId: skipped.accountId, name: skipped.name, reason: skipped.reason });
    if (!options.onEvent) for (const skipped of skippedAccounts) logger.info(skippedAccountLine(skipped));
  } else {
    collection.setUp(config.accounts?.length ?? 0);
    for (const account of config.accounts ?? []) join({ accountId: account.id, name: account.name }, 0);
  }
  const running = collection.setUp(joining.length);
  await Promise.all(joining);
  reachable.sort((a, b) => a.accountId.localeCompare(b.accountId));
  skippedRegions.sort((a, b) => `${a.accountId}${a.region}`.localeCompare(`${b.accountId}${b.region}`));
  running.setAccounts(reachable);
  return { reachable, regions, skippedRegions, skippedAccounts, running };
}
