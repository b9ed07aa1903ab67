import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { ecrRepositoriesCollector } from './collectors';
import { ECR_RATE_LIMITS } from './rate-limits';
import { EcrEntities } from './schema';
import { ecrSimulator } from './sim/simulator';

export const ecrService: AwsServiceModule = {
  service: 'ecr',
  title: 'ECR',
  serviceEntity: EcrEntities.SERVICE,
  serviceFunctions: ['container-registry'],
  rateLimits: ECR_RATE_LIMITS,
  collectors: [ecrRepositoriesCollector],
  simulators: [ecrSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
