import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { redshiftClustersCollector } from './collectors';
import { redshiftSimulator } from './sim/simulator';

export const redshiftService: ServiceModule = {
  service: 'redshift',
  title: 'Redshift',
  serviceFunctions: ['database', 'data-warehousing'],
  collectors: [redshiftClustersCollector],
  simulators: [redshiftSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
