import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { iamCollectors } from './collectors';
import { iamSimulator } from './sim/simulator';

export const iamService: ServiceModule = {
  service: 'iam',
  title: 'IAM',
  serviceFunctions: ['IAM', 'access-review'],
  collectors: iamCollectors,
  simulators: [iamSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
