/**
 * The `regions.<region>.ec2` section of a simulated world: an account's EC2/VPC resources in one
 * region, each record in the member shape its Describe* call answers (`Vpc`, `Subnet`, `Instance`,
 * `SecurityGroup`, ... of @aws-sdk/client-ec2), dates as ISO strings. A record holds what the world
 * chooses; the simulator fills in what AWS derives (interfaces of instances and NAT gateways,
 * addresses, attachments, DNS names, the local route and the final deny of network ACLs, defaults).
 */

import type {
  Address,
  CreateVolumePermission,
  FlowLog,
  Image,
  Instance,
  InternetGateway,
  IpPermission,
  KeyPairInfo,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Route,
  RouteTable,
  SecurityGroup,
  Snapshot,
  Subnet,
  Volume,
  Vpc,
  VpcPeeringConnection,
  VpnGateway,
} from '@aws-sdk/client-ec2';
import { collection, type InWorld, type JsonSchema } from '../../../sim/service-kit';

/** An SDK shape as the world writes it, with the given members required. */
type Shape<T, Present extends keyof T> = InWorld<T> & { [K in Present]-?: InWorld<NonNullable<T[K]>> };

export type WorldVpc = Shape<Vpc, 'VpcId' | 'CidrBlock'>;
export type WorldSubnet = Shape<Subnet, 'SubnetId' | 'VpcId' | 'CidrBlock'>;
/** `Routes`: the routes besides the VPC's local ones, which are always served. */
export type WorldRouteTable = Shape<RouteTable, 'RouteTableId' | 'VpcId'>;
export type WorldRoute = InWorld<Route>;
export type WorldInternetGateway = Shape<InternetGateway, 'InternetGatewayId'>;
/** `NatGatewayAddresses[0]`: the gateway's Elastic IP (`AllocationId`), interface and private address. */
export type WorldNatGateway = Shape<NatGateway, 'NatGatewayId' | 'SubnetId'>;
export type WorldVpnGateway = Shape<VpnGateway, 'VpnGatewayId'>;
/** `IpPermissionsEgress` absent: AWS's own default, all traffic to 0.0.0.0/0 (`[]` for none). */
export type WorldSecurityGroup = Shape<SecurityGroup, 'GroupId' | 'GroupName' | 'VpcId'>;
export type WorldIpPermission = InWorld<IpPermission>;
/** `Entries`: rules 1-32766; the final `*` deny (32767) is always served. */
export type WorldNetworkAcl = Shape<NetworkAcl, 'NetworkAclId' | 'VpcId'>;
export type WorldNetworkAclEntry = InWorld<NetworkAclEntry>;
/** Interfaces besides the primary ones of instances and those of NAT gateways, which are derived. */
export type WorldNetworkInterface = Shape<NetworkInterface, 'NetworkInterfaceId' | 'SubnetId'>;
/** `InstanceId`: associated with the instance's primary interface; `NetworkInterfaceId`: with that interface. */
export type WorldElasticIp = Shape<Address, 'AllocationId' | 'PublicIp'>;
/** `NetworkInterfaces[0].NetworkInterfaceId`: the primary interface's id (derived from the instance id when absent). */
export type WorldInstance = Shape<Instance, 'InstanceId' | 'SubnetId'>;
/** `Encrypted` absent: true with a `KmsKeyId`, else the region's encryption-by-default setting. */
export type WorldVolume = Shape<Volume, 'VolumeId'>;
/** `CreateVolumePermissions`: DescribeSnapshotAttribute's answer (`Group: all` makes it public). */
export type WorldSnapshot = Shape<Snapshot, 'SnapshotId'> & { CreateVolumePermissions?: CreateVolumePermission[] };
/** `BlockDeviceMappings[0].Ebs.SnapshotId`: the root volume's snapshot. */
export type WorldImage = Shape<Image, 'ImageId' | 'Name'>;
export type WorldKeyPair = Shape<KeyPairInfo, 'KeyName'>;
/** Requested by this account and region; `AccepterVpcInfo.OwnerId`/`Region` default to the requester's. */
export type WorldPeeringConnection = Shape<VpcPeeringConnection, 'VpcPeeringConnectionId'> & {
  RequesterVpcInfo: { VpcId: string };
  AccepterVpcInfo: { VpcId: string; OwnerId?: string; Region?: string; CidrBlock?: string };
};
/** S3 and Firehose: `LogDestination` (an ARN); CloudWatch Logs: `LogGroupName`. */
export type WorldFlowLog = Shape<FlowLog, 'FlowLogId' | 'ResourceId'>;

