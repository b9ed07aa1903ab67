import type { Instance, NetworkAcl, RouteTable, SecurityGroup, Subnet, VpcPeeringConnection } from '@aws-sdk/client-ec2';
import test from 'ava';
import { validateEntity, validateRelationship, type Entity, type Relationship } from '../../src/graph';
import {
  convertElasticIp,
  convertInstance,
  convertSnapshot,
  convertSubnet,
  convertVolume,
  convertVpc,
  elasticIpsByInstance,
  instanceRelationships,
  isPublicSubnet,
  routeTableForSubnet,
  snapshotSharing,
  vpcLogsToBucket,
  vpcPeering,
} from '../../src/services/ec2/converters';
import { s3BucketKeyFromDestination } from '../../src/services/ec2/keys';
import { networkAclEntryEdges, securityGroupRuleEdges } from '../../src/services/ec2/rules';

const scope = { accountId: '222222222222', region: 'us-east-1' };
const sgKey = (id: string, account = '222222222222') => `arn:aws:ec2:us-east-1:${account}:security-group/${id}`;

/** A group as DescribeSecurityGroups returns it, with every kind of rule source. */
const group: SecurityGroup = {
  GroupId: 'sg-0aaa1111bbbb22220',
  GroupName: 'mixed',
  Description: 'every kind of rule',
  OwnerId: '222222222222',
  VpcId: 'vpc-0123456789abcdef0',
  IpPermissions: [
    {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'SSH from anywhere' }],
      Ipv6Ranges: [{ CidrIpv6: '::/0' }],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    },
    {
      IpProtocol: '-1',
      IpRanges: [],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [
        { GroupId: 'sg-0aaa1111bbbb22220', UserId: '222222222222' },
        { GroupId: 'sg-0fff9999eeee88880', UserId: '999999999999', Description: 'partner scanners' },
      ],
    },
    { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '203.0.113.5/32' }] },
    { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8090, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
  ],
  IpPermissionsEgress: [
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-63a5400a', Description: 'S3' }] },
    { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
  ],
};

function byRule(relationships: Relationship[], direction: 'ingress' | 'egress', ruleNumber: number): Relationship {
  const found = relationships.find((r) => r[direction] === true && r.ruleNumber === ruleNumber);
  if (!found) throw new Error(`no ${direction} rule ${ruleNumber}`);
  return found;
}

test('security-group rules become ALLOWS edges to the Internet, CIDR blocks, addresses, groups and prefix lists', (t) => {
  const { relationships, mappedEntities } = securityGroupRuleEdges(group, scope, new Set(['222222222222', '333333333333']));
  t.is(relationships.length, 9);
  t.is(new Set(relationships.map((r) => r._key)).size, relationships.length, 'several rules between the same pair stay distinct');

  const ssh = byRule(relationships, 'ingress', 1);
  t.like(ssh, {
    _type: 'aws_security_group_allows_internet',
    _class: 'ALLOWS',
    _fromEntityKey: sgKey('sg-0aaa1111bbbb22220'),
    _toEntityKey: 'global:internet',
    ingress: true,
    egress: false,
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    portRange: '22',
    ipRange: '0.0.0.0/0',
    description: 'SSH from anywhere',
  });
  t.like(byRule(relationships, 'ingress', 2), { _toEntityKey: 'global:internet', ipRange: '::/0', ipVersion: 6, fromPort: 22 });

  const self = byRule(relationships, 'ingress', 3);
  t.like(self, {
    _type: 'aws_security_group_allows_group',
    _toEntityKey: sgKey('sg-0aaa1111bbbb22220'),
    ipProtocol: '*',
    fromPort: 0,
    toPort: 65535,
    portRange: '0-65535',
  });
  t.is(self.ipRange, undefined);

  const foreign = byRule(relationships, 'ingress', 4);
  t.is(foreign._toEntityKey, sgKey('sg-0fff9999eeee88880', '999999999999'));
  const mappedGroup = mappedEntities.find((e) => e._key === foreign._toEntityKey);
  t.like(mappedGroup, { _type: 'aws_security_group', _source: 'system-mapper', validated: false, accountId: '999999999999' });

  t.like(byRule(relationships, 'ingress', 5), {
    _type: 'aws_security_group_allows_cidr_block',
    _toEntityKey: 'cidr:10.0.0.0/8',
    ipProtocol: 'udp',
    portRange: '53',
  });
  const ping = byRule(relationships, 'ingress', 6);
  t.like(ping, { _type: 'aws_security_group_allows_ip_address', ipProtocol: 'icmp', icmpType: 8 });
  t.is(ping.fromPort, undefined, 'ICMP has a type, not ports');
  t.like(byRule(relationships, 'ingress', 7), { _toEntityKey: 'cidr:2001:db8::/32', portRange: '8080-8090', fromPort: 8080, toPort: 8090 });

  t.like(byRule(relationships, 'egress', 1), { _type: 'aws_security_group_allows_prefix_list', prefixListId: 'pl-63a5400a', ingress: false, egress: true });
  t.like(byRule(relationships, 'egress', 2), { _toEntityKey: 'global:internet', egress: true, ipProtocol: '*' });

  // The targets are real graph entities that pass the data model.
  t.deepEqual(mappedEntities.map((e) => e._type).sort(), ['aws_prefix_list', 'aws_security_group', 'cidr_block', 'cidr_block', 'internet', 'ip_address']);
  t.deepEqual(mappedEntities.flatMap(validateEntity), []);
  t.deepEqual(relationships.flatMap(validateRelationship), []);
});

