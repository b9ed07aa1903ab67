import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { ecsCollector } from './collectors';
import { ecsSimulator } from './sim/simulator';

export const ecsService: ServiceModule = {
  service: 'ecs',
  title: 'ECS',
  serviceFunctions: ['container-orchestration', 'compute'],
  collectors: [ecsCollector],
  simulators: [ecsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
