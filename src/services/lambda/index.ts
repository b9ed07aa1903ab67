import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { LAMBDA_RATE_LIMITS } from './rate-limits';
import { LambdaEntities } from './schema';
import { lambdaFunctionsCollector } from './collectors';
import { lambdaSimulator } from './sim/simulator';

export const lambdaService: AwsServiceModule = {
  service: 'lambda',
  title: 'Lambda',
  serviceEntity: LambdaEntities.SERVICE,
  serviceFunctions: ['serverless', 'compute'],
  rateLimits: LAMBDA_RATE_LIMITS,
  collectors: [lambdaFunctionsCollector],
  simulators: [lambdaSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
