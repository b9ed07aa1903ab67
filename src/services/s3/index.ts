import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { s3BucketsCollector } from './collector';
import { s3Simulator } from './sim/simulator';

export const s3Service: ServiceModule = {
  service: 's3',
  title: 'S3',
  serviceFunctions: ['storage'],
  collectors: [s3BucketsCollector],
  simulators: [s3Simulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
