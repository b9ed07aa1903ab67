import type { ServiceModule } from '../types';
import { configCollector } from './collectors';

export const configService: ServiceModule = {
  service: 'config',
  title: 'Config',
  serviceFunctions: ['compliance', 'auditing'],
  collectors: [configCollector],
  simulators: [],
};
