import type { ServiceModule } from '../types';

export const ec2Service: ServiceModule = {
  service: 'ec2',
  title: 'EC2',
  serviceFunctions: [],
  collectors: [],
  simulators: [],
};
