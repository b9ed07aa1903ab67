import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { configCollector } from './collectors';
import { CONFIG_RATE_LIMITS } from './rate-limits';
import { ConfigEntities } from './schema';
import { configSimulator } from './sim/simulator';

export const configService: AwsServiceModule = {
  service: 'config',
  title: 'Config',
  serviceEntity: ConfigEntities.SERVICE,
  serviceFunctions: ['compliance', 'auditing'],
  rateLimits: CONFIG_RATE_LIMITS,
  collectors: [configCollector],
  simulators: [configSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
