import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { cloudFrontDistributionsCollector } from './collectors';
import { CLOUDFRONT_RATE_LIMITS } from './rate-limits';
import { CloudFrontEntities } from './schema';
import { cloudFrontSimulator } from './sim/simulator';

export const cloudFrontService: AwsServiceModule = {
  service: 'cloudfront',
  title: 'CloudFront',
  serviceEntity: CloudFrontEntities.SERVICE,
  serviceFunctions: ['content-distribution'],
  rateLimits: CLOUDFRONT_RATE_LIMITS,
  collectors: [cloudFrontDistributionsCollector],
  simulators: [cloudFrontSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
