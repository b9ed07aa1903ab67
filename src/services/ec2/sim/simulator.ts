import { createHash } from 'node:crypto';
import type {
  Address,
  CreateVolumePermission,
  DescribeAddressesCommandInput,
  DescribeAddressesCommandOutput,
  DescribeFlowLogsCommandInput,
  DescribeFlowLogsCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeInternetGatewaysCommandInput,
  DescribeInternetGatewaysCommandOutput,
  DescribeKeyPairsCommandInput,
  DescribeKeyPairsCommandOutput,
  DescribeNatGatewaysCommandInput,
  DescribeNatGatewaysCommandOutput,
  DescribeNetworkAclsCommandInput,
  DescribeNetworkAclsCommandOutput,
  DescribeNetworkInterfacesCommandInput,
  DescribeNetworkInterfacesCommandOutput,
  DescribeRouteTablesCommandInput,
  DescribeRouteTablesCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSnapshotAttributeCommandInput,
  DescribeSnapshotAttributeCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  DescribeVolumesCommandInput,
  DescribeVolumesCommandOutput,
  DescribeVpcPeeringConnectionsCommandInput,
  DescribeVpcPeeringConnectionsCommandOutput,
  DescribeVpcsCommandInput,
  DescribeVpcsCommandOutput,
  DescribeVpnGatewaysCommandInput,
  DescribeVpnGatewaysCommandOutput,
  FlowLog,
  GetEbsDefaultKmsKeyIdCommandInput,
  GetEbsDefaultKmsKeyIdCommandOutput,
  GetEbsEncryptionByDefaultCommandInput,
  GetEbsEncryptionByDefaultCommandOutput,
  Image,
  Instance,
  InstanceNetworkInterface,
  InternetGateway,
  IpPermission,
  KeyPairInfo,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Reservation,
  Route,
  RouteTable,
  SecurityGroup,
  Snapshot,
  Subnet,
  Tag,
  Volume,
  Vpc,
  VpcPeeringConnection,
  VpnGateway,
} from '@aws-sdk/client-ec2';
import { custom, defineSimulatedService, list } from '../../../sim/service-kit';
import { accountOf } from '../../../sim/accounts';
import type { SimCallContext, World, WorldAccount } from '../../../sim/types';
import type { WorldKms } from '../../kms/sim/simulator';
import { generateEc2Section } from './generate';
import {
  ec2Collections,
  ec2SectionFields,
  type Tags,
  type WorldEc2,
  type WorldElasticIp,
  type WorldInstance,
  type WorldNetworkAclEntry,
  type WorldPeeringConnection,
  type WorldSecurityGroupRule,
  type WorldSubnet,
  type WorldVolume,
} from './world';

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** Deterministic hex derived from a text (ids, MACs, fingerprints of derived resources). */
function hashHex(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function tagList(tags: Tags | undefined): Tag[] | undefined {
  return tags ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : undefined;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function cidrParts(cidr: string): { base: number; size: number } {
  const [ip, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  return { base: ipToNumber(ip) - (ipToNumber(ip) % size), size };
}

/** Ports of a world rule: `22` or `"1024-65535"`. */
function portRange(ports: number | string | undefined): { from: number; to: number } | undefined {
  if (ports === undefined) return undefined;
  const [from, to] = String(ports).split('-').map(Number);
  return { from, to: to ?? from };
}

const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', icmpv6: '58', all: '-1', '-1': '-1' };

const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

const DEFAULT_TIME = '2023-01-15T10:00:00Z';

// ---------------------------------------------------------------------------------------------
// The model: what EC2 returns for one account and region, derived once from the world section
// ---------------------------------------------------------------------------------------------

interface InterfaceRecord {
  id: string;
  subnet: WorldSubnet;
  vpcId: string;
  privateIp: string;
  groups: string[];
  description: string;
  type: NetworkInterface['InterfaceType'];
  attachment?: { instanceId: string; deviceIndex: number; attachTime: Date };
  eip?: WorldElasticIp;
  publicIp?: string;
  requesterManaged: boolean;
  tags?: Tags;
}

export interface Ec2Model {
  vpcs: Vpc[];
  subnets: Subnet[];
  routeTables: RouteTable[];
  internetGateways: InternetGateway[];
  natGateways: NatGateway[];
  vpnGateways: VpnGateway[];
  securityGroups: SecurityGroup[];
  networkAcls: NetworkAcl[];
  networkInterfaces: NetworkInterface[];
  addresses: Address[];
  reservations: Reservation[];
  volumes: Volume[];
  snapshots: Snapshot[];
  createVolumePermissions: Map<string, CreateVolumePermission[]>;
  images: Image[];
  keyPairs: KeyPairInfo[];
  flowLogs: FlowLog[];
  ebsEncryptionByDefault: boolean;
  ebsDefaultKmsKeyId: string;
}

class WorldReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorldReferenceError';
  }
}

function indexBy<T>(items: T[] | undefined, key: (item: T) => string): Map<string, T> {
  return new Map((items ?? []).map((item) => [key(item), item]));
}

/** Builds the model of one section; dangling references (an instance in an unknown subnet) are named. */
export function buildEc2Model(section: WorldEc2, accountId: string, region: string, kms?: WorldKms): Ec2Model {
  const where = `simulated world, account ${accountId}, ${region}: ec2`;
  const need = <T>(map: Map<string, T>, id: string, path: string, list: string): T => {
    const found = map.get(id);
    if (!found) throw new WorldReferenceError(`${where}.${path}: ${id} is not defined in ec2.${list}`);
    return found;
  };
  const vpcs = indexBy(section.vpcs, (v) => v.id);
  const subnets = indexBy(section.subnets, (s) => s.id);
  const groups = indexBy(section.securityGroups, (g) => g.id);
  const instances = indexBy(section.instances, (i) => i.id);
  const snapshots = indexBy(section.snapshots, (s) => s.id);
  const eips = indexBy(section.elasticIps, (e) => e.allocationId);
  const kmsArn = (reference: string) => (reference.startsWith('arn:') ? reference : `arn:aws:kms:${region}:${accountId}:key/${reference}`);
  const awsEbsKey = kms?.keys?.find((key) => key.aliases?.includes('alias/aws/ebs'));
  const defaultKeyArn = section.ebsDefaultKmsKeyId
    ? kmsArn(section.ebsDefaultKmsKeyId)
    : awsEbsKey
      ? kmsArn(awsEbsKey.id)
      : kmsArn(`${hashHex(`${accountId}${region}`, 8)}-0000-4000-8000-${hashHex(`${accountId}${region}ebs`, 12)}`);
  const azOf = (subnet: WorldSubnet) => subnet.az ?? `${region}a`;
  const mac = (id: string) => `02:${hashHex(id, 10).match(/../g)?.join(':')}`;
  const usedIps = new Map<string, number>();
  const allocateIp = (subnet: WorldSubnet, explicit?: string) => {
    usedIps.set(subnet.id, (usedIps.get(subnet.id) ?? 0) + 1);
    if (explicit) return explicit;
    const { base } = cidrParts(subnet.cidr);
    return numberToIp(base + 9 + (usedIps.get(subnet.id) ?? 0));
  };
  const groupRefs = (ids: string[] | undefined, path: string) =>
    (ids ?? []).map((id) => ({ GroupId: id, GroupName: need(groups, id, path, 'securityGroups').name }));

  // Network interfaces: instances' primary ones, NAT gateways', and the ones listed explicitly.
  const interfaces: InterfaceRecord[] = [];
  const eipFor = (test: (eip: WorldElasticIp) => boolean) => section.elasticIps?.find(test);
  const primaryInterface = new Map<string, InterfaceRecord>();
  for (const instance of section.instances ?? []) {
    const subnet = need(subnets, instance.subnet, `instances[${instance.id}].subnet`, 'subnets');
    const record: InterfaceRecord = {
      id: instance.eni ?? `eni-${instance.id.slice(2)}`,
      subnet,
      vpcId: subnet.vpc,
      privateIp: allocateIp(subnet, instance.privateIp),
      groups: instance.securityGroups ?? [],
      description: '',
      type: 'interface',
      attachment: { instanceId: instance.id, deviceIndex: 0, attachTime: new Date(instance.launchTime ?? DEFAULT_TIME) },
      eip: eipFor((e) => e.instance === instance.id || e.networkInterface === (instance.eni ?? `eni-${instance.id.slice(2)}`)),
      requesterManaged: false,
    };
    const stopped = instance.state === 'stopped' || instance.state === 'terminated' || instance.state === 'stopping';
    record.publicIp = record.eip?.publicIp ?? (stopped ? undefined : instance.publicIp);
    interfaces.push(record);
    primaryInterface.set(instance.id, record);
  }
  const natInterface = new Map<string, InterfaceRecord>();
  for (const nat of section.natGateways ?? []) {
    const subnet = need(subnets, nat.subnet, `natGateways[${nat.id}].subnet`, 'subnets');
    const eip = nat.eip ? need(eips, nat.eip, `natGateways[${nat.id}].eip`, 'elasticIps') : undefined;
    const record: InterfaceRecord = {
      id: nat.eni ?? `eni-${nat.id.slice(4)}`,
      subnet,
      vpcId: subnet.vpc,
      privateIp: allocateIp(subnet, nat.privateIp),
      groups: [],
      description: `Interface for NAT Gateway ${nat.id}`,
      type: 'natGateway',
      eip,
      publicIp: eip?.publicIp,
      requesterManaged: true,
    };
    interfaces.push(record);
    natInterface.set(nat.id, record);
  }
  for (const eni of section.networkInterfaces ?? []) {
    const subnet = need(subnets, eni.subnet, `networkInterfaces[${eni.id}].subnet`, 'subnets');
    const eip = eipFor((e) => e.networkInterface === eni.id);
    if (eni.instance) need(instances, eni.instance, `networkInterfaces[${eni.id}].instance`, 'instances');
    interfaces.push({
      id: eni.id,
      subnet,
      vpcId: subnet.vpc,
      privateIp: allocateIp(subnet, eni.privateIp),
      groups: eni.securityGroups ?? [],
      description: eni.description ?? '',
      type: eni.type ?? 'interface',
      attachment: eni.instance
        ? { instanceId: eni.instance, deviceIndex: eni.deviceIndex ?? 1, attachTime: new Date(instances.get(eni.instance)?.launchTime ?? DEFAULT_TIME) }
        : undefined,
      eip,
      publicIp: eip?.publicIp,
      requesterManaged: false,
      tags: eni.tags,
    });
  }
  const interfaceById = indexBy(interfaces, (i) => i.id);
  for (const eip of section.elasticIps ?? []) {
    if (eip.instance) need(instances, eip.instance, `elasticIps[${eip.allocationId}].instance`, 'instances');
    if (eip.networkInterface) need(interfaceById, eip.networkInterface, `elasticIps[${eip.allocationId}].networkInterface`, 'networkInterfaces');
  }

  const eipAssociation = (record: InterfaceRecord) =>
    record.publicIp
      ? {
          PublicIp: record.publicIp,
          IpOwnerId: record.eip ? accountId : 'amazon',
          PublicDnsName: publicDns(record.publicIp, region),
          ...(record.eip ? { AllocationId: record.eip.allocationId, AssociationId: `eipassoc-${hashHex(record.eip.allocationId, 17)}` } : {}),
        }
      : undefined;
  const groupsOf = (record: InterfaceRecord) => groupRefs(record.groups, `networkInterfaces[${record.id}].securityGroups`);

  const networkInterfaces: NetworkInterface[] = interfaces.map((record) => ({
    NetworkInterfaceId: record.id,
    OwnerId: accountId,
    SubnetId: record.subnet.id,
    VpcId: record.vpcId,
    AvailabilityZone: azOf(record.subnet),
    Description: record.description,
    InterfaceType: record.type,
    Status: record.attachment || record.type === 'natGateway' ? 'in-use' : 'available',
    MacAddress: mac(record.id),
    PrivateIpAddress: record.privateIp,
    PrivateDnsName: privateDns(record.privateIp, region),
    PrivateIpAddresses: [
      { Primary: true, PrivateIpAddress: record.privateIp, PrivateDnsName: privateDns(record.privateIp, region), Association: eipAssociation(record) },
    ],
    Association: eipAssociation(record),
    Groups: groupsOf(record),
    Attachment: record.attachment
      ? {
          AttachmentId: `eni-attach-${hashHex(record.id, 17)}`,
          InstanceId: record.attachment.instanceId,
          InstanceOwnerId: accountId,
          DeviceIndex: record.attachment.deviceIndex,
          Status: 'attached',
          AttachTime: record.attachment.attachTime,
          DeleteOnTermination: record.attachment.deviceIndex === 0,
        }
      : undefined,
    RequesterManaged: record.requesterManaged,
    RequesterId: record.type === 'natGateway' ? 'AIDAIS3SIMULATEDNATGW' : undefined,
    SourceDestCheck: record.type !== 'natGateway',
    Ipv6Addresses: [],
    TagSet: tagList(record.tags) ?? [],
  }));

  const addresses: Address[] = (section.elasticIps ?? []).map((eip) => {
    const record = interfaces.find((i) => i.eip?.allocationId === eip.allocationId);
    return {
      AllocationId: eip.allocationId,
      PublicIp: eip.publicIp,
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: region,
      ...(record
        ? {
            AssociationId: `eipassoc-${hashHex(eip.allocationId, 17)}`,
            NetworkInterfaceId: record.id,
            NetworkInterfaceOwnerId: accountId,
            PrivateIpAddress: record.privateIp,
            InstanceId: record.attachment?.deviceIndex === 0 ? record.attachment.instanceId : undefined,
          }
        : {}),
      Tags: tagList(eip.tags),
    };
  });

  // Volumes and their attachments.
  const volumeList: Volume[] = [];
  const devicesByInstance = new Map<string, Array<{ volume: WorldVolume; device: string }>>();
  for (const volume of section.volumes ?? []) {
    const instance = volume.instance ? need(instances, volume.instance, `volumes[${volume.id}].instance`, 'instances') : undefined;
    const attachedSoFar = instance ? (devicesByInstance.get(instance.id) ?? []) : [];
    const device = volume.device ?? (attachedSoFar.length === 0 ? '/dev/xvda' : `/dev/sd${String.fromCharCode(101 + attachedSoFar.length)}`);
    if (instance) devicesByInstance.set(instance.id, [...attachedSoFar, { volume, device }]);
    const encrypted = volume.encrypted ?? (volume.kmsKeyId ? true : (section.ebsEncryptionByDefault ?? false));
    const type = volume.type ?? 'gp3';
    const az = volume.az ?? (instance ? azOf(need(subnets, instance.subnet, `instances[${instance.id}].subnet`, 'subnets')) : `${region}a`);
    const createdAt = new Date(volume.createdAt ?? instance?.launchTime ?? DEFAULT_TIME);
    volumeList.push({
      VolumeId: volume.id,
      Size: volume.size ?? 8,
      VolumeType: type,
      Iops: volume.iops ?? (type === 'gp3' ? 3000 : type === 'gp2' ? Math.max(100, 3 * (volume.size ?? 8)) : undefined),
      Throughput: type === 'gp3' ? 125 : undefined,
      AvailabilityZone: az,
      CreateTime: createdAt,
      Encrypted: encrypted,
      KmsKeyId: encrypted ? (volume.kmsKeyId ? kmsArn(volume.kmsKeyId) : defaultKeyArn) : undefined,
      SnapshotId: volume.snapshot ?? '',
      State: volume.state ?? (instance ? 'in-use' : 'available'),
      Attachments: instance
        ? [
            {
              VolumeId: volume.id,
              InstanceId: instance.id,
              Device: device,
              State: 'attached',
              AttachTime: createdAt,
              DeleteOnTermination: volume.deleteOnTermination ?? device === '/dev/xvda',
            },
          ]
        : [],
      MultiAttachEnabled: false,
      Tags: tagList(volume.tags),
    });
  }
  const volumeById = indexBy(volumeList, (v) => v.VolumeId ?? '');

  // Instances.
  const reservations: Reservation[] = (section.instances ?? []).map((instance) => {
    const primary = primaryInterface.get(instance.id) as InterfaceRecord;
    const attached = interfaces
      .filter((record) => record.attachment?.instanceId === instance.id)
      .sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0));
    return {
      ReservationId: `r-${hashHex(instance.id, 17)}`,
      OwnerId: accountId,
      Groups: [],
      Instances: [instanceOf(instance, primary, attached, devicesByInstance.get(instance.id) ?? [], volumeById)],
    };
  });
  function instanceOf(
    instance: WorldInstance,
    primary: InterfaceRecord,
    attached: InterfaceRecord[],
    devices: Array<{ volume: WorldVolume; device: string }>,
    volumeIndex: Map<string, Volume>,
  ): Instance {
    const state = instance.state ?? 'running';
    const windows = instance.platform === 'windows';
    const type = instance.type ?? 't3.micro';
    const launch = new Date(instance.launchTime ?? DEFAULT_TIME);
    return {
      InstanceId: instance.id,
      ImageId: instance.image ?? `ami-${hashHex(`${region}base`, 17)}`,
      InstanceType: type as Instance['InstanceType'],
      KeyName: instance.keyName,
      LaunchTime: launch,
      Placement: { AvailabilityZone: azOf(primary.subnet), Tenancy: 'default' },
      Monitoring: { State: instance.monitoring ? 'enabled' : 'disabled' },
      State: { Code: STATE_CODES[state], Name: state },
      StateTransitionReason:
        state === 'stopped'
          ? `User initiated (${launch
              .toISOString()
              .replace('T', ' ')
              .replace(/\.\d+Z$/, ' GMT')})`
          : '',
      PrivateDnsName: privateDns(primary.privateIp, region),
      PrivateIpAddress: primary.privateIp,
      PublicDnsName: primary.publicIp ? publicDns(primary.publicIp, region) : '',
      PublicIpAddress: primary.publicIp,
      SubnetId: primary.subnet.id,
      VpcId: primary.vpcId,
      Architecture: /^[a-z]\d+g/.test(type) ? 'arm64' : 'x86_64',
      RootDeviceName: '/dev/xvda',
      RootDeviceType: 'ebs',
      BlockDeviceMappings: devices.map(({ volume, device }) => ({
        DeviceName: device,
        Ebs: {
          VolumeId: volume.id,
          Status: 'attached',
          AttachTime: volumeIndex.get(volume.id)?.Attachments?.[0]?.AttachTime,
          DeleteOnTermination: volumeIndex.get(volume.id)?.Attachments?.[0]?.DeleteOnTermination,
        },
      })),
      NetworkInterfaces: attached.map((record): InstanceNetworkInterface => {
        const described = networkInterfaces.find((eni) => eni.NetworkInterfaceId === record.id) as NetworkInterface;
        return {
          NetworkInterfaceId: record.id,
          OwnerId: accountId,
          SubnetId: record.subnet.id,
          VpcId: record.vpcId,
          Description: record.description,
          MacAddress: described.MacAddress,
          PrivateIpAddress: record.privateIp,
          PrivateDnsName: described.PrivateDnsName,
          PrivateIpAddresses: described.PrivateIpAddresses?.map((p) => ({
            Primary: p.Primary,
            PrivateIpAddress: p.PrivateIpAddress,
            PrivateDnsName: p.PrivateDnsName,
            Association: described.Association,
          })),
          Association: described.Association
            ? { PublicIp: described.Association.PublicIp, IpOwnerId: described.Association.IpOwnerId, PublicDnsName: described.Association.PublicDnsName }
            : undefined,
          Attachment: {
            AttachmentId: described.Attachment?.AttachmentId,
            DeviceIndex: record.attachment?.deviceIndex,
            Status: 'attached',
            AttachTime: record.attachment?.attachTime,
            DeleteOnTermination: record.attachment?.deviceIndex === 0,
          },
          Groups: described.Groups,
          Status: 'in-use',
          SourceDestCheck: true,
          InterfaceType: 'interface',
          Ipv6Addresses: [],
        };
      }),
      SecurityGroups: groupRefs(instance.securityGroups, `instances[${instance.id}].securityGroups`),
      IamInstanceProfile: instance.instanceProfile
        ? {
            Arn: `arn:aws:iam::${accountId}:instance-profile/${instance.instanceProfile}`,
            Id: `AIPA${hashHex(`${accountId}${instance.instanceProfile}`, 17).toUpperCase()}`,
          }
        : undefined,
      MetadataOptions: {
        State: 'applied',
        HttpTokens: instance.httpTokens ?? 'required',
        HttpPutResponseHopLimit: instance.httpTokens === 'optional' ? 1 : 2,
        HttpEndpoint: instance.httpEndpoint ?? 'enabled',
        HttpProtocolIpv6: 'disabled',
        InstanceMetadataTags: 'disabled',
      },
      Platform: windows ? 'Windows' : undefined,
      PlatformDetails: windows ? 'Windows' : 'Linux/UNIX',
      UsageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
      Hypervisor: 'xen',
      VirtualizationType: 'hvm',
      EbsOptimized: true,
      EnaSupport: true,
      SourceDestCheck: true,
      Tags: tagList(instance.tags),
    };
  }

  // Snapshots, images, key pairs.
  const createVolumePermissions = new Map<string, CreateVolumePermission[]>();
  const snapshotList: Snapshot[] = (section.snapshots ?? []).map((snapshot) => {
    const volume = snapshot.volume ? volumeById.get(snapshot.volume) : undefined;
    const encrypted = snapshot.encrypted ?? volume?.Encrypted ?? false;
    createVolumePermissions.set(snapshot.id, [
      ...(snapshot.public ? [{ Group: 'all' as const }] : []),
      ...(snapshot.sharedWith ?? []).map((UserId) => ({ UserId })),
    ]);
    return {
      SnapshotId: snapshot.id,
      OwnerId: accountId,
      VolumeId: snapshot.volume ?? 'vol-ffffffff',
      VolumeSize: snapshot.size ?? volume?.Size ?? 8,
      Description: snapshot.description ?? '',
      State: snapshot.state ?? 'completed',
      Progress: (snapshot.state ?? 'completed') === 'completed' ? '100%' : '42%',
      StartTime: new Date(snapshot.createdAt ?? DEFAULT_TIME),
      Encrypted: encrypted,
      KmsKeyId: encrypted ? (snapshot.kmsKeyId ? kmsArn(snapshot.kmsKeyId) : (volume?.KmsKeyId ?? defaultKeyArn)) : undefined,
      StorageTier: 'standard',
      Tags: tagList(snapshot.tags),
    };
  });
  const images: Image[] = (section.images ?? []).map((image) => {
    if (image.snapshot) need(snapshots, image.snapshot, `images[${image.id}].snapshot`, 'snapshots');
    const snapshot = image.snapshot ? snapshotList.find((s) => s.SnapshotId === image.snapshot) : undefined;
    const windows = image.platform === 'windows';
    return {
      ImageId: image.id,
      Name: image.name,
      Description: image.description,
      OwnerId: accountId,
      Public: image.public ?? false,
      State: image.state ?? 'available',
      CreationDate: new Date(image.createdAt ?? DEFAULT_TIME).toISOString(),
      Architecture: image.architecture ?? 'x86_64',
      ImageType: 'machine',
      ImageLocation: `${accountId}/${image.name}`,
      Platform: windows ? 'Windows' : undefined,
      PlatformDetails: windows ? 'Windows' : 'Linux/UNIX',
      UsageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
      RootDeviceName: '/dev/xvda',
      RootDeviceType: 'ebs',
      VirtualizationType: 'hvm',
      Hypervisor: 'xen',
      EnaSupport: true,
      BootMode: 'uefi-preferred',
      ImdsSupport: 'v2.0',
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: {
            SnapshotId: image.snapshot,
            VolumeSize: snapshot?.VolumeSize ?? 8,
            VolumeType: 'gp3',
            Encrypted: snapshot?.Encrypted ?? false,
            DeleteOnTermination: true,
          },
        },
      ],
      Tags: tagList(image.tags),
    };
  });
  const keyPairs: KeyPairInfo[] = (section.keyPairs ?? []).map((key) => ({
    KeyPairId: key.id ?? `key-${hashHex(`${accountId}${region}${key.name}`, 17)}`,
    KeyName: key.name,
    KeyType: key.type ?? 'rsa',
    KeyFingerprint:
      key.fingerprint ??
      ((key.type ?? 'rsa') === 'rsa'
        ? (hashHex(`${accountId}${key.name}`, 40).match(/../g) ?? []).join(':')
        : `${createHash('sha256').update(`${accountId}${key.name}`).digest('base64')}`),
    CreateTime: new Date(key.createdAt ?? DEFAULT_TIME),
    Tags: tagList(key.tags),
  }));

  // VPCs, subnets, routing, gateways, firewalls, flow logs.
  const vpcList: Vpc[] = (section.vpcs ?? []).map((vpc) => ({
    VpcId: vpc.id,
    OwnerId: accountId,
    CidrBlock: vpc.cidr,
    CidrBlockAssociationSet: [{ AssociationId: `vpc-cidr-assoc-${hashHex(vpc.id, 17)}`, CidrBlock: vpc.cidr, CidrBlockState: { State: 'associated' } }],
    Ipv6CidrBlockAssociationSet: vpc.ipv6Cidr
      ? [
          {
            AssociationId: `vpc-cidr-assoc-${hashHex(`${vpc.id}v6`, 17)}`,
            Ipv6CidrBlock: vpc.ipv6Cidr,
            Ipv6CidrBlockState: { State: 'associated' },
            NetworkBorderGroup: region,
            Ipv6Pool: 'Amazon',
          },
        ]
      : undefined,
    IsDefault: vpc.default ?? false,
    State: vpc.state ?? 'available',
    InstanceTenancy: 'default',
    DhcpOptionsId: `dopt-${hashHex(`${accountId}${region}`, 17)}`,
    Tags: tagList(vpc.tags),
  }));
  const subnetList: Subnet[] = (section.subnets ?? []).map((subnet) => {
    need(vpcs, subnet.vpc, `subnets[${subnet.id}].vpc`, 'vpcs');
    return {
      SubnetId: subnet.id,
      SubnetArn: `arn:aws:ec2:${region}:${accountId}:subnet/${subnet.id}`,
      VpcId: subnet.vpc,
      OwnerId: accountId,
      CidrBlock: subnet.cidr,
      Ipv6CidrBlockAssociationSet: subnet.ipv6Cidr
        ? [{ AssociationId: `subnet-cidr-assoc-${hashHex(subnet.id, 17)}`, Ipv6CidrBlock: subnet.ipv6Cidr, Ipv6CidrBlockState: { State: 'associated' } }]
        : [],
      AvailabilityZone: azOf(subnet),
      AvailabilityZoneId: availabilityZoneId(region, azOf(subnet)),
      AvailableIpAddressCount: Math.max(0, cidrParts(subnet.cidr).size - 5 - (usedIps.get(subnet.id) ?? 0)),
      MapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch ?? false,
      DefaultForAz: subnet.defaultForAz ?? false,
      State: 'available',
      Tags: tagList(subnet.tags),
    };
  });
  const routeTables: RouteTable[] = (section.routeTables ?? []).map((table) => {
    const vpc = need(vpcs, table.vpc, `routeTables[${table.id}].vpc`, 'vpcs');
    const routes: Route[] = [
      { DestinationCidrBlock: vpc.cidr, GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
      ...(vpc.ipv6Cidr ? [{ DestinationIpv6CidrBlock: vpc.ipv6Cidr, GatewayId: 'local', State: 'active' as const, Origin: 'CreateRouteTable' as const }] : []),
      ...(table.routes ?? []).map((route): Route => {
        const destination = route.destination.startsWith('pl-')
          ? { DestinationPrefixListId: route.destination }
          : route.destination.includes(':')
            ? { DestinationIpv6CidrBlock: route.destination }
            : { DestinationCidrBlock: route.destination };
        const prefix = route.target.split('-')[0];
        const target =
          prefix === 'nat'
            ? { NatGatewayId: route.target }
            : prefix === 'pcx'
              ? { VpcPeeringConnectionId: route.target }
              : prefix === 'tgw'
                ? { TransitGatewayId: route.target }
                : prefix === 'eigw'
                  ? { EgressOnlyInternetGatewayId: route.target }
                  : prefix === 'eni'
                    ? { NetworkInterfaceId: route.target }
                    : prefix === 'i'
                      ? { InstanceId: route.target }
                      : { GatewayId: route.target };
        return { ...destination, ...target, State: route.state ?? 'active', Origin: 'CreateRoute' };
      }),
    ];
    const associations = [
      ...(table.main
        ? [
            {
              Main: true,
              RouteTableAssociationId: `rtbassoc-${hashHex(`${table.id}main`, 17)}`,
              RouteTableId: table.id,
              AssociationState: { State: 'associated' as const },
            },
          ]
        : []),
      ...(table.subnets ?? []).map((subnetId) => {
        need(subnets, subnetId, `routeTables[${table.id}].subnets`, 'subnets');
        return {
          Main: false,
          RouteTableAssociationId: `rtbassoc-${hashHex(`${table.id}${subnetId}`, 17)}`,
          RouteTableId: table.id,
          SubnetId: subnetId,
          AssociationState: { State: 'associated' as const },
        };
      }),
    ];
    return {
      RouteTableId: table.id,
      VpcId: table.vpc,
      OwnerId: accountId,
      Routes: routes,
      Associations: associations,
      PropagatingVgws: [],
      Tags: tagList(table.tags),
    };
  });
  const internetGateways: InternetGateway[] = (section.internetGateways ?? []).map((gateway) => {
    if (gateway.vpc) need(vpcs, gateway.vpc, `internetGateways[${gateway.id}].vpc`, 'vpcs');
    return {
      InternetGatewayId: gateway.id,
      OwnerId: accountId,
      Attachments: gateway.vpc ? [{ VpcId: gateway.vpc, State: 'attached' }] : [],
      Tags: tagList(gateway.tags),
    };
  });
  const natGateways: NatGateway[] = (section.natGateways ?? []).map((nat) => {
    const record = natInterface.get(nat.id) as InterfaceRecord;
    return {
      NatGatewayId: nat.id,
      SubnetId: nat.subnet,
      VpcId: record.vpcId,
      State: nat.state ?? 'available',
      ConnectivityType: nat.connectivity ?? (nat.eip ? 'public' : 'private'),
      CreateTime: new Date(nat.createdAt ?? DEFAULT_TIME),
      NatGatewayAddresses: [
        {
          AllocationId: nat.eip,
          NetworkInterfaceId: record.id,
          PrivateIp: record.privateIp,
          PublicIp: record.publicIp,
          IsPrimary: true,
          Status: 'succeeded',
          AssociationId: nat.eip ? `eipassoc-${hashHex(nat.eip, 17)}` : undefined,
        },
      ],
      Tags: tagList(nat.tags),
    };
  });
  const vpnGateways: VpnGateway[] = (section.vpnGateways ?? []).map((gateway) => {
    if (gateway.vpc) need(vpcs, gateway.vpc, `vpnGateways[${gateway.id}].vpc`, 'vpcs');
    return {
      VpnGatewayId: gateway.id,
      State: gateway.state ?? 'available',
      Type: 'ipsec.1',
      AmazonSideAsn: gateway.asn ?? 64512,
      VpcAttachments: gateway.vpc ? [{ VpcId: gateway.vpc, State: 'attached' }] : [],
      Tags: tagList(gateway.tags),
    };
  });
  const permission = (rule: WorldSecurityGroupRule, path: string): IpPermission => {
    const protocolNumber = PROTOCOL_NUMBERS[rule.protocol];
    const ipProtocol = protocolNumber === '-1' ? '-1' : rule.protocol;
    const range = portRange(rule.ports);
    const ports =
      ipProtocol === '-1'
        ? {}
        : ipProtocol === 'icmp' || ipProtocol === 'icmpv6'
          ? { FromPort: rule.icmpType ?? -1, ToPort: rule.icmpCode ?? -1 }
          : ipProtocol === 'tcp' || ipProtocol === 'udp'
            ? { FromPort: range?.from ?? 0, ToPort: range?.to ?? 65535 }
            : {};
    return {
      IpProtocol: ipProtocol,
      ...ports,
      IpRanges: (rule.cidrs ?? []).map((CidrIp) => ({ CidrIp, Description: rule.description })),
      Ipv6Ranges: (rule.ipv6Cidrs ?? []).map((CidrIpv6) => ({ CidrIpv6, Description: rule.description })),
      PrefixListIds: (rule.prefixLists ?? []).map((PrefixListId) => ({ PrefixListId, Description: rule.description })),
      UserIdGroupPairs: (rule.groups ?? []).map((reference) => {
        const [owner, groupId] = reference.includes('/') ? reference.split('/') : [accountId, reference];
        if (owner === accountId) need(groups, groupId, path, 'securityGroups');
        return { GroupId: groupId, UserId: owner, Description: rule.description };
      }),
    };
  };
  const securityGroups: SecurityGroup[] = (section.securityGroups ?? []).map((group) => {
    need(vpcs, group.vpc, `securityGroups[${group.id}].vpc`, 'vpcs');
    return {
      GroupId: group.id,
      GroupName: group.name,
      Description: group.description ?? (group.name === 'default' ? 'default VPC security group' : group.name),
      VpcId: group.vpc,
      OwnerId: accountId,
      SecurityGroupArn: `arn:aws:ec2:${region}:${accountId}:security-group/${group.id}`,
      IpPermissions: (group.ingress ?? []).map((rule) => permission(rule, `securityGroups[${group.id}].ingress`)),
      IpPermissionsEgress: (group.egress ?? [{ protocol: 'all', cidrs: ['0.0.0.0/0'] }]).map((rule) => permission(rule, `securityGroups[${group.id}].egress`)),
      Tags: tagList(group.tags),
    };
  });
  const aclEntry = (entry: WorldNetworkAclEntry): NetworkAclEntry => {
    const protocolNumber = PROTOCOL_NUMBERS[entry.protocol] ?? entry.protocol;
    const range = portRange(entry.ports);
    return {
      RuleNumber: entry.rule,
      Protocol: protocolNumber,
      RuleAction: entry.action,
      Egress: entry.egress ?? false,
      ...(entry.cidr.includes(':') ? { Ipv6CidrBlock: entry.cidr } : { CidrBlock: entry.cidr }),
      ...(protocolNumber === '6' || protocolNumber === '17' ? { PortRange: { From: range?.from ?? 0, To: range?.to ?? 65535 } } : {}),
      ...(protocolNumber === '1' || protocolNumber === '58' ? { IcmpTypeCode: { Type: entry.icmpType ?? -1, Code: entry.icmpCode ?? -1 } } : {}),
    };
  };
  const networkAcls: NetworkAcl[] = (section.networkAcls ?? []).map((acl) => {
    const vpc = need(vpcs, acl.vpc, `networkAcls[${acl.id}].vpc`, 'vpcs');
    const finalDeny: WorldNetworkAclEntry[] = [false, true].flatMap((egress) => [
      { rule: 32767, egress, action: 'deny' as const, protocol: 'all', cidr: '0.0.0.0/0' },
      ...(vpc.ipv6Cidr ? [{ rule: 32767, egress, action: 'deny' as const, protocol: 'all', cidr: '::/0' }] : []),
    ]);
    const entries = [...(acl.entries ?? []), ...finalDeny]
      .map(aclEntry)
      .sort((a, b) => Number(a.Egress) - Number(b.Egress) || (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
    return {
      NetworkAclId: acl.id,
      VpcId: acl.vpc,
      OwnerId: accountId,
      IsDefault: acl.default ?? false,
      Entries: entries,
      Associations: (acl.subnets ?? []).map((subnetId) => {
        need(subnets, subnetId, `networkAcls[${acl.id}].subnets`, 'subnets');
        return { NetworkAclAssociationId: `aclassoc-${hashHex(`${acl.id}${subnetId}`, 17)}`, NetworkAclId: acl.id, SubnetId: subnetId };
      }),
      Tags: tagList(acl.tags),
    };
  });
  const flowLogs: FlowLog[] = (section.flowLogs ?? []).map((log) => {
    const type = log.destinationType ?? 's3';
    const destination =
      type === 's3'
        ? log.destination.startsWith('arn:')
          ? log.destination
          : `arn:aws:s3:::${log.destination}`
        : type === 'cloud-watch-logs'
          ? `arn:aws:logs:${region}:${accountId}:log-group:${log.destination}`
          : log.destination;
    return {
      FlowLogId: log.id,
      FlowLogStatus: log.status ?? 'ACTIVE',
      ResourceId: log.resource,
      TrafficType: log.trafficType ?? 'ALL',
      LogDestinationType: type,
      LogDestination: destination,
      LogGroupName: type === 'cloud-watch-logs' ? log.destination : undefined,
      DeliverLogsPermissionArn: type === 'cloud-watch-logs' ? `arn:aws:iam::${accountId}:role/vpc-flow-logs` : undefined,
      DeliverLogsStatus: 'SUCCESS',
      CreationTime: new Date(log.createdAt ?? DEFAULT_TIME),
      LogFormat:
        '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
      MaxAggregationInterval: 600,
      Tags: tagList(log.tags),
    };
  });

  return {
    vpcs: vpcList,
    subnets: subnetList,
    routeTables,
    internetGateways,
    natGateways,
    vpnGateways,
    securityGroups,
    networkAcls,
    networkInterfaces,
    addresses,
    reservations,
    volumes: volumeList,
    snapshots: snapshotList,
    createVolumePermissions,
    images,
    keyPairs,
    flowLogs,
    ebsEncryptionByDefault: section.ebsEncryptionByDefault ?? false,
    ebsDefaultKmsKeyId: section.ebsDefaultKmsKeyId ? kmsArn(section.ebsDefaultKmsKeyId) : `arn:aws:kms:${region}:${accountId}:alias/aws/ebs`,
  };
}

/** `use1-az1` for us-east-1a (the real mapping differs per account; this one is stable). */
function availabilityZoneId(region: string, zone: string): string {
  const [area, direction, number] = region.split('-');
  return `${area}${direction?.[0] ?? ''}${number ?? ''}-az${zone.charCodeAt(zone.length - 1) - 96}`;
}

function privateDns(ip: string, region: string): string {
  return `ip-${ip.replace(/\./g, '-')}.${region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`}`;
}

function publicDns(ip: string, region: string): string {
  return `ec2-${ip.replace(/\./g, '-')}.${region === 'us-east-1' ? 'compute-1' : `${region}.compute`}.amazonaws.com`;
}

/** Models by section object: a section is fixed for the life of a simulated world. */
const models = new WeakMap<WorldEc2, Ec2Model>();

function sectionIn(world: World, accountId: string, region: string): WorldEc2 | undefined {
  return accountOf(world, accountId)?.regions?.[region]?.ec2 as WorldEc2 | undefined;
}

/** The model of any account's section in a region (other accounts' public snapshots and images). */
function modelIn(world: World, accountId: string, region: string): Ec2Model {
  const section = sectionIn(world, accountId, region);
  if (!section) return buildEc2Model({}, accountId, region);
  let model = models.get(section);
  if (!model) {
    const kms = accountOf(world, accountId)?.regions?.[region]?.kms as WorldKms | undefined;
    model = buildEc2Model(section, accountId, region, kms);
    models.set(section, model);
  }
  return model;
}

function modelOf(context: SimCallContext): Ec2Model {
  return modelIn(context.world, context.account.id, context.region);
}

/**
 * Peering connections as this account and region see them: the ones it requested (in its own
 * section) and the ones other accounts or regions requested with it as the accepter.
 */
function peeringConnections(context: SimCallContext): VpcPeeringConnection[] {
  const { world, region } = context;
  const accountId = context.account.id;
  const found: Array<{ connection: WorldPeeringConnection; owner: string; region: string }> = [];
  for (const { account, region: sectionRegion } of peeringPlaces(world).get(`${accountId}|${region}`) ?? []) {
    // The section as it is now (a replaced section's connections, not the indexed ones).
    for (const connection of sectionIn(world, account.id, sectionRegion)?.peeringConnections ?? []) {
      const requesterHere = account.id === accountId && sectionRegion === region;
      const accepterHere = (connection.accepter.account ?? account.id) === accountId && (connection.accepter.region ?? sectionRegion) === region;
      if (requesterHere || accepterHere) found.push({ connection, owner: account.id, region: sectionRegion });
    }
  }
  return found.map(({ connection, owner, region: requesterRegion }) => {
    const accepterOwner = connection.accepter.account ?? owner;
    const accepterRegion = connection.accepter.region ?? requesterRegion;
    const requesterCidr = sectionIn(world, owner, requesterRegion)?.vpcs?.find((v) => v.id === connection.requesterVpc)?.cidr;
    const accepterCidr = sectionIn(world, accepterOwner, accepterRegion)?.vpcs?.find((v) => v.id === connection.accepter.vpc)?.cidr ?? connection.accepter.cidr;
    const status = connection.status ?? 'active';
    return {
      VpcPeeringConnectionId: connection.id,
      Status: { Code: status, Message: status === 'active' ? 'Active' : status },
      RequesterVpcInfo: {
        OwnerId: owner,
        VpcId: connection.requesterVpc,
        Region: requesterRegion,
        CidrBlock: requesterCidr,
        CidrBlockSet: requesterCidr ? [{ CidrBlock: requesterCidr }] : [],
      },
      AccepterVpcInfo: {
        OwnerId: accepterOwner,
        VpcId: connection.accepter.vpc,
        Region: accepterRegion,
        CidrBlock: accepterCidr,
        CidrBlockSet: accepterCidr ? [{ CidrBlock: accepterCidr }] : [],
      },
      Tags: tagList(connection.tags),
    };
  });
}

/**
 * Where each place's (`account|region`) peering connections are declared: the sections of the
 * requester and accepter sides, in the world's order. Indexed once per accounts array, so a call
 * does not scan the organization's sections (mutations never add peering connections).
 */
const peeringIndexes = new WeakMap<readonly WorldAccount[], { length: number; places: Map<string, Array<{ account: WorldAccount; region: string }>> }>();

function peeringPlaces(world: World): Map<string, Array<{ account: WorldAccount; region: string }>> {
  const indexed = peeringIndexes.get(world.accounts);
  if (indexed?.length === world.accounts.length) return indexed.places;
  const index = new Map<string, Array<{ account: WorldAccount; region: string }>>();
  for (const account of world.accounts) {
    for (const [sectionRegion, sections] of Object.entries(account.regions ?? {})) {
      for (const connection of (sections.ec2 as WorldEc2 | undefined)?.peeringConnections ?? []) {
        const accepter = `${connection.accepter.account ?? account.id}|${connection.accepter.region ?? sectionRegion}`;
        for (const place of [`${account.id}|${sectionRegion}`, accepter]) {
          const places = index.get(place) ?? [];
          const last = places[places.length - 1];
          if (last?.account !== account || last.region !== sectionRegion) places.push({ account, region: sectionRegion });
          index.set(place, places);
        }
      }
    }
  }
  peeringIndexes.set(world.accounts, { length: world.accounts.length, places: index });
  return index;
}

/**
 * The other accounts whose resources an `Owners`/`OwnerIds` filter can select: none when it names
 * only the caller (the collectors' `self`), so such a call does not scan the organization.
 */
function otherOwners(context: SimCallContext, owners: string[] | undefined): WorldAccount[] {
  const caller = context.account.id;
  if (owners?.length && owners.every((owner) => owner === 'self' || owner === caller)) return [];
  return context.world.accounts.filter((account) => account.id !== caller);
}

/** Snapshots visible to the caller: its own, others' public ones, and those shared with it (of the owners asked for). */
function visibleSnapshots(context: SimCallContext, owners?: string[]): Array<{ snapshot: Snapshot; owner: string }> {
  const own = modelOf(context).snapshots.map((snapshot) => ({ snapshot, owner: context.account.id }));
  const others = otherOwners(context, owners).flatMap((account) => {
    if (!sectionIn(context.world, account.id, context.region)?.snapshots?.length) return [];
    const model = modelIn(context.world, account.id, context.region);
    return model.snapshots
      .filter((s) => (model.createVolumePermissions.get(s.SnapshotId ?? '') ?? []).some((p) => p.Group === 'all' || p.UserId === context.account.id))
      .map((snapshot) => ({ snapshot, owner: account.id }));
  });
  return [...own, ...others];
}

function visibleImages(context: SimCallContext, owners?: string[]): Array<{ image: Image; owner: string }> {
  const own = modelOf(context).images.map((image) => ({ image, owner: context.account.id }));
  const others = otherOwners(context, owners).flatMap((account) => {
    if (!sectionIn(context.world, account.id, context.region)?.images?.some((image) => image.public)) return [];
    return modelIn(context.world, account.id, context.region)
      .images.filter((image) => image.Public)
      .map((image) => ({ image, owner: account.id }));
  });
  return [...own, ...others];
}

/** `Owners` / `OwnerIds`: `self`, account ids, or `amazon` (AWS's own images, none here). */
function ownedBy(owners: string[] | undefined, owner: string, caller: string): boolean {
  if (!owners?.length) return true;
  return owners.some((o) => (o === 'self' ? owner === caller : o === owner));
}

// ---------------------------------------------------------------------------------------------
// The simulator: the kit serves the model's items with EC2's ids, filters and paging
// ---------------------------------------------------------------------------------------------

/** The heavy Describe calls whose unfiltered, unpaginated form has its own smaller bucket (references §5). */
const HEAVY_OPERATIONS = new Set(['DescribeInstances', 'DescribeNetworkInterfaces', 'DescribeSecurityGroups', 'DescribeSnapshots', 'DescribeVolumes']);

/**
 * EC2's paging: without `MaxResults` everything comes at once (the unpaginated call that the heavy
 * buckets are meant for); with it, pages of at most `MaxResults` within the operation's range.
 */
const paging = (minResults: number, awsMax: number) => ({ maxResults: 'MaxResults', minResults, awsMax, onePageByDefault: true }) as const;
const STANDARD = paging(5, 1000);
const SMALL = paging(5, 100);

const instanceIn = (reservation: Reservation) => reservation.Instances?.[0] as Instance;

/** The items the model derived for the call's account and region. */
const from =
  <K extends keyof Ec2Model>(kind: K) =>
  (_records: unknown, _input: unknown, context: SimCallContext) =>
    modelOf(context)[kind] as unknown[];

export const ec2Simulator = defineSimulatedService({
  service: 'ec2',
  clientName: 'EC2Client',
  scope: 'regional',
  collections: ec2Collections,
  sectionFields: ec2SectionFields,
  errors: { accessDenied: 'UnauthorizedOperation', throttling: 'RequestLimitExceeded', invalidToken: 'InvalidNextToken' },
  // The bucket is chosen per operation only, so the five heavy operations always get the 50/10
  // bucket here, a stricter approximation of AWS (which uses it only for their unfiltered form).
  bucket: (operation) => (HEAVY_OPERATIONS.has(operation) ? { capacity: 50, refillPerSecond: 10 } : { capacity: 100, refillPerSecond: 20 }),
  operations: {
    DescribeVpcs: list<DescribeVpcsCommandInput, DescribeVpcsCommandOutput>('vpcs', {
      items: 'Vpcs',
      source: from('vpcs'),
      lookups: [{ input: 'VpcIds', field: 'VpcId' }],
      filters: {
        names: {
          'vpc-id': (v: Vpc) => v.VpcId,
          'is-default': (v: Vpc) => v.IsDefault,
          state: (v: Vpc) => v.State,
          'cidr-block-association.cidr-block': (v: Vpc) => v.CidrBlockAssociationSet?.map((a) => a.CidrBlock),
          'owner-id': (v: Vpc) => v.OwnerId,
        },
      },
      ...STANDARD,
    }),
    DescribeSubnets: list<DescribeSubnetsCommandInput, DescribeSubnetsCommandOutput>('subnets', {
      items: 'Subnets',
      source: from('subnets'),
      lookups: [{ input: 'SubnetIds', field: 'SubnetId' }],
      filters: {
        names: {
          'subnet-id': (s: Subnet) => s.SubnetId,
          'vpc-id': (s: Subnet) => s.VpcId,
          'availability-zone': (s: Subnet) => s.AvailabilityZone,
          state: (s: Subnet) => s.State,
          'default-for-az': (s: Subnet) => s.DefaultForAz,
          'map-public-ip-on-launch': (s: Subnet) => s.MapPublicIpOnLaunch,
        },
      },
      ...STANDARD,
    }),
    DescribeRouteTables: list<DescribeRouteTablesCommandInput, DescribeRouteTablesCommandOutput>('routeTables', {
      items: 'RouteTables',
      source: from('routeTables'),
      lookups: [{ input: 'RouteTableIds', field: 'RouteTableId' }],
      filters: {
        names: {
          'route-table-id': (t: RouteTable) => t.RouteTableId,
          'vpc-id': (t: RouteTable) => t.VpcId,
          'association.subnet-id': (t: RouteTable) => t.Associations?.map((a) => a.SubnetId),
          'association.main': (t: RouteTable) => t.Associations?.some((a) => a.Main) ?? false,
        },
      },
      ...SMALL,
    }),
    DescribeInternetGateways: list<DescribeInternetGatewaysCommandInput, DescribeInternetGatewaysCommandOutput>('internetGateways', {
      items: 'InternetGateways',
      source: from('internetGateways'),
      lookups: [{ input: 'InternetGatewayIds', field: 'InternetGatewayId' }],
      filters: {
        names: {
          'internet-gateway-id': (g: InternetGateway) => g.InternetGatewayId,
          'attachment.vpc-id': (g: InternetGateway) => g.Attachments?.map((a) => a.VpcId),
        },
      },
      ...STANDARD,
    }),
    DescribeNatGateways: list<DescribeNatGatewaysCommandInput, DescribeNatGatewaysCommandOutput>('natGateways', {
      items: 'NatGateways',
      source: from('natGateways'),
      lookups: [{ input: 'NatGatewayIds', field: 'NatGatewayId' }],
      filters: {
        input: 'Filter',
        names: {
          'nat-gateway-id': (g: NatGateway) => g.NatGatewayId,
          'vpc-id': (g: NatGateway) => g.VpcId,
          'subnet-id': (g: NatGateway) => g.SubnetId,
          state: (g: NatGateway) => g.State,
        },
      },
      ...STANDARD,
    }),
    DescribeVpnGateways: list<DescribeVpnGatewaysCommandInput, DescribeVpnGatewaysCommandOutput>('vpnGateways', {
      items: 'VpnGateways',
      token: false,
      source: from('vpnGateways'),
      lookups: [{ input: 'VpnGatewayIds', field: 'VpnGatewayId' }],
      filters: {
        names: {
          'vpn-gateway-id': (g: VpnGateway) => g.VpnGatewayId,
          'attachment.vpc-id': (g: VpnGateway) => g.VpcAttachments?.map((a) => a.VpcId),
          state: (g: VpnGateway) => g.State,
          type: (g: VpnGateway) => g.Type,
        },
      },
    }),
    DescribeNetworkInterfaces: list<DescribeNetworkInterfacesCommandInput, DescribeNetworkInterfacesCommandOutput>('networkInterfaces', {
      items: 'NetworkInterfaces',
      source: from('networkInterfaces'),
      lookups: [{ input: 'NetworkInterfaceIds', field: 'NetworkInterfaceId' }],
      filters: {
        names: {
          'network-interface-id': (i: NetworkInterface) => i.NetworkInterfaceId,
          'vpc-id': (i: NetworkInterface) => i.VpcId,
          'subnet-id': (i: NetworkInterface) => i.SubnetId,
          'attachment.instance-id': (i: NetworkInterface) => i.Attachment?.InstanceId,
          'group-id': (i: NetworkInterface) => i.Groups?.map((g) => g.GroupId),
          'interface-type': (i: NetworkInterface) => i.InterfaceType,
          status: (i: NetworkInterface) => i.Status,
        },
        tags: (i: NetworkInterface) => i.TagSet,
      },
      ...STANDARD,
    }),
    DescribeAddresses: list<DescribeAddressesCommandInput, DescribeAddressesCommandOutput>('elasticIps', {
      items: 'Addresses',
      token: false,
      source: from('addresses'),
      lookups: [
        { input: 'AllocationIds', field: 'AllocationId' },
        { input: 'PublicIps', field: 'PublicIp', notFound: { error: 'InvalidAddress.NotFound', message: (ip) => `The address '${ip}' does not exist` } },
      ],
      filters: {
        names: {
          'allocation-id': (a: Address) => a.AllocationId,
          'public-ip': (a: Address) => a.PublicIp,
          'instance-id': (a: Address) => a.InstanceId,
          'network-interface-id': (a: Address) => a.NetworkInterfaceId,
          domain: (a: Address) => a.Domain,
        },
      },
    }),
    DescribeVpcPeeringConnections: list<DescribeVpcPeeringConnectionsCommandInput, DescribeVpcPeeringConnectionsCommandOutput>('peeringConnections', {
      items: 'VpcPeeringConnections',
      source: (_records, _input, context) => peeringConnections(context),
      lookups: [{ input: 'VpcPeeringConnectionIds', field: 'VpcPeeringConnectionId' }],
      filters: {
        names: {
          'vpc-peering-connection-id': (c: VpcPeeringConnection) => c.VpcPeeringConnectionId,
          'status-code': (c: VpcPeeringConnection) => c.Status?.Code,
          'requester-vpc-info.vpc-id': (c: VpcPeeringConnection) => c.RequesterVpcInfo?.VpcId,
          'accepter-vpc-info.vpc-id': (c: VpcPeeringConnection) => c.AccepterVpcInfo?.VpcId,
          'requester-vpc-info.owner-id': (c: VpcPeeringConnection) => c.RequesterVpcInfo?.OwnerId,
          'accepter-vpc-info.owner-id': (c: VpcPeeringConnection) => c.AccepterVpcInfo?.OwnerId,
        },
      },
      ...STANDARD,
    }),
    DescribeFlowLogs: list<DescribeFlowLogsCommandInput, DescribeFlowLogsCommandOutput>('flowLogs', {
      items: 'FlowLogs',
      source: from('flowLogs'),
      lookups: [{ input: 'FlowLogIds', field: 'FlowLogId', notFound: 'skip' }],
      filters: {
        input: 'Filter',
        names: {
          'resource-id': (l: FlowLog) => l.ResourceId,
          'flow-log-id': (l: FlowLog) => l.FlowLogId,
          'log-destination-type': (l: FlowLog) => l.LogDestinationType,
          'traffic-type': (l: FlowLog) => l.TrafficType,
          'deliver-log-status': (l: FlowLog) => l.DeliverLogsStatus,
        },
      },
      ...paging(1, 1000),
    }),
    DescribeSecurityGroups: list<DescribeSecurityGroupsCommandInput, DescribeSecurityGroupsCommandOutput>('securityGroups', {
      items: 'SecurityGroups',
      source: from('securityGroups'),
      lookups: [
        { input: 'GroupIds', field: 'GroupId', withoutMaxResults: true },
        { input: 'GroupNames', field: 'GroupName' },
      ],
      filters: {
        names: {
          'group-id': (g: SecurityGroup) => g.GroupId,
          'group-name': (g: SecurityGroup) => g.GroupName,
          'vpc-id': (g: SecurityGroup) => g.VpcId,
          'owner-id': (g: SecurityGroup) => g.OwnerId,
        },
      },
      ...STANDARD,
    }),
    DescribeNetworkAcls: list<DescribeNetworkAclsCommandInput, DescribeNetworkAclsCommandOutput>('networkAcls', {
      items: 'NetworkAcls',
      source: from('networkAcls'),
      lookups: [{ input: 'NetworkAclIds', field: 'NetworkAclId' }],
      filters: {
        names: {
          'network-acl-id': (a: NetworkAcl) => a.NetworkAclId,
          'vpc-id': (a: NetworkAcl) => a.VpcId,
          default: (a: NetworkAcl) => a.IsDefault,
          'association.subnet-id': (a: NetworkAcl) => a.Associations?.map((x) => x.SubnetId),
        },
      },
      ...SMALL,
    }),
    // One reservation per instance: ids and filters read its instance.
    DescribeInstances: list<DescribeInstancesCommandInput, DescribeInstancesCommandOutput>('instances', {
      items: 'Reservations',
      source: from('reservations'),
      lookups: [{ input: 'InstanceIds', field: (r: Reservation) => instanceIn(r).InstanceId, withoutMaxResults: true }],
      filters: {
        names: {
          'instance-id': (r: Reservation) => instanceIn(r).InstanceId,
          'instance-state-name': (r: Reservation) => instanceIn(r).State?.Name,
          'instance-type': (r: Reservation) => instanceIn(r).InstanceType,
          'vpc-id': (r: Reservation) => instanceIn(r).VpcId,
          'subnet-id': (r: Reservation) => instanceIn(r).SubnetId,
          'image-id': (r: Reservation) => instanceIn(r).ImageId,
          'key-name': (r: Reservation) => instanceIn(r).KeyName,
          'iam-instance-profile.arn': (r: Reservation) => instanceIn(r).IamInstanceProfile?.Arn,
          'metadata-options.http-tokens': (r: Reservation) => instanceIn(r).MetadataOptions?.HttpTokens,
          'instance.group-id': (r: Reservation) => instanceIn(r).SecurityGroups?.map((g) => g.GroupId),
        },
        tags: (r: Reservation) => instanceIn(r).Tags,
      },
      ...STANDARD,
    }),
    DescribeVolumes: list<DescribeVolumesCommandInput, DescribeVolumesCommandOutput>('volumes', {
      items: 'Volumes',
      source: from('volumes'),
      lookups: [{ input: 'VolumeIds', field: 'VolumeId', withoutMaxResults: true }],
      filters: {
        names: {
          'volume-id': (v: Volume) => v.VolumeId,
          status: (v: Volume) => v.State,
          encrypted: (v: Volume) => v.Encrypted,
          'attachment.instance-id': (v: Volume) => v.Attachments?.map((a) => a.InstanceId),
          'snapshot-id': (v: Volume) => v.SnapshotId,
          'availability-zone': (v: Volume) => v.AvailabilityZone,
          'volume-type': (v: Volume) => v.VolumeType,
        },
      },
      ...paging(5, 500),
    }),
    DescribeSnapshots: list<DescribeSnapshotsCommandInput, DescribeSnapshotsCommandOutput>('snapshots', {
      items: 'Snapshots',
      source: (_records, input, context) =>
        visibleSnapshots(context, input.OwnerIds)
          .filter(({ owner }) => ownedBy(input.OwnerIds, owner, context.account.id))
          .map(({ snapshot }) => snapshot),
      lookups: [{ input: 'SnapshotIds', field: 'SnapshotId', withoutMaxResults: true }],
      filters: {
        names: {
          'snapshot-id': (s: Snapshot) => s.SnapshotId,
          'volume-id': (s: Snapshot) => s.VolumeId,
          'owner-id': (s: Snapshot) => s.OwnerId,
          status: (s: Snapshot) => s.State,
          encrypted: (s: Snapshot) => s.Encrypted,
        },
      },
      ...STANDARD,
    }),
    DescribeSnapshotAttribute: custom<DescribeSnapshotAttributeCommandInput, DescribeSnapshotAttributeCommandOutput>((input, context, kit) => {
      const model = modelOf(context);
      if (!model.snapshots.some((s) => s.SnapshotId === input.SnapshotId)) {
        throw kit.error('InvalidSnapshot.NotFound', `The snapshot '${input.SnapshotId}' does not exist.`);
      }
      if (input.Attribute === 'productCodes') return { SnapshotId: input.SnapshotId, ProductCodes: [] };
      if (input.Attribute !== 'createVolumePermission')
        throw kit.error('InvalidParameterValue', `Value (${input.Attribute}) for parameter attribute is invalid.`);
      return { SnapshotId: input.SnapshotId, CreateVolumePermissions: model.createVolumePermissions.get(input.SnapshotId ?? '') ?? [] };
    }),
    DescribeImages: list<DescribeImagesCommandInput, DescribeImagesCommandOutput>('images', {
      items: 'Images',
      source: (_records, input, context) =>
        visibleImages(context, input.Owners)
          .filter(({ owner }) => ownedBy(input.Owners, owner, context.account.id))
          .map(({ image }) => image),
      lookups: [{ input: 'ImageIds', field: 'ImageId', withoutMaxResults: true }],
      filters: {
        names: {
          'image-id': (i: Image) => i.ImageId,
          name: (i: Image) => i.Name,
          state: (i: Image) => i.State,
          'is-public': (i: Image) => i.Public,
          'owner-id': (i: Image) => i.OwnerId,
          architecture: (i: Image) => i.Architecture,
        },
      },
      ...paging(1, 1000),
    }),
    DescribeKeyPairs: list<DescribeKeyPairsCommandInput, DescribeKeyPairsCommandOutput>('keyPairs', {
      items: 'KeyPairs',
      token: false,
      source: from('keyPairs'),
      lookups: [
        { input: 'KeyNames', field: 'KeyName' },
        { input: 'KeyPairIds', field: 'KeyPairId' },
      ],
      filters: {
        names: {
          'key-name': (k: KeyPairInfo) => k.KeyName,
          'key-pair-id': (k: KeyPairInfo) => k.KeyPairId,
          fingerprint: (k: KeyPairInfo) => k.KeyFingerprint,
        },
      },
    }),
    GetEbsEncryptionByDefault: custom<GetEbsEncryptionByDefaultCommandInput, GetEbsEncryptionByDefaultCommandOutput>((_input, context) => ({
      EbsEncryptionByDefault: modelOf(context).ebsEncryptionByDefault,
    })),
    GetEbsDefaultKmsKeyId: custom<GetEbsDefaultKmsKeyIdCommandInput, GetEbsDefaultKmsKeyIdCommandOutput>((_input, context) => ({
      KmsKeyId: modelOf(context).ebsDefaultKmsKeyId,
    })),
  },
  generate: generateEc2Section,
});
