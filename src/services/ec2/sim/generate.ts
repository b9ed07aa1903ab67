import { createHash } from 'node:crypto';
import type { GenerateInput } from '../../../sim/types';
import type { WorldKms } from '../../kms/sim/simulator';
import type { WorldEc2, WorldInstance, WorldIpPermission, WorldSnapshot, WorldVolume } from './world';

/**
 * A generated `ec2` section for benchmark worlds: `size` instances spread over one VPC per 200
 * instances (each with a public and a private subnet, route tables, an internet gateway, a NAT
 * gateway, a default network ACL, a flow log and a handful of security groups), a root volume per
 * instance and a data volume for some, snapshots, AMIs and key pairs. Ids derive from the account,
 * region and index, so they are unique across the organization and the same from run to run; the
 * seeded `random` only makes the choices (public or not, IMDSv1, open SSH, ...).
 */
export function generateEc2Section({ accountId, region, size, random, sections }: GenerateInput): WorldEc2 {
  const hex = (kind: string, index: number) => createHash('sha256').update(`${accountId}|${region}|${kind}|${index}`).digest('hex').slice(0, 17);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  // KMS is generated after EC2 in the default service order; use its keys when they are there.
  const keys = ((sections.kms as WorldKms | undefined)?.keys ?? []).filter(
    (k) => (k.manager ?? 'CUSTOMER') === 'CUSTOMER' && (k.state ?? 'Enabled') === 'Enabled',
  );
  const vpcCount = Math.max(1, Math.ceil(size / 200));
  const section: Required<
    Pick<
      WorldEc2,
      | 'vpcs'
      | 'subnets'
      | 'routeTables'
      | 'internetGateways'
      | 'natGateways'
      | 'securityGroups'
      | 'networkAcls'
      | 'elasticIps'
      | 'instances'
      | 'volumes'
      | 'snapshots'
      | 'images'
      | 'keyPairs'
      | 'flowLogs'
    >
  > &
    WorldEc2 = {
    EbsEncryptionByDefault: chance(0.5),
    vpcs: [],
    subnets: [],
    routeTables: [],
    internetGateways: [],
    natGateways: [],
    securityGroups: [],
    networkAcls: [],
    elasticIps: [],
    instances: [],
    volumes: [],
    snapshots: [],
    images: [],
    keyPairs: [],
    flowLogs: [],
  };
  let eipCount = 0;
  const newEip = () => {
    eipCount++;
    const AllocationId = `eipalloc-${hex('eip', eipCount)}`;
    const PublicIp = `3.${(eipCount >> 16) & 255}.${(eipCount >> 8) & 255}.${eipCount & 255}`;
    section.elasticIps.push({ AllocationId, PublicIp });
    return section.elasticIps[section.elasticIps.length - 1];
  };

  const groupsByVpc: Array<{ web: string; app: string; ssh: string; extra: string[] }> = [];
  const subnetsByVpc: Array<{ public: string; private: string }> = [];
  const extraGroups = Math.max(0, Math.ceil(size / 10) - 4 * vpcCount);
  const tags = (name: string) => [{ Key: 'Name', Value: name }];
  const tcp = (port: number, to = port) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: to });
  const cidrs = (...blocks: string[]) => blocks.map((CidrIp) => ({ CidrIp }));
  for (let v = 0; v < vpcCount; v++) {
    const vpc = `vpc-${hex('vpc', v)}`;
    const octet = v % 256;
    section.vpcs.push({ VpcId: vpc, CidrBlock: `10.${octet}.0.0/16`, Tags: tags(`generated-vpc-${v}`) });
    const publicSubnet = `subnet-${hex('subnet-public', v)}`;
    const privateSubnet = `subnet-${hex('subnet-private', v)}`;
    section.subnets.push(
      {
        SubnetId: publicSubnet,
        VpcId: vpc,
        CidrBlock: `10.${octet}.0.0/20`,
        AvailabilityZone: `${region}a`,
        MapPublicIpOnLaunch: true,
        Tags: tags(`public-${v}`),
      },
      { SubnetId: privateSubnet, VpcId: vpc, CidrBlock: `10.${octet}.16.0/20`, AvailabilityZone: `${region}b`, Tags: tags(`private-${v}`) },
    );
    subnetsByVpc.push({ public: publicSubnet, private: privateSubnet });
    const igw = `igw-${hex('igw', v)}`;
    section.internetGateways.push({ InternetGatewayId: igw, Attachments: [{ VpcId: vpc }] });
    const nat = `nat-${hex('nat', v)}`;
    section.natGateways.push({ NatGatewayId: nat, SubnetId: publicSubnet, NatGatewayAddresses: [{ AllocationId: newEip().AllocationId }] });
    section.routeTables.push(
      {
        RouteTableId: `rtb-${hex('rtb-main', v)}`,
        VpcId: vpc,
        Associations: [{ Main: true }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }],
      },
      {
        RouteTableId: `rtb-${hex('rtb-public', v)}`,
        VpcId: vpc,
        Associations: [{ SubnetId: publicSubnet }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }],
      },
    );
    section.networkAcls.push({
      NetworkAclId: `acl-${hex('acl', v)}`,
      VpcId: vpc,
      IsDefault: true,
      Associations: [{ SubnetId: publicSubnet }, { SubnetId: privateSubnet }],
      Entries: [
        { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0' },
        { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
      ],
    });
    const group = (kind: string, index: number, GroupName: string, IpPermissions: WorldIpPermission[]): string => {
      const GroupId = `sg-${hex(kind, index)}`;
      section.securityGroups.push({ GroupId, GroupName, VpcId: vpc, IpPermissions });
      return GroupId;
    };
    const defaultGroup = `sg-${hex('sg-default', v)}`;
    section.securityGroups.push({
      GroupId: defaultGroup,
      GroupName: 'default',
      VpcId: vpc,
      IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: defaultGroup }] }],
    });
    const web = group('sg-web', v, `web-${v}`, [{ ...tcp(443), IpRanges: cidrs('0.0.0.0/0'), Ipv6Ranges: [{ CidrIpv6: '::/0' }] }]);
    const app = group('sg-app', v, `app-${v}`, [{ ...tcp(8080), UserIdGroupPairs: [{ GroupId: web }] }]);
    const ssh = group('sg-ssh', v, `ssh-${v}`, [{ ...tcp(22), IpRanges: cidrs(chance(0.1) ? '0.0.0.0/0' : '10.0.0.0/8') }]);
    const extra: string[] = [];
    for (let g = v; g < extraGroups; g += vpcCount) {
      extra.push(group('sg-extra', g, `service-${g}`, [{ ...tcp(1024 + g, 1024 + g + 10), IpRanges: cidrs(`10.${octet}.0.0/16`) }]));
    }
    groupsByVpc.push({ web, app, ssh, extra });
    section.flowLogs.push({
      FlowLogId: `fl-${hex('fl', v)}`,
      ResourceId: vpc,
      LogDestinationType: 's3',
      LogDestination: `arn:aws:s3:::generated-flow-logs-${accountId}`,
    });
  }

  const volumeFor = (VolumeId: string, instance: string | undefined, Size: number): WorldVolume => {
    const Encrypted = chance(0.85);
    const KmsKeyId = Encrypted && keys.length && chance(0.7) ? pick(keys).id : undefined;
    return { VolumeId, Size, Attachments: instance ? [{ InstanceId: instance }] : undefined, Encrypted, KmsKeyId };
  };
  for (let i = 0; i < size; i++) {
    const v = i % vpcCount;
    const isPublic = chance(0.2);
    const groups = groupsByVpc[v];
    const instanceId = `i-${hex('i', i)}`;
    const instance: WorldInstance = {
      InstanceId: instanceId,
      InstanceType: pick(['t3.micro', 't3.medium', 'm5.large', 'm6g.large', 'c5.xlarge']),
      State: { Name: chance(0.9) ? 'running' : 'stopped' },
      SubnetId: isPublic ? subnetsByVpc[v].public : subnetsByVpc[v].private,
      SecurityGroups: (isPublic ? [groups.web, groups.ssh] : [groups.app, ...(groups.extra.length && chance(0.5) ? [pick(groups.extra)] : [])]).map(
        (GroupId) => ({ GroupId }),
      ),
      MetadataOptions: { HttpTokens: chance(0.8) ? 'required' : 'optional' },
      Monitoring: { State: chance(0.3) ? 'enabled' : 'disabled' },
      IamInstanceProfile: chance(0.7) ? { Arn: `arn:aws:iam::${accountId}:instance-profile/app-server-role` } : undefined,
      KeyName: chance(0.5) ? `generated-key-${i % Math.max(1, Math.ceil(size / 50))}` : undefined,
      LaunchTime: new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString(),
      Platform: chance(0.1) ? 'Windows' : undefined,
    };
    section.instances.push(instance);
    if (isPublic && chance(0.25)) newEip().InstanceId = instanceId;
    section.volumes.push(volumeFor(`vol-${hex('vol-root', i)}`, instanceId, 8));
    if (chance(0.3)) section.volumes.push(volumeFor(`vol-${hex('vol-data', i)}`, instanceId, pick([20, 50, 100, 500])));
  }
  for (let u = 0; u < Math.floor(size / 10); u++) section.volumes.push(volumeFor(`vol-${hex('vol-spare', u)}`, undefined, 100));

  const snapshotCount = Math.floor(size / 5);
  for (let s = 0; s < snapshotCount; s++) {
    const volume = pick(section.volumes);
    const snapshot: WorldSnapshot = {
      SnapshotId: `snap-${hex('snap', s)}`,
      VolumeId: volume.VolumeId,
      CreateVolumePermissions: chance(0.02) ? [{ Group: 'all' }] : undefined,
      Description: `backup ${s}`,
    };
    section.snapshots.push(snapshot);
  }
  for (let m = 0; m < Math.max(1, Math.floor(size / 20)); m++) {
    const snapshot = `snap-${hex('snap-ami', m)}`;
    section.snapshots.push({ SnapshotId: snapshot, VolumeSize: 8, Encrypted: true, Description: `root of image ${m}` });
    section.images.push({
      ImageId: `ami-${hex('ami', m)}`,
      Name: `generated-image-${m}`,
      BlockDeviceMappings: [{ Ebs: { SnapshotId: snapshot } }],
      Public: chance(0.02),
    });
  }
  for (let k = 0; k < Math.max(1, Math.ceil(size / 50)); k++)
    section.keyPairs.push({ KeyName: `generated-key-${k}`, KeyType: chance(0.5) ? 'ed25519' : 'rsa' });
  return section;
}
