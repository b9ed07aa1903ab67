import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { CLOUDTRAIL_RATE_LIMITS } from './rate-limits';
import { cloudTrailTrailsCollector } from './collectors';
import { cloudTrailSimulator } from './sim/simulator';
import { CloudTrailEntities } from './schema';

export const cloudTrailService: AwsServiceModule = {
  service: 'cloudtrail',
  title: 'CloudTrail',
  serviceEntity: CloudTrailEntities.SERVICE,
  serviceFunctions: ['auditing', 'logging'],
  rateLimits: CLOUDTRAIL_RATE_LIMITS,
  collectors: [cloudTrailTrailsCollector],
  simulators: [cloudTrailSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
