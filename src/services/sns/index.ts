import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { SNS_RATE_LIMITS } from './rate-limits';
import { snsTopicsCollector } from './collectors';
import { snsSimulator } from './sim/simulator';
import { SnsEntities } from './schema';

export const snsService: AwsServiceModule = {
  service: 'sns',
  title: 'SNS',
  serviceEntity: SnsEntities.SERVICE,
  serviceFunctions: ['messaging'],
  rateLimits: SNS_RATE_LIMITS,
  collectors: [snsTopicsCollector],
  simulators: [snsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
