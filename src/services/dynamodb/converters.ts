import type { ContinuousBackupsDescription, TableDescription, Tag } from '@aws-sdk/client-dynamodb';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import type { ResourceScope } from '../resource-edges';
import { serviceEntityRef } from '../../graph';
import { DynamoDbEntities } from './schema';

export interface DynamoDbTableFacts {
  table: TableDescription;
  /** DescribeContinuousBackups; undefined when it could not be read. */
  backups?: ContinuousBackupsDescription;
  /** ListTagsOfResource; undefined when it could not be read. */
  tags?: Tag[];
}

export function dynamoDbTableArn(scope: ResourceScope, name: string): string {
  return `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;
}

/**
 * `aws_dynamodb_table`. DynamoDB encrypts every table at rest: without `SSEDescription` it uses a
 * key AWS owns (`encryptionType: AWS_OWNED`); with it, the AWS-managed `alias/aws/dynamodb` key or a
 * customer key (`KMS`), named by `kmsKeyArn`.
 */
export function convertDynamoDbTable(facts: DynamoDbTableFacts, scope: ResourceScope): Entity {
  const { table, backups } = facts;
  const name = table.TableName ?? '';
  const arn = table.TableArn ?? dynamoDbTableArn(scope, name);
  const sse = table.SSEDescription;
  const pitr = backups?.PointInTimeRecoveryDescription;
  return createEntity({
    _key: arn,
    schema: DynamoDbEntities.TABLE,
    name,
    tags: facts.tags,
    createdOn: table.CreationDateTime,
    properties: {
      id: table.TableId ?? name,
      tableName: name,
      tableId: table.TableId,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      status: table.TableStatus,
      active: table.TableStatus === 'ACTIVE',
      billingMode: table.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
      tableClass: table.TableClassSummary?.TableClass,
      itemCount: table.ItemCount,
      tableSizeBytes: table.TableSizeBytes,
      readCapacityUnits: table.ProvisionedThroughput?.ReadCapacityUnits || undefined,
      writeCapacityUnits: table.ProvisionedThroughput?.WriteCapacityUnits || undefined,
      partitionKey: table.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName,
      sortKey: table.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName,
      streamEnabled: table.StreamSpecification?.StreamEnabled ?? false,
      streamViewType: table.StreamSpecification?.StreamViewType,
      latestStreamArn: table.LatestStreamArn,
      globalTableVersion: table.GlobalTableVersion,
      replicaRegions: table.Replicas?.length
        ? table.Replicas.map((r) => r.RegionName ?? '')
            .filter(Boolean)
            .sort()
        : undefined,
      deletionProtection: table.DeletionProtectionEnabled ?? false,
      encrypted: true,
      encryptionType: sse?.Status === 'ENABLED' || sse?.Status === 'UPDATING' ? (sse.SSEType ?? 'KMS') : 'AWS_OWNED',
      kmsKeyArn: sse?.KMSMasterKeyArn,
      classification: null,
      // Unknown (not false) when DescribeContinuousBackups could not be read.
      pointInTimeRecoveryEnabled: pitr ? pitr.PointInTimeRecoveryStatus === 'ENABLED' : undefined,
      continuousBackupsEnabled: backups ? backups.ContinuousBackupsStatus === 'ENABLED' : undefined,
      pointInTimeRecoveryPeriodInDays: pitr?.PointInTimeRecoveryStatus === 'ENABLED' ? pitr.RecoveryPeriodInDays : undefined,
      earliestRestorableDateTime: pitr?.EarliestRestorableDateTime,
      webLink: `https://console.aws.amazon.com/dynamodbv2/home?region=${scope.region}#table?name=${encodeURIComponent(name)}`,
    },
  });
}

export function dynamoDbServiceHasTable(accountId: string, table: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'dynamodb'), verb: RelationshipVerb.HAS, to: table });
}
