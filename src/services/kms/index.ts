import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { kmsKeysCollector } from './collectors';
import { kmsSimulator } from './sim/simulator';
import { KmsEntities } from './schema';

export const kmsService: AwsServiceModule = {
  service: 'kms',
  title: 'KMS',
  serviceEntity: KmsEntities.SERVICE,
  serviceFunctions: ['key-management', 'encryption'],
  collectors: [kmsKeysCollector],
  simulators: [kmsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
