import {
  DescribeAddressesCommand,
  DescribeKeyPairsCommand,
  DescribeSnapshotAttributeCommand,
  DescribeVpnGatewaysCommand,
  EC2Client,
  GetEbsDefaultKmsKeyIdCommand,
  GetEbsEncryptionByDefaultCommand,
  paginateDescribeFlowLogs,
  paginateDescribeImages,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSnapshots,
  paginateDescribeSubnets,
  paginateDescribeVolumes,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import { serviceEntityKey, type Entity } from '../../graph';
import { kmsKeyKey } from '../kms/schema';
import {
  convertElasticIp,
  convertImage,
  convertInstance,
  convertInternetGateway,
  convertKeyPair,
  convertNatGateway,
  convertNetworkAcl,
  convertNetworkInterface,
  convertRouteTable,
  convertSecurityGroup,
  convertSnapshot,
  convertSubnet,
  convertVolume,
  convertVpc,
  convertVpnGateway,
  ec2ServiceHas,
  elasticIpsByInstance,
  eniUsesElasticIp,
  instanceRelationships,
  isPublicSubnet,
  natGatewayUses,
  networkAclProtectsSubnets,
  routeTableForSubnet,
  securityGroupProtects,
  snapshotSharing,
  subnetUsesRouteTable,
  volumeHasSnapshot,
  volumeUsesKey,
  volumeUsesSnapshot,
  vpcContainsSubnet,
  vpcHas,
  vpcLogsToBucket,
  isAttached,
  vpcPeering,
  type SnapshotSharing,
} from './converters';
import { eniKey, internetGatewayKey, natGatewayKey, ref, routeTableKey, vpnGatewayKey, type Ec2Scope } from './keys';
import { Ec2Entities, Ec2Relationships } from './schema';
import { networkAclEntryEdges, securityGroupRuleEdges } from './rules';

/** Prefix of the per-region EBS encryption-by-default properties on the Ec2Entities.SERVICE._type service entity. */
const EBS_DEFAULT = 'ebsEncryptionByDefault.';

/** EC2's largest page for each paginated call (its `MaxResults` range), so heavy calls are never unpaginated. */
const PAGE = { default: 1000, volumes: 500, routeTables: 100, networkAcls: 100 } as const;

function scopeOf(context: CollectorContext): Ec2Scope {
  return { accountId: context.account.accountId, region: context.region };
}

/**
 * Whether this account should report a resource: its own, or a shared one (RAM-shared VPCs and
 * subnets list the owner's resources too) whose owner is not being ingested.
 */
function reportsHere(context: CollectorContext, ownerId: string | undefined, ingested: ReadonlySet<string>): boolean {
  return !ownerId || ownerId === context.account.accountId || !ingested.has(ownerId);
}

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...(pick(page) ?? []));
  return items;
}

/**
 * Mapped entities (the Internet, CIDR blocks, foreign VPCs and groups) stand for things outside
 * the ingested accounts, so they carry no account provenance: they are added to the graph as they
 * are, once, and their content depends only on their key. The snapshot is then the same whichever
 * account's collector happened to reach them first.
 */
function addMapped(context: CollectorContext, entities: Iterable<Entity>): void {
  for (const entity of entities) if (!context.graph.hasEntity(entity._key)) context.graph.addEntity(entity);
}

/** Entities of a type that this account and region produced earlier in the run (dependencies' output). */
function entitiesHere(context: CollectorContext, type: string): Entity[] {
  const { accountId } = context.account;
  return context.graph.entitiesOfTypeInAccount(type, accountId).filter((entity) => entity.accountId === accountId && entity.region === context.region);
}

// ---------------------------------------------------------------------------------------------

/**
 * The network: VPCs, subnets, route tables, internet/NAT/VPN gateways, network interfaces and
 * Elastic IPs, with peering connections and flow logs. Runs first; the firewall and instance
 * collectors read its interfaces and addresses.
 */