test('a J1QL-style "SSH open to the Internet" filter matches the SSH rules and the all-traffic rule, not others', (t) => {
  const { relationships, mappedEntities } = securityGroupRuleEdges(group, scope);
  const targets = new Map(mappedEntities.map((e) => [e._key, e]));
  // Find aws_security_group that ALLOWS as rule * as s where rule.ingress=true and rule.fromPort<=22 and rule.toPort>=22 and s.displayName='Internet'
  const openSsh = relationships.filter(
    (r) =>
      r.ingress === true &&
      typeof r.fromPort === 'number' &&
      r.fromPort <= 22 &&
      typeof r.toPort === 'number' &&
      r.toPort >= 22 &&
      targets.get(r._toEntityKey)?.displayName === 'Internet',
  );
  t.deepEqual(openSsh.map((r) => r.ipRange).sort(), ['0.0.0.0/0', '::/0']);
  const allTraffic = securityGroupRuleEdges({ ...group, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }, scope).relationships[0];
  t.true(allTraffic.ingress === true && (allTraffic.fromPort as number) <= 22 && (allTraffic.toPort as number) >= 22, 'all traffic includes SSH');
});

test('network ACL entries become ALLOWS or DENIES edges with their rule numbers', (t) => {
  const acl: NetworkAcl = {
    NetworkAclId: 'acl-0123456789abcdef0',
    VpcId: 'vpc-0123456789abcdef0',
    OwnerId: '222222222222',
    IsDefault: false,
    Associations: [{ SubnetId: 'subnet-0123456789abcdef0', NetworkAclId: 'acl-0123456789abcdef0' }],
    Entries: [
      { RuleNumber: 95, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '192.0.2.66/32' },
      { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } },
      { RuleNumber: 101, Protocol: '-1', RuleAction: 'allow', Egress: false, Ipv6CidrBlock: '::/0' },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, Ipv6CidrBlock: '::/0' },
    ],
  };
  const { relationships, mappedEntities } = networkAclEntryEdges(acl, scope);
  t.is(relationships.length, 6);
  t.is(new Set(relationships.map((r) => r._key)).size, 6, 'the IPv4 and IPv6 final deny entries stay distinct');
  const ssh = relationships.find((r) => r.ruleNumber === 100 && r.ingress === true);
  t.like(ssh, {
    _type: 'aws_network_acl_allows_internet',
    _class: 'ALLOWS',
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    portRange: '22',
    ruleAction: 'allow',
    ipRange: '0.0.0.0/0',
  });
  t.like(
    relationships.find((r) => r.ruleNumber === 95),
    { _type: 'aws_network_acl_denies_ip_address', _class: 'DENIES', ipProtocol: '*', ruleAction: 'deny' },
  );
  t.is(relationships.filter((r) => r._type === 'aws_network_acl_denies_internet').length, 2);
  t.like(
    relationships.find((r) => r.egress === true),
    { ingress: false, portRange: '0-65535' },
  );
  t.deepEqual(mappedEntities.flatMap(validateEntity), []);
});

