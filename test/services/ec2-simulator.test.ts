import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetEbsDefaultKmsKeyIdCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import test from 'ava';
import { stringify } from 'yaml';
import { allSimulators, selectCollectors } from '../../src/services';
import { buildEc2Model, ec2Simulator } from '../../src/services/ec2/sim/simulator';
import type { WorldEc2 } from '../../src/services/ec2/sim/world';
import { generateWorld } from '../../src/sim/generate';
import { SimulatedAws } from '../../src/sim/simulator';
import { roleAccessKeyId } from '../../src/sim/identity';
import type { World } from '../../src/sim/types';
import { parseWorld, resourceReferenceProblems, WorldError } from '../../src/sim/world';
import { builtinWorld, builtinWorldData, graphIssues, simulate } from '../helpers/simulate';

function clientFor(world: World, accountId: string, region: string, bucketClock?: () => number): EC2Client {
  const client = new EC2Client({ region, credentials: { accessKeyId: roleAccessKeyId(accountId), secretAccessKey: 'test' }, maxAttempts: 1 });
  client.middlewareStack.use(new SimulatedAws(world, allSimulators(), { bucketClock }).plugin(region));
  return client;
}

function ec2Section(world: World, accountId: string, region: string): WorldEc2 {
  return world.accounts.find((a) => a.id === accountId)?.regions?.[region]?.ec2 as WorldEc2;
}

test('DescribeInstances pages with NextToken, honours filters and ids, and rejects what EC2 rejects', async (t) => {
  const world = builtinWorld();
  world.behaviour = { pageSize: 1 };
  const client = clientFor(world, '222222222222', 'us-east-1');
  const pages = [];
  for await (const page of paginateDescribeInstances({ client }, { MaxResults: 1000 })) pages.push(page);
  t.is(pages.length, 4);
  t.true(pages.slice(0, -1).every((p) => typeof p.NextToken === 'string'));

  const unpaginated = await client.send(new DescribeInstancesCommand({}));
  t.is(unpaginated.Reservations?.length, 4, 'without MaxResults EC2 returns everything at once');
  const legacy = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'metadata-options.http-tokens', Values: ['optional'] }] }));
  t.deepEqual(
    legacy.Reservations?.map((r) => r.Instances?.[0]?.InstanceId),
    ['i-02221000000000204'],
  );
  const app = await client.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:Name', Values: ['app-server-*'] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    }),
  );
  t.is(app.Reservations?.length, 2);
  const one = await client.send(new DescribeInstancesCommand({ InstanceIds: ['i-02221000000000201'] }));
  const bastion = one.Reservations?.[0]?.Instances?.[0];
  t.like(bastion, { PublicIpAddress: '54.210.33.7', KeyName: 'prod-bastion', MetadataOptions: { HttpTokens: 'required' } });
  t.is(bastion?.NetworkInterfaces?.[0]?.Association?.IpOwnerId, '222222222222', 'the Elastic IP is associated with the primary interface');

  await t.throwsAsync(client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] })), {
    name: 'InvalidParameterValue',
    message: /filter 'colour'/,
  });
  await t.throwsAsync(client.send(new DescribeInstancesCommand({ MaxResults: 2 })), { name: 'InvalidParameterValue' });
  await t.throwsAsync(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-02221000000000201'], MaxResults: 5 })), {
    name: 'InvalidParameterCombination',
  });
  await t.throwsAsync(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0000000000000dead'] })), { name: 'InvalidInstanceID.NotFound' });
});

