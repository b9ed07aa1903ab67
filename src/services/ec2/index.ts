import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { EC2_RATE_LIMITS } from './rate-limits';
import { ec2Collectors } from './collectors';
import { ec2Simulator } from './sim/simulator';
import { Ec2Entities } from './schema';

export const ec2Service: AwsServiceModule = {
  service: 'ec2',
  title: 'EC2',
  serviceEntity: Ec2Entities.SERVICE,
  serviceFunctions: ['compute', 'networking', 'storage'],
  rateLimits: EC2_RATE_LIMITS,
  collectors: ec2Collectors,
  simulators: [ec2Simulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
