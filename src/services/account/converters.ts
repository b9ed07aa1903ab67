import type { SummaryKeyType } from '@aws-sdk/client-iam';
import type { AccountInfo } from '../../collectors/types';
import { accountEntityKey, createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import { AccountEntities } from './schema';

export { setAccountFacts } from '../../graph';

export interface AccountFacts {
  /** Account aliases (ListAccountAliases); the first becomes the display name. */
  aliases?: string[];
  /** IAM account summary (GetAccountSummary). */
  summary?: Partial<Record<SummaryKeyType, number>>;
}

/** The `aws_account` properties that come from the IAM account summary. */
export const SUMMARY_PROPERTIES = [
  'mfaEnabled',
  'accountAccessKeysPresent',
  'accountSigningCertificatesPresent',
  'iamUserCount',
  'iamRoleCount',
  'iamGroupCount',
  'iamPolicyCount',
  'AccountMFAEnabled',
  'AccountAccessKeysPresent',
] as const;

/** Root-user and account-wide facts from the IAM account summary (references §2 names). */
export function accountSummaryProperties(summary: Partial<Record<SummaryKeyType, number>> | undefined): Record<string, boolean | number | undefined> {
  if (!summary) return {};
  const present = (key: SummaryKeyType) => (summary[key] === undefined ? undefined : summary[key] > 0);
  return {
    // Root MFA: JupiterOne's `mfaEnabled` on aws_account (CIS "MFA for the root user").
    mfaEnabled: present('AccountMFAEnabled'),
    // Root access keys exist (active or not): CIS "no root access keys".
    accountAccessKeysPresent: present('AccountAccessKeysPresent'),
    accountSigningCertificatesPresent: present('AccountSigningCertificatesPresent'),
    iamUserCount: summary.Users,
    iamRoleCount: summary.Roles,
    iamGroupCount: summary.Groups,
    iamPolicyCount: summary.Policies,
    // The summary's own keys, as JupiterOne's alert rules query them (`AccountMFAEnabled!=1`).
    AccountMFAEnabled: summary.AccountMFAEnabled,
    AccountAccessKeysPresent: summary.AccountAccessKeysPresent,
  };
}

/** `aws_account`, with the organization's facts in organization mode (references §1) and IAM's account facts. */
export function convertAccount(account: AccountInfo, facts: AccountFacts = {}): Entity {
  const org = account.organization;
  const name = account.name ?? account.accountId;
  const alias = facts.aliases?.[0];
  return createEntity({
    _key: accountEntityKey(account.accountId),
    schema: AccountEntities.ACCOUNT,
    name,
    displayName: alias ?? name,
    properties: {
      id: account.accountId,
      accountId: account.accountId,
      arn: `arn:aws:iam::${account.accountId}:root`,
      vendor: 'Amazon Web Services',
      master: org ? org.managementAccountId === account.accountId : undefined,
      email: org?.email,
      status: org?.status,
      active: org ? org.status === 'ACTIVE' : true,
      joinedMethod: org?.joinedMethod,
      joinedOn: org?.joinedTimestamp,
      orgAccountArn: org?.arn,
      orgAccountName: org ? account.name : undefined,
      alias,
      aliases: facts.aliases?.length ? [...facts.aliases] : undefined,
      ...accountSummaryProperties(facts.summary),
      webLink: `https://console.aws.amazon.com/billing/home?#/account`,
    },
  });
}

export function accountHasService(account: Entity, service: Entity): Relationship {
  return createRelationship({ from: account, verb: RelationshipVerb.HAS, to: service });
}

/** Management account HAS member account. */
export function accountHasAccount(managementAccountId: string, member: Entity): Relationship {
  return createRelationship({
    from: { _key: accountEntityKey(managementAccountId), _type: AccountEntities.ACCOUNT._type },
    verb: RelationshipVerb.HAS,
    to: member,
  });
}
