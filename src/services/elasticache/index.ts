import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { ELASTICACHE_RATE_LIMITS } from './rate-limits';
import { ElastiCacheEntities } from './schema';
import { elastiCacheClustersCollector } from './collectors';
import { elastiCacheSimulator } from './sim/simulator';

export const elastiCacheService: AwsServiceModule = {
  service: 'elasticache',
  title: 'ElastiCache',
  serviceEntity: ElastiCacheEntities.SERVICE,
  serviceFunctions: ['database', 'caching'],
  rateLimits: ELASTICACHE_RATE_LIMITS,
  collectors: [elastiCacheClustersCollector],
  simulators: [elastiCacheSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
