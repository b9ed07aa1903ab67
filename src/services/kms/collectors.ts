import {
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListResourceTagsCommand,
  paginateListAliases,
  paginateListKeys,
  type Tag,
} from '@aws-sdk/client-kms';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { convertKmsKey, kmsServiceHasKey } from './converters';
import { KmsEntities, KmsRelationships } from './schema';

export const kmsKeysCollector: Collector = {
  id: 'kms-keys',
  service: 'kms',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'kms.amazonaws.com',
      names: [
        'CreateKey',
        'ScheduleKeyDeletion',
        'CancelKeyDeletion',
        'EnableKey',
        'DisableKey',
        'EnableKeyRotation',
        'DisableKeyRotation',
        'CreateAlias',
        'DeleteAlias',
        'UpdateAlias',
        'TagResource',
        'UntagResource',
        'PutKeyPolicy',
        'UpdateKeyDescription',
      ],
      resourceIds: ['requestParameters.keyId', 'responseElements.keyMetadata.keyId'],
    },
  ],
  entities: [KmsEntities.KEY],
  relationships: [KmsRelationships.SERVICE_HAS_KEY],
  permissions: ['kms:ListKeys', 'kms:ListAliases', 'kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
  optionalCalls: [
    {
      operation: 'kms:ListAliases',
      per: 'scope',
      properties: [{ _type: KmsEntities.KEY._type, properties: ['aliases', 'name', 'displayName'] }],
      cost: "keys keep their id as name and have no `aliases`; S3 buckets and EBS volumes that name a key by alias don't reach it",
    },
    {
      operation: 'kms:GetKeyRotationStatus',
      properties: [{ _type: KmsEntities.KEY._type, properties: ['keyRotationEnabled'] }],
      cost: 'customer keys have no `keyRotationEnabled`',
    },
    {
      operation: 'kms:ListResourceTags',
      properties: [{ _type: KmsEntities.KEY._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'customer keys have no `tag.*` properties',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(KMSClient);
    const { accountId } = context.account;

    // Aliases name the keys; without them the keys are still collected.
    const aliasesByKey = await context.optional('kms:ListAliases', async () => {
      const byKey = new Map<string, string[]>();
      for await (const page of paginateListAliases({ client }, {})) {
        for (const alias of page.Aliases ?? []) {
          if (!alias.TargetKeyId || !alias.AliasName) continue;
          byKey.set(alias.TargetKeyId, [...(byKey.get(alias.TargetKeyId) ?? []), alias.AliasName]);
        }
      }
      return byKey;
    });

    const keyIds: string[] = [];
    for await (const page of paginateListKeys({ client }, {})) {
      for (const key of page.Keys ?? []) if (key.KeyId) keyIds.push(key.KeyId);
    }

    await mapConcurrent(keyIds, 8, async (keyId) => {
      const { KeyMetadata: metadata } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
      if (!metadata) return;
      const customerSymmetric = metadata.KeyManager === 'CUSTOMER' && metadata.KeySpec === 'SYMMETRIC_DEFAULT';
      const pendingDeletion = metadata.KeyState === 'PendingDeletion';
      let rotationEnabled: boolean | undefined;
      let tags: Tag[] | undefined;
      if (metadata.KeyManager === 'AWS') rotationEnabled = true; // AWS rotates its managed keys every year.
      if (customerSymmetric && !pendingDeletion) {
        rotationEnabled = await context.optional('kms:GetKeyRotationStatus', async () => {
          return (await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled;
        });
      }
      if (metadata.KeyManager === 'CUSTOMER') {
        tags = await context.optional('kms:ListResourceTags', async () => (await client.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags);
      }
      const key = context.addEntity(convertKmsKey({ metadata, rotationEnabled, tags, aliases: aliasesByKey?.get(keyId), accountId, region: context.region }));
      context.addRelationship(kmsServiceHasKey(accountId, key));
    });
  },
};
