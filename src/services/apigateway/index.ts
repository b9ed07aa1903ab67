import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { apiGatewayRestApisCollector, apiGatewayV2ApisCollector } from './collectors';
import { API_GATEWAY_RATE_LIMITS } from './rate-limits';
import { ApiGatewayEntities } from './schema';
import { apiGatewaySimulator, apiGatewayV2Simulator } from './sim/simulator';

export const apiGatewayService: AwsServiceModule = {
  service: 'apigateway',
  title: 'API Gateway',
  serviceEntity: ApiGatewayEntities.SERVICE,
  serviceFunctions: ['api-gateway'],
  rateLimits: API_GATEWAY_RATE_LIMITS,
  collectors: [apiGatewayRestApisCollector, apiGatewayV2ApisCollector],
  simulators: [apiGatewaySimulator, apiGatewayV2Simulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};
