import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { route53DomainsCollector, route53ZonesCollector } from './collectors';
import { ROUTE53_RATE_LIMITS } from './rate-limits';
import { Route53Entities } from './schema';
import { route53DomainsSimulator, route53Simulator } from './sim/simulator';

export const route53Service: AwsServiceModule = {
  service: 'route53',
  title: 'Route 53',
  serviceEntity: Route53Entities.SERVICE,
  serviceFunctions: ['DNS'],
  rateLimits: ROUTE53_RATE_LIMITS,
  collectors: [route53DomainsCollector, route53ZonesCollector],
  simulators: [route53Simulator, route53DomainsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
