import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { ecsCollector } from './collectors';
import { ECS_RATE_LIMITS } from './rate-limits';
import { EcsEntities } from './schema';
import { ecsSimulator } from './sim/simulator';

export const ecsService: AwsServiceModule = {
  service: 'ecs',
  title: 'ECS',
  serviceEntity: EcsEntities.SERVICE,
  serviceFunctions: ['container-orchestration', 'compute'],
  rateLimits: ECS_RATE_LIMITS,
  collectors: [ecsCollector],
  simulators: [ecsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