const tables: RouteTable[] = [
  {
    RouteTableId: 'rtb-0000000000000main',
    VpcId: 'vpc-1',
    Associations: [{ Main: true, RouteTableId: 'rtb-0000000000000main' }],
    Routes: [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0abc', State: 'active' },
    ],
  },
  {
    RouteTableId: 'rtb-00000000000public',
    VpcId: 'vpc-1',
    Associations: [{ Main: false, SubnetId: 'subnet-public', RouteTableId: 'rtb-00000000000public', AssociationState: { State: 'associated' } }],
    Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0abc', State: 'active' }],
  },
  {
    RouteTableId: 'rtb-00000000blackhole',
    VpcId: 'vpc-1',
    Associations: [{ Main: false, SubnetId: 'subnet-stale', RouteTableId: 'rtb-00000000blackhole', AssociationState: { State: 'associated' } }],
    Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0gone', State: 'blackhole' }],
  },
];
const subnet = (id: string, mapPublicIpOnLaunch = false): Subnet => ({
  SubnetId: id,
  VpcId: 'vpc-1',
  CidrBlock: '10.0.1.0/24',
  MapPublicIpOnLaunch: mapPublicIpOnLaunch,
  State: 'available',
});

test('a subnet is public when its route table (explicit, else the main one) routes to an internet gateway', (t) => {
  t.true(isPublicSubnet(subnet('subnet-public'), tables));
  t.false(isPublicSubnet(subnet('subnet-private', true), tables), 'the main table routes through NAT; mapPublicIpOnLaunch alone does not make it public');
  t.false(isPublicSubnet(subnet('subnet-stale'), tables), 'a blackhole route reaches nothing');
  t.deepEqual(routeTableForSubnet(subnet('subnet-private'), tables), { table: tables[0], main: true });
  t.is(routeTableForSubnet(subnet('subnet-public'), tables)?.main, false);
  t.true(isPublicSubnet(subnet('subnet-x', true), undefined), 'without route tables, MapPublicIpOnLaunch is the fallback');
  const entity = convertSubnet(subnet('subnet-public'), scope, { public: true, routeTableId: 'rtb-00000000000public' });
  t.like(entity, { _class: ['Network'], public: true, internal: false, CIDR: '10.0.1.0/24', vpcId: 'vpc-1' });
  t.deepEqual(validateEntity(entity), []);
});

test('snapshot sharing comes from createVolumePermission; unknown sharing is left out', (t) => {
  t.deepEqual(snapshotSharing([{ Group: 'all' }, { UserId: '333333333333' }, { UserId: '111111111111' }]), {
    public: true,
    shared: true,
    sharedWithAccounts: ['111111111111', '333333333333'],
  });
  t.deepEqual(snapshotSharing([]), { public: false, shared: false, sharedWithAccounts: [] });
  const snapshot = {
    SnapshotId: 'snap-0123456789abcdef0',
    VolumeId: 'vol-0123456789abcdef0',
    OwnerId: '222222222222',
    Encrypted: false,
    State: 'completed' as const,
    StartTime: new Date('2024-03-10T09:00:00Z'),
  };
  const open = convertSnapshot(snapshot, scope, snapshotSharing([{ Group: 'all' }]));
  t.like(open, {
    _key: 'arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0',
    public: true,
    shared: false,
    encrypted: false,
    classification: null,
    createdOn: Date.parse('2024-03-10T09:00:00Z'),
  });
  t.deepEqual(open._class, ['DataStore', 'Disk', 'Image']);
  t.deepEqual(validateEntity(open), []);
  const unknown = convertSnapshot(snapshot, scope);
  t.false('public' in unknown);
  t.false('shared' in unknown);
  t.is(convertSnapshot({ ...snapshot, VolumeId: 'vol-ffffffff' }, scope).volumeId, undefined, 'copied snapshots have no source volume');
});

