/**
 * The `regions.<region>.ec2` section of a simulated world: a compact, camelCase description of an
 * account's EC2/VPC resources in one region, from which the simulator derives what the EC2 API
 * returns (interfaces of instances and NAT gateways, addresses, attachments, default rules).
 */

import { collection } from '../../../sim/service-kit';

export type Tags = Record<string, string>;

export interface WorldVpc {
  id: string;
  cidr: string;
  ipv6Cidr?: string;
  default?: boolean;
  state?: 'available' | 'pending';
  tags?: Tags;
}

export interface WorldSubnet {
  id: string;
  vpc: string;
  cidr: string;
  ipv6Cidr?: string;
  /** Availability zone, default `<region>a`. */
  az?: string;
  mapPublicIpOnLaunch?: boolean;
  defaultForAz?: boolean;
  tags?: Tags;
}

export interface WorldRoute {
  /** IPv4 or IPv6 CIDR, or a prefix list id. */
  destination: string;
  /** igw-, nat-, pcx-, vgw-, tgw-, eigw-, eni- or i- id. */
  target: string;
  state?: 'active' | 'blackhole';
}

export interface WorldRouteTable {
  id: string;
  vpc: string;
  /** The VPC's main route table (used by subnets without an explicit association). */
  main?: boolean;
  /** Subnets explicitly associated with the table. */
  subnets?: string[];
  /** Routes besides the VPC's local route, which is always present. */
  routes?: WorldRoute[];
  tags?: Tags;
}

export interface WorldInternetGateway {
  id: string;
  /** Attached VPC, if any. */
  vpc?: string;
  tags?: Tags;
}

export interface WorldNatGateway {
  id: string;
  subnet: string;
  /** Allocation id of the gateway's Elastic IP (public gateways). */
  eip?: string;
  /** Id of the gateway's network interface, derived from the gateway id when absent. */
  eni?: string;
  privateIp?: string;
  connectivity?: 'public' | 'private';
  state?: 'pending' | 'failed' | 'available' | 'deleting' | 'deleted';
  createdAt?: string;
  tags?: Tags;
}

export interface WorldVpnGateway {
  id: string;
  vpc?: string;
  asn?: number;
  state?: 'pending' | 'available' | 'deleting' | 'deleted';
  tags?: Tags;
}

export interface WorldSecurityGroupRule {
  /** tcp, udp, icmp, icmpv6, all (or -1), or an IP protocol number. */
  protocol: string;
  /** A port (22) or range ("1024-65535"); TCP/UDP without ports means all ports. */
  ports?: number | string;
  icmpType?: number;
  icmpCode?: number;
  cidrs?: string[];
  ipv6Cidrs?: string[];
  prefixLists?: string[];
  /** Referenced groups: `sg-...` in the same account, or `<account>/sg-...`. */
  groups?: string[];
  description?: string;
}

export interface WorldSecurityGroup {
  id: string;
  name: string;
  description?: string;
  vpc: string;
  ingress?: WorldSecurityGroupRule[];
  /** Default: AWS's own default, all traffic to 0.0.0.0/0. `[]` for none. */
  egress?: WorldSecurityGroupRule[];
  tags?: Tags;
}

export interface WorldNetworkAclEntry {
  /** 1-32766; the final `*` deny (32767) is always added. */
  rule: number;
  egress?: boolean;
  action: 'allow' | 'deny';
  protocol: string;
  ports?: number | string;
  icmpType?: number;
  icmpCode?: number;
  /** IPv4 or IPv6 CIDR. */
  cidr: string;
}

export interface WorldNetworkAcl {
  id: string;
  vpc: string;
  default?: boolean;
  subnets?: string[];
  entries?: WorldNetworkAclEntry[];
  tags?: Tags;
}

/** Interfaces besides those of instances (primary) and NAT gateways, which are derived. */
export interface WorldNetworkInterface {
  id: string;
  subnet: string;
  privateIp?: string;
  securityGroups?: string[];
  description?: string;
  type?: 'interface' | 'lambda' | 'vpc_endpoint' | 'network_load_balancer' | 'efa';
  /** Instance the interface is attached to as a secondary interface. */
  instance?: string;
  deviceIndex?: number;
  tags?: Tags;
}

