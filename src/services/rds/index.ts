import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { rdsDatabasesCollector, rdsSnapshotsCollector } from './collectors';
import { rdsSimulator } from './sim/simulator';

export const rdsService: ServiceModule = {
  service: 'rds',
  title: 'RDS',
  serviceFunctions: ['database'],
  collectors: [rdsDatabasesCollector, rdsSnapshotsCollector],
  simulators: [rdsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