export const ec2NetworkCollector: Collector = {
  id: 'ec2-network',
  service: 'ec2',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'ec2.amazonaws.com',
      names: [
        'CreateVpc',
        'DeleteVpc',
        'ModifyVpcAttribute',
        'CreateSubnet',
        'DeleteSubnet',
        'ModifySubnetAttribute',
        'CreateInternetGateway',
        'AttachInternetGateway',
        'DetachInternetGateway',
        'DeleteInternetGateway',
        'CreateNatGateway',
        'DeleteNatGateway',
        'CreateRouteTable',
        'DeleteRouteTable',
        'CreateRoute',
        'DeleteRoute',
        'ReplaceRoute',
        'AssociateRouteTable',
        'DisassociateRouteTable',
        'CreateFlowLogs',
        'DeleteFlowLogs',
        'CreateVpcPeeringConnection',
        'AcceptVpcPeeringConnection',
        'DeleteVpcPeeringConnection',
        'AllocateAddress',
        'ReleaseAddress',
        'AssociateAddress',
        'DisassociateAddress',
        'CreateNetworkInterface',
        'DeleteNetworkInterface',
        'AttachNetworkInterface',
        'DetachNetworkInterface',
        'CreateVpcEndpoint',
        'DeleteVpcEndpoints',
      ],
      resourceIds: ['requestParameters.vpcId', 'requestParameters.subnetId'],
    },
  ],
  entities: [
    Ec2Entities.VPC,
    Ec2Entities.SUBNET,
    Ec2Entities.ROUTE_TABLE,
    Ec2Entities.INTERNET_GATEWAY,
    Ec2Entities.NAT_GATEWAY,
    Ec2Entities.VPN_GATEWAY,
    Ec2Entities.ENI,
    Ec2Entities.EIP,
  ],
  relationships: [
    Ec2Relationships.SERVICE_HAS_NETWORK,
    Ec2Relationships.VPC_CONTAINS_SUBNET,
    Ec2Relationships.VPC_HAS_GATEWAY_OR_ROUTE_TABLE,
    Ec2Relationships.SUBNET_USES_ROUTE_TABLE,
    Ec2Relationships.NAT_GATEWAY_USES_ADDRESS,
    Ec2Relationships.ENI_USES_EIP,
    Ec2Relationships.VPC_CONNECTS_VPC,
    Ec2Relationships.VPC_LOGS_BUCKET,
  ],
  permissions: [
    'ec2:DescribeVpcs',
    'ec2:DescribeSubnets',
    'ec2:DescribeRouteTables',
    'ec2:DescribeInternetGateways',
    'ec2:DescribeNatGateways',
    'ec2:DescribeVpnGateways',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeAddresses',
    'ec2:DescribeVpcPeeringConnections',
    'ec2:DescribeFlowLogs',
  ],
  optionalCalls: [
    {
      operation: 'ec2:DescribeFlowLogs',
      per: 'scope',
      properties: [{ _type: Ec2Entities.VPC._type, properties: ['flowLogsEnabled', 'flowLogIds', 'flowLogDestinations'] }],
      cost: 'VPCs have no flow-log facts and no LOGS edges to buckets',
    },
    { operation: 'ec2:DescribeVpcPeeringConnections', per: 'scope', cost: 'no CONNECTS edges between peered VPCs' },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(EC2Client);
    const scope = scopeOf(context);
    const { accountId } = scope;

    // Lists whose failure would leave whole entity types out are thrown (the runner carries the
    // previous snapshot's entities forward); peering and flow logs only add edges and properties.
    const [vpcs, subnets, routeTables, internetGateways, natGateways, vpnGateways, interfaces, addresses] = await Promise.all([
      collect(paginateDescribeVpcs({ client }, { MaxResults: PAGE.default }), (p) => p.Vpcs),
      collect(paginateDescribeSubnets({ client }, { MaxResults: PAGE.default }), (p) => p.Subnets),
      collect(paginateDescribeRouteTables({ client }, { MaxResults: PAGE.routeTables }), (p) => p.RouteTables),
      collect(paginateDescribeInternetGateways({ client }, { MaxResults: PAGE.default }), (p) => p.InternetGateways),
      collect(paginateDescribeNatGateways({ client }, { MaxResults: PAGE.default }), (p) => p.NatGateways),
      client.send(new DescribeVpnGatewaysCommand({})).then((r) => r.VpnGateways ?? []),
      collect(paginateDescribeNetworkInterfaces({ client }, { MaxResults: PAGE.default }), (p) => p.NetworkInterfaces),
      client.send(new DescribeAddressesCommand({})).then((r) => r.Addresses ?? []),
    ]);
    const flowLogs = await context.optional('ec2:DescribeFlowLogs', () =>
      collect(paginateDescribeFlowLogs({ client }, { MaxResults: PAGE.default }), (p) => p.FlowLogs),
    );
    const peerings: VpcPeeringConnection[] =
      (await context.optional('ec2:DescribeVpcPeeringConnections', () =>
        collect(paginateDescribeVpcPeeringConnections({ client }, { MaxResults: PAGE.default }), (p) => p.VpcPeeringConnections),
      )) ?? [];

    // Whose shared resources this account reports depends on the run's whole list of accounts.
    const ingested = await context.ingestedAccounts();
    const mine = <T>(items: T[], owner: (item: T) => string | undefined) => items.filter((item) => reportsHere(context, owner(item), ingested));
    const attachedGatewayVpcs = new Set(internetGateways.flatMap((gateway) => (gateway.Attachments ?? []).filter(isAttached).map((a) => a.VpcId)));
    for (const vpc of mine(vpcs, (v) => v.OwnerId)) {
      const entity = context.addEntity(
        convertVpc(vpc, scope, {
          hasInternetGateway: attachedGatewayVpcs.has(vpc.VpcId),
          flowLogs: flowLogs?.filter((log) => log.ResourceId === vpc.VpcId),
        }),
      );
      context.addRelationship(ec2ServiceHas(accountId, entity));
    }
    for (const log of flowLogs ?? []) {
      const relationship = vpcLogsToBucket(log, scope);
      if (relationship) context.addRelationship(relationship);
    }

    const ownTables = mine(routeTables, (t) => t.OwnerId);
    for (const table of ownTables) {
      context.addEntity(convertRouteTable(table, scope));
      if (table.VpcId)
        context.addRelationship(
          vpcHas(
            scope,
            table.VpcId,
            ref(Ec2Entities.ROUTE_TABLE._type, routeTableKey(scope.region, table.OwnerId ?? accountId, table.RouteTableId ?? '')),
            table.OwnerId,
          ),
        );
    }
    for (const subnet of mine(subnets, (s) => s.OwnerId)) {
      const used = routeTableForSubnet(subnet, routeTables);
      const entity = context.addEntity(convertSubnet(subnet, scope, { public: isPublicSubnet(subnet, routeTables), routeTableId: used?.table.RouteTableId }));
      context.addRelationship(ec2ServiceHas(accountId, entity));
      context.addRelationship(vpcContainsSubnet(scope, subnet));
      if (used) context.addRelationship(subnetUsesRouteTable(entity, used.table, scope, used.main));
    }

    for (const gateway of mine(internetGateways, (g) => g.OwnerId)) {
      context.addEntity(convertInternetGateway(gateway, scope));
      for (const attachment of gateway.Attachments ?? []) {
        if (attachment.VpcId && isAttached(attachment)) {
          context.addRelationship(
            vpcHas(
              scope,
              attachment.VpcId,
              ref(Ec2Entities.INTERNET_GATEWAY._type, internetGatewayKey(scope.region, gateway.OwnerId ?? accountId, gateway.InternetGatewayId ?? '')),
            ),
          );
        }
      }
    }
    for (const gateway of natGateways) {
      context.addEntity(convertNatGateway(gateway, scope));
      if (gateway.VpcId)
        context.addRelationship(
          vpcHas(scope, gateway.VpcId, ref(Ec2Entities.NAT_GATEWAY._type, natGatewayKey(scope.region, accountId, gateway.NatGatewayId ?? ''))),
        );
      context.addRelationships(natGatewayUses(gateway, scope));
    }
    for (const gateway of vpnGateways) {
      context.addEntity(convertVpnGateway(gateway, scope));
      for (const attachment of gateway.VpcAttachments ?? []) {
        if (attachment.VpcId && (attachment.State === 'attached' || attachment.State === 'attaching')) {
          context.addRelationship(
            vpcHas(scope, attachment.VpcId, ref(Ec2Entities.VPN_GATEWAY._type, vpnGatewayKey(scope.region, accountId, gateway.VpnGatewayId ?? ''))),
          );
        }
      }
    }

    for (const eni of mine(interfaces, (i) => i.OwnerId)) context.addEntity(convertNetworkInterface(eni, scope));
    for (const address of addresses) {
      context.addEntity(convertElasticIp(address, scope));
      const uses = eniUsesElasticIp(address, scope);
      if (uses) context.addRelationship(uses);
    }

    for (const connection of peerings) {
      const peering = vpcPeering(connection, scope, ingested);
      if (!peering) continue;
      if (peering.mappedPeer) addMapped(context, [peering.mappedPeer]);
      context.addRelationship(peering.relationship);
    }
  },
};

