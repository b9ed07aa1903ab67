import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { acmCertificatesCollector } from './collectors';
import { acmSimulator } from './sim/simulator';

export const acmService: ServiceModule = {
  service: 'acm',
  title: 'ACM',
  serviceFunctions: ['certificate-management'],
  collectors: [acmCertificatesCollector],
  simulators: [acmSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
