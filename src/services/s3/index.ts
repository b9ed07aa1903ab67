import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { S3_RATE_LIMITS } from './rate-limits';
import { s3BucketsCollector } from './collectors';
import { s3Simulator } from './sim/simulator';
import { S3Entities } from './schema';

export const s3Service: AwsServiceModule = {
  service: 's3',
  title: 'S3',
  serviceEntity: S3Entities.SERVICE,
  serviceFunctions: ['storage'],
  rateLimits: S3_RATE_LIMITS,
  collectors: [s3BucketsCollector],
  simulators: [s3Simulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
