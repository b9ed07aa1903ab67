import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  paginateListTables,
  type Tag,
} from '@aws-sdk/client-dynamodb';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { addMappedEntities, kmsKeyEdge, type ResourceScope } from '../resource-edges';
import { convertDynamoDbTable, dynamoDbServiceHasTable } from './converters';
import { DynamoDbEntities, DynamoDbRelationships } from './schema';

const TABLE = DynamoDbEntities.TABLE;

export const dynamoDbTablesCollector: Collector = {
  id: 'dynamodb-tables',
  service: 'dynamodb',
  scope: 'regional',
  entities: [TABLE],
  relationships: [DynamoDbRelationships.SERVICE_HAS_TABLE, DynamoDbRelationships.TABLE_USES_KEY],
  permissions: ['dynamodb:ListTables', 'dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:ListTagsOfResource'],
  optionalCalls: [
    {
      operation: 'dynamodb:DescribeContinuousBackups',
      properties: [
        {
          _type: TABLE._type,
          properties: ['pointInTimeRecoveryEnabled', 'continuousBackupsEnabled', 'pointInTimeRecoveryPeriodInDays', 'earliestRestorableDateTime'],
        },
      ],
      cost: 'tables have no `pointInTimeRecoveryEnabled`',
    },
    {
      operation: 'dynamodb:ListTagsOfResource',
      properties: [{ _type: TABLE._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'tables have no `tag.*` properties',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(DynamoDBClient);
    const scope: ResourceScope = { accountId: context.account.accountId, region: context.region };
    const names: string[] = [];
    for await (const page of paginateListTables({ client, pageSize: 100 }, {})) names.push(...(page.TableNames ?? []));
    const ingested = await context.ingestedAccounts();
    await mapConcurrent(names, 4, async (name) => {
      const { Table: table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (!table) return;
      const backups = await context.optional('dynamodb:DescribeContinuousBackups', async () => {
        return (await client.send(new DescribeContinuousBackupsCommand({ TableName: name }))).ContinuousBackupsDescription;
      });
      const arn = table.TableArn;
      const tags = arn
        ? await context.optional('dynamodb:ListTagsOfResource', async () => {
            const all: Tag[] = [];
            let token: string | undefined;
            do {
              const page = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken: token }));
              all.push(...(page.Tags ?? []));
              token = page.NextToken;
            } while (token);
            return all;
          })
        : undefined;
      const entity = context.addEntity(convertDynamoDbTable({ table, backups, tags }, scope));
      context.addRelationship(dynamoDbServiceHasTable(scope.accountId, entity));
      const key = kmsKeyEdge(entity, table.SSEDescription?.KMSMasterKeyArn, scope, ingested);
      addMappedEntities(context.graph, key.mappedEntities);
      context.addRelationships(key.relationships);
    });
  },
};
