import type {
  Address,
  CreateVolumePermission,
  FlowLog,
  Image,
  Instance,
  InternetGateway,
  KeyPairInfo,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  Snapshot,
  Subnet,
  Volume,
  Vpc,
  VpcPeeringConnection,
  VpnGateway,
} from '@aws-sdk/client-ec2';
import { createEntity, createRelationship, mappedEntity, RelationshipVerb, serviceEntityRef, type Entity, type RawValue, type Relationship } from '../../graph';
import { KmsEntities } from '../kms/schema';
import { S3Entities } from '../s3/schema';
import {
  consoleLink,
  eipKey,
  eniKey,
  imageKey,
  instanceKey,
  internetGatewayKey,
  keyPairKey,
  natGatewayKey,
  networkAclKey,
  ref,
  routeTableKey,
  s3BucketKeyFromDestination,
  securityGroupKey,
  snapshotKey,
  subnetKey,
  volumeKey,
  vpcKey,
  vpnGatewayKey,
  type Ec2Scope,
  type EntityRef,
} from './keys';
import { Ec2Entities } from './schema';

const unique = <T>(values: Iterable<T | undefined | null | ''>): T[] => [
  ...new Set([...values].filter((v): v is T => v !== undefined && v !== null && v !== '')),
];
/** A list property, or undefined when empty (so the property is absent rather than `[]`). */
const listOrUndefined = (values: string[]): string[] | undefined => (values.length ? values : undefined);
const listOrNull = (values: string[]): string[] | null => (values.length ? values : null);

/** `aws_ec2 HAS <entity>` for the types the data model hangs under the service. */
export function ec2ServiceHas(accountId: string, entity: EntityRef): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'ec2'), verb: RelationshipVerb.HAS, to: entity });
}

// ---------------------------------------------------------------------------------------------
// Network: VPCs, subnets, route tables, gateways, interfaces, addresses
// ---------------------------------------------------------------------------------------------

/** A route's destination and target, in the console's words: `0.0.0.0/0 -> igw-0abc`. */
function routeSummary(route: NonNullable<RouteTable['Routes']>[number]): string {
  const destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? route.DestinationPrefixListId ?? '?';
  const target =
    route.GatewayId ??
    route.NatGatewayId ??
    route.TransitGatewayId ??
    route.VpcPeeringConnectionId ??
    route.EgressOnlyInternetGatewayId ??
    route.NetworkInterfaceId ??
    route.InstanceId ??
    route.CarrierGatewayId ??
    route.LocalGatewayId ??
    route.CoreNetworkArn ??
    '?';
  return `${destination} -> ${target}${route.State === 'blackhole' ? ' (blackhole)' : ''}`;
}

/** Whether a route table sends traffic to an internet gateway (what makes its subnets public). */
export function routesToInternetGateway(table: RouteTable): boolean {
  return (table.Routes ?? []).some((route) => route.GatewayId?.startsWith('igw-') && route.State !== 'blackhole');
}

/**
 * The route table a subnet uses: the one explicitly associated with it, else the main route table
 * of its VPC (AWS's own rule).
 */
export function routeTableForSubnet(subnet: Subnet, tables: readonly RouteTable[]): { table: RouteTable; main: boolean } | undefined {
  const explicit = tables.find((table) =>
    (table.Associations ?? []).some((a) => a.SubnetId === subnet.SubnetId && a.AssociationState?.State !== 'disassociated'),
  );
  if (explicit) return { table: explicit, main: false };
  const main = tables.find((table) => table.VpcId === subnet.VpcId && (table.Associations ?? []).some((a) => a.Main));
  return main ? { table: main, main: true } : undefined;
}

/**
 * A subnet is public when its route table has a route to an internet gateway. When the route
 * tables could not be read, `MapPublicIpOnLaunch` is the best remaining sign.
 */
export function isPublicSubnet(subnet: Subnet, tables: readonly RouteTable[] | undefined): boolean {
  if (!tables) return subnet.MapPublicIpOnLaunch === true;
  const used = routeTableForSubnet(subnet, tables);
  return used ? routesToInternetGateway(used.table) : false;
}

export interface VpcFacts {
  /** An internet gateway is attached to the VPC. */
  hasInternetGateway: boolean;
  /** Flow logs whose resource is this VPC; undefined when they could not be listed. */
  flowLogs?: readonly FlowLog[];
}

/** `aws_vpc`. `public` means an internet gateway is attached; a VPC is always an internal network. */
export function convertVpc(vpc: Vpc, scope: Ec2Scope, facts: VpcFacts): Entity {
  const id = vpc.VpcId ?? '';
  const owner = vpc.OwnerId ?? scope.accountId;
  const activeLogs = (facts.flowLogs ?? []).filter((log) => (log.FlowLogStatus ?? 'ACTIVE') === 'ACTIVE');
  const ipv6Blocks = unique((vpc.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.Ipv6CidrBlockState?.State !== 'disassociated').map((a) => a.Ipv6CidrBlock));
  return createEntity({
    _key: vpcKey(scope.region, owner, id),
    schema: Ec2Entities.VPC,
    name: id,
    tags: vpc.Tags,
    properties: {
      id,
      vpcId: id,
      arn: vpcKey(scope.region, owner, id),
      accountId: owner,
      region: scope.region,
      CIDR: vpc.CidrBlock ?? null,
      cidrBlocks: listOrUndefined(
        unique((vpc.CidrBlockAssociationSet ?? []).filter((a) => a.CidrBlockState?.State !== 'disassociated').map((a) => a.CidrBlock)),
      ),
      // The data model's CIDRv6 takes an address, not a block.
      ipv6CIDR: ipv6Blocks[0],
      ipv6CidrBlocks: listOrUndefined(ipv6Blocks),
      defaultVpc: vpc.IsDefault === true,
      state: vpc.State,
      active: vpc.State === 'available',
      instanceTenancy: vpc.InstanceTenancy,
      dhcpOptionsId: vpc.DhcpOptionsId,
      public: facts.hasInternetGateway,
      internal: true,
      flowLogsEnabled: facts.flowLogs ? activeLogs.length > 0 : undefined,
      flowLogIds: listOrUndefined(unique(activeLogs.map((log) => log.FlowLogId))),
      flowLogDestinations: listOrUndefined(unique(activeLogs.map((log) => log.LogDestination ?? log.LogGroupName)).sort()),
      webLink: consoleLink('vpc', scope.region, `VpcDetails:VpcId=${id}`),
    },
  });
}

