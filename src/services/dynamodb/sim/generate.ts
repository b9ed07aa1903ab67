import type { GenerateInput } from '../../../sim/types';
import { generatedChoices, placementOf } from '../../../sim/placement';
import type { WorldDynamoDb } from './simulator';

/** A generated `dynamodb` section: one table per four resources of the region, some with a customer key, some without PITR. */
export function generateDynamoDbSection({ accountId, region, size, sections }: GenerateInput): WorldDynamoDb {
  const count = Math.ceil(size / 4);
  if (count === 0) return {};
  const { chance, pick } = generatedChoices(accountId, region, 'dynamodb');
  const { keyArns } = placementOf(sections, accountId, region);
  return {
    tables: Array.from({ length: count }, (_, index) => {
      const key = chance('cmk', index, 0.4) ? pick('key', index, keyArns) : undefined;
      return {
        TableName: `generated-table-${index}`,
        TableId: `${accountId.slice(0, 8)}-${index.toString(16).padStart(4, '0')}-4000-8000-${region
          .replace(/[^a-z0-9]/g, '')
          .padEnd(12, '0')
          .slice(0, 12)}`,
        CreationDateTime: new Date(Date.UTC(2022, index % 12, 1)).toISOString(),
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingModeSummary: { BillingMode: chance('ondemand', index, 0.6) ? 'PAY_PER_REQUEST' : 'PROVISIONED' },
        ItemCount: 1000 * (index + 1),
        TableSizeBytes: 250_000 * (index + 1),
        SSEDescription: key ? { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: key } : undefined,
        DeletionProtectionEnabled: chance('deletion', index, 0.5),
        PointInTimeRecovery: !chance('nopitr', index, 0.3),
        Tags: [{ Key: 'Name', Value: `generated-table-${index}` }],
      };
    }),
  };
}
