import type { ServiceModule } from '../types';
import { alarmsCollector, eventRulesCollector, logGroupsCollector } from './collectors';

export const cloudWatchService: ServiceModule = {
  service: 'cloudwatch',
  title: 'CloudWatch',
  serviceFunctions: ['monitoring', 'logging'],
  collectors: [logGroupsCollector, alarmsCollector, eventRulesCollector],
  simulators: [],
};
