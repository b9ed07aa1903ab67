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
import type { ServiceSimulator, SimCallContext, World, WorldAccount } from '../../../sim/types';
import type { WorldKms } from '../../kms/sim/simulator';
import { generateEc2Section } from './generate';
import {
  ec2Collections,
  ec2IdFields,
  ec2SectionFields,
  type WorldEc2,
  type WorldElasticIp,
  type WorldInstance,
  type WorldIpPermission,
  type WorldPeeringConnection,
  type WorldSubnet,
} from './world';

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** Deterministic hex derived from a text (ids, MACs, fingerprints of derived resources). */
function hashHex(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The world's tags as served: the list, or `undefined` when the record has none. */
function tagsOf(tags: Tag[] | undefined): Tag[] | undefined {
  return tags?.map(({ Key, Value }) => ({ Key, Value }));
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

const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

const DEFAULT_TIME = '2023-01-15T10:00:00Z';

/** AWS's own default egress rule of a new group: all traffic to 0.0.0.0/0. */
const ALLOW_ALL_EGRESS: WorldIpPermission[] = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

// ---------------------------------------------------------------------------------------------
// The model: what EC2 returns for one account and region, derived once from the world section
// ---------------------------------------------------------------------------------------------

interface InterfaceRecord {
  id: string;
  subnet: WorldSubnet;
  privateIp: string;
  groups: Array<{ GroupId?: string }>;
  description: string;
  type: NetworkInterface['InterfaceType'];
  attachment?: { instanceId: string; deviceIndex: number; attachTime: Date };
  eip?: WorldElasticIp;
  publicIp?: string;
  requesterManaged: boolean;
  tags?: Tag[];
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
  const vpcs = indexBy(section.vpcs, (v) => v.VpcId);
  const subnets = indexBy(section.subnets, (s) => s.SubnetId);
  const groups = indexBy(section.securityGroups, (g) => g.GroupId);
  const instances = indexBy(section.instances, (i) => i.InstanceId);
  const snapshots = indexBy(section.snapshots, (s) => s.SnapshotId);
  const eips = indexBy(section.elasticIps, (e) => e.AllocationId);
  const kmsArn = (reference: string) => (reference.startsWith('arn:') ? reference : `arn:aws:kms:${region}:${accountId}:key/${reference}`);
  const awsEbsKey = kms?.keys?.find((key) => key.aliases?.includes('alias/aws/ebs'));
  const defaultKeyArn = section.EbsDefaultKmsKeyId
    ? kmsArn(section.EbsDefaultKmsKeyId)
    : awsEbsKey
      ? kmsArn(awsEbsKey.id)
      : kmsArn(`${hashHex(`${accountId}${region}`, 8)}-0000-4000-8000-${hashHex(`${accountId}${region}ebs`, 12)}`);
  const azOf = (subnet: WorldSubnet) => subnet.AvailabilityZone ?? `${region}a`;
  const ipv6Of = (set: Array<{ Ipv6CidrBlock?: string }> | undefined) => set?.[0]?.Ipv6CidrBlock;
  const mac = (id: string) => `02:${hashHex(id, 10).match(/../g)?.join(':')}`;
  const usedIps = new Map<string, number>();
  const allocateIp = (subnet: WorldSubnet, explicit?: string) => {
    usedIps.set(subnet.SubnetId, (usedIps.get(subnet.SubnetId) ?? 0) + 1);
    if (explicit) return explicit;
    const { base } = cidrParts(subnet.CidrBlock);
    return numberToIp(base + 9 + (usedIps.get(subnet.SubnetId) ?? 0));
  };
  const groupRefs = (refs: Array<{ GroupId?: string }> | undefined, path: string) =>
    (refs ?? []).map(({ GroupId = '' }) => ({ GroupId, GroupName: need(groups, GroupId, path, 'securityGroups').GroupName }));

  // Network interfaces: instances' primary ones, NAT gateways', and the ones listed explicitly.
  const interfaces: InterfaceRecord[] = [];
  const eipFor = (test: (eip: WorldElasticIp) => boolean) => section.elasticIps?.find(test);
  const primaryInterface = new Map<string, InterfaceRecord>();
  for (const instance of section.instances ?? []) {
    const subnet = need(subnets, instance.SubnetId, `instances[${instance.InstanceId}].SubnetId`, 'subnets');
    const eni = instance.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? `eni-${instance.InstanceId.slice(2)}`;
    const record: InterfaceRecord = {
      id: eni,
      subnet,
      privateIp: allocateIp(subnet, instance.PrivateIpAddress),
      groups: instance.SecurityGroups ?? [],
      description: '',
      type: 'interface',
      attachment: { instanceId: instance.InstanceId, deviceIndex: 0, attachTime: new Date(instance.LaunchTime ?? DEFAULT_TIME) },
      eip: eipFor((e) => e.InstanceId === instance.InstanceId || e.NetworkInterfaceId === eni),
      requesterManaged: false,
    };
    const stopped = ['stopped', 'terminated', 'stopping'].includes(instance.State?.Name ?? 'running');
    record.publicIp = record.eip?.PublicIp ?? (stopped ? undefined : instance.PublicIpAddress);
    interfaces.push(record);
    primaryInterface.set(instance.InstanceId, record);
  }
  const natInterface = new Map<string, InterfaceRecord>();
  for (const nat of section.natGateways ?? []) {
    const subnet = need(subnets, nat.SubnetId, `natGateways[${nat.NatGatewayId}].SubnetId`, 'subnets');
    const address = nat.NatGatewayAddresses?.[0];
    const eip = address?.AllocationId ? need(eips, address.AllocationId, `natGateways[${nat.NatGatewayId}].NatGatewayAddresses`, 'elasticIps') : undefined;
    const record: InterfaceRecord = {
      id: address?.NetworkInterfaceId ?? `eni-${nat.NatGatewayId.slice(4)}`,
      subnet,
      privateIp: allocateIp(subnet, address?.PrivateIp),
      groups: [],
      description: `Interface for NAT Gateway ${nat.NatGatewayId}`,
      type: 'natGateway',
      eip,
      publicIp: eip?.PublicIp,
      requesterManaged: true,
    };
    interfaces.push(record);
    natInterface.set(nat.NatGatewayId, record);
  }
  for (const eni of section.networkInterfaces ?? []) {
    const id = eni.NetworkInterfaceId;
    const subnet = need(subnets, eni.SubnetId, `networkInterfaces[${id}].SubnetId`, 'subnets');
    const eip = eipFor((e) => e.NetworkInterfaceId === id);
    const instanceId = eni.Attachment?.InstanceId;
    if (instanceId) need(instances, instanceId, `networkInterfaces[${id}].Attachment`, 'instances');
    interfaces.push({
      id,
      subnet,
      privateIp: allocateIp(subnet, eni.PrivateIpAddress),
      groups: eni.Groups ?? [],
      description: eni.Description ?? '',
      type: eni.InterfaceType ?? 'interface',
      attachment: instanceId
        ? { instanceId, deviceIndex: eni.Attachment?.DeviceIndex ?? 1, attachTime: new Date(instances.get(instanceId)?.LaunchTime ?? DEFAULT_TIME) }
        : undefined,
      eip,
      publicIp: eip?.PublicIp,
      requesterManaged: false,
      tags: eni.TagSet,
    });
  }
  const interfaceById = indexBy(interfaces, (i) => i.id);
  for (const eip of section.elasticIps ?? []) {
    if (eip.InstanceId) need(instances, eip.InstanceId, `elasticIps[${eip.AllocationId}].InstanceId`, 'instances');
    if (eip.NetworkInterfaceId) need(interfaceById, eip.NetworkInterfaceId, `elasticIps[${eip.AllocationId}].NetworkInterfaceId`, 'networkInterfaces');
  }

  const eipAssociation = (record: InterfaceRecord) =>
    record.publicIp
      ? {
          PublicIp: record.publicIp,
          IpOwnerId: record.eip ? accountId : 'amazon',
          PublicDnsName: publicDns(record.publicIp, region),
          ...(record.eip ? { AllocationId: record.eip.AllocationId, AssociationId: `eipassoc-${hashHex(record.eip.AllocationId, 17)}` } : {}),
        }
      : undefined;
  const groupsOf = (record: InterfaceRecord) => groupRefs(record.groups, `networkInterfaces[${record.id}].Groups`);

  const networkInterfaces: NetworkInterface[] = interfaces.map((record) => ({
    NetworkInterfaceId: record.id,
    OwnerId: accountId,
    SubnetId: record.subnet.SubnetId,
    VpcId: record.subnet.VpcId,
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
    TagSet: tagsOf(record.tags) ?? [],
  }));

  const addresses: Address[] = (section.elasticIps ?? []).map((eip) => {
    const record = interfaces.find((i) => i.eip?.AllocationId === eip.AllocationId);
    return {
      AllocationId: eip.AllocationId,
      PublicIp: eip.PublicIp,
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: region,
      ...(record
        ? {
            AssociationId: `eipassoc-${hashHex(eip.AllocationId, 17)}`,
            NetworkInterfaceId: record.id,
            NetworkInterfaceOwnerId: accountId,
            PrivateIpAddress: record.privateIp,
            InstanceId: record.attachment?.deviceIndex === 0 ? record.attachment.instanceId : undefined,
          }
        : {}),
      Tags: tagsOf(eip.Tags),
    };
  });

  // Volumes and their attachments.
  const volumeList: Volume[] = [];
  const devicesByInstance = new Map<string, Array<{ volume: Volume; device: string }>>();
  for (const volume of section.volumes ?? []) {
    const attachment = volume.Attachments?.[0];
    const instance = attachment?.InstanceId ? need(instances, attachment.InstanceId, `volumes[${volume.VolumeId}].Attachments`, 'instances') : undefined;
    const attachedSoFar = instance ? (devicesByInstance.get(instance.InstanceId) ?? []) : [];
    const device = attachment?.Device ?? (attachedSoFar.length === 0 ? '/dev/xvda' : `/dev/sd${String.fromCharCode(101 + attachedSoFar.length)}`);
    const encrypted = volume.Encrypted ?? (volume.KmsKeyId ? true : (section.EbsEncryptionByDefault ?? false));
    const type = volume.VolumeType ?? 'gp3';
    const size = volume.Size ?? 8;
    const az =
      volume.AvailabilityZone ?? (instance ? azOf(need(subnets, instance.SubnetId, `instances[${instance.InstanceId}].SubnetId`, 'subnets')) : `${region}a`);
    const createdAt = new Date(volume.CreateTime ?? instance?.LaunchTime ?? DEFAULT_TIME);
    const served: Volume = {
      VolumeId: volume.VolumeId,
      Size: size,
      VolumeType: type,
      Iops: volume.Iops ?? (type === 'gp3' ? 3000 : type === 'gp2' ? Math.max(100, 3 * size) : undefined),
      Throughput: type === 'gp3' ? 125 : undefined,
      AvailabilityZone: az,
      CreateTime: createdAt,
      Encrypted: encrypted,
      KmsKeyId: encrypted ? (volume.KmsKeyId ? kmsArn(volume.KmsKeyId) : defaultKeyArn) : undefined,
      SnapshotId: volume.SnapshotId ?? '',
      State: volume.State ?? (instance ? 'in-use' : 'available'),
      Attachments: instance
        ? [
            {
              VolumeId: volume.VolumeId,
              InstanceId: instance.InstanceId,
              Device: device,
              State: 'attached',
              AttachTime: createdAt,
              DeleteOnTermination: attachment?.DeleteOnTermination ?? device === '/dev/xvda',
            },
          ]
        : [],
      MultiAttachEnabled: false,
      Tags: tagsOf(volume.Tags),
    };
    if (instance) devicesByInstance.set(instance.InstanceId, [...attachedSoFar, { volume: served, device }]);
    volumeList.push(served);
  }
  const volumeById = indexBy(volumeList, (v) => v.VolumeId ?? '');

  // Instances.
  const reservations: Reservation[] = (section.instances ?? []).map((instance) => {
    const primary = primaryInterface.get(instance.InstanceId) as InterfaceRecord;
    const attached = interfaces
      .filter((record) => record.attachment?.instanceId === instance.InstanceId)
      .sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0));
    return {
      ReservationId: `r-${hashHex(instance.InstanceId, 17)}`,
      OwnerId: accountId,
      Groups: [],
      Instances: [instanceOf(instance, primary, attached, devicesByInstance.get(instance.InstanceId) ?? [])],
    };
  });
  function instanceOf(
    instance: WorldInstance,
    primary: InterfaceRecord,
    attached: InterfaceRecord[],
    devices: Array<{ volume: Volume; device: string }>,
  ): Instance {
    const state = instance.State?.Name ?? 'running';
    const windows = instance.Platform === 'Windows';
    const type = instance.InstanceType ?? 't3.micro';
    const launch = new Date(instance.LaunchTime ?? DEFAULT_TIME);
    const httpTokens = instance.MetadataOptions?.HttpTokens;
    const profileName = instance.IamInstanceProfile?.Arn?.split(':instance-profile/')[1];
    return {
      InstanceId: instance.InstanceId,
      ImageId: instance.ImageId ?? `ami-${hashHex(`${region}base`, 17)}`,
      InstanceType: type,
      KeyName: instance.KeyName,
      LaunchTime: launch,
      Placement: { AvailabilityZone: azOf(primary.subnet), Tenancy: 'default' },
      Monitoring: { State: instance.Monitoring?.State === 'enabled' ? 'enabled' : 'disabled' },
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
      SubnetId: primary.subnet.SubnetId,
      VpcId: primary.subnet.VpcId,
      Architecture: /^[a-z]\d+g/.test(type) ? 'arm64' : 'x86_64',
      RootDeviceName: '/dev/xvda',
      RootDeviceType: 'ebs',
      BlockDeviceMappings: devices.map(({ volume, device }) => ({
        DeviceName: device,
        Ebs: {
          VolumeId: volume.VolumeId,
          Status: 'attached',
          AttachTime: volume.Attachments?.[0]?.AttachTime,
          DeleteOnTermination: volume.Attachments?.[0]?.DeleteOnTermination,
        },
      })),
      NetworkInterfaces: attached.map((record): InstanceNetworkInterface => {
        const described = networkInterfaces.find((eni) => eni.NetworkInterfaceId === record.id) as NetworkInterface;
        return {
          NetworkInterfaceId: record.id,
          OwnerId: accountId,
          SubnetId: record.subnet.SubnetId,
          VpcId: record.subnet.VpcId,
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
      SecurityGroups: groupRefs(instance.SecurityGroups, `instances[${instance.InstanceId}].SecurityGroups`),
      IamInstanceProfile: profileName
        ? { Arn: `arn:aws:iam::${accountId}:instance-profile/${profileName}`, Id: `AIPA${hashHex(`${accountId}${profileName}`, 17).toUpperCase()}` }
        : undefined,
      MetadataOptions: {
        State: 'applied',
        HttpTokens: httpTokens ?? 'required',
        HttpPutResponseHopLimit: httpTokens === 'optional' ? 1 : 2,
        HttpEndpoint: instance.MetadataOptions?.HttpEndpoint ?? 'enabled',
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
      Tags: tagsOf(instance.Tags),
    };
  }

  // Snapshots, images, key pairs.
  const createVolumePermissions = new Map<string, CreateVolumePermission[]>();
  const snapshotList: Snapshot[] = (section.snapshots ?? []).map((snapshot) => {
    const volume = snapshot.VolumeId ? volumeById.get(snapshot.VolumeId) : undefined;
    const encrypted = snapshot.Encrypted ?? volume?.Encrypted ?? false;
    const state = snapshot.State ?? 'completed';
    createVolumePermissions.set(snapshot.SnapshotId, snapshot.CreateVolumePermissions ?? []);
    return {
      SnapshotId: snapshot.SnapshotId,
      OwnerId: accountId,
      VolumeId: snapshot.VolumeId ?? 'vol-ffffffff',
      VolumeSize: snapshot.VolumeSize ?? volume?.Size ?? 8,
      Description: snapshot.Description ?? '',
      State: state,
      Progress: state === 'completed' ? '100%' : '42%',
      StartTime: new Date(snapshot.StartTime ?? DEFAULT_TIME),
      Encrypted: encrypted,
      KmsKeyId: encrypted ? (snapshot.KmsKeyId ? kmsArn(snapshot.KmsKeyId) : (volume?.KmsKeyId ?? defaultKeyArn)) : undefined,
      StorageTier: 'standard',
      Tags: tagsOf(snapshot.Tags),
    };
  });
  const images: Image[] = (section.images ?? []).map((image) => {
    const snapshotId = image.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
    if (snapshotId) need(snapshots, snapshotId, `images[${image.ImageId}].BlockDeviceMappings`, 'snapshots');
    const snapshot = snapshotId ? snapshotList.find((s) => s.SnapshotId === snapshotId) : undefined;
    const windows = image.Platform === 'Windows';
    return {
      ImageId: image.ImageId,
      Name: image.Name,
      Description: image.Description,
      OwnerId: accountId,
      Public: image.Public ?? false,
      State: image.State ?? 'available',
      CreationDate: new Date(image.CreationDate ?? DEFAULT_TIME).toISOString(),
      Architecture: image.Architecture ?? 'x86_64',
      ImageType: 'machine',
      ImageLocation: `${accountId}/${image.Name}`,
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
            SnapshotId: snapshotId,
            VolumeSize: snapshot?.VolumeSize ?? 8,
            VolumeType: 'gp3',
            Encrypted: snapshot?.Encrypted ?? false,
            DeleteOnTermination: true,
          },
        },
      ],
      Tags: tagsOf(image.Tags),
    };
  });
  const keyPairs: KeyPairInfo[] = (section.keyPairs ?? []).map((key) => ({
    KeyPairId: key.KeyPairId ?? `key-${hashHex(`${accountId}${region}${key.KeyName}`, 17)}`,
    KeyName: key.KeyName,
    KeyType: key.KeyType ?? 'rsa',
    KeyFingerprint:
      key.KeyFingerprint ??
      ((key.KeyType ?? 'rsa') === 'rsa'
        ? (hashHex(`${accountId}${key.KeyName}`, 40).match(/../g) ?? []).join(':')
        : `${createHash('sha256').update(`${accountId}${key.KeyName}`).digest('base64')}`),
    CreateTime: new Date(key.CreateTime ?? DEFAULT_TIME),
    Tags: tagsOf(key.Tags),
  }));

  // VPCs, subnets, routing, gateways, firewalls, flow logs.
  const vpcList: Vpc[] = (section.vpcs ?? []).map((vpc) => {
    const ipv6 = ipv6Of(vpc.Ipv6CidrBlockAssociationSet);
    return {
      VpcId: vpc.VpcId,
      OwnerId: accountId,
      CidrBlock: vpc.CidrBlock,
      CidrBlockAssociationSet: [
        { AssociationId: `vpc-cidr-assoc-${hashHex(vpc.VpcId, 17)}`, CidrBlock: vpc.CidrBlock, CidrBlockState: { State: 'associated' } },
      ],
      Ipv6CidrBlockAssociationSet: ipv6
        ? [
            {
              AssociationId: `vpc-cidr-assoc-${hashHex(`${vpc.VpcId}v6`, 17)}`,
              Ipv6CidrBlock: ipv6,
              Ipv6CidrBlockState: { State: 'associated' },
              NetworkBorderGroup: region,
              Ipv6Pool: 'Amazon',
            },
          ]
        : undefined,
      IsDefault: vpc.IsDefault ?? false,
      State: vpc.State ?? 'available',
      InstanceTenancy: 'default',
      DhcpOptionsId: `dopt-${hashHex(`${accountId}${region}`, 17)}`,
      Tags: tagsOf(vpc.Tags),
    };
  });
  const subnetList: Subnet[] = (section.subnets ?? []).map((subnet) => {
    need(vpcs, subnet.VpcId, `subnets[${subnet.SubnetId}].VpcId`, 'vpcs');
    const ipv6 = ipv6Of(subnet.Ipv6CidrBlockAssociationSet);
    return {
      SubnetId: subnet.SubnetId,
      SubnetArn: `arn:aws:ec2:${region}:${accountId}:subnet/${subnet.SubnetId}`,
      VpcId: subnet.VpcId,
      OwnerId: accountId,
      CidrBlock: subnet.CidrBlock,
      Ipv6CidrBlockAssociationSet: ipv6
        ? [{ AssociationId: `subnet-cidr-assoc-${hashHex(subnet.SubnetId, 17)}`, Ipv6CidrBlock: ipv6, Ipv6CidrBlockState: { State: 'associated' } }]
        : [],
      AvailabilityZone: azOf(subnet),
      AvailabilityZoneId: availabilityZoneId(region, azOf(subnet)),
      AvailableIpAddressCount: Math.max(0, cidrParts(subnet.CidrBlock).size - 5 - (usedIps.get(subnet.SubnetId) ?? 0)),
      MapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch ?? false,
      DefaultForAz: subnet.DefaultForAz ?? false,
      State: 'available',
      Tags: tagsOf(subnet.Tags),
    };
  });
  const routeTables: RouteTable[] = (section.routeTables ?? []).map((table) => {
    const vpc = need(vpcs, table.VpcId, `routeTables[${table.RouteTableId}].VpcId`, 'vpcs');
    const ipv6 = ipv6Of(vpc.Ipv6CidrBlockAssociationSet);
    const routes: Route[] = [
      { DestinationCidrBlock: vpc.CidrBlock, GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
      ...(ipv6 ? [{ DestinationIpv6CidrBlock: ipv6, GatewayId: 'local', State: 'active' as const, Origin: 'CreateRouteTable' as const }] : []),
      ...(table.Routes ?? []).map((route): Route => ({ ...route, State: route.State ?? 'active', Origin: 'CreateRoute' })),
    ];
    const associations = (table.Associations ?? [])
      .filter((association) => association.Main)
      .map(() => ({
        Main: true,
        RouteTableAssociationId: `rtbassoc-${hashHex(`${table.RouteTableId}main`, 17)}`,
        RouteTableId: table.RouteTableId,
        AssociationState: { State: 'associated' as const },
      }))
      .concat(
        (table.Associations ?? []).flatMap(({ SubnetId }) => {
          if (!SubnetId) return [];
          need(subnets, SubnetId, `routeTables[${table.RouteTableId}].Associations`, 'subnets');
          return [
            {
              Main: false,
              RouteTableAssociationId: `rtbassoc-${hashHex(`${table.RouteTableId}${SubnetId}`, 17)}`,
              RouteTableId: table.RouteTableId,
              SubnetId,
              AssociationState: { State: 'associated' as const },
            },
          ];
        }),
      );
    return {
      RouteTableId: table.RouteTableId,
      VpcId: table.VpcId,
      OwnerId: accountId,
      Routes: routes,
      Associations: associations,
      PropagatingVgws: [],
      Tags: tagsOf(table.Tags),
    };
  });
  const internetGateways: InternetGateway[] = (section.internetGateways ?? []).map((gateway) => {
    const vpcId = gateway.Attachments?.[0]?.VpcId;
    if (vpcId) need(vpcs, vpcId, `internetGateways[${gateway.InternetGatewayId}].Attachments`, 'vpcs');
    return {
      InternetGatewayId: gateway.InternetGatewayId,
      OwnerId: accountId,
      Attachments: vpcId ? [{ VpcId: vpcId, State: 'attached' }] : [],
      Tags: tagsOf(gateway.Tags),
    };
  });
  const natGateways: NatGateway[] = (section.natGateways ?? []).map((nat) => {
    const record = natInterface.get(nat.NatGatewayId) as InterfaceRecord;
    const allocationId = record.eip?.AllocationId;
    return {
      NatGatewayId: nat.NatGatewayId,
      SubnetId: nat.SubnetId,
      VpcId: record.subnet.VpcId,
      State: nat.State ?? 'available',
      ConnectivityType: nat.ConnectivityType ?? (allocationId ? 'public' : 'private'),
      CreateTime: new Date(nat.CreateTime ?? DEFAULT_TIME),
      NatGatewayAddresses: [
        {
          AllocationId: allocationId,
          NetworkInterfaceId: record.id,
          PrivateIp: record.privateIp,
          PublicIp: record.publicIp,
          IsPrimary: true,
          Status: 'succeeded',
          AssociationId: allocationId ? `eipassoc-${hashHex(allocationId, 17)}` : undefined,
        },
      ],
      Tags: tagsOf(nat.Tags),
    };
  });
  const vpnGateways: VpnGateway[] = (section.vpnGateways ?? []).map((gateway) => {
    const vpcId = gateway.VpcAttachments?.[0]?.VpcId;
    if (vpcId) need(vpcs, vpcId, `vpnGateways[${gateway.VpnGatewayId}].VpcAttachments`, 'vpcs');
    return {
      VpnGatewayId: gateway.VpnGatewayId,
      State: gateway.State ?? 'available',
      Type: 'ipsec.1',
      AmazonSideAsn: gateway.AmazonSideAsn ?? 64512,
      VpcAttachments: vpcId ? [{ VpcId: vpcId, State: 'attached' }] : [],
      Tags: tagsOf(gateway.Tags),
    };
  });
  // A rule as served: all its lists, ports for TCP/UDP (all when absent) and ICMP (any).
  const permission = (rule: WorldIpPermission, path: string): IpPermission => {
    const protocol = rule.IpProtocol;
    const ports =
      protocol === 'icmp' || protocol === 'icmpv6'
        ? { FromPort: rule.FromPort ?? -1, ToPort: rule.ToPort ?? -1 }
        : protocol === 'tcp' || protocol === 'udp'
          ? { FromPort: rule.FromPort ?? 0, ToPort: rule.ToPort ?? 65535 }
          : {};
    return {
      IpProtocol: protocol,
      ...ports,
      IpRanges: rule.IpRanges ?? [],
      Ipv6Ranges: rule.Ipv6Ranges ?? [],
      PrefixListIds: rule.PrefixListIds ?? [],
      UserIdGroupPairs: (rule.UserIdGroupPairs ?? []).map(({ GroupId = '', UserId = accountId, Description }) => {
        if (UserId === accountId) need(groups, GroupId, path, 'securityGroups');
        return { GroupId, UserId, Description };
      }),
    };
  };
  const securityGroups: SecurityGroup[] = (section.securityGroups ?? []).map((group) => {
    const where = `securityGroups[${group.GroupId}]`;
    need(vpcs, group.VpcId, `${where}.VpcId`, 'vpcs');
    return {
      GroupId: group.GroupId,
      GroupName: group.GroupName,
      Description: group.Description ?? (group.GroupName === 'default' ? 'default VPC security group' : group.GroupName),
      VpcId: group.VpcId,
      OwnerId: accountId,
      SecurityGroupArn: `arn:aws:ec2:${region}:${accountId}:security-group/${group.GroupId}`,
      IpPermissions: (group.IpPermissions ?? []).map((rule) => permission(rule, `${where}.IpPermissions`)),
      IpPermissionsEgress: (group.IpPermissionsEgress ?? ALLOW_ALL_EGRESS).map((rule) => permission(rule, `${where}.IpPermissionsEgress`)),
      Tags: tagsOf(group.Tags),
    };
  });
  const networkAcls: NetworkAcl[] = (section.networkAcls ?? []).map((acl) => {
    const vpc = need(vpcs, acl.VpcId, `networkAcls[${acl.NetworkAclId}].VpcId`, 'vpcs');
    const ipv6 = ipv6Of(vpc.Ipv6CidrBlockAssociationSet);
    const finalDeny: NetworkAclEntry[] = [false, true].flatMap((Egress) => [
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny' as const, Egress, CidrBlock: '0.0.0.0/0' },
      ...(ipv6 ? [{ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny' as const, Egress, Ipv6CidrBlock: '::/0' }] : []),
    ]);
    const entries = [...(acl.Entries ?? []), ...finalDeny]
      .map(({ RuleNumber, Protocol, RuleAction, Egress, CidrBlock, Ipv6CidrBlock, PortRange, IcmpTypeCode }) => ({
        RuleNumber,
        Protocol,
        RuleAction,
        Egress: Egress ?? false,
        ...(Ipv6CidrBlock ? { Ipv6CidrBlock } : { CidrBlock }),
        ...(PortRange ? { PortRange } : {}),
        ...(IcmpTypeCode ? { IcmpTypeCode } : {}),
      }))
      .sort((a, b) => Number(a.Egress) - Number(b.Egress) || (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
    return {
      NetworkAclId: acl.NetworkAclId,
      VpcId: acl.VpcId,
      OwnerId: accountId,
      IsDefault: acl.IsDefault ?? false,
      Entries: entries,
      Associations: (acl.Associations ?? []).map(({ SubnetId = '' }) => {
        need(subnets, SubnetId, `networkAcls[${acl.NetworkAclId}].Associations`, 'subnets');
        return { NetworkAclAssociationId: `aclassoc-${hashHex(`${acl.NetworkAclId}${SubnetId}`, 17)}`, NetworkAclId: acl.NetworkAclId, SubnetId };
      }),
      Tags: tagsOf(acl.Tags),
    };
  });
  const flowLogs: FlowLog[] = (section.flowLogs ?? []).map((log) => {
    const type = log.LogDestinationType ?? 's3';
    const cloudWatch = type === 'cloud-watch-logs';
    return {
      FlowLogId: log.FlowLogId,
      FlowLogStatus: log.FlowLogStatus ?? 'ACTIVE',
      ResourceId: log.ResourceId,
      TrafficType: log.TrafficType ?? 'ALL',
      LogDestinationType: type,
      LogDestination: cloudWatch ? `arn:aws:logs:${region}:${accountId}:log-group:${log.LogGroupName}` : log.LogDestination,
      LogGroupName: cloudWatch ? log.LogGroupName : undefined,
      DeliverLogsPermissionArn: cloudWatch ? `arn:aws:iam::${accountId}:role/vpc-flow-logs` : undefined,
      DeliverLogsStatus: 'SUCCESS',
      CreationTime: new Date(log.CreationTime ?? DEFAULT_TIME),
      LogFormat:
        '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
      MaxAggregationInterval: 600,
      Tags: tagsOf(log.Tags),
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
    ebsEncryptionByDefault: section.EbsEncryptionByDefault ?? false,
    ebsDefaultKmsKeyId: section.EbsDefaultKmsKeyId ? kmsArn(section.EbsDefaultKmsKeyId) : `arn:aws:kms:${region}:${accountId}:alias/aws/ebs`,
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
      const accepter = connection.AccepterVpcInfo;
      const requesterHere = account.id === accountId && sectionRegion === region;
      const accepterHere = (accepter.OwnerId ?? account.id) === accountId && (accepter.Region ?? sectionRegion) === region;
      if (requesterHere || accepterHere) found.push({ connection, owner: account.id, region: sectionRegion });
    }
  }
  const cidrOf = (owner: string, vpcRegion: string, vpcId: string) => sectionIn(world, owner, vpcRegion)?.vpcs?.find((v) => v.VpcId === vpcId)?.CidrBlock;
  return found.map(({ connection, owner, region: requesterRegion }) => {
    const accepter = connection.AccepterVpcInfo;
    const accepterOwner = accepter.OwnerId ?? owner;
    const accepterRegion = accepter.Region ?? requesterRegion;
    const requesterCidr = cidrOf(owner, requesterRegion, connection.RequesterVpcInfo.VpcId);
    const accepterCidr = cidrOf(accepterOwner, accepterRegion, accepter.VpcId) ?? accepter.CidrBlock;
    const status = connection.Status?.Code ?? 'active';
    return {
      VpcPeeringConnectionId: connection.VpcPeeringConnectionId,
      Status: { Code: status, Message: status === 'active' ? 'Active' : status },
      RequesterVpcInfo: {
        OwnerId: owner,
        VpcId: connection.RequesterVpcInfo.VpcId,
        Region: requesterRegion,
        CidrBlock: requesterCidr,
        CidrBlockSet: requesterCidr ? [{ CidrBlock: requesterCidr }] : [],
      },
      AccepterVpcInfo: {
        OwnerId: accepterOwner,
        VpcId: accepter.VpcId,
        Region: accepterRegion,
        CidrBlock: accepterCidr,
        CidrBlockSet: accepterCidr ? [{ CidrBlock: accepterCidr }] : [],
      },
      Tags: tagsOf(connection.Tags),
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
        const accepter = `${connection.AccepterVpcInfo.OwnerId ?? account.id}|${connection.AccepterVpcInfo.Region ?? sectionRegion}`;
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
    if (!sectionIn(context.world, account.id, context.region)?.images?.some((image) => image.Public)) return [];
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

export const ec2Simulator: ServiceSimulator = {
  ...defineSimulatedService({
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
  }),
  // Ids are defined by their own collection's id member only (references share the member names).
  idFields: ec2IdFields,
  // Each side of a peering connection describes it with the other side's VPC CIDR.
  readsAccounts: (section, accountId) => ((section as WorldEc2).peeringConnections ?? []).map((connection) => connection.AccepterVpcInfo.OwnerId ?? accountId),
};
