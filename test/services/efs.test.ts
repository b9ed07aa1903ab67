import test from 'ava';
import type { FileSystemDescription, MountTargetDescription } from '@aws-sdk/client-efs';
import { convertFileSystem, convertFileSystemPolicy, convertMountTarget } from '../../src/services/efs/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '111122223333', region: 'us-west-2' };

// DescribeFileSystems' FileSystemDescription, as the EFS API Reference example shows it.
const fileSystem: FileSystemDescription = {
  OwnerId: '111122223333',
  CreationToken: 'creation-token',
  FileSystemId: 'fs-0123456789abcdef0',
  FileSystemArn: 'arn:aws:elasticfilesystem:us-west-2:111122223333:file-system/fs-0123456789abcdef0',
  CreationTime: new Date('2023-12-10T18:53:34Z'),
  LifeCycleState: 'available',
  Name: 'my-file-system',
  NumberOfMountTargets: 1,
  SizeInBytes: { Value: 6144, ValueInIA: 0, ValueInStandard: 6144 },
  PerformanceMode: 'generalPurpose',
  Encrypted: true,
  KmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/a59b3472-e62c-42e4-adcf-30d92example',
  ThroughputMode: 'elastic',
  Tags: [{ Key: 'Name', Value: 'my-file-system' }],
  FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
};

// DescribeMountTargets' MountTargetDescription (API Reference example).
const mountTarget: MountTargetDescription = {
  OwnerId: '111122223333',
  MountTargetId: 'fsmt-01234567',
  FileSystemId: 'fs-0123456789abcdef0',
  SubnetId: 'subnet-1234567890abcdef0',
  LifeCycleState: 'available',
  IpAddress: '192.0.2.0',
  NetworkInterfaceId: 'eni-1234567890abcdef0',
  AvailabilityZoneId: 'usw2-az2',
  AvailabilityZoneName: 'us-west-2b',
  VpcId: 'vpc-1234567890abcdef0',
};

test('convertFileSystem: encryption, its key, size, modes, tags and the creation time', (t) => {
  const entity = convertFileSystem(fileSystem, scope);
  t.deepEqual(entity._class, ['DataStore']);
  t.like(entity, {
    _key: fileSystem.FileSystemArn,
    name: 'my-file-system',
    fileSystemId: 'fs-0123456789abcdef0',
    encrypted: true,
    kmsKeyId: fileSystem.KmsKeyId,
    sizeInBytes: 6144,
    throughputMode: 'elastic',
    oneZone: false,
    replicationOverwriteProtection: 'ENABLED',
    createdOn: Date.parse('2023-12-10T18:53:34Z'),
    'tag.Name': 'my-file-system',
  });
  t.is(convertFileSystem({ ...fileSystem, Encrypted: false, KmsKeyId: undefined }, scope).encrypted, false);
});

test('convertMountTarget and convertFileSystemPolicy: the network endpoint, and the policy on the shared document model', (t) => {
  const entity = convertMountTarget(mountTarget, scope, ['sg-0b2', 'sg-0a1']);
  t.deepEqual(entity._class, ['NetworkEndpoint']);
  t.like(entity, {
    _key: `${fileSystem.FileSystemArn}/mount-target/fsmt-01234567`,
    ipAddress: '192.0.2.0',
    networkInterfaceId: 'eni-1234567890abcdef0',
    subnetId: 'subnet-1234567890abcdef0',
  });
  t.deepEqual(entity.securityGroupIds, ['sg-0a1', 'sg-0b2']);
  // DescribeFileSystemPolicy's Policy text (the EFS user guide's example: mount only over TLS).
  const text = JSON.stringify({
    Version: '2012-10-17',
    Id: 'efs-policy-wizard-15ad9567-2546-4bbb-8168-5541b6fc0e55',
    Statement: [
      {
        Sid: 'efs-statement-14a7191c-9401-40e7-a388-6af6cfb7dd9c',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: fileSystem.FileSystemArn,
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      },
    ],
  });
  const fs = convertFileSystem(fileSystem, scope);
  const policy = convertFileSystemPolicy(fs, text);
  t.deepEqual(policy._class, ['AccessPolicy']);
  t.is(policy.document, text);
  t.is(policy.statementCount, 1);
  // A TLS condition does not pin the callers: anyone may still mount.
  t.is(policy.public, true);
  const pinned = text.replace('"Bool":{"aws:SecureTransport":"true"}', '"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}');
  t.is(convertFileSystemPolicy(fs, pinned).public, false);
  t.is(convertFileSystemPolicy(fs, 'not a policy').public, undefined);
});

test('the simulated organization: file systems, mount targets in their subnets with interfaces and groups, the key and the policy, one page at a time', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  const fs = 'arn:aws:elasticfilesystem:us-east-1:222222222222:file-system/fs-0222100000000a001';
  t.like(graph.getEntity(fs), { encrypted: true, classification: 'confidential' });
  t.like(graph.getEntity('arn:aws:elasticfilesystem:us-east-1:222222222222:file-system/fs-0222100000000a002'), { encrypted: false, oneZone: true });
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  const target = `${fs}/mount-target/fsmt-0222100000000b001`;
  for (const edge of [
    `${fs} HAS ${target}`,
    `arn:aws:ec2:us-east-1:222222222222:subnet/subnet-02221000000000013 HAS ${target}`,
    `${target} USES arn:aws:ec2:us-east-1:222222222222:network-interface/eni-02221000000000701`,
    `${target} HAS arn:aws:ec2:us-east-1:222222222222:security-group/sg-02221000000000104`,
    `${fs} USES arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000001`,
    `${fs} HAS ${fs}|policy`,
    `${fs}|policy ALLOWS ${fs}`,
  ])
    t.true(edges.has(edge), edge);
  t.is(graph.getEntity(`${fs}|policy`)?.public, true);
  t.deepEqual(graphIssues(graph), []);
});

test('a denied DescribeMountTargets costs the mount targets only', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'efs', operation: 'DescribeMountTargets', error: 'AccessDenied' }];
  const { graph, summary } = await simulate(world);
  t.is(graph.entitiesOfType('aws_efs_file_system').length, 2);
  t.is(graph.entitiesOfType('aws_efs_mount_target').length, 0);
  t.deepEqual(
    summary.errors.map((e) => `${e.account} ${e.region} ${e.operation}`),
    ['222222222222 us-east-1 elasticfilesystem:DescribeMountTargets'],
  );
});
