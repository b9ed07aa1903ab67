import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { s3BucketsCollector } from './collectors';
import { s3Simulator } from './simulator';
import { S3Entities } from './schema';

export const s3Service: AwsServiceModule = {
  service: 's3',
  title: 'S3',
  serviceEntity: S3Entities.SERVICE,
  serviceFunctions: ['storage'],
  collectors: [s3BucketsCollector],
  simulators: [s3Simulator],
  demoWorldFragment: path.join(__dirname, 'demo-world.yaml'),
};
