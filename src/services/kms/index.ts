import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { kmsKeysCollector } from './collectors';
import { kmsSimulator } from './simulator';

export const kmsService: ServiceModule = {
  service: 'kms',
  title: 'KMS',
  serviceFunctions: ['key-management', 'encryption'],
  collectors: [kmsKeysCollector],
  simulators: [kmsSimulator],
  demoWorldFragment: path.join(__dirname, 'demo-world.yaml'),
};
