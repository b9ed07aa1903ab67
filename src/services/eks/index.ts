import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { eksClustersCollector } from './collectors';
import { EKS_RATE_LIMITS } from './rate-limits';
import { EksEntities } from './schema';
import { eksSimulator } from './sim/simulator';

export const eksService: AwsServiceModule = {
  service: 'eks',
  title: 'EKS',
  serviceEntity: EksEntities.SERVICE,
  serviceFunctions: ['container-orchestration', 'compute'],
  rateLimits: EKS_RATE_LIMITS,
  collectors: [eksClustersCollector],
  simulators: [eksSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
