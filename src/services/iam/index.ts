import type { ServiceModule } from '../types';

export const iamService: ServiceModule = {
  service: 'iam',
  title: 'IAM',
  serviceFunctions: [],
  collectors: [],
  simulators: [],
};
