import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { ACM_RATE_LIMITS } from './rate-limits';
import { acmCertificatesCollector } from './collectors';
import { acmSimulator } from './sim/simulator';
import { AcmEntities } from './schema';

export const acmService: AwsServiceModule = {
  service: 'acm',
  title: 'ACM',
  serviceEntity: AcmEntities.SERVICE,
  serviceFunctions: ['certificate-management'],
  rateLimits: ACM_RATE_LIMITS,
  collectors: [acmCertificatesCollector],
  simulators: [acmSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
