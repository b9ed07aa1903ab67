import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { guardDutyCollector } from './collectors';
import { GUARDDUTY_RATE_LIMITS } from './rate-limits';
import { GuardDutyEntities } from './schema';
import { guardDutySimulator } from './sim/simulator';

export const guardDutyService: AwsServiceModule = {
  service: 'guardduty',
  title: 'GuardDuty',
  serviceEntity: GuardDutyEntities.SERVICE,
  serviceFunctions: ['threat-detection'],
  rateLimits: GUARDDUTY_RATE_LIMITS,
  collectors: [guardDutyCollector],
  simulators: [guardDutySimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
