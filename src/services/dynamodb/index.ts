import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { DYNAMODB_RATE_LIMITS } from './rate-limits';
import { DynamoDbEntities } from './schema';
import { dynamoDbTablesCollector } from './collectors';
import { dynamoDbSimulator } from './sim/simulator';

export const dynamoDbService: AwsServiceModule = {
  service: 'dynamodb',
  title: 'DynamoDB',
  serviceEntity: DynamoDbEntities.SERVICE,
  serviceFunctions: ['database'],
  rateLimits: DYNAMODB_RATE_LIMITS,
  collectors: [dynamoDbTablesCollector],
  simulators: [dynamoDbSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