export interface WorldEc2 {
  /** GetEbsEncryptionByDefault's `EbsEncryptionByDefault`. */
  EbsEncryptionByDefault?: boolean;
  /** GetEbsDefaultKmsKeyId's `KmsKeyId` (id or ARN); default: the region's `alias/aws/ebs` key. */
  EbsDefaultKmsKeyId?: string;
  vpcs?: WorldVpc[];
  subnets?: WorldSubnet[];
  routeTables?: WorldRouteTable[];
  internetGateways?: WorldInternetGateway[];
  natGateways?: WorldNatGateway[];
  vpnGateways?: WorldVpnGateway[];
  securityGroups?: WorldSecurityGroup[];
  networkAcls?: WorldNetworkAcl[];
  networkInterfaces?: WorldNetworkInterface[];
  elasticIps?: WorldElasticIp[];
  instances?: WorldInstance[];
  volumes?: WorldVolume[];
  snapshots?: WorldSnapshot[];
  images?: WorldImage[];
  keyPairs?: WorldKeyPair[];
  peeringConnections?: WorldPeeringConnection[];
  flowLogs?: WorldFlowLog[];
}

// ---------------------------------------------------------------------------------------------
// Collections and the JSON schemas of the members the simulator reads (others are refused)
// ---------------------------------------------------------------------------------------------

