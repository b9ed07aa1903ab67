import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { workspacesCollector } from './collectors';
import { WORKSPACES_RATE_LIMITS } from './rate-limits';
import { WorkSpacesEntities } from './schema';
import { workspacesSimulator } from './sim/simulator';

export const workspacesService: AwsServiceModule = {
  service: 'workspaces',
  title: 'WorkSpaces',
  serviceEntity: WorkSpacesEntities.SERVICE,
  serviceFunctions: ['desktop-virtualization'],
  rateLimits: WORKSPACES_RATE_LIMITS,
  collectors: [workspacesCollector],
  simulators: [workspacesSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
