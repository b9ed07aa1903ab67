import { RelationshipVerb } from '../../graph';
import type { Collector } from '../../collectors/types';
import { createServiceEntity } from '../service-entities';
import type { ServiceModule } from '../types';
import { convertAccount, accountHasAccount, accountHasService, ACCOUNT_TYPE } from './converters';

/**
 * The account collector: `aws_account` with its organization facts, the `aws_<service>` entities
 * of every service with collectors, and management `HAS` member.
 */
export function createAccountService(services: readonly ServiceModule[]): ServiceModule {
  const serviceTypes = services.map((module) => `aws_${module.service}`);
  const collector: Collector = {
    id: 'account',
    service: 'account',
    scope: 'global',
    entities: [
      { _type: ACCOUNT_TYPE, _class: ['Account'], resourceName: 'Account' },
      ...services.map((module) => ({ _type: `aws_${module.service}`, _class: ['Service'], resourceName: `${module.title} service` })),
    ],
    relationships: [
      { from: ACCOUNT_TYPE, verb: RelationshipVerb.HAS, to: ACCOUNT_TYPE },
      { from: ACCOUNT_TYPE, verb: RelationshipVerb.HAS, to: serviceTypes },
    ],
    permissions: [],
    dependsOn: [],
    async run(context) {
      const { account } = context;
      const accountEntity = context.addEntity(convertAccount(account));
      for (const module of services) {
        const service = context.addEntity(createServiceEntity(account.accountId, module.service, module.title, module.serviceFunctions));
        context.addRelationship(accountHasService(accountEntity, service));
      }
      const management = account.organization?.managementAccountId;
      if (management && management !== account.accountId) {
        context.addRelationship(accountHasAccount(management, accountEntity));
      }
    },
  };
  return { service: 'account', title: 'Account', serviceFunctions: [], collectors: [collector], simulators: [] };
}

