import type { ServiceModule } from '../types';
import { accessAnalyzerCollector } from './collectors';

export const accessAnalyzerService: ServiceModule = {
  service: 'accessanalyzer',
  title: 'IAM Access Analyzer',
  serviceFunctions: ['access-analysis'],
  collectors: [accessAnalyzerCollector],
  simulators: [],
};
