import type { AccountInfo } from '../../collectors/types';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import { accountEntityKey } from '../service-entities';

export const ACCOUNT_TYPE = 'aws_account';

/** `aws_account`, with the organization's facts in organization mode (references §1). */
export function convertAccount(account: AccountInfo): Entity {
  const org = account.organization;
  const name = account.name ?? account.accountId;
  return createEntity({
    _key: accountEntityKey(account.accountId),
    _type: ACCOUNT_TYPE,
    _class: ['Account'],
    name,
    displayName: name,
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
    from: { _key: accountEntityKey(managementAccountId), _type: ACCOUNT_TYPE },
    verb: RelationshipVerb.HAS,
    to: member,
  });
}