/**
 * Security groups and network ACLs with their rules as ALLOWS/DENIES edges (network exposure),
 * the subnets each ACL protects and the network interfaces each group protects.
 */
export const ec2FirewallsCollector: Collector = {
  id: 'ec2-firewalls',
  service: 'ec2',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'ec2.amazonaws.com',
      names: [
        'CreateSecurityGroup',
        'DeleteSecurityGroup',
        'AuthorizeSecurityGroupIngress',
        'AuthorizeSecurityGroupEgress',
        'RevokeSecurityGroupIngress',
        'RevokeSecurityGroupEgress',
        'ModifySecurityGroupRules',
        'UpdateSecurityGroupRuleDescriptionsIngress',
        'UpdateSecurityGroupRuleDescriptionsEgress',
        'CreateNetworkAcl',
        'DeleteNetworkAcl',
        'CreateNetworkAclEntry',
        'DeleteNetworkAclEntry',
        'ReplaceNetworkAclEntry',
        'ReplaceNetworkAclAssociation',
      ],
      resourceIds: ['requestParameters.groupId', 'responseElements.groupId', 'requestParameters.networkAclId'],
    },
  ],
  entities: [Ec2Entities.SECURITY_GROUP, Ec2Entities.NETWORK_ACL],
  relationships: [
    Ec2Relationships.SERVICE_HAS_FIREWALL,
    Ec2Relationships.SECURITY_GROUP_ALLOWS,
    Ec2Relationships.NETWORK_ACL_ALLOWS,
    Ec2Relationships.NETWORK_ACL_DENIES,
    Ec2Relationships.NETWORK_ACL_PROTECTS_SUBNET,
    Ec2Relationships.SECURITY_GROUP_PROTECTS_ENI,
  ],
  permissions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkAcls'],
  dependsOn: ['account', 'ec2-network'],
  async run(context) {
    const client = context.client(EC2Client);
    const scope = scopeOf(context);
    const [groups, acls] = await Promise.all([
      collect(paginateDescribeSecurityGroups({ client }, { MaxResults: PAGE.default }), (p) => p.SecurityGroups),
      collect(paginateDescribeNetworkAcls({ client }, { MaxResults: PAGE.networkAcls }), (p) => p.NetworkAcls),
    ]);
    const ingested = await context.ingestedAccounts();
    for (const group of groups.filter((g) => reportsHere(context, g.OwnerId, ingested))) {
      const entity = context.addEntity(convertSecurityGroup(group, scope));
      context.addRelationship(ec2ServiceHas(scope.accountId, entity));
      const edges = securityGroupRuleEdges(group, scope, ingested);
      addMapped(context, edges.mappedEntities);
      context.addRelationships(edges.relationships);
    }
    for (const acl of acls.filter((a) => reportsHere(context, a.OwnerId, ingested))) {
      const entity = context.addEntity(convertNetworkAcl(acl, scope));
      context.addRelationship(ec2ServiceHas(scope.accountId, entity));
      context.addRelationships(networkAclProtectsSubnets(entity, acl, scope));
      const edges = networkAclEntryEdges(acl, scope);
      addMapped(context, edges.mappedEntities);
      context.addRelationships(edges.relationships);
    }
    // Groups protect the interfaces that the network collector found.
    for (const eni of entitiesHere(context, Ec2Entities.ENI._type)) {
      const groupIds = Array.isArray(eni.securityGroupIds) ? (eni.securityGroupIds as string[]) : [];
      for (const groupId of groupIds) {
        context.addRelationship(
          securityGroupProtects(scope, groupId, ref(Ec2Entities.ENI._type, eniKey(scope.region, String(eni.accountId), String(eni.networkInterfaceId)))),
        );
      }
    }
  },
};

