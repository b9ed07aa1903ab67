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
import { RelationshipVerb } from '../../graph';
import { convertKmsKey, KMS_KEY_TYPE, kmsServiceHasKey } from './converters';

export const kmsKeysCollector: Collector = {
  id: 'kms-keys',
  service: 'kms',
  scope: 'regional',
  entities: [{ _type: KMS_KEY_TYPE, _class: ['CryptoKey'], resourceName: 'KMS Key' }],
  relationships: [{ from: 'aws_kms', verb: RelationshipVerb.HAS, to: KMS_KEY_TYPE }],
  permissions: ['kms:ListKeys', 'kms:ListAliases', 'kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(KMSClient);
    const { accountId } = context.account;

    const aliasesByKey = new Map<string, string[]>();
    for await (const page of paginateListAliases({ client }, {})) {
      for (const alias of page.Aliases ?? []) {
        if (!alias.TargetKeyId || !alias.AliasName) continue;
        aliasesByKey.set(alias.TargetKeyId, [...(aliasesByKey.get(alias.TargetKeyId) ?? []), alias.AliasName]);
      }
    }

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
        try {
          rotationEnabled = (await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled;
        } catch (error) {
          context.recordError('kms:GetKeyRotationStatus', error);
        }
      }
      if (metadata.KeyManager === 'CUSTOMER') {
        try {
          tags = (await client.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags;
        } catch (error) {
          context.recordError('kms:ListResourceTags', error);
        }
      }
      const key = context.addEntity(
        convertKmsKey({ metadata, rotationEnabled, tags, aliases: aliasesByKey.get(keyId), accountId, region: context.region }),
      );
      context.addRelationship(kmsServiceHasKey(accountId, key));
    });
  },
};
