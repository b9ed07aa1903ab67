import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { inspectorCollector } from './collectors';
import { INSPECTOR_RATE_LIMITS } from './rate-limits';
import { InspectorEntities } from './schema';
import { inspectorSimulator } from './sim/simulator';

export const inspectorService: AwsServiceModule = {
  service: 'inspector',
  title: 'Inspector',
  serviceEntity: InspectorEntities.SERVICE,
  serviceFunctions: ['vulnerability-scanning'],
  rateLimits: INSPECTOR_RATE_LIMITS,
  collectors: [inspectorCollector],
  simulators: [inspectorSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
