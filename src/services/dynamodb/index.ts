import * as path from 'node:path';
import type { ServiceModule } from '../types';
import { dynamoDbTablesCollector } from './collectors';
import { dynamoDbSimulator } from './sim/simulator';

export const dynamoDbService: ServiceModule = {
  service: 'dynamodb',
  title: 'DynamoDB',
  serviceFunctions: ['database'],
  collectors: [dynamoDbTablesCollector],
  simulators: [dynamoDbSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
