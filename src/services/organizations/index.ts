import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { organizationsCollector } from './collectors';
import { organizationsIamSimulator, organizationsSimulator } from './sim/simulator';

/**
 * AWS Organizations, read from the management account in organization mode. Not an AWS service
 * module: it has no `aws_organizations` entity (JupiterOne's model has none); its facts are
 * properties of the `aws_account` entities.
 */
export const organizationsService: ServiceModule = {
  service: 'organizations',
  title: 'Organizations',
  serviceFunctions: [],
  collectors: [organizationsCollector],
  simulators: [organizationsSimulator, organizationsIamSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
