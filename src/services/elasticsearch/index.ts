import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { OPENSEARCH_RATE_LIMITS } from './rate-limits';
import { ElasticsearchEntities } from './schema';
import { elasticsearchDomainsCollector } from './collectors';
import { openSearchSimulator } from './sim/simulator';

/** OpenSearch Service, under the name JupiterOne's data model gives it (`aws_elasticsearch_domain`). */
export const elasticsearchService: AwsServiceModule = {
  service: 'elasticsearch',
  title: 'OpenSearch Service',
  serviceEntity: ElasticsearchEntities.SERVICE,
  serviceFunctions: ['database', 'indexing'],
  rateLimits: OPENSEARCH_RATE_LIMITS,
  collectors: [elasticsearchDomainsCollector],
  simulators: [openSearchSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
