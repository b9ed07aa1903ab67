import type { ServiceModule } from '../types';

export const s3Service: ServiceModule = {
  service: 's3',
  title: 'S3',
  serviceFunctions: [],
  collectors: [],
  simulators: [],
};