const instance: Instance = {
  InstanceId: 'i-0123456789abcdef0',
  InstanceType: 't3.medium',
  ImageId: 'ami-0123456789abcdef0',
  State: { Code: 16, Name: 'running' },
  SubnetId: 'subnet-0123456789abcdef0',
  VpcId: 'vpc-0123456789abcdef0',
  PrivateIpAddress: '10.0.1.10',
  PrivateDnsName: 'ip-10-0-1-10.ec2.internal',
  PublicIpAddress: '54.1.2.3',
  PublicDnsName: 'ec2-54-1-2-3.compute-1.amazonaws.com',
  LaunchTime: new Date('2024-06-01T00:00:00Z'),
  Platform: 'Windows',
  PlatformDetails: 'Windows',
  Monitoring: { State: 'disabled' },
  IamInstanceProfile: { Arn: 'arn:aws:iam::222222222222:instance-profile/app-server-role', Id: 'AIPAEXAMPLE' },
  MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
  SecurityGroups: [{ GroupId: 'sg-0aaa1111bbbb22220', GroupName: 'mixed' }],
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0123456789abcdef0', DeleteOnTermination: true } }],
  NetworkInterfaces: [
    {
      NetworkInterfaceId: 'eni-0123456789abcdef0',
      MacAddress: '0E:AB:CD:EF:01:23',
      PrivateIpAddress: '10.0.1.10',
      Association: { PublicIp: '54.1.2.3', IpOwnerId: '222222222222' },
      Attachment: { DeviceIndex: 0, AttachTime: new Date('2021-01-01T00:00:00Z') },
    },
  ],
  Tags: [{ Key: 'Name', Value: 'windows-test' }],
};

test('an instance is a valid Host with its metadata options, profile and addresses', (t) => {
  const entity = convertInstance(instance, scope, '222222222222');
  t.deepEqual(validateEntity(entity), []);
  t.like(entity, {
    _key: 'arn:aws:ec2:us-east-1:222222222222:instance/i-0123456789abcdef0',
    displayName: 'windows-test',
    state: 'running',
    active: true,
    httpTokens: 'optional',
    imdsv2Required: false,
    iamInstanceProfileArn: 'arn:aws:iam::222222222222:instance-profile/app-server-role',
    monitoringState: 'disabled',
    publicIpAddress: '54.1.2.3',
    hostname: 'ip-10-0-1-10',
    osType: 'windows',
    createdOn: Date.parse('2021-01-01T00:00:00Z'),
    launchTime: Date.parse('2024-06-01T00:00:00Z'),
  });
  t.deepEqual(entity.macAddresses, ['0e:ab:cd:ef:01:23']);
  t.deepEqual(entity.ipv4Addresses, ['10.0.1.10', '54.1.2.3']);
  t.is(entity.serial, null);

  const eip = convertElasticIp(
    {
      AllocationId: 'eipalloc-0123456789abcdef0',
      PublicIp: '54.1.2.3',
      InstanceId: 'i-0123456789abcdef0',
      NetworkInterfaceId: 'eni-0123456789abcdef0',
      Domain: 'vpc',
    },
    scope,
  );
  t.deepEqual(validateEntity(eip), []);
  const relationships = instanceRelationships(instance, entity, scope, elasticIpsByInstance([eip]).get('i-0123456789abcdef0'));
  t.deepEqual(relationships.map((r) => r._type).sort(), [
    'aws_instance_has_security_group',
    'aws_instance_uses_ebs_volume',
    'aws_instance_uses_eip',
    'aws_instance_uses_eni',
    'aws_security_group_protects_instance',
    'aws_subnet_has_instance',
  ]);
  t.is(relationships.find((r) => r._type === 'aws_security_group_protects_instance')?._fromEntityKey, sgKey('sg-0aaa1111bbbb22220'));
});

test('volumes are DataStore/Disk with a null classification unless tagged', (t) => {
  const volume = convertVolume(
    {
      VolumeId: 'vol-0123456789abcdef0',
      Size: 500,
      Encrypted: false,
      State: 'in-use',
      Attachments: [{ InstanceId: 'i-0123456789abcdef0', State: 'attached' }],
      CreateTime: new Date('2019-09-10T14:30:00Z'),
    },
    scope,
  );
  t.like(volume, { encrypted: false, attached: true, classification: null, size: 500, createdOn: Date.parse('2019-09-10T14:30:00Z') });
  t.deepEqual(validateEntity(volume), []);
  const tagged = convertVolume(
    { VolumeId: 'vol-1', Encrypted: true, KmsKeyId: 'arn:aws:kms:us-east-1:222222222222:key/k', Tags: [{ Key: 'classification', Value: 'confidential' }] },
    scope,
  );
  t.like(tagged, { classification: 'confidential', encrypted: true, kmsKeyId: 'arn:aws:kms:us-east-1:222222222222:key/k', attached: false });
});