/** Snapshots the account owns (`OwnerIds: ['self']`), with who may create volumes from them. */
export const ec2SnapshotsCollector: Collector = {
  id: 'ec2-snapshots',
  service: 'ec2',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'ec2.amazonaws.com',
      names: ['CreateSnapshot', 'CreateSnapshots', 'CopySnapshot', 'DeleteSnapshot', 'ModifySnapshotAttribute', 'ResetSnapshotAttribute'],
      resourceIds: ['requestParameters.snapshotId', 'responseElements.snapshotId'],
    },
  ],
  entities: [Ec2Entities.SNAPSHOT],
  relationships: [],
  permissions: ['ec2:DescribeSnapshots', 'ec2:DescribeSnapshotAttribute'],
  optionalCalls: [
    {
      operation: 'ec2:DescribeSnapshotAttribute',
      properties: [{ _type: Ec2Entities.SNAPSHOT._type, properties: ['public', 'shared', 'sharedWithAccounts'] }],
      cost: 'snapshots have no `public` or `shared` facts',
    },
  ],
  dependsOn: [],
  async run(context) {
    const client = context.client(EC2Client);
    const scope = scopeOf(context);
    const snapshots = await collect(paginateDescribeSnapshots({ client }, { OwnerIds: ['self'], MaxResults: PAGE.default }), (p) => p.Snapshots);
    await mapConcurrent(snapshots, 8, async (snapshot) => {
      const sharing: SnapshotSharing | undefined = await context.optional('ec2:DescribeSnapshotAttribute', async () => {
        const attribute = await client.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshot.SnapshotId, Attribute: 'createVolumePermission' }));
        return snapshotSharing(attribute.CreateVolumePermissions ?? []);
      });
      context.addEntity(convertSnapshot(snapshot, scope, sharing));
    });
  },
};

