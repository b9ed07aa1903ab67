import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { accessAnalyzerCollector } from './collectors';
import { ACCESS_ANALYZER_RATE_LIMITS } from './rate-limits';
import { AccessAnalyzerEntities } from './schema';
import { accessAnalyzerSimulator } from './sim/simulator';

export const accessAnalyzerService: AwsServiceModule = {
  service: 'accessanalyzer',
  title: 'IAM Access Analyzer',
  serviceEntity: AccessAnalyzerEntities.SERVICE,
  serviceFunctions: ['access-analysis'],
  rateLimits: ACCESS_ANALYZER_RATE_LIMITS,
  collectors: [accessAnalyzerCollector],
  simulators: [accessAnalyzerSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
