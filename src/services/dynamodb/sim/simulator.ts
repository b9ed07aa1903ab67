import type {
  DescribeContinuousBackupsCommandInput,
  DescribeContinuousBackupsCommandOutput,
  DescribeTableCommandInput,
  DescribeTableCommandOutput,
  ListTablesCommandInput,
  ListTablesCommandOutput,
  ListTagsOfResourceCommandInput,
  ListTagsOfResourceCommandOutput,
  TableDescription,
  Tag,
} from '@aws-sdk/client-dynamodb';
import { collection, custom, defineSimulatedService, get, tags } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';
import { generateDynamoDbSection } from './generate';

/**
 * A table in the world: DescribeTable's `TableDescription` (dates as ISO strings), plus what other
 * calls return: point-in-time recovery (DescribeContinuousBackups) and tags (ListTagsOfResource).
 */
export type WorldDynamoDbTable = Omit<TableDescription, 'CreationDateTime'> & {
  TableName: string;
  CreationDateTime?: string;
  PointInTimeRecovery?: boolean;
  Tags?: Tag[];
};

export interface WorldDynamoDb {
  tables?: WorldDynamoDbTable[];
}

const tableArn = (table: WorldDynamoDbTable, context: SimCallContext) => `arn:aws:dynamodb:${context.region}:${context.account.id}:table/${table.TableName}`;

const tables = collection<WorldDynamoDbTable>({
  id: 'TableName',
  dates: ['CreationDateTime'],
  worldOnly: ['PointInTimeRecovery', 'Tags'],
  arn: tableArn,
  arnField: 'TableArn',
  derive: (table) => ({ TableStatus: table.TableStatus ?? 'ACTIVE' }),
  notFound: { error: 'ResourceNotFoundException', message: (id) => `Requested resource not found: Table: ${id} not found` },
});

export const dynamoDbSimulator = defineSimulatedService({
  service: 'dynamodb',
  clientName: 'DynamoDBClient',
  scope: 'regional',
  collections: { tables },
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException' },
  operations: {
    // ListTables pages by table name (the last one returned), not by an opaque token.
    ListTables: custom<ListTablesCommandInput, ListTablesCommandOutput>((input, context, kit) => {
      const names = kit
        .records('tables', context)
        .map((t) => String(t.TableName))
        .sort();
      const start = input.ExclusiveStartTableName ? names.findIndex((n) => n > (input.ExclusiveStartTableName ?? '')) : 0;
      const from = start < 0 ? names.length : start;
      const page = names.slice(from, from + context.pageSize(input.Limit, 100));
      const more = from + page.length < names.length;
      return { TableNames: page, LastEvaluatedTableName: more ? page[page.length - 1] : undefined };
    }),
    DescribeTable: get<DescribeTableCommandInput, DescribeTableCommandOutput>('tables', { id: 'TableName', output: 'Table' }),
    DescribeContinuousBackups: get<DescribeContinuousBackupsCommandInput, DescribeContinuousBackupsCommandOutput, WorldDynamoDbTable>('tables', {
      id: 'TableName',
      // Restorable times from the table's creation, not the clock: the same world gives the same graph.
      item: (_view, table) => ({
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: table.PointInTimeRecovery
            ? {
                PointInTimeRecoveryStatus: 'ENABLED',
                RecoveryPeriodInDays: 35,
                EarliestRestorableDateTime: new Date(table.CreationDateTime ?? '2020-01-01T00:00:00Z'),
              }
            : { PointInTimeRecoveryStatus: 'DISABLED' },
        },
      }),
    }),
    ListTagsOfResource: tags<ListTagsOfResourceCommandInput, ListTagsOfResourceCommandOutput>('tables', { id: 'ResourceArn' }),
  },
  generate: generateDynamoDbSection,
});
