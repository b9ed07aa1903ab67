import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { securityHubCollector } from './collectors';
import { SECURITYHUB_RATE_LIMITS } from './rate-limits';
import { SecurityHubEntities } from './schema';
import { securityHubSimulator } from './sim/simulator';

export const securityHubService: AwsServiceModule = {
  service: 'securityhub',
  title: 'Security Hub',
  serviceEntity: SecurityHubEntities.SERVICE,
  serviceFunctions: ['compliance', 'monitoring'],
  rateLimits: SECURITYHUB_RATE_LIMITS,
  collectors: [securityHubCollector],
  simulators: [securityHubSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
