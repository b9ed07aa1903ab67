import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema, type Entity } from '../../graph';

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

/**
 * The key entity a resource's key reference points at, aliases included: an alias (`alias/aws/sns`,
 * or an alias ARN) is looked up in the `aliases` of the collected keys of its account and region.
 */
export function resolveKmsKeyReference(reference: string | undefined, accountId: string, region: string, keys: readonly Entity[]): string | undefined {
  const direct = kmsKeyKey(reference, accountId, region);
  if (direct || !reference) return direct;
  let alias = reference;
  let aliasAccount = accountId;
  let aliasRegion = region;
  const aliasArn = /^arn:aws[\w-]*:kms:([^:]+):(\d{12}):(alias\/.+)$/.exec(reference);
  if (aliasArn) [, aliasRegion, aliasAccount, alias] = aliasArn;
  if (!alias.startsWith('alias/')) return undefined;
  return keys.find(
    (key) => key.accountId === aliasAccount && key.region === aliasRegion && Array.isArray(key.aliases) && (key.aliases as string[]).includes(alias),
  )?._key;
}
