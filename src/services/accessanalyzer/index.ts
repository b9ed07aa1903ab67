import type { AwsServiceModule } from '../types';
import { AccessAnalyzerEntities } from './schema';
import { accessAnalyzerCollector } from './collectors';

export const accessAnalyzerService: AwsServiceModule = {
  service: 'accessanalyzer',
  title: 'IAM Access Analyzer',
  serviceEntity: AccessAnalyzerEntities.SERVICE,
  serviceFunctions: ['access-analysis'],
  collectors: [accessAnalyzerCollector],
  simulators: [],
};
