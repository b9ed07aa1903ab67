import type { AwsServiceModule } from '../types';
import { GuardDutyEntities } from './schema';
import { guardDutyCollector } from './collectors';

export const guardDutyService: AwsServiceModule = {
  service: 'guardduty',
  title: 'GuardDuty',
  serviceEntity: GuardDutyEntities.SERVICE,
  serviceFunctions: ['threat-detection'],
  collectors: [guardDutyCollector],
  simulators: [],
};
