import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { S3_RATE_LIMITS } from './rate-limits';
import { s3AccountPublicAccessBlockCollector, s3BucketsCollector } from './collectors';
import { s3ControlSimulator } from './sim/s3control';
import { s3Simulator } from './sim/simulator';
import { S3Entities } from './schema';

export const s3Service: AwsServiceModule = {
  service: 's3',
  title: 'S3',
  serviceEntity: S3Entities.SERVICE,
  serviceFunctions: ['storage'],
  rateLimits: S3_RATE_LIMITS,
  collectors: [s3BucketsCollector, s3AccountPublicAccessBlockCollector],
  simulators: [s3Simulator, s3ControlSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