/** `aws_subnet`; `public` as decided by {@link isPublicSubnet}. */
export function convertSubnet(subnet: Subnet, scope: Ec2Scope, facts: { public: boolean; routeTableId?: string }): Entity {
  const id = subnet.SubnetId ?? '';
  const owner = subnet.OwnerId ?? scope.accountId;
  const ipv6Blocks = unique(
    (subnet.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.Ipv6CidrBlockState?.State !== 'disassociated').map((a) => a.Ipv6CidrBlock),
  );
  return createEntity({
    _key: subnetKey(scope.region, owner, id),
    schema: Ec2Entities.SUBNET,
    name: id,
    tags: subnet.Tags,
    properties: {
      id,
      subnetId: id,
      arn: subnet.SubnetArn ?? subnetKey(scope.region, owner, id),
      accountId: owner,
      region: scope.region,
      vpcId: subnet.VpcId,
      CIDR: subnet.CidrBlock ?? null,
      ipv6CIDR: ipv6Blocks[0],
      availabilityZone: subnet.AvailabilityZone,
      availabilityZoneId: subnet.AvailabilityZoneId,
      availableIpAddressCount: subnet.AvailableIpAddressCount,
      mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch,
      defaultForAz: subnet.DefaultForAz,
      state: subnet.State,
      active: subnet.State === 'available',
      public: facts.public,
      internal: !facts.public,
      routeTableId: facts.routeTableId,
      webLink: consoleLink('vpc', scope.region, `SubnetDetails:subnetId=${id}`),
    },
  });
}

export function convertRouteTable(table: RouteTable, scope: Ec2Scope): Entity {
  const id = table.RouteTableId ?? '';
  const owner = table.OwnerId ?? scope.accountId;
  const associations = (table.Associations ?? []).filter((a) => a.AssociationState?.State !== 'disassociated');
  return createEntity({
    _key: routeTableKey(scope.region, owner, id),
    schema: Ec2Entities.ROUTE_TABLE,
    name: id,
    tags: table.Tags,
    properties: {
      id,
      routeTableId: id,
      arn: routeTableKey(scope.region, owner, id),
      accountId: owner,
      region: scope.region,
      vpcId: table.VpcId,
      main: associations.some((a) => a.Main === true),
      subnetIds: listOrUndefined(unique(associations.map((a) => a.SubnetId)).sort()),
      routes: (table.Routes ?? []).map(routeSummary),
      routesToInternetGateway: routesToInternetGateway(table),
      natGatewayIds: listOrUndefined(unique((table.Routes ?? []).map((r) => r.NatGatewayId))),
      vpcPeeringConnectionIds: listOrUndefined(unique((table.Routes ?? []).map((r) => r.VpcPeeringConnectionId))),
      webLink: consoleLink('vpc', scope.region, `RouteTableDetails:RouteTableId=${id}`),
    },
  });
}

/**
 * Whether an internet gateway is attached. EC2 reports an attached internet gateway's state as
 * `available`, a value the SDK's `AttachmentStatus` type does not list.
 */
export function isAttached(attachment: NonNullable<InternetGateway['Attachments']>[number]): boolean {
  const state: string | undefined = attachment.State;
  return state === 'available' || state === 'attached';
}

export function convertInternetGateway(gateway: InternetGateway, scope: Ec2Scope): Entity {
  const id = gateway.InternetGatewayId ?? '';
  const owner = gateway.OwnerId ?? scope.accountId;
  const attached = (gateway.Attachments ?? []).filter(isAttached);
  return createEntity({
    _key: internetGatewayKey(scope.region, owner, id),
    schema: Ec2Entities.INTERNET_GATEWAY,
    name: id,
    tags: gateway.Tags,
    properties: {
      id,
      internetGatewayId: id,
      arn: internetGatewayKey(scope.region, owner, id),
      accountId: owner,
      region: scope.region,
      vpcId: attached[0]?.VpcId,
      attachedVpcIds: listOrUndefined(unique(attached.map((a) => a.VpcId))),
      active: attached.length > 0,
      category: ['network'],
      function: ['routing'],
      public: true,
      webLink: consoleLink('vpc', scope.region, `InternetGateway:internetGatewayId=${id}`),
    },
  });
}

