import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { REDSHIFT_RATE_LIMITS } from './rate-limits';
import { RedshiftEntities } from './schema';
import { redshiftClustersCollector } from './collectors';
import { redshiftSimulator } from './sim/simulator';

export const redshiftService: AwsServiceModule = {
  service: 'redshift',
  title: 'Redshift',
  serviceEntity: RedshiftEntities.SERVICE,
  serviceFunctions: ['database', 'data-warehousing'],
  rateLimits: REDSHIFT_RATE_LIMITS,
  collectors: [redshiftClustersCollector],
  simulators: [redshiftSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
