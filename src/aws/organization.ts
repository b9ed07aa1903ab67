import { OrganizationsClient, paginateListAccounts, paginateListTagsForResource, type Account } from '@aws-sdk/client-organizations';
import type { AwsAccess } from './access';

export const DEFAULT_SKIP_TAG = { key: 'j1-integration', value: 'SKIP' };

export interface OrganizationAccount {
  id: string;
  name?: string;
  arn?: string;
  email?: string;
  status?: string;
  joinedMethod?: string;
  joinedTimestamp?: Date;
  tags: Record<string, string>;
}

export interface SkippedAccount {
  accountId: string;
  name?: string;
  reason: string;
}

export interface OrganizationDiscovery {
  managementAccountId: string;
  organizationId?: string;
  /** Accounts to ingest. */
  accounts: OrganizationAccount[];
  skipped: SkippedAccount[];
}

export interface AccountFilter {
  skipTag?: { key: string; value: string };
  /** When given, only these account ids (the others are reported as skipped). */
  only?: string[];
}

/** Splits the organization's accounts into those to ingest and those skipped, with the reason. */
export function filterAccounts(accounts: OrganizationAccount[], filter: AccountFilter = {}): { accounts: OrganizationAccount[]; skipped: SkippedAccount[] } {
  const skipTag = filter.skipTag ?? DEFAULT_SKIP_TAG;
  const kept: OrganizationAccount[] = [];
  const skipped: SkippedAccount[] = [];
  for (const account of accounts) {
    const tagValue = Object.entries(account.tags).find(([key]) => key === skipTag.key)?.[1];
    if (tagValue !== undefined && tagValue.toUpperCase() === skipTag.value.toUpperCase()) {
      skipped.push({ accountId: account.id, name: account.name, reason: `tagged ${skipTag.key}:${skipTag.value}` });
    } else if ((account.status ?? 'ACTIVE') !== 'ACTIVE') {
      skipped.push({ accountId: account.id, name: account.name, reason: `account status is ${account.status}` });
    } else if (filter.only?.length && !filter.only.includes(account.id)) {
      skipped.push({ accountId: account.id, name: account.name, reason: 'not in the configured accounts' });
    } else {
      kept.push(account);
    }
  }
  return { accounts: kept, skipped };
}

function fromSdk(account: Account, tags: Record<string, string>): OrganizationAccount {
  return {
    id: account.Id ?? '',
    name: account.Name,
    arn: account.Arn,
    email: account.Email,
    status: account.Status ?? (account as { State?: string }).State,
    joinedMethod: account.JoinedMethod,
    joinedTimestamp: account.JoinedTimestamp,
    tags,
  };
}

/** Lists the organization's accounts and their tags from the management account. */
export async function discoverOrganization(
  access: AwsAccess,
  managementAccountId: string,
  filter?: AccountFilter,
): Promise<OrganizationDiscovery> {
  const client = access.client(OrganizationsClient, managementAccountId, access.homeRegion);
  const all: OrganizationAccount[] = [];
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const account of page.Accounts ?? []) {
      if (!account.Id) continue;
      const tags: Record<string, string> = {};
      for await (const tagPage of paginateListTagsForResource({ client }, { ResourceId: account.Id })) {
        for (const tag of tagPage.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      }
      all.push(fromSdk(account, tags));
    }
  }
  all.sort((a, b) => a.id.localeCompare(b.id));
  const { accounts, skipped } = filterAccounts(all, filter);
  return { managementAccountId, accounts, skipped };
}
