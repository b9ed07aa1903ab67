import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { SQS_RATE_LIMITS } from './rate-limits';
import { sqsQueuesCollector } from './collectors';
import { sqsSimulator } from './sim/simulator';
import { SqsEntities } from './schema';

export const sqsService: AwsServiceModule = {
  service: 'sqs',
  title: 'SQS',
  serviceEntity: SqsEntities.SERVICE,
  serviceFunctions: ['messaging'],
  rateLimits: SQS_RATE_LIMITS,
  collectors: [sqsQueuesCollector],
  simulators: [sqsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