export interface WorldElasticIp {
  allocationId: string;
  publicIp: string;
  /** Associated with this instance's primary interface. */
  instance?: string;
  /** Associated with this interface. */
  networkInterface?: string;
  tags?: Tags;
}

export interface WorldInstance {
  id: string;
  type?: string;
  state?: 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';
  subnet: string;
  image?: string;
  keyName?: string;
  securityGroups?: string[];
  /** Instance profile name; its ARN is built in the instance's account. */
  instanceProfile?: string;
  /** IMDS: `optional` allows IMDSv1, `required` enforces IMDSv2 (default). */
  httpTokens?: 'optional' | 'required';
  httpEndpoint?: 'enabled' | 'disabled';
  monitoring?: boolean;
  privateIp?: string;
  /** Auto-assigned public address (an associated Elastic IP takes precedence). */
  publicIp?: string;
  /** Primary interface id, derived from the instance id when absent. */
  eni?: string;
  launchTime?: string;
  platform?: 'linux' | 'windows';
  tags?: Tags;
}

export interface WorldVolume {
  id: string;
  size?: number;
  type?: 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';
  az?: string;
  /** Default: true with a key, else the region's encryption-by-default setting. */
  encrypted?: boolean;
  /** KMS key id or ARN; an encrypted volume without one uses the region's default EBS key. */
  kmsKeyId?: string;
  state?: 'creating' | 'available' | 'in-use' | 'deleting' | 'error';
  instance?: string;
  device?: string;
  deleteOnTermination?: boolean;
  /** Snapshot the volume was created from. */
  snapshot?: string;
  createdAt?: string;
  iops?: number;
  tags?: Tags;
}

export interface WorldSnapshot {
  id: string;
  /** Volume the snapshot was taken from. */
  volume?: string;
  size?: number;
  encrypted?: boolean;
  kmsKeyId?: string;
  /** Anyone may create volumes from it (createVolumePermission group `all`). */
  public?: boolean;
  /** Accounts allowed to create volumes from it. */
  sharedWith?: string[];
  description?: string;
  createdAt?: string;
  state?: 'pending' | 'completed' | 'error';
  tags?: Tags;
}

export interface WorldImage {
  id: string;
  name: string;
  /** Root volume snapshot. */
  snapshot?: string;
  public?: boolean;
  state?: 'pending' | 'available' | 'invalid' | 'deregistered' | 'failed';
  architecture?: 'x86_64' | 'arm64' | 'i386';
  platform?: 'linux' | 'windows';
  description?: string;
  createdAt?: string;
  tags?: Tags;
}

export interface WorldKeyPair {
  name: string;
  id?: string;
  type?: 'rsa' | 'ed25519';
  fingerprint?: string;
  createdAt?: string;
  tags?: Tags;
}

export interface WorldPeeringConnection {
  id: string;
  /** The requester VPC, in this account and region. */
  requesterVpc: string;
  accepter: { vpc: string; account?: string; region?: string; cidr?: string };
  status?: 'initiating-request' | 'pending-acceptance' | 'active' | 'deleted' | 'rejected' | 'failed' | 'expired' | 'provisioning' | 'deleting';
  tags?: Tags;
}

export interface WorldFlowLog {
  id: string;
  /** vpc-, subnet- or eni- id. */
  resource: string;
  destinationType?: 's3' | 'cloud-watch-logs' | 'kinesis-data-firehose';
  /** S3: a bucket ARN (with an optional folder) or bucket name; CloudWatch Logs: the log group name. */
  destination: string;
  trafficType?: 'ACCEPT' | 'REJECT' | 'ALL';
  status?: 'ACTIVE';
  createdAt?: string;
  tags?: Tags;
}

