import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { RDS_RATE_LIMITS } from './rate-limits';
import { RdsEntities } from './schema';
import { rdsDatabasesCollector, rdsSnapshotsCollector } from './collectors';
import { rdsSimulator } from './sim/simulator';

export const rdsService: AwsServiceModule = {
  service: 'rds',
  title: 'RDS',
  serviceEntity: RdsEntities.SERVICE,
  serviceFunctions: ['database'],
  rateLimits: RDS_RATE_LIMITS,
  collectors: [rdsDatabasesCollector, rdsSnapshotsCollector],
  simulators: [rdsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
