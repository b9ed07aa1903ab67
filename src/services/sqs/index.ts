import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { sqsQueuesCollector } from './collectors';
import { sqsSimulator } from './sim/simulator';
import { SqsEntities } from './schema';

export const sqsService: AwsServiceModule = {
  service: 'sqs',
  title: 'SQS',
  serviceEntity: SqsEntities.SERVICE,
  serviceFunctions: ['messaging'],
  collectors: [sqsQueuesCollector],
  simulators: [sqsSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
