import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { lambdaFunctionsCollector } from './collectors';
import { lambdaSimulator } from './sim/simulator';

export const lambdaService: ServiceModule = {
  service: 'lambda',
  title: 'Lambda',
  serviceFunctions: ['serverless', 'compute'],
  collectors: [lambdaFunctionsCollector],
  simulators: [lambdaSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