export interface WorldEc2 {
  ebsEncryptionByDefault?: boolean;
  /** Default EBS key (id or ARN); default: the region's `alias/aws/ebs` key. */
  ebsDefaultKmsKeyId?: string;
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
// Collections and their JSON schemas
// ---------------------------------------------------------------------------------------------

const id = (prefix: string) => ({ type: 'string', pattern: `^${prefix}-[0-9a-f]{8,17}$` });
const ids = (prefix: string) => ({ type: 'array', items: id(prefix) });
const IPV4 = '(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}';
const ipv4 = { type: 'string', pattern: `^${IPV4}$` };
const cidr4 = { type: 'string', pattern: `^${IPV4}/(3[0-2]|[12]?\\d)$` };
const cidr6 = { type: 'string', pattern: '^[0-9a-fA-F:]*:[0-9a-fA-F:]*/(12[0-8]|1[01]\\d|\\d?\\d)$' };
const cidrAny = { type: 'string', pattern: `^(${IPV4}/(3[0-2]|[12]?\\d)|[0-9a-fA-F:]*:[0-9a-fA-F:]*/(12[0-8]|1[01]\\d|\\d?\\d))$` };
const accountId = { type: 'string', pattern: '^\\d{12}$' };
const dateTime = { type: 'string', format: 'date-time' };
const tags = { type: 'object', additionalProperties: { type: 'string' } };
const protocol = { type: 'string', pattern: '^(tcp|udp|icmp|icmpv6|all|-1|\\d{1,3})$' };
const ports = { type: ['integer', 'string'], minimum: 0, maximum: 65535, pattern: '^\\d{1,5}(-\\d{1,5})?$' };
const icmp = { type: 'integer', minimum: -1, maximum: 255 };
const kmsKey = {
  type: 'string',
  pattern: '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|arn:aws[\\w-]*:kms:[a-z0-9-]+:\\d{12}:(key|alias)/.+)$',
};

function object(required: string[], properties: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, required, properties };
}
const list = (items: unknown) => ({ type: 'array', items });

const securityGroupRule = object(['protocol'], {
  protocol,
  ports,
  icmpType: icmp,
  icmpCode: icmp,
  cidrs: list(cidr4),
  ipv6Cidrs: list(cidr6),
  prefixLists: ids('pl'),
  groups: list({ type: 'string', pattern: '^(\\d{12}/)?sg-[0-9a-f]{8,17}$' }),
  description: { type: 'string' },
});

/** AWS's not-found error of an EC2 id (HTTP 400), as describe calls answer an unknown one. */
function notFound(error: string, what: string) {
  return { error, message: (id: string) => `The ${what} '${id}' does not exist` };
}

export const ec2SectionFields = { ebsEncryptionByDefault: { type: 'boolean' }, ebsDefaultKmsKeyId: kmsKey };

