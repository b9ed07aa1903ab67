import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { autoScalingGroupsCollector } from './collectors';
import { AUTOSCALING_RATE_LIMITS } from './rate-limits';
import { AutoScalingEntities } from './schema';
import { autoScalingSimulator } from './sim/simulator';

export const autoScalingService: AwsServiceModule = {
  service: 'autoscaling',
  title: 'Auto Scaling',
  serviceEntity: AutoScalingEntities.SERVICE,
  serviceFunctions: ['compute', 'provisioning'],
  rateLimits: AUTOSCALING_RATE_LIMITS,
  collectors: [autoScalingGroupsCollector],
  simulators: [autoScalingSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
