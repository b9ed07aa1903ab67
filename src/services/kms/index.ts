import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { kmsKeysCollector } from './collector';
import { kmsSimulator } from './sim/simulator';

export const kmsService: ServiceModule = {
  service: 'kms',
  title: 'KMS',
  serviceFunctions: ['key-management', 'encryption'],
  collectors: [kmsKeysCollector],
  simulators: [kmsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
