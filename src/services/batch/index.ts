import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { batchCollector } from './collectors';
import { BATCH_RATE_LIMITS } from './rate-limits';
import { BatchEntities } from './schema';
import { batchSimulator } from './sim/simulator';

export const batchService: AwsServiceModule = {
  service: 'batch',
  title: 'Batch',
  serviceEntity: BatchEntities.SERVICE,
  serviceFunctions: ['compute', 'workload-management'],
  rateLimits: BATCH_RATE_LIMITS,
  collectors: [batchCollector],
  simulators: [batchSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