export function convertNatGateway(gateway: NatGateway, scope: Ec2Scope): Entity {
  const id = gateway.NatGatewayId ?? '';
  const addresses = gateway.NatGatewayAddresses ?? [];
  const publicIps = unique(addresses.map((a) => a.PublicIp));
  return createEntity({
    _key: natGatewayKey(scope.region, scope.accountId, id),
    schema: Ec2Entities.NAT_GATEWAY,
    name: id,
    tags: gateway.Tags,
    createdOn: gateway.CreateTime,
    properties: {
      id,
      natGatewayId: id,
      arn: natGatewayKey(scope.region, scope.accountId, id),
      accountId: scope.accountId,
      region: scope.region,
      vpcId: gateway.VpcId,
      subnetId: gateway.SubnetId,
      state: gateway.State,
      active: gateway.State === 'available',
      connectivityType: gateway.ConnectivityType,
      publicIpAddresses: listOrUndefined(publicIps),
      privateIpAddresses: listOrUndefined(unique(addresses.map((a) => a.PrivateIp))),
      allocationIds: listOrUndefined(unique(addresses.map((a) => a.AllocationId))),
      networkInterfaceIds: listOrUndefined(unique(addresses.map((a) => a.NetworkInterfaceId))),
      category: ['network'],
      function: ['nat'],
      public: (gateway.ConnectivityType ?? 'public') === 'public' && publicIps.length > 0,
      webLink: consoleLink('vpc', scope.region, `NatGatewayDetails:natGatewayId=${id}`),
    },
  });
}

export function convertVpnGateway(gateway: VpnGateway, scope: Ec2Scope): Entity {
  const id = gateway.VpnGatewayId ?? '';
  const attached = (gateway.VpcAttachments ?? []).filter((a) => a.State === 'attached' || a.State === 'attaching');
  return createEntity({
    _key: vpnGatewayKey(scope.region, scope.accountId, id),
    schema: Ec2Entities.VPN_GATEWAY,
    name: id,
    tags: gateway.Tags,
    properties: {
      id,
      vpnGatewayId: id,
      arn: vpnGatewayKey(scope.region, scope.accountId, id),
      accountId: scope.accountId,
      region: scope.region,
      type: gateway.Type,
      state: gateway.State,
      active: gateway.State === 'available',
      amazonSideAsn: gateway.AmazonSideAsn,
      availabilityZone: gateway.AvailabilityZone,
      vpcId: attached[0]?.VpcId,
      attachedVpcIds: listOrUndefined(unique(attached.map((a) => a.VpcId))),
      category: ['network'],
      function: ['routing', 'remote-access-gateway'],
      // Terminates IPsec tunnels from the configured customer gateways only.
      public: false,
      webLink: consoleLink('vpc', scope.region, `VpnGateways:VpnGatewayId=${id}`),
    },
  });
}

export function convertNetworkInterface(eni: NetworkInterface, scope: Ec2Scope): Entity {
  const id = eni.NetworkInterfaceId ?? '';
  const owner = eni.OwnerId ?? scope.accountId;
  const privateIps = unique([eni.PrivateIpAddress, ...(eni.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress)]);
  const publicIp = eni.Association?.PublicIp;
  return createEntity({
    _key: eniKey(scope.region, owner, id),
    schema: Ec2Entities.ENI,
    name: id,
    tags: eni.TagSet,
    properties: {
      id,
      networkInterfaceId: id,
      arn: eniKey(scope.region, owner, id),
      accountId: owner,
      region: scope.region,
      description: eni.Description || undefined,
      interfaceType: eni.InterfaceType,
      status: eni.Status,
      active: eni.Status === 'in-use',
      vpcId: eni.VpcId,
      subnetId: eni.SubnetId,
      availabilityZone: eni.AvailabilityZone,
      macAddress: eni.MacAddress?.toLowerCase(),
      dnsName: eni.PrivateDnsName || undefined,
      ipAddress: eni.PrivateIpAddress,
      privateIpAddress: eni.PrivateIpAddress,
      privateIpAddresses: listOrUndefined(privateIps),
      ipv6Addresses: listOrUndefined(unique((eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address))),
      publicIpAddress: publicIp,
      publicIp,
      public: publicIp !== undefined,
      securityGroupIds: listOrUndefined(unique((eni.Groups ?? []).map((g) => g.GroupId)).sort()),
      instanceId: eni.Attachment?.InstanceId,
      attachmentStatus: eni.Attachment?.Status,
      deviceIndex: eni.Attachment?.DeviceIndex,
      requesterManaged: eni.RequesterManaged,
      requesterId: eni.RequesterId,
      sourceDestCheck: eni.SourceDestCheck,
      webLink: consoleLink('ec2', scope.region, `NetworkInterface:networkInterfaceId=${id}`),
    },
  });
}

