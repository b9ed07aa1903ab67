import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { KMS_RATE_LIMITS } from './rate-limits';
import { kmsKeysCollector } from './collectors';
import { kmsSimulator } from './sim/simulator';
import { KmsEntities } from './schema';

export const kmsService: AwsServiceModule = {
  service: 'kms',
  title: 'KMS',
  serviceEntity: KmsEntities.SERVICE,
  serviceFunctions: ['key-management', 'encryption'],
  rateLimits: KMS_RATE_LIMITS,
  collectors: [kmsKeysCollector],
  simulators: [kmsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
