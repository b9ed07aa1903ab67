import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { transferServersCollector } from './collectors';
import { TRANSFER_RATE_LIMITS } from './rate-limits';
import { TransferEntities } from './schema';
import { transferSimulator } from './sim/simulator';

export const transferService: AwsServiceModule = {
  service: 'transfer',
  title: 'Transfer Family',
  serviceEntity: TransferEntities.SERVICE,
  serviceFunctions: ['file-transfer'],
  rateLimits: TRANSFER_RATE_LIMITS,
  collectors: [transferServersCollector],
  simulators: [transferSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
