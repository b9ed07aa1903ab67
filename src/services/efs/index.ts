import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { efsFileSystemsCollector } from './collectors';
import { EFS_RATE_LIMITS } from './rate-limits';
import { EfsEntities } from './schema';
import { efsSimulator } from './sim/simulator';

export const efsService: AwsServiceModule = {
  service: 'efs',
  title: 'EFS',
  serviceEntity: EfsEntities.SERVICE,
  serviceFunctions: ['storage', 'file-system'],
  rateLimits: EFS_RATE_LIMITS,
  collectors: [efsFileSystemsCollector],
  simulators: [efsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
