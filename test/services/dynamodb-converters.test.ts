import test from 'ava';
import { validateEntity } from '../../src/graph';
import { convertDynamoDbTable } from '../../src/services/dynamodb/converters';

// Shapes: DynamoDB API Reference, DescribeTable and DescribeContinuousBackups response examples.
const scope = { accountId: '123456789012', region: 'us-west-2' };
const musicTable = {
  AttributeDefinitions: [
    { AttributeName: 'Artist', AttributeType: 'S' as const },
    { AttributeName: 'SongTitle', AttributeType: 'S' as const },
  ],
  TableName: 'Music',
  KeySchema: [
    { AttributeName: 'Artist', KeyType: 'HASH' as const },
    { AttributeName: 'SongTitle', KeyType: 'RANGE' as const },
  ],
  TableStatus: 'ACTIVE' as const,
  CreationDateTime: new Date(1421866952.062 * 1000),
  ProvisionedThroughput: { NumberOfDecreasesToday: 1, ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  TableSizeBytes: 0,
  ItemCount: 0,
  TableArn: 'arn:aws:dynamodb:us-west-2:123456789012:table/Music',
  TableId: 'd1e0c5f2-8f4b-4b5f-a7a6-EXAMPLE11111',
};

test('a table without SSEDescription is encrypted with an AWS-owned key, and PITR is read from continuous backups', (t) => {
  const entity = convertDynamoDbTable(
    {
      table: musicTable,
      backups: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: {
          PointInTimeRecoveryStatus: 'ENABLED',
          RecoveryPeriodInDays: 35,
          EarliestRestorableDateTime: new Date(1576622404 * 1000),
          LatestRestorableDateTime: new Date(1576622404 * 1000),
        },
      },
      tags: [{ Key: 'Owner', Value: 'blueTeam' }],
    },
    scope,
  );
  t.is(entity._key, 'arn:aws:dynamodb:us-west-2:123456789012:table/Music');
  t.deepEqual(entity._class, ['DataStore', 'Database']);
  t.like(entity, {
    name: 'Music',
    encrypted: true,
    encryptionType: 'AWS_OWNED',
    pointInTimeRecoveryEnabled: true,
    partitionKey: 'Artist',
    sortKey: 'SongTitle',
    billingMode: 'PROVISIONED',
    readCapacityUnits: 5,
    'tag.Owner': 'blueTeam',
    owner: 'blueTeam',
    createdOn: 1421866952062,
  });
  t.is(entity.kmsKeyArn, undefined);
  t.deepEqual(validateEntity(entity), []);
});

test('a customer key and PITR off; PITR unknown when continuous backups were not read', (t) => {
  const table = {
    ...musicTable,
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' as const },
    SSEDescription: {
      Status: 'ENABLED' as const,
      SSEType: 'KMS' as const,
      KMSMasterKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  };
  const off = convertDynamoDbTable(
    { table, backups: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } } },
    scope,
  );
  t.like(off, {
    encryptionType: 'KMS',
    kmsKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    pointInTimeRecoveryEnabled: false,
    billingMode: 'PAY_PER_REQUEST',
  });
  const unknown = convertDynamoDbTable({ table }, scope);
  t.false('pointInTimeRecoveryEnabled' in unknown);
});