/** `aws_eip`; the key uses the allocation id (the public IP for the rare address without one). */
export function convertElasticIp(address: Address, scope: Ec2Scope): Entity {
  const allocation = address.AllocationId ?? address.PublicIp ?? '';
  const publicIp = address.PublicIp ?? '';
  return createEntity({
    _key: eipKey(scope.region, scope.accountId, allocation),
    schema: Ec2Entities.EIP,
    name: publicIp,
    tags: address.Tags,
    properties: {
      id: allocation,
      allocationId: address.AllocationId,
      associationId: address.AssociationId,
      arn: eipKey(scope.region, scope.accountId, allocation),
      accountId: scope.accountId,
      region: scope.region,
      domain: address.Domain,
      ipAddress: publicIp,
      publicIp,
      publicIpAddress: publicIp,
      privateIpAddress: address.PrivateIpAddress,
      instanceId: address.InstanceId || undefined,
      networkInterfaceId: address.NetworkInterfaceId,
      networkInterfaceOwnerId: address.NetworkInterfaceOwnerId,
      publicIpv4Pool: address.PublicIpv4Pool,
      networkBorderGroup: address.NetworkBorderGroup,
      associated: Boolean(address.AssociationId || address.InstanceId || address.NetworkInterfaceId),
      public: true,
      webLink: consoleLink('ec2', scope.region, `ElasticIpDetails:AllocationId=${allocation}`),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Network relationships
// ---------------------------------------------------------------------------------------------

export function vpcContainsSubnet(scope: Ec2Scope, subnet: Subnet): Relationship {
  const owner = subnet.OwnerId ?? scope.accountId;
  return createRelationship({
    from: ref(Ec2Entities.VPC._type, vpcKey(scope.region, owner, subnet.VpcId ?? '')),
    verb: RelationshipVerb.CONTAINS,
    to: ref(Ec2Entities.SUBNET._type, subnetKey(scope.region, owner, subnet.SubnetId ?? '')),
  });
}

export function vpcHas(scope: Ec2Scope, vpcId: string, child: EntityRef, vpcOwner = scope.accountId): Relationship {
  return createRelationship({ from: ref(Ec2Entities.VPC._type, vpcKey(scope.region, vpcOwner, vpcId)), verb: RelationshipVerb.HAS, to: child });
}

export function subnetUsesRouteTable(subnet: Entity, table: RouteTable, scope: Ec2Scope, main: boolean): Relationship {
  return createRelationship({
    from: subnet,
    verb: RelationshipVerb.USES,
    to: ref(Ec2Entities.ROUTE_TABLE._type, routeTableKey(scope.region, table.OwnerId ?? scope.accountId, table.RouteTableId ?? '')),
    properties: { main },
  });
}

/** `aws_nat_gateway USES aws_eni` and `USES aws_eip` for each of its addresses. */
export function natGatewayUses(gateway: NatGateway, scope: Ec2Scope): Relationship[] {
  const from = ref(Ec2Entities.NAT_GATEWAY._type, natGatewayKey(scope.region, scope.accountId, gateway.NatGatewayId ?? ''));
  const relationships: Relationship[] = [];
  for (const address of gateway.NatGatewayAddresses ?? []) {
    if (address.NetworkInterfaceId) {
      relationships.push(
        createRelationship({
          from,
          verb: RelationshipVerb.USES,
          to: ref(Ec2Entities.ENI._type, eniKey(scope.region, scope.accountId, address.NetworkInterfaceId)),
        }),
      );
    }
    if (address.AllocationId) {
      relationships.push(
        createRelationship({ from, verb: RelationshipVerb.USES, to: ref(Ec2Entities.EIP._type, eipKey(scope.region, scope.accountId, address.AllocationId)) }),
      );
    }
  }
  return relationships;
}

/** `aws_eni USES aws_eip` for an address associated with a network interface. */
export function eniUsesElasticIp(address: Address, scope: Ec2Scope): Relationship | undefined {
  if (!address.NetworkInterfaceId) return undefined;
  return createRelationship({
    from: ref(Ec2Entities.ENI._type, eniKey(scope.region, address.NetworkInterfaceOwnerId ?? scope.accountId, address.NetworkInterfaceId)),
    verb: RelationshipVerb.USES,
    to: ref(Ec2Entities.EIP._type, eipKey(scope.region, scope.accountId, address.AllocationId ?? address.PublicIp ?? '')),
  });
}

/** `aws_vpc LOGS aws_s3_bucket` for a flow log delivered to S3 (the bucket is the S3 collectors'). */
export function vpcLogsToBucket(log: FlowLog, scope: Ec2Scope): Relationship | undefined {
  if (log.LogDestinationType !== 's3' || !log.ResourceId?.startsWith('vpc-')) return undefined;
  const bucket = s3BucketKeyFromDestination(log.LogDestination);
  if (!bucket) return undefined;
  return createRelationship({
    from: ref(Ec2Entities.VPC._type, vpcKey(scope.region, scope.accountId, log.ResourceId)),
    verb: RelationshipVerb.LOGS,
    to: ref(S3Entities.BUCKET._type, bucket),
    keySuffix: log.FlowLogId,
    properties: { flowLogId: log.FlowLogId, trafficType: log.TrafficType, logDestination: log.LogDestination, status: log.FlowLogStatus },
  });
}

export interface PeeringResult {
  relationship: Relationship;
  /** The peer VPC as a mapped entity when its account is not ingested. */
  mappedPeer?: Entity;
}

/**
 * `aws_vpc CONNECTS aws_vpc` for an active peering connection, from the requester to the accepter.
 * Both accounts see the connection; only one of them emits the edge so that the snapshot does not
 * depend on which account finished first: the requester's account and region, or the accepter's
 * when the requester's account is not ingested. A peer whose account is not ingested becomes a
 * mapped `aws_vpc` (`_source: 'system-mapper'`, `validated: false`).
 */
export function vpcPeering(connection: VpcPeeringConnection, scope: Ec2Scope, ingestedAccounts: ReadonlySet<string>): PeeringResult | undefined {
  if (connection.Status?.Code !== 'active') return undefined;
  const requester = connection.RequesterVpcInfo;
  const accepter = connection.AccepterVpcInfo;
  if (!requester?.VpcId || !accepter?.VpcId || !requester.OwnerId || !accepter.OwnerId) return undefined;
  const requesterRegion = requester.Region ?? scope.region;
  const accepterRegion = accepter.Region ?? scope.region;
  const here = (owner: string, region: string) => owner === scope.accountId && region === scope.region;
  const emits = here(requester.OwnerId, requesterRegion) || (!ingestedAccounts.has(requester.OwnerId) && here(accepter.OwnerId, accepterRegion));
  if (!emits) return undefined;
  const from = ref(Ec2Entities.VPC._type, vpcKey(requesterRegion, requester.OwnerId, requester.VpcId));
  const to = ref(Ec2Entities.VPC._type, vpcKey(accepterRegion, accepter.OwnerId, accepter.VpcId));
  const relationship = createRelationship({
    from,
    verb: RelationshipVerb.CONNECTS,
    to,
    keySuffix: connection.VpcPeeringConnectionId,
    properties: {
      vpcPeeringConnectionId: connection.VpcPeeringConnectionId,
      status: connection.Status?.Code,
      requesterAccountId: requester.OwnerId,
      accepterAccountId: accepter.OwnerId,
      requesterRegion,
      accepterRegion,
      requesterCidr: requester.CidrBlock,
      accepterCidr: accepter.CidrBlock,
      crossAccount: requester.OwnerId !== accepter.OwnerId,
      crossRegion: requesterRegion !== accepterRegion,
    },
  });
  const peer = here(requester.OwnerId, requesterRegion) ? { info: accepter, region: accepterRegion } : { info: requester, region: requesterRegion };
  const peerOwner = peer.info.OwnerId ?? '';
  const mappedPeer = ingestedAccounts.has(peerOwner)
    ? undefined
    : mappedEntity(
        createEntity({
          _key: vpcKey(peer.region, peerOwner, peer.info.VpcId ?? ''),
          schema: Ec2Entities.VPC,
          name: peer.info.VpcId ?? '',
          properties: {
            id: peer.info.VpcId,
            vpcId: peer.info.VpcId,
            arn: vpcKey(peer.region, peerOwner, peer.info.VpcId ?? ''),
            accountId: peerOwner,
            region: peer.region,
            CIDR: peer.info.CidrBlock ?? null,
            // Nothing is known about the peer beyond its address space: a VPC is an internal network.
            public: false,
            internal: true,
          },
        }),
      );
  return { relationship, mappedPeer };
}

// ---------------------------------------------------------------------------------------------
// Firewalls (the rules themselves are in rules.ts)
// ---------------------------------------------------------------------------------------------

export function convertSecurityGroup(group: SecurityGroup, scope: Ec2Scope): Entity {
  const id = group.GroupId ?? '';
  const owner = group.OwnerId ?? scope.accountId;
  return createEntity({
    _key: securityGroupKey(scope.region, owner, id),
    schema: Ec2Entities.SECURITY_GROUP,
    name: group.GroupName ?? id,
    tags: group.Tags,
    properties: {
      id,
      groupId: id,
      groupName: group.GroupName,
      arn: group.SecurityGroupArn ?? securityGroupKey(scope.region, owner, id),
      accountId: owner,
      region: scope.region,
      description: group.Description || undefined,
      vpcId: group.VpcId,
      default: group.GroupName === 'default',
      category: ['network'],
      isStateful: true,
      ingressRuleCount: (group.IpPermissions ?? []).length,
      egressRuleCount: (group.IpPermissionsEgress ?? []).length,
      webLink: consoleLink('ec2', scope.region, `SecurityGroup:groupId=${id}`),
    },
  });
}

export function convertNetworkAcl(acl: NetworkAcl, scope: Ec2Scope): Entity {
  const id = acl.NetworkAclId ?? '';
  const owner = acl.OwnerId ?? scope.accountId;
  return createEntity({
    _key: networkAclKey(scope.region, owner, id),
    schema: Ec2Entities.NETWORK_ACL,
    name: id,
    tags: acl.Tags,
    properties: {
      id,
      networkAclId: id,
      arn: networkAclKey(scope.region, owner, id),
      accountId: owner,
      region: scope.region,
      vpcId: acl.VpcId,
      default: acl.IsDefault === true,
      category: ['network'],
      isStateful: false,
      subnetIds: listOrUndefined(unique((acl.Associations ?? []).map((a) => a.SubnetId)).sort()),
      entryCount: (acl.Entries ?? []).length,
      webLink: consoleLink('vpc', scope.region, `NetworkAclDetails:networkAclId=${id}`),
    },
  });
}

export function networkAclProtectsSubnets(acl: Entity, source: NetworkAcl, scope: Ec2Scope): Relationship[] {
  const owner = source.OwnerId ?? scope.accountId;
  return unique((source.Associations ?? []).map((a) => a.SubnetId)).map((subnetId) =>
    createRelationship({ from: acl, verb: RelationshipVerb.PROTECTS, to: ref(Ec2Entities.SUBNET._type, subnetKey(scope.region, owner, subnetId)) }),
  );
}

export function securityGroupProtects(scope: Ec2Scope, groupId: string, target: EntityRef): Relationship {
  return createRelationship({
    from: ref(Ec2Entities.SECURITY_GROUP._type, securityGroupKey(scope.region, scope.accountId, groupId)),
    verb: RelationshipVerb.PROTECTS,
    to: target,
  });
}

// ---------------------------------------------------------------------------------------------
// Instances
// ---------------------------------------------------------------------------------------------

const HOSTNAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]$/;
const FQDN = /^(?=.{4,253}$)((?!-)[a-zA-Z0-9-]{0,62}[a-zA-Z0-9]\.)+[a-zA-Z]{2,63}$/;

function osTypeOf(instance: Instance): string | null {
  // EC2 reports `windows`; the SDK's type spells it `Windows`.
  if (/windows/i.test(`${instance.Platform ?? ''} ${instance.PlatformDetails ?? ''}`)) return 'windows';
  if (/linux|unix|red hat|suse|ubuntu/i.test(instance.PlatformDetails ?? '')) return 'linux';
  return null;
}

/**
 * `aws_instance` (Host). The Host class requires its device properties even when unknown, so
 * those EC2 cannot tell (serial, make, OS version, last seen) are null. `createdOn` is when the
 * primary network interface was attached, which is when the instance was first launched;
 * `launchTime` changes with every start.
 */
export function convertInstance(instance: Instance, scope: Ec2Scope, ownerId?: string): Entity {
  const id = instance.InstanceId ?? '';
  const owner = ownerId ?? scope.accountId;
  const enis = instance.NetworkInterfaces ?? [];
  const privateIps = unique([
    instance.PrivateIpAddress,
    ...enis.flatMap((eni) => [eni.PrivateIpAddress, ...(eni.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress)]),
  ]);
  const publicIps = unique([instance.PublicIpAddress, ...enis.map((eni) => eni.Association?.PublicIp)]);
  const ipv6 = unique([instance.Ipv6Address, ...enis.flatMap((eni) => (eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address))]);
  const macs = unique(enis.map((eni) => eni.MacAddress?.toLowerCase()));
  const hostname = instance.PrivateDnsName?.split('.')[0];
  const dnsNames = unique([instance.PrivateDnsName, instance.PublicDnsName]).filter((name) => FQDN.test(name));
  const primary = enis.find((eni) => eni.Attachment?.DeviceIndex === 0);
  const metadata = instance.MetadataOptions;
  const state = instance.State?.Name;
  return createEntity({
    _key: instanceKey(scope.region, owner, id),
    schema: Ec2Entities.INSTANCE,
    name: id,
    tags: instance.Tags,
    createdOn: primary?.Attachment?.AttachTime ?? instance.LaunchTime,
    properties: {
      id,
      instanceId: id,
      arn: instanceKey(scope.region, owner, id),
      accountId: owner,
      region: scope.region,
      availabilityZone: instance.Placement?.AvailabilityZone,
      instanceType: instance.InstanceType,
      state,
      active: state === 'running',
      stateReason: instance.StateTransitionReason || undefined,
      vpcId: instance.VpcId,
      subnetId: instance.SubnetId,
      imageId: instance.ImageId,
      keyName: instance.KeyName,
      iamInstanceProfileArn: instance.IamInstanceProfile?.Arn,
      iamInstanceProfileId: instance.IamInstanceProfile?.Id,
      httpTokens: metadata?.HttpTokens,
      httpEndpoint: metadata?.HttpEndpoint,
      httpPutResponseHopLimit: metadata?.HttpPutResponseHopLimit,
      instanceMetadataTags: metadata?.InstanceMetadataTags,
      // IMDSv2 is enforced only when tokens are required (or the metadata endpoint is off).
      imdsv2Required: metadata ? metadata.HttpTokens === 'required' || metadata.HttpEndpoint === 'disabled' : undefined,
      monitoringState: instance.Monitoring?.State,
      publicIpAddress: instance.PublicIpAddress,
      privateIpAddress: instance.PrivateIpAddress,
      publicDnsName: instance.PublicDnsName || undefined,
      privateDnsName: instance.PrivateDnsName || undefined,
      public: publicIps.length > 0,
      securityGroupIds: listOrUndefined(unique((instance.SecurityGroups ?? []).map((g) => g.GroupId)).sort()),
      networkInterfaceIds: listOrUndefined(unique(enis.map((eni) => eni.NetworkInterfaceId))),
      volumeIds: listOrUndefined(unique((instance.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId))),
      rootDeviceName: instance.RootDeviceName,
      rootDeviceType: instance.RootDeviceType,
      architecture: instance.Architecture,
      hypervisor: instance.Hypervisor,
      tenancy: instance.Placement?.Tenancy,
      ebsOptimized: instance.EbsOptimized,
      sourceDestCheck: instance.SourceDestCheck,
      // `windows` as EC2 reports it (the SDK's type says `Windows`), else the platform details.
      platform: instance.Platform?.toLowerCase() ?? instance.PlatformDetails,
      platformDetails: instance.PlatformDetails,
      launchTime: instance.LaunchTime,
      // Host class (device) properties.
      category: 'server',
      hostname: hostname && HOSTNAME.test(hostname) ? hostname : null,
      fqdn: listOrNull(dnsNames),
      ipv4Addresses: listOrNull(unique([...privateIps, ...publicIps]).filter((ip) => !ip.includes(':'))),
      ipv6Addresses: listOrNull(ipv6),
      macAddresses: listOrNull(macs),
      publicIpAddresses: listOrNull(publicIps),
      privateIpAddresses: listOrNull(privateIps),
      serial: null,
      deviceId: null,
      lastSeenOn: null,
      make: null,
      model: instance.InstanceType ?? null,
      osName: instance.PlatformDetails ?? null,
      osType: osTypeOf(instance),
      osDetails: instance.PlatformDetails ?? null,
      osVersion: null,
      webLink: consoleLink('ec2', scope.region, `InstanceDetails:instanceId=${id}`),
    },
  });
}

/** Elastic IPs (as graph entities) by the instance they are associated with. */
export function elasticIpsByInstance(eips: Iterable<Entity>): Map<string, Entity[]> {
  const byInstance = new Map<string, Entity[]>();
  for (const eip of eips) {
    const instanceId = typeof eip.instanceId === 'string' ? eip.instanceId : undefined;
    if (instanceId) byInstance.set(instanceId, [...(byInstance.get(instanceId) ?? []), eip]);
  }
  return byInstance;
}

/**
 * The relationships of an instance: subnet HAS it; it USES its volumes, network interfaces and
 * Elastic IPs; it HAS its security groups, and each of them PROTECTS it.
 */
export function instanceRelationships(instance: Instance, entity: Entity, scope: Ec2Scope, eips: readonly Entity[] = []): Relationship[] {
  const owner = typeof entity.accountId === 'string' ? entity.accountId : scope.accountId;
  const relationships: Relationship[] = [];
  if (instance.SubnetId) {
    relationships.push(
      createRelationship({ from: ref(Ec2Entities.SUBNET._type, subnetKey(scope.region, owner, instance.SubnetId)), verb: RelationshipVerb.HAS, to: entity }),
    );
  }
  for (const volumeId of unique((instance.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId))) {
    relationships.push(
      createRelationship({
        from: entity,
        verb: RelationshipVerb.USES,
        to: ref(Ec2Entities.VOLUME._type, volumeKey(scope.region, owner, volumeId)),
        properties: {
          deviceName: instance.BlockDeviceMappings?.find((m) => m.Ebs?.VolumeId === volumeId)?.DeviceName,
          deleteOnTermination: instance.BlockDeviceMappings?.find((m) => m.Ebs?.VolumeId === volumeId)?.Ebs?.DeleteOnTermination,
        },
      }),
    );
  }
  for (const eni of instance.NetworkInterfaces ?? []) {
    if (!eni.NetworkInterfaceId) continue;
    relationships.push(
      createRelationship({
        from: entity,
        verb: RelationshipVerb.USES,
        to: ref(Ec2Entities.ENI._type, eniKey(scope.region, eni.OwnerId ?? owner, eni.NetworkInterfaceId)),
        properties: { deviceIndex: eni.Attachment?.DeviceIndex },
      }),
    );
  }
  for (const eip of eips) relationships.push(createRelationship({ from: entity, verb: RelationshipVerb.USES, to: eip }));
  for (const groupId of unique((instance.SecurityGroups ?? []).map((g) => g.GroupId))) {
    const group = ref(Ec2Entities.SECURITY_GROUP._type, securityGroupKey(scope.region, owner, groupId));
    relationships.push(createRelationship({ from: entity, verb: RelationshipVerb.HAS, to: group }));
    relationships.push(createRelationship({ from: group, verb: RelationshipVerb.PROTECTS, to: entity }));
  }
  return relationships;
}

// ---------------------------------------------------------------------------------------------
// EBS volumes and snapshots, AMIs, key pairs
// ---------------------------------------------------------------------------------------------

/** `aws_ebs_volume`. `classification` is null unless a `classification` tag says otherwise. */
export function convertVolume(volume: Volume, scope: Ec2Scope): Entity {
  const id = volume.VolumeId ?? '';
  const attachments = (volume.Attachments ?? []).filter((a) => a.State === 'attached' || a.State === 'attaching');
  return createEntity({
    _key: volumeKey(scope.region, scope.accountId, id),
    schema: Ec2Entities.VOLUME,
    name: id,
    tags: volume.Tags,
    createdOn: volume.CreateTime,
    properties: {
      id,
      volumeId: id,
      arn: volumeKey(scope.region, scope.accountId, id),
      accountId: scope.accountId,
      region: scope.region,
      availabilityZone: volume.AvailabilityZone,
      classification: null,
      encrypted: volume.Encrypted ?? null,
      kmsKeyId: volume.KmsKeyId,
      encryptionKeyRef: volume.KmsKeyId,
      size: volume.Size,
      volumeType: volume.VolumeType,
      iops: volume.Iops,
      throughput: volume.Throughput,
      state: volume.State,
      active: volume.State === 'in-use' || volume.State === 'available',
      attached: attachments.length > 0,
      attachedInstanceIds: listOrUndefined(unique(attachments.map((a) => a.InstanceId))),
      multiAttachEnabled: volume.MultiAttachEnabled,
      snapshotId: volume.SnapshotId || undefined,
      webLink: consoleLink('ec2', scope.region, `VolumeDetails:volumeId=${id}`),
    },
  });
}

/** `aws_ebs_volume USES aws_kms_key`; `keyKey` is the key's ARN (see `kmsKeyKey`). */
export function volumeUsesKey(volume: Entity, keyKey: string): Relationship {
  return createRelationship({ from: volume, verb: RelationshipVerb.USES, to: ref(KmsEntities.KEY._type, keyKey) });
}

/** `aws_ebs_volume USES aws_ebs_snapshot`: the snapshot the volume was created from. */
export function volumeUsesSnapshot(volume: Entity, snapshotId: string, scope: Ec2Scope): Relationship {
  return createRelationship({ from: volume, verb: RelationshipVerb.USES, to: ref(Ec2Entities.SNAPSHOT._type, snapshotKey(scope.region, snapshotId)) });
}

/** `aws_ebs_volume HAS aws_ebs_snapshot`: a snapshot taken from the volume. */
export function volumeHasSnapshot(volume: Entity, snapshot: Entity): Relationship {
  return createRelationship({ from: volume, verb: RelationshipVerb.HAS, to: snapshot });
}

export interface SnapshotSharing {
  /** Anyone can create a volume from the snapshot (`Group: all`). */
  public: boolean;
  /** Specific other accounts can create volumes from it. */
  shared: boolean;
  sharedWithAccounts: string[];
}

/** Sharing of a snapshot from its `createVolumePermission` attribute. */
export function snapshotSharing(permissions: readonly CreateVolumePermission[]): SnapshotSharing {
  const accounts = unique(permissions.map((p) => p.UserId)).sort();
  return { public: permissions.some((p) => p.Group === 'all'), shared: accounts.length > 0, sharedWithAccounts: accounts };
}

/**
 * `aws_ebs_snapshot`. `public` and `shared` are absent when the sharing attribute could not be
 * read (unknown is not false).
 */
export function convertSnapshot(snapshot: Snapshot, scope: Ec2Scope, sharing?: SnapshotSharing): Entity {
  const id = snapshot.SnapshotId ?? '';
  return createEntity({
    _key: snapshotKey(scope.region, id),
    schema: Ec2Entities.SNAPSHOT,
    name: id,
    tags: snapshot.Tags,
    createdOn: snapshot.StartTime,
    properties: {
      id,
      snapshotId: id,
      arn: snapshotKey(scope.region, id),
      accountId: snapshot.OwnerId ?? scope.accountId,
      ownerId: snapshot.OwnerId,
      region: scope.region,
      description: snapshot.Description || undefined,
      // AWS reports vol-ffffffff for snapshots copied from another snapshot.
      volumeId: snapshot.VolumeId && snapshot.VolumeId !== 'vol-ffffffff' ? snapshot.VolumeId : undefined,
      volumeSize: snapshot.VolumeSize,
      state: snapshot.State,
      active: snapshot.State === 'completed',
      progress: snapshot.Progress,
      storageTier: snapshot.StorageTier,
      classification: null,
      encrypted: snapshot.Encrypted ?? null,
      kmsKeyId: snapshot.KmsKeyId,
      encryptionKeyRef: snapshot.KmsKeyId,
      public: sharing?.public,
      shared: sharing?.shared,
      sharedWithAccounts: sharing ? listOrUndefined(sharing.sharedWithAccounts) : undefined,
      webLink: consoleLink('ec2', scope.region, `SnapshotDetails:snapshotId=${id}`),
    },
  });
}

export function convertImage(image: Image, scope: Ec2Scope): Entity {
  const id = image.ImageId ?? '';
  const snapshotIds = unique((image.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId));
  return createEntity({
    _key: imageKey(scope.region, id),
    schema: Ec2Entities.AMI,
    name: image.Name ?? id,
    tags: image.Tags,
    createdOn: image.CreationDate,
    properties: {
      id,
      imageId: id,
      arn: imageKey(scope.region, id),
      accountId: image.OwnerId ?? scope.accountId,
      ownerId: image.OwnerId,
      region: scope.region,
      description: image.Description || undefined,
      state: image.State,
      active: image.State === 'available',
      public: image.Public === true,
      imageType: image.ImageType,
      imageLocation: image.ImageLocation,
      architecture: image.Architecture,
      platform: image.Platform ?? image.PlatformDetails,
      platformDetails: image.PlatformDetails,
      rootDeviceType: image.RootDeviceType,
      rootDeviceName: image.RootDeviceName,
      virtualizationType: image.VirtualizationType,
      hypervisor: image.Hypervisor,
      enaSupport: image.EnaSupport,
      bootMode: image.BootMode,
      imdsSupport: image.ImdsSupport,
      deprecationTime: toDateValue(image.DeprecationTime),
      snapshotIds: listOrUndefined(snapshotIds),
      encrypted: (image.BlockDeviceMappings ?? []).some((m) => m.Ebs)
        ? (image.BlockDeviceMappings ?? []).every((m) => !m.Ebs || m.Ebs.Encrypted === true)
        : undefined,
      webLink: consoleLink('ec2', scope.region, `ImageDetails:imageId=${id}`),
    },
  });
}

function toDateValue(value: string | undefined): RawValue {
  if (!value) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function convertKeyPair(key: KeyPairInfo, scope: Ec2Scope): Entity {
  const name = key.KeyName ?? key.KeyPairId ?? '';
  return createEntity({
    _key: keyPairKey(scope.region, scope.accountId, name),
    schema: Ec2Entities.KEY_PAIR,
    name,
    tags: key.Tags,
    createdOn: key.CreateTime,
    properties: {
      id: key.KeyPairId ?? name,
      keyPairId: key.KeyPairId,
      keyName: name,
      arn: keyPairKey(scope.region, scope.accountId, name),
      accountId: scope.accountId,
      region: scope.region,
      fingerprint: key.KeyFingerprint,
      keyType: key.KeyType,
      usage: 'ssh',
      active: true,
      webLink: consoleLink('ec2', scope.region, `KeyPairs:search=${encodeURIComponent(name)}`),
    },
  });
}
