import type { AwsServiceModule } from '../types';
import { ConfigEntities } from './schema';
import { configCollector } from './collectors';

export const configService: AwsServiceModule = {
  service: 'config',
  title: 'Config',
  serviceEntity: ConfigEntities.SERVICE,
  serviceFunctions: ['compliance', 'auditing'],
  collectors: [configCollector],
  simulators: [],
};