const id = (prefix: string) => ({ type: 'string', pattern: `^${prefix}-[0-9a-f]{8,17}$` });
const IPV4 = '(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}';
const ipv4 = { type: 'string', pattern: `^${IPV4}$` };
const cidr4 = { type: 'string', pattern: `^${IPV4}/(3[0-2]|[12]?\\d)$` };
const cidr6 = { type: 'string', pattern: '^[0-9a-fA-F:]*:[0-9a-fA-F:]*/(12[0-8]|1[01]\\d|\\d?\\d)$' };
const accountId = { type: 'string', pattern: '^\\d{12}$' };
const dateTime = { type: 'string', format: 'date-time' };
const zone = { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d[a-z]$' };
const text = { type: 'string' };
const flag = { type: 'boolean' };
const port = { type: 'integer', minimum: -1, maximum: 65535 };
const kmsKey = {
  type: 'string',
  pattern: '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|arn:aws[\\w-]*:kms:[a-z0-9-]+:\\d{12}:(key|alias)/.+)$',
};
const tagList = { type: 'array', items: object(['Key'], { Key: text, Value: text }) };

function object(required: string[], properties: { [name: string]: unknown }): JsonSchema {
  return { type: 'object', additionalProperties: false, required, properties };
}
const list = (items: unknown) => ({ type: 'array', items });
const ipv6Associations = list(object(['Ipv6CidrBlock'], { Ipv6CidrBlock: cidr6 }));

const ipPermission = object(['IpProtocol'], {
  /** tcp, udp, icmp, icmpv6, -1 (all), or an IP protocol number; tcp/udp without ports means all ports. */
  IpProtocol: { type: 'string', pattern: '^(tcp|udp|icmp|icmpv6|-1|\\d{1,3})$' },
  FromPort: port,
  ToPort: port,
  IpRanges: list(object(['CidrIp'], { CidrIp: cidr4, Description: text })),
  Ipv6Ranges: list(object(['CidrIpv6'], { CidrIpv6: cidr6, Description: text })),
  PrefixListIds: list(object(['PrefixListId'], { PrefixListId: id('pl'), Description: text })),
  /** `UserId` absent: a group of the same account. */
  UserIdGroupPairs: list(object(['GroupId'], { GroupId: id('sg'), UserId: accountId, Description: text })),
});

/** AWS's not-found error of an EC2 id (HTTP 400), as describe calls answer an unknown one. */
function notFound(error: string, what: string) {
  return { error, message: (id: string) => `The ${what} '${id}' does not exist` };
}

export const ec2SectionFields = { EbsEncryptionByDefault: flag, EbsDefaultKmsKeyId: kmsKey };

/**
 * Fields that define a resource id, by collection (`collection.Field`): the world's check that
 * every id it names is defined somewhere counts only these, since references use the same member
 * names (an instance's `SubnetId`). A NAT gateway's addresses define the interface it creates.
 */
export const ec2IdFields = [
  'vpcs.VpcId',
  'subnets.SubnetId',
  'routeTables.RouteTableId',
  'internetGateways.InternetGatewayId',
  'natGateways.NatGatewayId',
  'NatGatewayAddresses.NetworkInterfaceId',
  'vpnGateways.VpnGatewayId',
  'securityGroups.GroupId',
  'networkAcls.NetworkAclId',
  'networkInterfaces.NetworkInterfaceId',
  'elasticIps.AllocationId',
  'instances.InstanceId',
  'volumes.VolumeId',
  'snapshots.SnapshotId',
  'images.ImageId',
  'keyPairs.KeyPairId',
  'peeringConnections.VpcPeeringConnectionId',
  'flowLogs.FlowLogId',
];

/** The section's collections, checked by their members' schemas. */
export const ec2Collections = {
  vpcs: collection<WorldVpc>({
    id: 'VpcId',
    closed: true,
    required: ['CidrBlock'],
    notFound: notFound('InvalidVpcID.NotFound', 'vpc ID'),
    fields: {
      VpcId: id('vpc'),
      CidrBlock: cidr4,
      Ipv6CidrBlockAssociationSet: ipv6Associations,
      IsDefault: flag,
      State: { enum: ['available', 'pending'] },
      Tags: tagList,
    },
  }),
  subnets: collection<WorldSubnet>({
    id: 'SubnetId',
    closed: true,
    required: ['VpcId', 'CidrBlock'],
    notFound: notFound('InvalidSubnetID.NotFound', 'subnet ID'),
    fields: {
      SubnetId: id('subnet'),
      VpcId: id('vpc'),
      CidrBlock: cidr4,
      Ipv6CidrBlockAssociationSet: ipv6Associations,
      /** Default `<region>a`. */
      AvailabilityZone: zone,
      MapPublicIpOnLaunch: flag,
      DefaultForAz: flag,
      Tags: tagList,
    },
  }),
  routeTables: collection<WorldRouteTable>({
    id: 'RouteTableId',
    closed: true,
    required: ['VpcId'],
    notFound: notFound('InvalidRouteTableID.NotFound', 'route table ID'),
    fields: {
      RouteTableId: id('rtb'),
      VpcId: id('vpc'),
      /** `{ Main: true }` (the VPC's main table) and `{ SubnetId }` (explicit associations). */
      Associations: list(object([], { Main: flag, SubnetId: id('subnet') })),
      Routes: list({
        type: 'object',
        additionalProperties: false,
        minProperties: 2,
        properties: {
          DestinationCidrBlock: cidr4,
          DestinationIpv6CidrBlock: cidr6,
          DestinationPrefixListId: id('pl'),
          GatewayId: { type: 'string', pattern: '^(igw|vgw)-[0-9a-f]{8,17}$' },
          NatGatewayId: id('nat'),
          VpcPeeringConnectionId: id('pcx'),
          TransitGatewayId: id('tgw'),
          EgressOnlyInternetGatewayId: id('eigw'),
          NetworkInterfaceId: id('eni'),
          InstanceId: id('i'),
          State: { enum: ['active', 'blackhole'] },
        },
      }),
      Tags: tagList,
    },
  }),
  internetGateways: collection<WorldInternetGateway>({
    id: 'InternetGatewayId',
    closed: true,
    notFound: notFound('InvalidInternetGatewayID.NotFound', 'internet gateway ID'),
    fields: { InternetGatewayId: id('igw'), Attachments: list(object(['VpcId'], { VpcId: id('vpc') })), Tags: tagList },
  }),
  natGateways: collection<WorldNatGateway>({
    id: 'NatGatewayId',
    closed: true,
    required: ['SubnetId'],
    notFound: notFound('NatGatewayNotFound', 'NAT gateway'),
    fields: {
      NatGatewayId: id('nat'),
      SubnetId: id('subnet'),
      /** One address: the Elastic IP of a public gateway, the interface id (derived when absent). */
      NatGatewayAddresses: {
        type: 'array',
        maxItems: 1,
        items: object([], { AllocationId: id('eipalloc'), NetworkInterfaceId: id('eni'), PrivateIp: ipv4 }),
      },
      ConnectivityType: { enum: ['public', 'private'] },
      State: { enum: ['pending', 'failed', 'available', 'deleting', 'deleted'] },
      CreateTime: dateTime,
      Tags: tagList,
    },
  }),
  vpnGateways: collection<WorldVpnGateway>({
    id: 'VpnGatewayId',
    closed: true,
    notFound: notFound('InvalidVpnGatewayID.NotFound', 'VPN gateway ID'),
    fields: {
      VpnGatewayId: id('vgw'),
      VpcAttachments: list(object(['VpcId'], { VpcId: id('vpc') })),
      AmazonSideAsn: { type: 'integer', minimum: 1 },
      State: { enum: ['pending', 'available', 'deleting', 'deleted'] },
      Tags: tagList,
    },
  }),
  securityGroups: collection<WorldSecurityGroup>({
    id: 'GroupId',
    closed: true,
    required: ['GroupName', 'VpcId'],
    notFound: notFound('InvalidGroup.NotFound', 'security group'),
    fields: {
      GroupId: id('sg'),
      GroupName: { type: 'string', minLength: 1, maxLength: 255 },
      Description: text,
      VpcId: id('vpc'),
      IpPermissions: list(ipPermission),
      IpPermissionsEgress: list(ipPermission),
      Tags: tagList,
    },
  }),
  networkAcls: collection<WorldNetworkAcl>({
    id: 'NetworkAclId',
    closed: true,
    required: ['VpcId'],
    notFound: notFound('InvalidNetworkAclID.NotFound', 'network ACL ID'),
    fields: {
      NetworkAclId: id('acl'),
      VpcId: id('vpc'),
      IsDefault: flag,
      Associations: list(object(['SubnetId'], { SubnetId: id('subnet') })),
      Entries: list(
        object(['RuleNumber', 'Protocol', 'RuleAction'], {
          RuleNumber: { type: 'integer', minimum: 1, maximum: 32766 },
          /** An IP protocol number, `-1` for all. */
          Protocol: { type: 'string', pattern: '^(-1|\\d{1,3})$' },
          RuleAction: { enum: ['allow', 'deny'] },
          Egress: flag,
          CidrBlock: cidr4,
          Ipv6CidrBlock: cidr6,
          PortRange: object(['From', 'To'], { From: port, To: port }),
          IcmpTypeCode: object([], { Type: port, Code: port }),
        }),
      ),
      Tags: tagList,
    },
  }),
  networkInterfaces: collection<WorldNetworkInterface>({
    id: 'NetworkInterfaceId',
    closed: true,
    required: ['SubnetId'],
    notFound: notFound('InvalidNetworkInterfaceID.NotFound', 'network interface ID'),
    fields: {
      NetworkInterfaceId: id('eni'),
      SubnetId: id('subnet'),
      PrivateIpAddress: ipv4,
      Groups: list(object(['GroupId'], { GroupId: id('sg') })),
      Description: text,
      InterfaceType: { enum: ['interface', 'lambda', 'vpc_endpoint', 'network_load_balancer', 'efa'] },
      /** A secondary interface of an instance. */
      Attachment: object(['InstanceId'], { InstanceId: id('i'), DeviceIndex: { type: 'integer', minimum: 1 } }),
      TagSet: tagList,
    },
  }),
  elasticIps: collection<WorldElasticIp>({
    id: 'AllocationId',
    closed: true,
    required: ['PublicIp'],
    notFound: notFound('InvalidAllocationID.NotFound', 'allocation ID'),
    fields: { AllocationId: id('eipalloc'), PublicIp: ipv4, InstanceId: id('i'), NetworkInterfaceId: id('eni'), Tags: tagList },
  }),
  instances: collection<WorldInstance>({
    id: 'InstanceId',
    closed: true,
    required: ['SubnetId'],
    notFound: notFound('InvalidInstanceID.NotFound', 'instance ID'),
    fields: {
      InstanceId: id('i'),
      InstanceType: { type: 'string', pattern: '^[a-z][a-z0-9-]*\\.[a-z0-9]+$' },
      State: object(['Name'], { Name: { enum: ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'] } }),
      SubnetId: id('subnet'),
      ImageId: id('ami'),
      KeyName: { type: 'string', minLength: 1 },
      SecurityGroups: list(object(['GroupId'], { GroupId: id('sg') })),
      IamInstanceProfile: object(['Arn'], { Arn: { type: 'string', pattern: '^arn:aws[\\w-]*:iam::\\d{12}:instance-profile/[\\w+=,.@-]{1,128}$' } }),
      /** IMDS: `optional` allows IMDSv1, `required` (default) enforces IMDSv2. */
      MetadataOptions: object([], { HttpTokens: { enum: ['optional', 'required'] }, HttpEndpoint: { enum: ['enabled', 'disabled'] } }),
      Monitoring: object(['State'], { State: { enum: ['enabled', 'disabled'] } }),
      PrivateIpAddress: ipv4,
      /** The auto-assigned public address (an associated Elastic IP takes precedence). */
      PublicIpAddress: ipv4,
      NetworkInterfaces: { type: 'array', maxItems: 1, items: object(['NetworkInterfaceId'], { NetworkInterfaceId: id('eni') }) },
      LaunchTime: dateTime,
      Platform: { enum: ['Windows'] },
      Tags: tagList,
    },
  }),
  volumes: collection<WorldVolume>({
    id: 'VolumeId',
    closed: true,
    notFound: notFound('InvalidVolume.NotFound', 'volume'),
    fields: {
      VolumeId: id('vol'),
      Size: { type: 'integer', minimum: 1, maximum: 65536 },
      VolumeType: { enum: ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'] },
      AvailabilityZone: zone,
      Encrypted: flag,
      /** KMS key id or ARN; an encrypted volume without one uses the region's default EBS key. */
      KmsKeyId: kmsKey,
      State: { enum: ['creating', 'available', 'in-use', 'deleting', 'error'] },
      Attachments: {
        type: 'array',
        maxItems: 1,
        items: object(['InstanceId'], { InstanceId: id('i'), Device: { type: 'string', pattern: '^/dev/[a-z0-9]+$' }, DeleteOnTermination: flag }),
      },
      SnapshotId: id('snap'),
      CreateTime: dateTime,
      Iops: { type: 'integer', minimum: 100 },
      Tags: tagList,
    },
  }),
  snapshots: collection<WorldSnapshot>({
    id: 'SnapshotId',
    closed: true,
    notFound: notFound('InvalidSnapshot.NotFound', 'snapshot'),
    fields: {
      SnapshotId: id('snap'),
      VolumeId: id('vol'),
      VolumeSize: { type: 'integer', minimum: 1 },
      Encrypted: flag,
      KmsKeyId: kmsKey,
      CreateVolumePermissions: list({
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: { Group: { enum: ['all'] }, UserId: accountId },
      }),
      Description: text,
      StartTime: dateTime,
      State: { enum: ['pending', 'completed', 'error'] },
      Tags: tagList,
    },
  }),
  images: collection<WorldImage>({
    id: 'ImageId',
    closed: true,
    required: ['Name'],
    notFound: notFound('InvalidAMIID.NotFound', 'image id'),
    fields: {
      ImageId: id('ami'),
      Name: { type: 'string', pattern: "^[\\w ()\\[\\]./'@-]{3,128}$" },
      BlockDeviceMappings: { type: 'array', maxItems: 1, items: object(['Ebs'], { Ebs: object(['SnapshotId'], { SnapshotId: id('snap') }) }) },
      Public: flag,
      State: { enum: ['pending', 'available', 'invalid', 'deregistered', 'failed'] },
      Architecture: { enum: ['x86_64', 'arm64', 'i386'] },
      Platform: { enum: ['Windows'] },
      Description: text,
      CreationDate: dateTime,
      Tags: tagList,
    },
  }),
  keyPairs: collection<WorldKeyPair>({
    id: 'KeyName',
    idFields: ['KeyPairId'],
    closed: true,
    notFound: notFound('InvalidKeyPair.NotFound', 'key pair'),
    fields: {
      KeyName: { type: 'string', minLength: 1, maxLength: 255 },
      KeyPairId: id('key'),
      KeyType: { enum: ['rsa', 'ed25519'] },
      KeyFingerprint: text,
      CreateTime: dateTime,
      Tags: tagList,
    },
  }),
  peeringConnections: collection<WorldPeeringConnection>({
    id: 'VpcPeeringConnectionId',
    closed: true,
    required: ['RequesterVpcInfo', 'AccepterVpcInfo'],
    notFound: notFound('InvalidVpcPeeringConnectionID.NotFound', 'vpc peering connection ID'),
    fields: {
      VpcPeeringConnectionId: id('pcx'),
      RequesterVpcInfo: object(['VpcId'], { VpcId: id('vpc') }),
      /** An `OwnerId` outside the world is a partner's VPC (its ids are not checked). */
      AccepterVpcInfo: object(['VpcId'], {
        VpcId: id('vpc'),
        OwnerId: accountId,
        Region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
        CidrBlock: cidr4,
      }),
      Status: object(['Code'], {
        Code: { enum: ['initiating-request', 'pending-acceptance', 'active', 'deleted', 'rejected', 'failed', 'expired', 'provisioning', 'deleting'] },
      }),
      Tags: tagList,
    },
  }),
  flowLogs: collection<WorldFlowLog>({
    id: 'FlowLogId',
    closed: true,
    required: ['ResourceId'],
    notFound: notFound('InvalidFlowLogId.NotFound', 'flow log ID'),
    fields: {
      FlowLogId: id('fl'),
      ResourceId: { type: 'string', pattern: '^(vpc|subnet|eni)-[0-9a-f]{8,17}$' },
      LogDestinationType: { enum: ['s3', 'cloud-watch-logs', 'kinesis-data-firehose'] },
      LogDestination: { type: 'string', pattern: '^arn:' },
      LogGroupName: { type: 'string', minLength: 1 },
      TrafficType: { enum: ['ACCEPT', 'REJECT', 'ALL'] },
      FlowLogStatus: { enum: ['ACTIVE'] },
      CreationTime: dateTime,
      Tags: tagList,
    },
  }),
};