test("snapshots and images: Owners/OwnerIds self lists the account's own; without it others' public and shared ones appear", async (t) => {
  const world = builtinWorld();
  // (The simulator reads a world section once; change it before the first call.)
  ec2Section(world, '222222222222', 'us-east-1').images?.push({
    ImageId: 'ami-0000000000000beef',
    Name: 'public-image',
    BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-02221000000000402' } }],
    Public: true,
  });
  // Production's us-west-2 sees staging's public snapshot only when it does not ask for its own.
  const prodWest = clientFor(world, '222222222222', 'us-west-2');
  t.deepEqual((await prodWest.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots, []);
  t.deepEqual(
    (await prodWest.send(new DescribeSnapshotsCommand({}))).Snapshots?.map((s) => `${s.OwnerId} ${s.SnapshotId}`),
    ['333333333333 snap-03332000000000401'],
  );
  // Staging sees the snapshot production shared with it.
  const stagingEast = clientFor(world, '333333333333', 'us-east-1');
  t.deepEqual(
    (await stagingEast.send(new DescribeSnapshotsCommand({}))).Snapshots?.map((s) => s.SnapshotId),
    ['snap-02221000000000403'],
  );

  const prodEast = clientFor(world, '222222222222', 'us-east-1');
  const own = await prodEast.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], MaxResults: 5 }));
  t.is(own.Snapshots?.length, 3);
  t.deepEqual(
    (await prodEast.send(new DescribeSnapshotAttributeCommand({ SnapshotId: 'snap-02221000000000403', Attribute: 'createVolumePermission' })))
      .CreateVolumePermissions,
    [{ UserId: '333333333333' }],
  );
  await t.throwsAsync(stagingEast.send(new DescribeSnapshotAttributeCommand({ SnapshotId: 'snap-02221000000000403', Attribute: 'createVolumePermission' })), {
    name: 'InvalidSnapshot.NotFound',
  });

  // A public AMI of another account appears without Owners, not with Owners: ['self'].
  const staging = clientFor(world, '333333333333', 'us-east-1');
  t.deepEqual((await staging.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images, []);
  t.deepEqual(
    (await staging.send(new DescribeImagesCommand({}))).Images?.map((i) => i.ImageId),
    ['ami-0000000000000beef'],
  );
});

