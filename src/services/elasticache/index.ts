import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { elastiCacheClustersCollector } from './collectors';
import { elastiCacheSimulator } from './sim/simulator';

export const elastiCacheService: ServiceModule = {
  service: 'elasticache',
  title: 'ElastiCache',
  serviceFunctions: ['database', 'caching'],
  collectors: [elastiCacheClustersCollector],
  simulators: [elastiCacheSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
