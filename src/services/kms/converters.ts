import type { KeyMetadata, Tag } from '@aws-sdk/client-kms';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { KmsEntities } from './schema';

export interface KmsKeyFacts {
  metadata: KeyMetadata;
  /** Undefined when it cannot be known (AWS-managed keys, asymmetric keys, or no permission). */
  rotationEnabled?: boolean;
  tags?: Tag[];
  aliases?: string[];
  accountId: string;
  region: string;
}

/** `aws_kms_key` from DescribeKey, rotation status, tags and aliases. */
export function convertKmsKey(facts: KmsKeyFacts): Entity {
  const { metadata } = facts;
  const keyId = metadata.KeyId ?? '';
  const arn = metadata.Arn ?? `arn:aws:kms:${facts.region}:${facts.accountId}:key/${keyId}`;
  const alias = facts.aliases?.[0];
  return createEntity({
    _key: arn,
    schema: KmsEntities.KEY,
    name: alias?.replace(/^alias\//, '') ?? keyId,
    tags: facts.tags?.map((tag) => ({ Key: tag.TagKey, Value: tag.TagValue })),
    createdOn: metadata.CreationDate,
    properties: {
      id: keyId,
      keyId,
      arn,
      accountId: facts.accountId,
      region: facts.region,
      description: metadata.Description || undefined,
      keyManager: metadata.KeyManager,
      keyState: metadata.KeyState,
      enabled: metadata.Enabled,
      active: metadata.KeyState === 'Enabled',
      keyUsage: metadata.KeyUsage,
      keySpec: metadata.KeySpec,
      origin: metadata.Origin,
      multiRegion: metadata.MultiRegion,
      encryptionAlgorithms: metadata.EncryptionAlgorithms ? [...metadata.EncryptionAlgorithms] : undefined,
      keyRotationEnabled: facts.rotationEnabled,
      deletionDate: metadata.DeletionDate,
      aliases: facts.aliases?.length ? [...facts.aliases].sort() : undefined,
      webLink: `https://console.aws.amazon.com/kms/home?region=${facts.region}#/kms/keys/${keyId}`,
    },
  });
}

export function kmsServiceHasKey(accountId: string, key: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'kms'), verb: RelationshipVerb.HAS, to: key });
}

export { kmsKeyKey } from './schema';
