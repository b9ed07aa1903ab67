import type {
  DescribeKeyCommandInput,
  DescribeKeyCommandOutput,
  GetKeyRotationStatusCommandInput,
  GetKeyRotationStatusCommandOutput,
  KeyMetadata,
  ListAliasesCommandInput,
  ListAliasesCommandOutput,
  ListKeysCommandInput,
  ListKeysCommandOutput,
  ListResourceTagsCommandInput,
  ListResourceTagsCommandOutput,
} from '@aws-sdk/client-kms';
import { pageOf } from '../../sim/paginate';
import { defineHandler, type ServiceSimulator, type SimCallContext } from '../../sim/types';

/** A KMS key in the world file. */
export interface WorldKmsKey {
  id: string;
  description?: string;
  manager?: 'CUSTOMER' | 'AWS';
  state?: 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport';
  spec?: string;
  usage?: 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC';
  rotation?: boolean;
  multiRegion?: boolean;
  createdAt?: string;
  aliases?: string[];
  tags?: Record<string, string>;
}

export interface WorldKms {
  keys?: WorldKmsKey[];
}

export const kmsWorldSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: { type: 'string', pattern: '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$' },
          description: { type: 'string' },
          manager: { enum: ['CUSTOMER', 'AWS'] },
          state: { enum: ['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport'] },
          spec: { type: 'string' },
          usage: { enum: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC'] },
          rotation: { type: 'boolean' },
          multiRegion: { type: 'boolean' },
          createdAt: { type: 'string', format: 'date-time' },
          aliases: { type: 'array', items: { type: 'string', pattern: '^alias/[\\w/+=,.@-]+$' } },
          tags: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
};

function keys(context: SimCallContext): WorldKmsKey[] {
  return context.section<WorldKms>()?.keys ?? [];
}

function findKey(context: SimCallContext, keyId: string | undefined): WorldKmsKey {
  const id = keyId?.replace(/^arn:aws:kms:[^:]+:\d{12}:key\//, '');
  const key = keys(context).find((k) => k.id === id);
  if (!key) return context.notFound('NotFoundException', `Key 'arn:aws:kms:${context.region}:${context.account.id}:key/${id}' does not exist`);
  return key;
}

function metadataOf(key: WorldKmsKey, context: SimCallContext): KeyMetadata {
  const spec = key.spec ?? 'SYMMETRIC_DEFAULT';
  const state = key.state ?? 'Enabled';
  return {
    AWSAccountId: context.account.id,
    KeyId: key.id,
    Arn: `arn:aws:kms:${context.region}:${context.account.id}:key/${key.id}`,
    CreationDate: new Date(key.createdAt ?? '2022-01-01T00:00:00Z'),
    Enabled: state === 'Enabled',
    Description: key.description ?? '',
    KeyUsage: key.usage ?? 'ENCRYPT_DECRYPT',
    KeyState: state,
    Origin: 'AWS_KMS',
    KeyManager: key.manager ?? 'CUSTOMER',
    KeySpec: spec as KeyMetadata['KeySpec'],
    CustomerMasterKeySpec: spec as KeyMetadata['CustomerMasterKeySpec'],
    EncryptionAlgorithms: spec === 'SYMMETRIC_DEFAULT' ? ['SYMMETRIC_DEFAULT'] : ['RSAES_OAEP_SHA_256'],
    MultiRegion: key.multiRegion ?? false,
    DeletionDate: state === 'PendingDeletion' ? new Date('2030-01-01T00:00:00Z') : undefined,
  };
}

export const kmsSimulator: ServiceSimulator = {
  service: 'kms',
  clientName: 'KMSClient',
  scope: 'regional',
  schema: kmsWorldSchema,
  accessDeniedName: 'AccessDeniedException',
  throttlingName: 'ThrottlingException',
  // KMS shares one request quota across its read operations (several thousand per second); bound low here.
  bucket: () => ({ capacity: 100, refillPerSecond: 50 }),
  handlers: {
    ListKeysCommand: defineHandler<ListKeysCommandInput, ListKeysCommandOutput>((input, context) => {
      const page = pageOf(keys(context), input.Marker, context.pageSize(input.Limit, 1000));
      return {
        Keys: page.items.map((key) => ({ KeyId: key.id, KeyArn: `arn:aws:kms:${context.region}:${context.account.id}:key/${key.id}` })),
        NextMarker: page.nextToken,
        Truncated: page.nextToken !== undefined,
      };
    }),
    ListAliasesCommand: defineHandler<ListAliasesCommandInput, ListAliasesCommandOutput>((input, context) => {
      const aliases = keys(context).flatMap((key) =>
        (key.aliases ?? []).map((alias) => ({
          AliasName: alias,
          AliasArn: `arn:aws:kms:${context.region}:${context.account.id}:${alias}`,
          TargetKeyId: key.id,
        })),
      );
      const page = pageOf(aliases, input.Marker, context.pageSize(input.Limit, 100));
      return { Aliases: page.items, NextMarker: page.nextToken, Truncated: page.nextToken !== undefined };
    }),
    DescribeKeyCommand: defineHandler<DescribeKeyCommandInput, DescribeKeyCommandOutput>((input, context) => ({
      KeyMetadata: metadataOf(findKey(context, input.KeyId), context),
    })),
    GetKeyRotationStatusCommand: defineHandler<GetKeyRotationStatusCommandInput, GetKeyRotationStatusCommandOutput>((input, context) => {
      const key = findKey(context, input.KeyId);
      return { KeyRotationEnabled: key.rotation ?? false, KeyId: key.id };
    }),
    ListResourceTagsCommand: defineHandler<ListResourceTagsCommandInput, ListResourceTagsCommandOutput>((input, context) => {
      const key = findKey(context, input.KeyId);
      return { Tags: Object.entries(key.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })), Truncated: false };
    }),
  },
  generate: ({ size, random }) => ({
    keys: Array.from({ length: size }, (_, index) => {
      const hex = (n: number) => Math.floor(random() * 16 ** n).toString(16).padStart(n, '0');
      return {
        id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
        description: `generated key ${index}`,
        manager: index % 5 === 0 ? 'AWS' : 'CUSTOMER',
        rotation: random() < 0.7,
        aliases: [`alias/generated-${index}`],
      } satisfies WorldKmsKey;
    }),
  }),
};
