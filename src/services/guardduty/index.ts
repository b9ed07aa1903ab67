import type { ServiceModule } from '../types';
import { guardDutyCollector } from './collectors';

export const guardDutyService: ServiceModule = {
  service: 'guardduty',
  title: 'GuardDuty',
  serviceFunctions: ['threat-detection'],
  collectors: [guardDutyCollector],
  simulators: [],
};
