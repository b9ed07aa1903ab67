import { defineEntities, defineRelationships, RelationshipVerb } from '../../graph';

/** The account's entity type: the one place it is spelled. (The `aws_<service>` types are each service's.) */
export const AccountEntities = defineEntities({
  ACCOUNT: { _type: 'aws_account', _class: ['Account'], resourceName: 'Account' },
});

export const AccountRelationships = defineRelationships({
  /** Management account HAS member account. */
  ACCOUNT_HAS_ACCOUNT: { from: AccountEntities.ACCOUNT._type, verb: RelationshipVerb.HAS, to: AccountEntities.ACCOUNT._type },
});

/** `aws_account HAS aws_<service>` over the given service types. */
export function accountHasServices(serviceTypes: readonly string[]) {
  return defineRelationships({ ACCOUNT_HAS_SERVICE: { from: AccountEntities.ACCOUNT._type, verb: RelationshipVerb.HAS, to: serviceTypes } })
    .ACCOUNT_HAS_SERVICE;
}
