import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { alarmsCollector, eventRulesCollector, logGroupsCollector } from './collectors';
import { cloudWatchLogsSimulator, cloudWatchSimulator, eventBridgeSimulator } from './sim/simulator';

export const cloudWatchService: ServiceModule = {
  service: 'cloudwatch',
  title: 'CloudWatch',
  serviceFunctions: ['monitoring', 'logging'],
  collectors: [logGroupsCollector, alarmsCollector, eventRulesCollector],
  simulators: [cloudWatchLogsSimulator, cloudWatchSimulator, eventBridgeSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
