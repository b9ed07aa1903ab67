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
import type { Collector, CollectorContext } from '../../collectors/types';
import type { ResourceRefresh } from '../../events/declarations';
import { convertKmsKey, kmsServiceHasKey } from './converters';
import { KmsEntities, KmsRelationships } from './schema';

/** DescribeKey's answer for a key that does not exist (deleted, or never did). */
const KEY_NOT_FOUND = 'NotFoundException';

/** One key: its metadata, rotation and tags, as the entity and the service's HAS edge. */
async function collectKey(
  context: CollectorContext,
  client: KMSClient,
  keyId: string,
  aliasesOf: () => Promise<string[] | undefined>,
  options: { goneIsFine?: boolean } = {},
): Promise<void> {
  const { accountId } = context.account;
  let metadata;
  try {
    metadata = (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
  } catch (error) {
    // Read alone because an event named it: a key that is gone is no error.
    if (options.goneIsFine && (error as Error).name === KEY_NOT_FOUND) return;
    throw error;
  }
  if (!metadata) return;
  const aliases = await aliasesOf();
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
  const key = context.addEntity(convertKmsKey({ metadata, rotationEnabled, tags, aliases, accountId, region: context.region }));
  context.addRelationship(kmsServiceHasKey(accountId, key));
}

/**
 * One key read alone (`orggraph watch`): DescribeKey, its aliases through ListAliases' `KeyId`,
 * rotation and tags; a key that is gone adds nothing. Its events name it by id or ARN.
 */
const kmsKeyRefresh: ResourceRefresh = {
  idOf: (entity) => (entity._type === KmsEntities.KEY._type && typeof entity.keyId === 'string' ? entity.keyId : undefined),
  // `keyId` in a request is a key id or ARN (an alias name only where DescribeKey-like reads take one).
  normalize: (id) => /^arn:aws[\w-]*:kms:[^:]+:\d{12}:key\/(.+)$/.exec(id)?.[1] ?? (id.startsWith('alias/') || id.includes(':') ? undefined : id),
  async read(context, keyIds) {
    const client = context.client(KMSClient);
    await mapConcurrent(keyIds, 8, (keyId) =>
      collectKey(
        context,
        client,
        keyId,
        async () => {
          const names = await context.optional('kms:ListAliases', async () => {
            const found: string[] = [];
            for await (const page of paginateListAliases({ client }, { KeyId: keyId })) {
              for (const alias of page.Aliases ?? []) if (alias.AliasName && alias.TargetKeyId === keyId) found.push(alias.AliasName);
            }
            return found;
          });
          return names?.length ? names : undefined;
        },
        { goneIsFine: true },
      ),
    );
  },
};

export const kmsKeysCollector: Collector = {
  id: 'kms-keys',
  service: 'kms',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      // Aliases name keys for S3 and EBS too: their events refresh the collector, not one key.
      source: 'kms.amazonaws.com',
      names: ['CreateAlias', 'DeleteAlias', 'UpdateAlias'],
    },
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
        'TagResource',
        'UntagResource',
        'PutKeyPolicy',
        'UpdateKeyDescription',
      ],
      resourceIds: ['requestParameters.keyId', 'responseElements.keyMetadata.keyId'],
      resource: kmsKeyRefresh,
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

    // Aliases name the keys; without them the keys are still collected.
    const aliasesByKey = await context.optional('kms:ListAliases', async () => {
      const byKey = new Map<string, string[]>();
      for await (const page of paginateListAliases({ client, pageSize: 100 }, {})) {
        for (const alias of page.Aliases ?? []) {
          if (!alias.TargetKeyId || !alias.AliasName) continue;
          byKey.set(alias.TargetKeyId, [...(byKey.get(alias.TargetKeyId) ?? []), alias.AliasName]);
        }
      }
      return byKey;
    });

    const keyIds: string[] = [];
    for await (const page of paginateListKeys({ client, pageSize: 1000 }, {})) {
      for (const key of page.Keys ?? []) if (key.KeyId) keyIds.push(key.KeyId);
    }

    await mapConcurrent(keyIds, 8, (keyId) => collectKey(context, client, keyId, async () => aliasesByKey?.get(keyId)));
  },
};