test('derived resources: interfaces of instances and NAT gateways, peering seen from the accepter, default EBS key', async (t) => {
  const world = builtinWorld();
  const prod = clientFor(world, '222222222222', 'us-east-1');
  const interfaces = (await prod.send(new DescribeNetworkInterfacesCommand({ MaxResults: 5 }))).NetworkInterfaces ?? [];
  t.is(interfaces.length, 5, 'at most MaxResults');
  const all = (await prod.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces ?? [];
  const nat = all.find((i) => i.NetworkInterfaceId === 'eni-02221000000000051');
  t.like(nat, { InterfaceType: 'natGateway', RequesterManaged: true, Association: { PublicIp: '54.210.14.20' } });
  t.regex(all.find((i) => i.Attachment?.InstanceId === 'i-02221000000000202')?.PrivateIpAddress ?? '', /^10\.20\.10\.\d+$/);

  const staging = clientFor(world, '333333333333', 'us-west-2');
  const peerings = (await staging.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections ?? [];
  t.deepEqual(
    peerings.map((p) => p.VpcPeeringConnectionId),
    ['pcx-02221000000000071'],
  );
  t.like(peerings[0], {
    RequesterVpcInfo: { OwnerId: '222222222222', CidrBlock: '10.20.0.0/16', Region: 'us-east-1' },
    AccepterVpcInfo: { OwnerId: '333333333333', CidrBlock: '10.30.0.0/16' },
  });

  t.is((await prod.send(new GetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId, 'arn:aws:kms:us-east-1:222222222222:alias/aws/ebs');
  t.deepEqual((await prod.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs, []);
});

test('EC2 errors and throttling follow EC2: UnauthorizedOperation, RequestLimitExceeded, 50/10 buckets for the heavy calls', async (t) => {
  const world = builtinWorld();
  world.faults = [{ account: '222222222222', service: 'ec2', operation: 'DescribeVpcs', error: 'AccessDenied' }];
  await t.throwsAsync(clientFor(world, '222222222222', 'us-east-1').send(new DescribeVpcsCommand({})), { name: 'UnauthorizedOperation' });
  t.is(ec2Simulator.throttlingName, 'RequestLimitExceeded');
  t.deepEqual(ec2Simulator.bucket?.('DescribeInstances'), { capacity: 50, refillPerSecond: 10 });
  t.deepEqual(ec2Simulator.bucket?.('DescribeVolumes'), { capacity: 50, refillPerSecond: 10 });
  t.deepEqual(ec2Simulator.bucket?.('DescribeVpcs'), { capacity: 100, refillPerSecond: 20 });

  const throttled = builtinWorld();
  throttled.behaviour = { throttling: true };
  // Time stands still while the calls run (however long the machine takes): nothing refills.
  const client = clientFor(throttled, '222222222222', 'us-east-1', () => 0);
  const outcomes = await Promise.allSettled(Array.from({ length: 60 }, () => client.send(new DescribeInstancesCommand({ MaxResults: 5 }))));
  const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  // A bucket of 100 would take all 60; one of 50 turns 10 away.
  t.is(rejected.length, 10, `${rejected.length} of 60 calls throttled`);
  t.is((rejected[0].reason as Error).name, 'RequestLimitExceeded');
});

test('a bad ec2 section gets an error naming the path and the problem; dangling references are named too', (t) => {
  const data = builtinWorldData();
  const section = ec2Section(data, '222222222222', 'us-east-1') as unknown as {
    instances: Array<Record<string, unknown>>;
    securityGroups: Array<{ IpPermissions: Array<{ IpRanges: Array<Record<string, unknown>> }> }>;
  };
  section.instances[0].State = { Name: 'asleep' };
  section.instances[1].colour = 'blue';
  section.securityGroups[1].IpPermissions[0].IpRanges[0].CidrIp = '0.0.0.0/33';
  const error = t.throws(() => parseWorld(stringify(data), 'w.yaml', allSimulators()), { instanceOf: WorldError });
  const message = error?.message ?? '';
  t.regex(message, /accounts\[1\]\.regions\.us-east-1\.ec2\.instances\[0\]\.State\.Name: must be one of "pending", "running"/);
  t.regex(message, /accounts\[1\]\.regions\.us-east-1\.ec2\.instances\[1\]: unknown property "colour"/);
  t.regex(message, /accounts\[1\]\.regions\.us-east-1\.ec2\.securityGroups\[1\]\.IpPermissions\[0\]\.IpRanges\[0\]\.CidrIp: must match pattern/);

  t.throws(
    () =>
      buildEc2Model(
        { vpcs: [{ VpcId: 'vpc-00000001', CidrBlock: '10.0.0.0/16' }], instances: [{ InstanceId: 'i-00000001', SubnetId: 'subnet-00000009' }] },
        '222222222222',
        'us-east-1',
      ),
    {
      message: /account 222222222222, us-east-1: ec2\.instances\[i-00000001\]\.SubnetId: subnet-00000009 is not defined in ec2\.subnets/,
    },
  );
});

test("world ids: only a collection's own id member defines an id, a reference with the same member name does not", (t) => {
  const world = builtinWorldData();
  const idFields = allSimulators().flatMap((simulator) => simulator.idFields ?? []);
  // The partner's VPC of pcx-02221000000000072 (OwnerId outside the world) is not checked.
  t.deepEqual(resourceReferenceProblems(world, idFields), []);
  const section = ec2Section(world, '222222222222', 'us-east-1');
  section.instances![0].SubnetId = 'subnet-0deadbeef0000001';
  section.securityGroups![3].IpPermissions![0].UserIdGroupPairs![0].GroupId = 'sg-0deadbeef0000002';
  t.deepEqual(
    resourceReferenceProblems(world, idFields)
      .map(({ id }) => id)
      .sort(),
    ['sg-0deadbeef0000002', 'subnet-0deadbeef0000001'],
  );
});

test('generated worlds: valid ec2 sections that ingest cleanly and scale with the size', async (t) => {
  const world = generateWorld({ accounts: 2, regions: 2, resourcesPerRegion: 30, pageSize: 7 }, allSimulators());
  t.notThrows(() => parseWorld(stringify(world), 'generated.yaml', allSimulators()));
  const section = ec2Section(world, world.accounts[0].id, 'us-east-1');
  t.is(section.instances?.length, 30);
  t.true((section.volumes?.length ?? 0) >= 30);
  const { graph, summary } = await simulate(world, { collectors: selectCollectors({ include: ['ec2'] }) });
  t.deepEqual(summary.errors, []);
  t.is(summary.counts.entities.aws_instance, 2 * 2 * 30);
  t.true((summary.counts.relationships.aws_security_group_allows_internet ?? 0) > 0);
  t.deepEqual(graphIssues(graph), []);
});
