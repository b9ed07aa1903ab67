// TEMPORARY: converts the old short world format into SDK-shaped records (removed once data is converted).
import type * as Old from './world-old';
import type * as New from './world';

type Tags = Record<string, string> | undefined;
const tagList = (tags: Tags) => (tags ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : undefined);

function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out as T;
  }
  return value;
}

const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', icmpv6: '58', all: '-1', '-1': '-1' };

function range(ports: number | string | undefined): { from: number; to: number } | undefined {
  if (ports === undefined) return undefined;
  const [from, to] = String(ports).split('-').map(Number);
  return { from, to: to ?? from };
}

export function permission(rule: Old.WorldSecurityGroupRule): New.WorldIpPermission {
  const ipProtocol = PROTOCOL_NUMBERS[rule.protocol] === '-1' ? '-1' : rule.protocol;
  const r = range(rule.ports);
  const ports =
    ipProtocol === 'icmp' || ipProtocol === 'icmpv6'
      ? { FromPort: rule.icmpType, ToPort: rule.icmpCode }
      : ipProtocol === 'tcp' || ipProtocol === 'udp'
        ? { FromPort: r?.from, ToPort: r?.to }
        : {};
  const d = rule.description;
  return clean({
    IpProtocol: ipProtocol,
    ...ports,
    IpRanges: rule.cidrs?.map((CidrIp) => ({ CidrIp, Description: d })),
    Ipv6Ranges: rule.ipv6Cidrs?.map((CidrIpv6) => ({ CidrIpv6, Description: d })),
    PrefixListIds: rule.prefixLists?.map((PrefixListId) => ({ PrefixListId, Description: d })),
    UserIdGroupPairs: rule.groups?.map((reference) => {
      const [owner, GroupId] = reference.includes('/') ? reference.split('/') : [undefined, reference];
      return { GroupId, UserId: owner, Description: d };
    }),
  });
}

export function aclEntry(entry: Old.WorldNetworkAclEntry): New.WorldNetworkAclEntry {
  const Protocol = PROTOCOL_NUMBERS[entry.protocol] ?? entry.protocol;
  const r = range(entry.ports);
  return clean({
    RuleNumber: entry.rule,
    Protocol,
    RuleAction: entry.action,
    Egress: entry.egress,
    ...(entry.cidr.includes(':') ? { Ipv6CidrBlock: entry.cidr } : { CidrBlock: entry.cidr }),
    PortRange: Protocol === '6' || Protocol === '17' ? { From: r?.from ?? 0, To: r?.to ?? 65535 } : undefined,
    IcmpTypeCode: Protocol === '1' || Protocol === '58' ? { Type: entry.icmpType ?? -1, Code: entry.icmpCode ?? -1 } : undefined,
  }) as New.WorldNetworkAclEntry;
}

function route(r: Old.WorldRoute): New.WorldRoute {
  const destination = r.destination.startsWith('pl-')
    ? { DestinationPrefixListId: r.destination }
    : r.destination.includes(':')
      ? { DestinationIpv6CidrBlock: r.destination }
      : { DestinationCidrBlock: r.destination };
  const prefix = r.target.split('-')[0];
  const member =
    { nat: 'NatGatewayId', pcx: 'VpcPeeringConnectionId', tgw: 'TransitGatewayId', eigw: 'EgressOnlyInternetGatewayId', eni: 'NetworkInterfaceId', i: 'InstanceId' }[prefix] ??
    'GatewayId';
  return clean({ ...destination, [member]: r.target, State: r.state }) as New.WorldRoute;
}