/** The section's collections: records in the world's short format, checked by their fields' schemas. */
export const ec2Collections = {
  vpcs: collection<WorldVpc>({
    id: 'id',
    closed: true,
    required: ['cidr'],
    notFound: notFound('InvalidVpcID.NotFound', 'vpc ID'),
    fields: { id: id('vpc'), cidr: cidr4, ipv6Cidr: cidr6, default: { type: 'boolean' }, state: { enum: ['available', 'pending'] }, tags },
  }),
  subnets: collection<WorldSubnet>({
    id: 'id',
    closed: true,
    required: ['vpc', 'cidr'],
    notFound: notFound('InvalidSubnetID.NotFound', 'subnet ID'),
    fields: {
      id: id('subnet'),
      vpc: id('vpc'),
      cidr: cidr4,
      ipv6Cidr: cidr6,
      az: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d[a-z]$' },
      mapPublicIpOnLaunch: { type: 'boolean' },
      defaultForAz: { type: 'boolean' },
      tags,
    },
  }),
  routeTables: collection<WorldRouteTable>({
    id: 'id',
    closed: true,
    required: ['vpc'],
    notFound: notFound('InvalidRouteTableID.NotFound', 'route table ID'),
    fields: {
      id: id('rtb'),
      vpc: id('vpc'),
      main: { type: 'boolean' },
      subnets: ids('subnet'),
      routes: list(
        object(['destination', 'target'], {
          destination: { type: 'string', pattern: `^(${IPV4}/(3[0-2]|[12]?\\d)|[0-9a-fA-F:]*:[0-9a-fA-F:]*/\\d{1,3}|pl-[0-9a-f]{8,17})$` },
          target: { type: 'string', pattern: '^(igw|nat|pcx|vgw|tgw|eigw|eni|i)-[0-9a-f]{8,17}$' },
          state: { enum: ['active', 'blackhole'] },
        }),
      ),
      tags,
    },
  }),
  internetGateways: collection<WorldInternetGateway>({
    id: 'id',
    closed: true,
    notFound: notFound('InvalidInternetGatewayID.NotFound', 'internet gateway ID'),
    fields: { id: id('igw'), vpc: id('vpc'), tags },
  }),
  natGateways: collection<WorldNatGateway>({
    id: 'id',
    closed: true,
    required: ['subnet'],
    notFound: notFound('NatGatewayNotFound', 'NAT gateway'),
    fields: {
      id: id('nat'),
      subnet: id('subnet'),
      eip: id('eipalloc'),
      eni: id('eni'),
      privateIp: ipv4,
      connectivity: { enum: ['public', 'private'] },
      state: { enum: ['pending', 'failed', 'available', 'deleting', 'deleted'] },
      createdAt: dateTime,
      tags,
    },
  }),
  vpnGateways: collection<WorldVpnGateway>({
    id: 'id',
    closed: true,
    notFound: notFound('InvalidVpnGatewayID.NotFound', 'VPN gateway ID'),
    fields: {
      id: id('vgw'),
      vpc: id('vpc'),
      asn: { type: 'integer', minimum: 1 },
      state: { enum: ['pending', 'available', 'deleting', 'deleted'] },
      tags,
    },
  }),
  securityGroups: collection<WorldSecurityGroup>({
    id: 'id',
    closed: true,
    required: ['name', 'vpc'],
    notFound: notFound('InvalidGroup.NotFound', 'security group'),
    fields: {
      id: id('sg'),
      name: { type: 'string', minLength: 1, maxLength: 255 },
      description: { type: 'string' },
      vpc: id('vpc'),
      ingress: list(securityGroupRule),
      egress: list(securityGroupRule),
      tags,
    },
  }),
  networkAcls: collection<WorldNetworkAcl>({
    id: 'id',
    closed: true,
    required: ['vpc'],
    notFound: notFound('InvalidNetworkAclID.NotFound', 'network ACL ID'),
    fields: {
      id: id('acl'),
      vpc: id('vpc'),
      default: { type: 'boolean' },
      subnets: ids('subnet'),
      entries: list(
        object(['rule', 'action', 'protocol', 'cidr'], {
          rule: { type: 'integer', minimum: 1, maximum: 32766 },
          egress: { type: 'boolean' },
          action: { enum: ['allow', 'deny'] },
          protocol,
          ports,
          icmpType: icmp,
          icmpCode: icmp,
          cidr: cidrAny,
        }),
      ),
      tags,
    },
  }),
  networkInterfaces: collection<WorldNetworkInterface>({
    id: 'id',
    closed: true,
    required: ['subnet'],
    notFound: notFound('InvalidNetworkInterfaceID.NotFound', 'network interface ID'),
    fields: {
      id: id('eni'),
      subnet: id('subnet'),
      privateIp: ipv4,
      securityGroups: ids('sg'),
      description: { type: 'string' },
      type: { enum: ['interface', 'lambda', 'vpc_endpoint', 'network_load_balancer', 'efa'] },
      instance: id('i'),
      deviceIndex: { type: 'integer', minimum: 1 },
      tags,
    },
  }),
  elasticIps: collection<WorldElasticIp>({
    id: 'allocationId',
    closed: true,
    required: ['publicIp'],
    notFound: notFound('InvalidAllocationID.NotFound', 'allocation ID'),
    fields: { allocationId: id('eipalloc'), publicIp: ipv4, instance: id('i'), networkInterface: id('eni'), tags },
  }),
  instances: collection<WorldInstance>({
    id: 'id',
    closed: true,
    required: ['subnet'],
    notFound: notFound('InvalidInstanceID.NotFound', 'instance ID'),
    fields: {
      id: id('i'),
      type: { type: 'string', pattern: '^[a-z][a-z0-9-]*\\.[a-z0-9]+$' },
      state: { enum: ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'] },
      subnet: id('subnet'),
      image: id('ami'),
      keyName: { type: 'string', minLength: 1 },
      securityGroups: ids('sg'),
      instanceProfile: { type: 'string', pattern: '^[\\w+=,.@-]{1,128}$' },
      httpTokens: { enum: ['optional', 'required'] },
      httpEndpoint: { enum: ['enabled', 'disabled'] },
      monitoring: { type: 'boolean' },
      privateIp: ipv4,
      publicIp: ipv4,
      eni: id('eni'),
      launchTime: dateTime,
      platform: { enum: ['linux', 'windows'] },
      tags,
    },
  }),
  volumes: collection<WorldVolume>({
    id: 'id',
    closed: true,
    notFound: notFound('InvalidVolume.NotFound', 'volume'),
    fields: {
      id: id('vol'),
      size: { type: 'integer', minimum: 1, maximum: 65536 },
      type: { enum: ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'] },
      az: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d[a-z]$' },
      encrypted: { type: 'boolean' },
      kmsKeyId: kmsKey,
      state: { enum: ['creating', 'available', 'in-use', 'deleting', 'error'] },
      instance: id('i'),
      device: { type: 'string', pattern: '^/dev/[a-z0-9]+$' },
      deleteOnTermination: { type: 'boolean' },
      snapshot: id('snap'),
      createdAt: dateTime,
      iops: { type: 'integer', minimum: 100 },
      tags,
    },
  }),
  snapshots: collection<WorldSnapshot>({
    id: 'id',
    closed: true,
    notFound: notFound('InvalidSnapshot.NotFound', 'snapshot'),
    fields: {
      id: id('snap'),
      volume: id('vol'),
      size: { type: 'integer', minimum: 1 },
      encrypted: { type: 'boolean' },
      kmsKeyId: kmsKey,
      public: { type: 'boolean' },
      sharedWith: list(accountId),
      description: { type: 'string' },
      createdAt: dateTime,
      state: { enum: ['pending', 'completed', 'error'] },
      tags,
    },
  }),
  images: collection<WorldImage>({
    id: 'id',
    closed: true,
    required: ['name'],
    notFound: notFound('InvalidAMIID.NotFound', 'image id'),
    fields: {
      id: id('ami'),
      name: { type: 'string', pattern: "^[\\w ()\\[\\]./'@-]{3,128}$" },
      snapshot: id('snap'),
      public: { type: 'boolean' },
      state: { enum: ['pending', 'available', 'invalid', 'deregistered', 'failed'] },
      architecture: { enum: ['x86_64', 'arm64', 'i386'] },
      platform: { enum: ['linux', 'windows'] },
      description: { type: 'string' },
      createdAt: dateTime,
      tags,
    },
  }),
  keyPairs: collection<WorldKeyPair>({
    id: 'name',
    closed: true,
    notFound: notFound('InvalidKeyPair.NotFound', 'key pair'),
    fields: {
      name: { type: 'string', minLength: 1, maxLength: 255 },
      id: id('key'),
      type: { enum: ['rsa', 'ed25519'] },
      fingerprint: { type: 'string' },
      createdAt: dateTime,
      tags,
    },
  }),
  peeringConnections: collection<WorldPeeringConnection>({
    id: 'id',
    closed: true,
    required: ['requesterVpc', 'accepter'],
    notFound: notFound('InvalidVpcPeeringConnectionID.NotFound', 'vpc peering connection ID'),
    fields: {
      id: id('pcx'),
      requesterVpc: id('vpc'),
      accepter: object(['vpc'], { vpc: id('vpc'), account: accountId, region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' }, cidr: cidr4 }),
      status: { enum: ['initiating-request', 'pending-acceptance', 'active', 'deleted', 'rejected', 'failed', 'expired', 'provisioning', 'deleting'] },
      tags,
    },
  }),
  flowLogs: collection<WorldFlowLog>({
    id: 'id',
    closed: true,
    required: ['resource', 'destination'],
    notFound: notFound('InvalidFlowLogId.NotFound', 'flow log ID'),
    fields: {
      id: id('fl'),
      resource: { type: 'string', pattern: '^(vpc|subnet|eni)-[0-9a-f]{8,17}$' },
      destinationType: { enum: ['s3', 'cloud-watch-logs', 'kinesis-data-firehose'] },
      destination: { type: 'string', minLength: 1 },
      trafficType: { enum: ['ACCEPT', 'REJECT', 'ALL'] },
      status: { enum: ['ACTIVE'] },
      createdAt: dateTime,
      tags,
    },
  }),
};