/**
 * EBS volumes: their KMS keys, the snapshot each was created from and the snapshots taken from
 * it. Also reads the region's EBS encryption-by-default setting and default key, which have no
 * entity of their own: they are recorded on the account's `aws_ec2` service entity as
 * `ebsEncryptionByDefault.<region>` (boolean) and `ebsDefaultKmsKeyId.<region>`, and the regions
 * where it is off are listed in `ebsEncryptionByDefaultDisabledRegions` (CIS "EBS default
 * encryption"). A region whose setting could not be read has no property (unknown, not false).
 */
export const ec2VolumesCollector: Collector = {
  id: 'ec2-volumes',
  service: 'ec2',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'ec2.amazonaws.com',
      names: [
        'CreateVolume',
        'DeleteVolume',
        'AttachVolume',
        'DetachVolume',
        'ModifyVolume',
        'EnableEbsEncryptionByDefault',
        'DisableEbsEncryptionByDefault',
        'ModifyEbsDefaultKmsKeyId',
        'ResetEbsDefaultKmsKeyId',
      ],
      resourceIds: ['requestParameters.volumeId', 'responseElements.volumeId'],
    },
  ],
  entities: [Ec2Entities.VOLUME],
  relationships: [Ec2Relationships.SERVICE_HAS_VOLUME, Ec2Relationships.VOLUME_USES_KEY_OR_SNAPSHOT, Ec2Relationships.VOLUME_HAS_SNAPSHOT],
  permissions: ['ec2:DescribeVolumes', 'ec2:GetEbsEncryptionByDefault', 'ec2:GetEbsDefaultKmsKeyId'],
  // Their properties are on the Ec2Entities.SERVICE._type service entity, put back through `enriches`.
  optionalCalls: [
    { operation: 'ec2:GetEbsEncryptionByDefault', per: 'scope', cost: 'no `ebsEncryptionByDefault.<region>` on `aws_ec2`' },
    { operation: 'ec2:GetEbsDefaultKmsKeyId', per: 'scope', cost: 'no `ebsDefaultKmsKeyId.<region>` on `aws_ec2`' },
  ],
  dependsOn: ['account', 'kms-keys', 'ec2-snapshots'],
  // Per region, on the account's Ec2Entities.SERVICE._type service entity (see recordEbsDefaults).
  enriches: [
    {
      _type: Ec2Entities.SERVICE._type,
      properties: [`${EBS_DEFAULT}*`, 'ebsDefaultKmsKeyId.*'],
      derived: { properties: ['ebsEncryptionByDefaultDisabledRegions'], compute: summarizeEbsDefaults },
    },
  ],
  async run(context) {
    const client = context.client(EC2Client);
    const scope = scopeOf(context);
    const { accountId, region } = scope;

    await recordEbsDefaults(context, client);

    const snapshotsByVolume = new Map<string, Entity[]>();
    for (const snapshot of entitiesHere(context, Ec2Entities.SNAPSHOT._type)) {
      if (typeof snapshot.volumeId === 'string') snapshotsByVolume.set(snapshot.volumeId, [...(snapshotsByVolume.get(snapshot.volumeId) ?? []), snapshot]);
    }
    const volumes = await collect(paginateDescribeVolumes({ client }, { MaxResults: PAGE.volumes }), (p) => p.Volumes);
    for (const volume of volumes) {
      const entity = context.addEntity(convertVolume(volume, scope));
      context.addRelationship(ec2ServiceHas(accountId, entity));
      const key = kmsKeyKey(volume.KmsKeyId, accountId, region);
      if (key) context.addRelationship(volumeUsesKey(entity, key));
      if (volume.SnapshotId) context.addRelationship(volumeUsesSnapshot(entity, volume.SnapshotId, scope));
      for (const snapshot of snapshotsByVolume.get(volume.VolumeId ?? '') ?? []) context.addRelationship(volumeHasSnapshot(entity, snapshot));
    }
  },
};

