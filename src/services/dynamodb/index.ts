import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { DynamoDbEntities } from './schema';
import { dynamoDbTablesCollector } from './collectors';
import { dynamoDbSimulator } from './sim/simulator';

export const dynamoDbService: AwsServiceModule = {
  service: 'dynamodb',
  title: 'DynamoDB',
  serviceEntity: DynamoDbEntities.SERVICE,
  serviceFunctions: ['database'],
  collectors: [dynamoDbTablesCollector],
  simulators: [dynamoDbSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
