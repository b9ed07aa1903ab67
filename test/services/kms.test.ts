import test from 'ava';
import { convertKmsKey, kmsKeyKey } from '../../src/services/kms/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

test('convertKmsKey maps key metadata, rotation, aliases and tags', (t) => {
  const entity = convertKmsKey({
    accountId: '222222222222',
    region: 'us-east-1',
    metadata: {
      KeyId: '0a1b2c3d-2222-4aaa-8bbb-000000000002',
      Arn: 'arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000002',
      KeyManager: 'CUSTOMER',
      KeyState: 'Disabled',
      Enabled: false,
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      CreationDate: new Date('2019-07-01T00:00:00Z'),
    },
    rotationEnabled: false,
    aliases: ['alias/legacy'],
    tags: [
      { TagKey: 'Name', TagValue: 'legacy key' },
      { TagKey: 'Owner', TagValue: 'team-a' },
    ],
  });
  t.is(entity._key, 'arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000002');
  t.deepEqual(entity._class, ['CryptoKey']);
  t.is(entity.name, 'legacy');
  t.is(entity.displayName, 'legacy key');
  t.is(entity.keyManager, 'CUSTOMER');
  t.is(entity.keyRotationEnabled, false);
  t.is(entity.enabled, false);
  t.is(entity.active, false);
  t.is(entity.createdOn, Date.parse('2019-07-01T00:00:00Z'));
  t.is(entity['tag.Owner'], 'team-a');
  t.is(entity.owner, 'team-a');
  t.deepEqual(entity.encryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
});

test('kmsKeyKey resolves ids and ARNs but not aliases', (t) => {
  t.is(
    kmsKeyKey('0a1b2c3d-2222-4aaa-8bbb-000000000002', '222222222222', 'us-east-1'),
    'arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000002',
  );
  t.is(kmsKeyKey('arn:aws:kms:eu-west-1:999999999999:key/abc', '1', 'x'), 'arn:aws:kms:eu-west-1:999999999999:key/abc');
  t.is(kmsKeyKey('alias/app-data', '222222222222', 'us-east-1'), undefined);
});

test('the simulated organization yields every KMS key with its service edge, all valid', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 2 };
  const { graph, summary } = await simulate(world);
  const keys = graph.entitiesOfType('aws_kms_key');
  const expected = world.accounts
    .filter((a) => (a.status ?? 'ACTIVE') === 'ACTIVE' && !a.tags?.['j1-integration'])
    .flatMap((a) => Object.values(a.regions ?? {}).flatMap((r) => (r.kms as { keys?: unknown[] } | undefined)?.keys ?? []));
  t.is(keys.length, expected.length);
  t.is(summary.counts.relationships.aws_kms_has_key, expected.length);
  const legacy = keys.find((k) => k.keyId === '0a1b2c3d-2222-4aaa-8bbb-000000000002');
  t.is(legacy?.keyRotationEnabled, false);
  const awsManaged = keys.find((k) => k.keyManager === 'AWS');
  t.is(awsManaged?.keyRotationEnabled, true);
  t.deepEqual(graphIssues(graph), []);
  t.deepEqual(summary.errors, []);
});
