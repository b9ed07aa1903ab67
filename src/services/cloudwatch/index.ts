import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { CLOUDWATCH_RATE_LIMITS } from './rate-limits';
import { CloudWatchEntities } from './schema';
import { alarmsCollector, eventRulesCollector, logGroupsCollector } from './collectors';
import { cloudWatchLogsSimulator, cloudWatchSimulator, eventBridgeSimulator } from './sim/simulator';

export const cloudWatchService: AwsServiceModule = {
  service: 'cloudwatch',
  title: 'CloudWatch',
  serviceEntity: CloudWatchEntities.SERVICE,
  serviceFunctions: ['monitoring', 'logging'],
  rateLimits: CLOUDWATCH_RATE_LIMITS,
  collectors: [logGroupsCollector, alarmsCollector, eventRulesCollector],
  simulators: [cloudWatchLogsSimulator, cloudWatchSimulator, eventBridgeSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