test('peering: one account emits the edge; a peer outside the ingested accounts becomes a mapped VPC', (t) => {
  const connection: VpcPeeringConnection = {
    VpcPeeringConnectionId: 'pcx-0123456789abcdef0',
    Status: { Code: 'active' },
    RequesterVpcInfo: { OwnerId: '222222222222', VpcId: 'vpc-0aaa', Region: 'us-east-1', CidrBlock: '10.20.0.0/16' },
    AccepterVpcInfo: { OwnerId: '333333333333', VpcId: 'vpc-0bbb', Region: 'us-west-2', CidrBlock: '10.30.0.0/16' },
  };
  const ingested = new Set(['222222222222', '333333333333']);
  const requesterSide = vpcPeering(connection, scope, ingested);
  t.like(requesterSide?.relationship, {
    _type: 'aws_vpc_connects_vpc',
    _fromEntityKey: 'arn:aws:ec2:us-east-1:222222222222:vpc/vpc-0aaa',
    _toEntityKey: 'arn:aws:ec2:us-west-2:333333333333:vpc/vpc-0bbb',
    vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
    crossAccount: true,
    crossRegion: true,
  });
  t.is(requesterSide?.mappedPeer, undefined);
  t.is(vpcPeering(connection, { accountId: '333333333333', region: 'us-west-2' }, ingested), undefined, 'the accepter leaves the edge to the requester');
  t.is(vpcPeering({ ...connection, Status: { Code: 'pending-acceptance' } }, scope, ingested), undefined);

  const fromOutside = vpcPeering(
    { ...connection, RequesterVpcInfo: { OwnerId: '999999999999', VpcId: 'vpc-0ccc', Region: 'us-west-2', CidrBlock: '172.16.0.0/16' } },
    { accountId: '333333333333', region: 'us-west-2' },
    ingested,
  );
  t.is(fromOutside?.relationship._fromEntityKey, 'arn:aws:ec2:us-west-2:999999999999:vpc/vpc-0ccc');
  t.like(fromOutside?.mappedPeer, { _type: 'aws_vpc', _source: 'system-mapper', validated: false, accountId: '999999999999', CIDR: '172.16.0.0/16' });
  t.deepEqual(validateEntity(fromOutside?.mappedPeer as Entity), []);
});

test('flow logs to S3 point at the bucket ARN and turn flowLogsEnabled on', (t) => {
  t.is(s3BucketKeyFromDestination('arn:aws:s3:::acme-vpc-flow-logs-111111111111/production/'), 'arn:aws:s3:::acme-vpc-flow-logs-111111111111');
  t.is(s3BucketKeyFromDestination('arn:aws:logs:us-east-1:1:log-group:x'), undefined);
  const log = {
    FlowLogId: 'fl-0123456789abcdef0',
    ResourceId: 'vpc-0aaa',
    LogDestinationType: 's3' as const,
    LogDestination: 'arn:aws:s3:::bucket-a/x/',
    FlowLogStatus: 'ACTIVE',
    TrafficType: 'ALL' as const,
  };
  t.like(vpcLogsToBucket(log, scope), {
    _type: 'aws_vpc_logs_s3_bucket',
    _fromEntityKey: 'arn:aws:ec2:us-east-1:222222222222:vpc/vpc-0aaa',
    _toEntityKey: 'arn:aws:s3:::bucket-a',
  });
  t.is(vpcLogsToBucket({ ...log, LogDestinationType: 'cloud-watch-logs', LogDestination: 'arn:aws:logs:us-east-1:1:log-group:x' }, scope), undefined);
  const vpc = convertVpc({ VpcId: 'vpc-0aaa', CidrBlock: '10.0.0.0/16', IsDefault: false, State: 'available' }, scope, {
    hasInternetGateway: false,
    flowLogs: [log],
  });
  t.like(vpc, { flowLogsEnabled: true, public: false, internal: true, defaultVpc: false });
  t.deepEqual(vpc.flowLogDestinations, ['arn:aws:s3:::bucket-a/x/']);
  t.false(convertVpc({ VpcId: 'vpc-0bbb', CidrBlock: '10.1.0.0/16' }, scope, { hasInternetGateway: true, flowLogs: [] }).flowLogsEnabled);
  t.deepEqual(validateEntity(vpc), []);
});
