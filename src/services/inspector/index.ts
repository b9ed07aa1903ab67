import type { ServiceModule } from '../types';
import { inspectorCollector } from './collectors';

export const inspectorService: ServiceModule = {
  service: 'inspector',
  title: 'Inspector',
  serviceFunctions: ['vulnerability-scanning'],
  collectors: [inspectorCollector],
  simulators: [],
};