async function recordEbsDefaults(context: CollectorContext, client: EC2Client): Promise<void> {
  const service = context.graph.getEntity(serviceEntityKey(context.account.accountId, 'ec2'));
  const enabled = await context.optional('ec2:GetEbsEncryptionByDefault', async () => {
    return (await client.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault;
  });
  const keyId = await context.optional('ec2:GetEbsDefaultKmsKeyId', async () => (await client.send(new GetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId);
  if (!service) return;
  if (enabled !== undefined) {
    service[`ebsEncryptionByDefault.${context.region}`] = enabled;
    summarizeEbsDefaults(service);
  }
  if (keyId) service[`ebsDefaultKmsKeyId.${context.region}`] = keyId;
}

/**
 * `ebsEncryptionByDefaultDisabledRegions` from the per-region settings on the Ec2Entities.SERVICE._type service entity:
 * sorted, so that it does not depend on which region finished first.
 */
export function summarizeEbsDefaults(service: Entity): void {
  const disabled: string[] = [];
  for (const name of Object.keys(service)) if (name.startsWith(EBS_DEFAULT) && service[name] === false) disabled.push(name.slice(EBS_DEFAULT.length));
  if (disabled.length) service.ebsEncryptionByDefaultDisabledRegions = disabled.sort();
  else delete service.ebsEncryptionByDefaultDisabledRegions;
}

/** AMIs owned by the account (`Owners: ['self']`; without it Ec2Entities.SERVICE._type lists every public image). */
export const ec2ImagesCollector: Collector = {
  id: 'ec2-images',
  service: 'ec2',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'ec2.amazonaws.com',
      names: ['RegisterImage', 'DeregisterImage', 'CreateImage', 'CopyImage', 'ModifyImageAttribute', 'ResetImageAttribute'],
      resourceIds: ['requestParameters.imageId', 'responseElements.imageId'],
    },
  ],
  entities: [Ec2Entities.AMI],
  relationships: [],
  permissions: ['ec2:DescribeImages'],
  dependsOn: [],
  async run(context) {
    const client = context.client(EC2Client);
    const scope = scopeOf(context);
    const images = await collect(paginateDescribeImages({ client }, { Owners: ['self'], MaxResults: PAGE.default }), (p) => p.Images);
    for (const image of images) context.addEntity(convertImage(image, scope));
  },
};

export const ec2KeyPairsCollector: Collector = {
  id: 'ec2-key-pairs',
  service: 'ec2',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [{ source: 'ec2.amazonaws.com', names: ['CreateKeyPair', 'ImportKeyPair', 'DeleteKeyPair'], resourceIds: ['requestParameters.keyName'] }],
  entities: [Ec2Entities.KEY_PAIR],
  relationships: [],
  permissions: ['ec2:DescribeKeyPairs'],
  dependsOn: [],
  async run(context) {
    const client = context.client(EC2Client);
    const scope = scopeOf(context);
    const { KeyPairs: keys = [] } = await client.send(new DescribeKeyPairsCommand({}));
    for (const key of keys) context.addEntity(convertKeyPair(key, scope));
  },
};

/**
 * Instances, with the subnet that has them, the volumes, interfaces and Elastic IPs they use and
 * the security groups they have (and that protect them). Runs after the network (Elastic IPs are
 * matched from its output), firewall and volume collectors.
 */
export const ec2InstancesCollector: Collector = {
  id: 'ec2-instances',
  service: 'ec2',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'ec2.amazonaws.com',
      names: [
        'RunInstances',
        'TerminateInstances',
        'StartInstances',
        'StopInstances',
        'RebootInstances',
        'ModifyInstanceAttribute',
        'ModifyInstanceMetadataOptions',
        'AssociateIamInstanceProfile',
        'DisassociateIamInstanceProfile',
        'ReplaceIamInstanceProfileAssociation',
        'ModifyNetworkInterfaceAttribute',
      ],
      resourceIds: ['responseElements.instancesSet.items[].instanceId', 'requestParameters.instanceId'],
    },
  ],
  entities: [Ec2Entities.INSTANCE],
  relationships: [
    Ec2Relationships.SERVICE_HAS_INSTANCE,
    Ec2Relationships.SUBNET_HAS_INSTANCE,
    Ec2Relationships.INSTANCE_USES_DEVICE,
    Ec2Relationships.INSTANCE_HAS_SECURITY_GROUP,
    Ec2Relationships.SECURITY_GROUP_PROTECTS_INSTANCE,
  ],
  permissions: ['ec2:DescribeInstances'],
  dependsOn: ['account', 'ec2-network', 'ec2-firewalls', 'ec2-volumes'],
  async run(context) {
    const client = context.client(EC2Client);
    const scope = scopeOf(context);
    const eips = elasticIpsByInstance(entitiesHere(context, Ec2Entities.EIP._type));
    for await (const page of paginateDescribeInstances({ client }, { MaxResults: PAGE.default })) {
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          const entity = context.addEntity(convertInstance(instance, scope, reservation.OwnerId));
          context.addRelationship(ec2ServiceHas(scope.accountId, entity));
          context.addRelationships(instanceRelationships(instance, entity, scope, eips.get(instance.InstanceId ?? '') ?? []));
        }
      }
    }
  },
};

/** In dependency order. */
export const ec2Collectors: Collector[] = [
  ec2NetworkCollector,
  ec2FirewallsCollector,
  ec2SnapshotsCollector,
  ec2VolumesCollector,
  ec2ImagesCollector,
  ec2KeyPairsCollector,
  ec2InstancesCollector,
];
