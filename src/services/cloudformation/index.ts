import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { CLOUDFORMATION_RATE_LIMITS } from './rate-limits';
import { cloudFormationStacksCollector } from './collectors';
import { cloudFormationSimulator } from './sim/simulator';
import { CloudFormationEntities } from './schema';

export const cloudFormationService: AwsServiceModule = {
  service: 'cloudformation',
  title: 'CloudFormation',
  serviceEntity: CloudFormationEntities.SERVICE,
  serviceFunctions: ['provisioning'],
  rateLimits: CLOUDFORMATION_RATE_LIMITS,
  collectors: [cloudFormationStacksCollector],
  simulators: [cloudFormationSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
