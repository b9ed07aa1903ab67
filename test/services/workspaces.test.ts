import test from 'ava';
import type { Workspace, WorkspaceBundle } from '@aws-sdk/client-workspaces';
import { convertBundle, convertWorkspace } from '../../src/services/workspaces/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '123456789012', region: 'us-east-1' };

// DescribeWorkspaces' Workspace and DescribeWorkspaceBundles' WorkspaceBundle (WorkSpaces API Reference shapes).
const workspace: Workspace = {
  WorkspaceId: 'ws-dk1xzr417',
  DirectoryId: 'd-906734325d',
  UserName: 'jdoe',
  IpAddress: '10.0.1.33',
  State: 'AVAILABLE',
  BundleId: 'wsb-bh8rsxt14',
  SubnetId: 'subnet-0bb1c79de3EXAMPLE',
  ComputerName: 'WSAMZN-3KWR2T9T',
  VolumeEncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  UserVolumeEncryptionEnabled: true,
  RootVolumeEncryptionEnabled: false,
  WorkspaceProperties: {
    RunningMode: 'AUTO_STOP',
    RunningModeAutoStopTimeoutInMinutes: 60,
    RootVolumeSizeGib: 80,
    UserVolumeSizeGib: 10,
    ComputeTypeName: 'VALUE',
  },
};
const bundle: WorkspaceBundle = {
  BundleId: 'wsb-bh8rsxt14',
  Name: 'Value with Windows 10 (Server 2019 based) (English)',
  Owner: 'AMAZON',
  Description: 'Value with Windows 10 and Office 2019',
  ImageId: 'wsi-5j7b1bbgk',
  RootStorage: { Capacity: '80' },
  UserStorage: { Capacity: '10' },
  ComputeType: { Name: 'VALUE' },
  LastUpdatedTime: new Date('2023-05-15T18:00:00Z'),
};

test('convertWorkspace: a Host with its user, network, volumes encryption and tags', (t) => {
  const entity = convertWorkspace(workspace, scope, [{ Key: 'owner', Value: 'jdoe@example.com' }]);
  t.deepEqual(entity._class, ['Host']);
  t.like(entity, {
    _key: 'arn:aws:workspaces:us-east-1:123456789012:workspace/ws-dk1xzr417',
    name: 'WSAMZN-3KWR2T9T',
    hostname: 'WSAMZN-3KWR2T9T',
    userName: 'jdoe',
    subnetId: 'subnet-0bb1c79de3EXAMPLE',
    userVolumeEncryptionEnabled: true,
    rootVolumeEncryptionEnabled: false,
    encrypted: false,
    runningMode: 'AUTO_STOP',
    owner: 'jdoe@example.com',
  });
  t.deepEqual(entity.privateIpAddresses, ['10.0.1.33']);
});

test("convertBundle: Amazon's public bundles carry no account in their key", (t) => {
  const entity = convertBundle(bundle, scope);
  t.deepEqual(entity._class, ['Configuration']);
  t.like(entity, {
    _key: 'arn:aws:workspaces:us-east-1::workspacebundle/wsb-bh8rsxt14',
    owner: 'AMAZON',
    accountId: undefined,
    computeTypeName: 'VALUE',
    updatedOn: Date.parse('2023-05-15T18:00:00Z'),
  });
  t.is(convertBundle({ ...bundle, Owner: '123456789012' }, scope)._key, 'arn:aws:workspaces:us-east-1:123456789012:workspacebundle/wsb-bh8rsxt14');
});

test('the simulated organization: workspaces in their subnets on their bundles (own and Amazon), one page at a time', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  const alice = 'arn:aws:workspaces:us-east-1:222222222222:workspace/ws-0222100c1';
  const bob = 'arn:aws:workspaces:us-east-1:222222222222:workspace/ws-0222100c2';
  t.like(graph.getEntity(alice), { encrypted: true, owner: 'alice@acme.example' });
  t.like(graph.getEntity(bob), { encrypted: false });
  for (const edge of [
    `arn:aws:ec2:us-east-1:222222222222:subnet/subnet-02221000000000013 HAS ${alice}`,
    `${alice} USES arn:aws:workspaces:us-east-1:222222222222:workspacebundle/wsb-0222100b1`,
    `${bob} USES arn:aws:workspaces:us-east-1::workspacebundle/wsb-bh8rsxt14`,
    `${alice} USES arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000001`,
  ])
    t.true(edges.has(edge), edge);
  t.is(graph.entitiesOfType('aws_workspaces_bundle').length, 2);
  // Amazon's bundle is no account's: a mapped entity, the account's own one is ingested.
  t.is(graph.getEntity('arn:aws:workspaces:us-east-1::workspacebundle/wsb-bh8rsxt14')?._source, 'system-mapper');
  t.not(graph.getEntity('arn:aws:workspaces:us-east-1:222222222222:workspacebundle/wsb-0222100b1')?._source, 'system-mapper');
  t.deepEqual(graphIssues(graph), []);
});
