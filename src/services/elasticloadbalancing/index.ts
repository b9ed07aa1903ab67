import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { elbLoadBalancersCollector } from './collectors';
import { ELB_RATE_LIMITS } from './rate-limits';
import { ElbEntities } from './schema';
import { elbClassicSimulator, elbSimulator } from './sim/simulator';

export const elasticLoadBalancingService: AwsServiceModule = {
  service: 'elasticloadbalancing',
  title: 'Elastic Load Balancing',
  serviceEntity: ElbEntities.SERVICE,
  serviceFunctions: ['load-balancing', 'networking'],
  rateLimits: ELB_RATE_LIMITS,
  collectors: [elbLoadBalancersCollector],
  simulators: [elbSimulator, elbClassicSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
