import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { IAM_RATE_LIMITS } from './rate-limits';
import { iamCollectors } from './collectors';
import { iamSimulator } from './sim/simulator';
import { IamEntities } from './schema';

export const iamService: AwsServiceModule = {
  service: 'iam',
  title: 'IAM',
  serviceEntity: IamEntities.SERVICE,
  serviceFunctions: ['IAM', 'access-review'],
  rateLimits: IAM_RATE_LIMITS,
  collectors: iamCollectors,
  simulators: [iamSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
