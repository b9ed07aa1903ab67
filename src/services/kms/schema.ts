import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** KMS's entity types: the one place they are spelled. */
export const KmsEntities = defineEntities({
  SERVICE: serviceEntitySchema('kms', 'KMS'),
  KEY: { _type: 'aws_kms_key', _class: ['CryptoKey'], resourceName: 'KMS Key' },
});

export const KmsRelationships = defineRelationships({
  SERVICE_HAS_KEY: { from: KmsEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: KmsEntities.KEY._type },
});

/**
 * The key entity a resource's `KmsKeyId` points at. Resources may name a key by ARN, id or alias;
 * ids and aliases are resolved in the resource's own account and region. (Here rather than in the
 * converters: other services' converters build their `USES aws_kms_key` edges with it.)
 */
export function kmsKeyKey(reference: string | undefined, accountId: string, region: string): string | undefined {
  if (!reference) return undefined;
  if (reference.startsWith('arn:') && reference.includes(':key/')) return reference;
  if (/^[0-9a-f-]{36}$/i.test(reference) || /^mrk-[0-9a-f]{32}$/i.test(reference)) return `arn:aws:kms:${region}:${accountId}:key/${reference}`;
  return undefined;
}
