import type { AwsServiceModule } from '../types';
import { InspectorEntities } from './schema';
import { inspectorCollector } from './collectors';

export const inspectorService: AwsServiceModule = {
  service: 'inspector',
  title: 'Inspector',
  serviceEntity: InspectorEntities.SERVICE,
  serviceFunctions: ['vulnerability-scanning'],
  collectors: [inspectorCollector],
  simulators: [],
};