export function upgradeEc2(section: Old.WorldEc2, accountId: string): New.WorldEc2 {
  const s = section;
  return clean({
    EbsEncryptionByDefault: s.ebsEncryptionByDefault,
    EbsDefaultKmsKeyId: s.ebsDefaultKmsKeyId,
    vpcs: s.vpcs?.map((v) => ({
      VpcId: v.id,
      CidrBlock: v.cidr,
      Ipv6CidrBlockAssociationSet: v.ipv6Cidr ? [{ Ipv6CidrBlock: v.ipv6Cidr }] : undefined,
      IsDefault: v.default,
      State: v.state,
      Tags: tagList(v.tags),
    })),
    subnets: s.subnets?.map((x) => ({
      SubnetId: x.id,
      VpcId: x.vpc,
      CidrBlock: x.cidr,
      Ipv6CidrBlockAssociationSet: x.ipv6Cidr ? [{ Ipv6CidrBlock: x.ipv6Cidr }] : undefined,
      AvailabilityZone: x.az,
      MapPublicIpOnLaunch: x.mapPublicIpOnLaunch,
      DefaultForAz: x.defaultForAz,
      Tags: tagList(x.tags),
    })),
    routeTables: s.routeTables?.map((t) => ({
      RouteTableId: t.id,
      VpcId: t.vpc,
      Associations: t.main || t.subnets?.length ? [...(t.main ? [{ Main: true }] : []), ...(t.subnets ?? []).map((SubnetId) => ({ SubnetId }))] : undefined,
      Routes: t.routes?.map(route),
      Tags: tagList(t.tags),
    })),
    internetGateways: s.internetGateways?.map((g) => ({ InternetGatewayId: g.id, Attachments: g.vpc ? [{ VpcId: g.vpc }] : undefined, Tags: tagList(g.tags) })),
    natGateways: s.natGateways?.map((n) => ({
      NatGatewayId: n.id,
      SubnetId: n.subnet,
      NatGatewayAddresses: n.eip || n.eni || n.privateIp ? [{ AllocationId: n.eip, NetworkInterfaceId: n.eni, PrivateIp: n.privateIp }] : undefined,
      ConnectivityType: n.connectivity,
      State: n.state,
      CreateTime: n.createdAt,
      Tags: tagList(n.tags),
    })),
    vpnGateways: s.vpnGateways?.map((g) => ({
      VpnGatewayId: g.id,
      VpcAttachments: g.vpc ? [{ VpcId: g.vpc }] : undefined,
      AmazonSideAsn: g.asn,
      State: g.state,
      Tags: tagList(g.tags),
    })),
    securityGroups: s.securityGroups?.map((g) => ({
      GroupId: g.id,
      GroupName: g.name,
      Description: g.description,
      VpcId: g.vpc,
      IpPermissions: g.ingress?.map(permission),
      IpPermissionsEgress: g.egress?.map(permission),
      Tags: tagList(g.tags),
    })),
    networkAcls: s.networkAcls?.map((a) => ({
      NetworkAclId: a.id,
      VpcId: a.vpc,
      IsDefault: a.default,
      Associations: a.subnets?.map((SubnetId) => ({ SubnetId })),
      Entries: a.entries?.map(aclEntry),
      Tags: tagList(a.tags),
    })),
    networkInterfaces: s.networkInterfaces?.map((e) => ({
      NetworkInterfaceId: e.id,
      SubnetId: e.subnet,
      PrivateIpAddress: e.privateIp,
      Groups: e.securityGroups?.map((GroupId) => ({ GroupId })),
      Description: e.description,
      InterfaceType: e.type,
      Attachment: e.instance ? { InstanceId: e.instance, DeviceIndex: e.deviceIndex } : undefined,
      TagSet: tagList(e.tags),
    })),
    elasticIps: s.elasticIps?.map((e) => ({
      AllocationId: e.allocationId,
      PublicIp: e.publicIp,
      InstanceId: e.instance,
      NetworkInterfaceId: e.networkInterface,
      Tags: tagList(e.tags),
    })),
    instances: s.instances?.map((i) => ({
      InstanceId: i.id,
      InstanceType: i.type,
      State: i.state ? { Name: i.state } : undefined,
      SubnetId: i.subnet,
      ImageId: i.image,
      KeyName: i.keyName,
      SecurityGroups: i.securityGroups?.map((GroupId) => ({ GroupId })),
      IamInstanceProfile: i.instanceProfile ? { Arn: `arn:aws:iam::${accountId}:instance-profile/${i.instanceProfile}` } : undefined,
      MetadataOptions: i.httpTokens || i.httpEndpoint ? { HttpTokens: i.httpTokens, HttpEndpoint: i.httpEndpoint } : undefined,
      Monitoring: i.monitoring ? { State: 'enabled' } : undefined,
      PrivateIpAddress: i.privateIp,
      PublicIpAddress: i.publicIp,
      NetworkInterfaces: i.eni ? [{ NetworkInterfaceId: i.eni }] : undefined,
      LaunchTime: i.launchTime,
      Platform: i.platform === 'windows' ? 'Windows' : undefined,
      Tags: tagList(i.tags),
    })),
    volumes: s.volumes?.map((v) => ({
      VolumeId: v.id,
      Size: v.size,
      VolumeType: v.type,
      AvailabilityZone: v.az,
      Encrypted: v.encrypted,
      KmsKeyId: v.kmsKeyId,
      State: v.state,
      Attachments: v.instance ? [{ InstanceId: v.instance, Device: v.device, DeleteOnTermination: v.deleteOnTermination }] : undefined,
      SnapshotId: v.snapshot,
      CreateTime: v.createdAt,
      Iops: v.iops,
      Tags: tagList(v.tags),
    })),
    snapshots: s.snapshots?.map((x) => ({
      SnapshotId: x.id,
      VolumeId: x.volume,
      VolumeSize: x.size,
      Encrypted: x.encrypted,
      KmsKeyId: x.kmsKeyId,
      CreateVolumePermissions:
        x.public || x.sharedWith?.length ? [...(x.public ? [{ Group: 'all' as const }] : []), ...(x.sharedWith ?? []).map((UserId) => ({ UserId }))] : undefined,
      Description: x.description,
      StartTime: x.createdAt,
      State: x.state,
      Tags: tagList(x.tags),
    })),
    images: s.images?.map((m) => ({
      ImageId: m.id,
      Name: m.name,
      BlockDeviceMappings: m.snapshot ? [{ Ebs: { SnapshotId: m.snapshot } }] : undefined,
      Public: m.public,
      State: m.state,
      Architecture: m.architecture,
      Platform: m.platform === 'windows' ? ('Windows' as const) : undefined,
      Description: m.description,
      CreationDate: m.createdAt,
      Tags: tagList(m.tags),
    })),
    keyPairs: s.keyPairs?.map((k) => ({ KeyName: k.name, KeyPairId: k.id, KeyType: k.type, KeyFingerprint: k.fingerprint, CreateTime: k.createdAt, Tags: tagList(k.tags) })),
    peeringConnections: s.peeringConnections?.map((p) => ({
      VpcPeeringConnectionId: p.id,
      RequesterVpcInfo: { VpcId: p.requesterVpc },
      AccepterVpcInfo: { VpcId: p.accepter.vpc, OwnerId: p.accepter.account, Region: p.accepter.region, CidrBlock: p.accepter.cidr },
      Status: p.status ? { Code: p.status } : undefined,
      Tags: tagList(p.tags),
    })),
    flowLogs: s.flowLogs?.map((l) => {
      const type = l.destinationType ?? 's3';
      return {
        FlowLogId: l.id,
        ResourceId: l.resource,
        LogDestinationType: l.destinationType,
        LogDestination: type === 's3' ? (l.destination.startsWith('arn:') ? l.destination : `arn:aws:s3:::${l.destination}`) : type === 'cloud-watch-logs' ? undefined : l.destination,
        LogGroupName: type === 'cloud-watch-logs' ? l.destination : undefined,
        TrafficType: l.trafficType,
        FlowLogStatus: l.status,
        CreationTime: l.createdAt,
        Tags: tagList(l.tags),
      };
    }),
  }) as New.WorldEc2;
}
