import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { ec2Collectors } from './collectors';
import { ec2Simulator } from './sim/simulator';

export const ec2Service: ServiceModule = {
  service: 'ec2',
  title: 'EC2',
  serviceFunctions: ['compute', 'networking', 'storage'],
  collectors: ec2Collectors,
  simulators: [ec2Simulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
