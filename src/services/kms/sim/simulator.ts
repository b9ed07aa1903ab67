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
import { collection, defineSimulatedService, get, list, tags } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';

/**
 * A KMS key in the world file. KMS keeps the short format its worlds were written in (EC2 and S3
 * worlds name these keys); the kit serves it through `view`, which builds the SDK's `KeyMetadata`.
 */
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

const keyArn = (key: WorldKmsKey, context: SimCallContext) => `arn:aws:kms:${context.region}:${context.account.id}:key/${key.id}`;

function metadataOf(key: WorldKmsKey, context: SimCallContext): KeyMetadata {
  const spec = key.spec ?? 'SYMMETRIC_DEFAULT';
  const state = key.state ?? 'Enabled';
  return {
    AWSAccountId: context.account.id,
    KeyId: key.id,
    Arn: keyArn(key, context),
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

const keys = collection<WorldKmsKey>({
  id: 'id',
  closed: true,
  fields: {
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
  arn: keyArn,
  view: metadataOf,
  tags: (key) => key.tags,
  notFound: {
    error: 'NotFoundException',
    message: (id, context) =>
      `Key 'arn:aws:kms:${context.region}:${context.account.id}:key/${id.replace(/^arn:aws:kms:[^:]+:\d{12}:key\//, '')}' does not exist`,
  },
});

export const kmsSimulator = defineSimulatedService({
  service: 'kms',
  clientName: 'KMSClient',
  scope: 'regional',
  collections: { keys },
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidMarkerException' },
  // KMS shares one request quota across its read operations (several thousand per second); bound low here.
  bucket: { capacity: 100, refillPerSecond: 50 },
  operations: {
    ListKeys: list<ListKeysCommandInput, ListKeysCommandOutput>('keys', {
      items: 'Keys',
      token: { input: 'Marker', output: 'NextMarker' },
      maxResults: 'Limit',
      awsMax: 1000,
      truncated: 'Truncated',
      item: (view) => ({ KeyId: view.KeyId, KeyArn: view.Arn }),
    }),
    ListAliases: list<ListAliasesCommandInput, ListAliasesCommandOutput, WorldKmsKey>('keys', {
      items: 'Aliases',
      token: { input: 'Marker', output: 'NextMarker' },
      maxResults: 'Limit',
      awsMax: 100,
      truncated: 'Truncated',
      source: (records, _input, context) =>
        records.flatMap((key) =>
          (key.aliases ?? []).map((alias) => ({
            AliasName: alias,
            AliasArn: `arn:aws:kms:${context.region}:${context.account.id}:${alias}`,
            TargetKeyId: key.id,
          })),
        ),
    }),
    DescribeKey: get<DescribeKeyCommandInput, DescribeKeyCommandOutput>('keys', { id: 'KeyId', output: 'KeyMetadata' }),
    GetKeyRotationStatus: get<GetKeyRotationStatusCommandInput, GetKeyRotationStatusCommandOutput, WorldKmsKey>('keys', {
      id: 'KeyId',
      item: (_view, key) => ({ KeyRotationEnabled: key.rotation ?? false, KeyId: key.id }),
    }),
    ListResourceTags: tags<ListResourceTagsCommandInput, ListResourceTagsCommandOutput>('keys', {
      id: 'KeyId',
      shape: 'TagKeyTagValue',
      truncated: 'Truncated',
    }),
  },
  generate: ({ size, random }) => ({
    keys: Array.from({ length: size }, (_, index) => {
      const hex = (n: number) =>
        Math.floor(random() * 16 ** n)
          .toString(16)
          .padStart(n, '0');
      return {
        id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
        description: `generated key ${index}`,
        manager: index % 5 === 0 ? 'AWS' : 'CUSTOMER',
        rotation: random() < 0.7,
        aliases: [`alias/generated-${index}`],
      } satisfies WorldKmsKey;
    }),
  }),
});
