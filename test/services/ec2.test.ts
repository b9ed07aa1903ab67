import test from 'ava';
import type { Collector } from '../../src/collectors/types';
import { createEntity, type Entity, type GraphStore, type Relationship } from '../../src/graph';
import type { IngestResult } from '../../src/ingest';
import { selectCollectors } from '../../src/services';
import { ec2Collectors } from '../../src/services/ec2/collectors';
import type { WorldEc2 } from '../../src/services/ec2/sim/world';
import type { World } from '../../src/sim/types';
import { builtinWorld, graphIssues, simulate, temporaryDirectory } from '../helpers/simulate';

const FLOW_LOG_BUCKET = 'arn:aws:s3:::acme-vpc-flow-logs-111111111111';

/**
 * Stands in for the S3 collectors: the flow-log bucket that the EC2 data points at, so the
 * `aws_vpc LOGS aws_s3_bucket` edge is checked without depending on the S3 demo data.
 */
const flowLogBucketCollector: Collector = {
  id: 'test-flow-log-bucket',
  service: 's3',
  scope: 'global',
  entities: [{ _type: 'aws_s3_bucket', _class: ['DataStore'], resourceName: 'Bucket' }],
  relationships: [],
  permissions: [],
  dependsOn: [],
  async run(context) {
    if (context.account.accountId !== '111111111111') return;
    context.addEntity(
      createEntity({
        _key: FLOW_LOG_BUCKET,
        _type: 'aws_s3_bucket',
        _class: ['DataStore'],
        name: 'acme-vpc-flow-logs-111111111111',
        properties: { classification: null, encrypted: true },
      }),
    );
  },
};

/** EC2 collectors, KMS's (volume keys are named by key: without their collector the edge is dropped) and the stand-in bucket. */
function ec2Only(): Collector[] {
  return [...selectCollectors({ include: ['ec2', 'kms'] }), flowLogBucketCollector];
}

/** The `ec2` sections of the accounts the run ingests (active, not tagged SKIP). */
function ingestedSections(world: World): WorldEc2[] {
  return world.accounts
    .filter((a) => (a.status ?? 'ACTIVE') === 'ACTIVE' && !a.tags?.['j1-integration'])
    .flatMap((a) => Object.values(a.regions ?? {}).flatMap((r) => (r.ec2 ? [r.ec2 as WorldEc2] : [])));
}

const count = (sections: WorldEc2[], pick: (s: WorldEc2) => unknown[] | undefined) => sections.reduce((n, s) => n + (pick(s)?.length ?? 0), 0);

function edgesFrom(graph: GraphStore, entity: Entity, verb: string): Array<{ edge: Relationship; target?: Entity }> {
  return [...graph.allRelationships()]
    .filter((r) => r._fromEntityKey === entity._key && r._class === verb)
    .map((edge) => ({ edge, target: graph.getEntity(edge._toEntityKey) }));
}

let run: IngestResult;
let world: World;

test.before(async () => {
  world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  run = await simulate(world, { collectors: ec2Only() });
});

test('one item per page: every EC2/VPC resource of the simulated organization is read, all valid', (t) => {
  const { graph, summary } = run;
  const sections = ingestedSections(world);
  const expected: Record<string, number> = {
    aws_instance: count(sections, (s) => s.instances),
    aws_ami: count(sections, (s) => s.images),
    aws_key_pair: count(sections, (s) => s.keyPairs),
    aws_ebs_volume: count(sections, (s) => s.volumes),
    aws_ebs_snapshot: count(sections, (s) => s.snapshots),
    aws_eip: count(sections, (s) => s.elasticIps),
    // Instances' primary interfaces and NAT gateways' interfaces are derived, besides the listed ones.
    aws_eni: count(sections, (s) => s.instances) + count(sections, (s) => s.natGateways) + count(sections, (s) => s.networkInterfaces),
    aws_security_group: count(sections, (s) => s.securityGroups),
    aws_network_acl: count(sections, (s) => s.networkAcls),
    aws_subnet: count(sections, (s) => s.subnets),
    // Plus the partner's VPC (account 999999999999) as a mapped entity.
    aws_vpc: count(sections, (s) => s.vpcs) + 1,
    aws_route_table: count(sections, (s) => s.routeTables),
    aws_internet_gateway: count(sections, (s) => s.internetGateways),
    aws_nat_gateway: count(sections, (s) => s.natGateways),
    aws_vpn_gateway: count(sections, (s) => s.vpnGateways),
  };
  t.is(Object.keys(expected).length, 15);
  for (const [type, n] of Object.entries(expected)) {
    t.true(n > 0, `the built-in world has ${type}`);
    t.is(summary.counts.entities[type], n, type);
  }
  t.deepEqual(graphIssues(graph), []);
  t.deepEqual(summary.errors, []);
});

test('every relationship the EC2 collectors declare is in the graph, between entities of the declared types', (t) => {
  const { graph } = run;
  const present = new Set<string>();
  for (const r of graph.allRelationships()) {
    const from = graph.getEntity(r._fromEntityKey);
    const to = graph.getEntity(r._toEntityKey);
    if (from && to) present.add(`${r._collector} ${from._type} ${r._class} ${to._type}`);
  }
  const declared = ec2Collectors.flatMap((c) =>
    c.relationships.flatMap((r) => (Array.isArray(r.to) ? r.to : [r.to]).map((to) => `${c.id} ${r.from} ${r.verb} ${to}`)),
  );
  t.true(declared.length >= 30);
  for (const line of declared) t.true(present.has(line), `missing: ${line}`);
  const undeclared = [...present].filter((line) => line.startsWith('ec2-') && !declared.includes(line));
  t.deepEqual(undeclared, []);
});

test('network exposure: SSH open to 0.0.0.0/0 and RDP open to ::/0 are found through their ALLOWS edges', (t) => {
  const { graph } = run;
  // Find aws_security_group as sg that ALLOWS as rule * as s
  //   where rule.ingress=true and rule.fromPort<=port and rule.toPort>=port and s.displayName='Internet'
  const openTo = (port: number) =>
    graph
      .entitiesOfType('aws_security_group')
      .filter((sg) =>
        edgesFrom(graph, sg, 'ALLOWS').some(
          ({ edge, target }) =>
            edge.ingress === true && (edge.fromPort as number) <= port && (edge.toPort as number) >= port && target?.displayName === 'Internet',
        ),
      )
      .map((sg) => `${sg.accountId}/${sg.groupName}`)
      .sort();
  t.deepEqual(openTo(22), ['222222222222/bastion-ssh']);
  t.deepEqual(openTo(3389), ['333333333333/windows-rdp']);
  const rdp = graph.entitiesOfType('aws_security_group').find((sg) => sg.groupName === 'windows-rdp') as Entity;
  t.like(edgesFrom(graph, rdp, 'ALLOWS').find(({ target }) => target?._type === 'internet')?.edge, {
    ipRange: '::/0',
    ipProtocol: 'tcp',
    portRange: '3389',
    ingress: true,
  });

  const aclOpenSsh = graph
    .entitiesOfType('aws_network_acl')
    .filter((acl) =>
      edgesFrom(graph, acl, 'ALLOWS').some(
        ({ edge, target }) => edge.ingress === true && (edge.fromPort as number) <= 22 && (edge.toPort as number) >= 22 && target?._type === 'internet',
      ),
    )
    .map((acl) => acl.networkAclId);
  t.true(aclOpenSsh.includes('acl-02221000000000112'));
  const prodPublic = graph.entitiesOfType('aws_network_acl').find((acl) => acl.networkAclId === 'acl-02221000000000112') as Entity;
  t.like(edgesFrom(graph, prodPublic, 'ALLOWS').find(({ edge }) => edge.ruleNumber === 100 && edge.ingress === true)?.edge, {
    portRange: '22',
    ruleAction: 'allow',
    ipRange: '0.0.0.0/0',
  });
  t.deepEqual(
    edgesFrom(graph, prodPublic, 'DENIES')
      .map(({ edge }) => `${edge.ruleNumber} ${edge.ipRange}`)
      .sort(),
    ['32767 0.0.0.0/0', '32767 0.0.0.0/0', '90 198.51.100.0/24', '95 192.0.2.66/32'],
  );

  // Mapped targets belong to no account, so the snapshot does not depend on which account reached them first.
  const internet = graph.getEntity('global:internet') as Entity;
  t.like(internet, { _source: 'system-mapper', displayName: 'Internet' });
  t.is(internet._accountId, undefined);
});

test('the deliberate misconfigurations are in the graph', (t) => {
  const { graph } = run;
  const byProperty = (type: string, name: string, value: unknown) => graph.entitiesOfType(type).find((e) => e[name] === value) as Entity;

  t.deepEqual(
    graph
      .entitiesOfType('aws_instance')
      .filter((i) => i.httpTokens === 'optional')
      .map((i) => i.displayName),
    ['legacy-reporting'],
  );
  const unencrypted = graph
    .entitiesOfType('aws_ebs_volume')
    .filter((v) => v.encrypted === false && v.attached === true)
    .map((v) => v.volumeId)
    .sort();
  t.deepEqual(unencrypted, ['vol-02221000000000306', 'vol-03332000000000302']);
  t.is(byProperty('aws_ebs_volume', 'volumeId', 'vol-02221000000000306').classification, 'confidential');
  t.deepEqual(
    graph
      .entitiesOfType('aws_ebs_snapshot')
      .filter((s) => s.public === true)
      .map((s) => s.snapshotId),
    ['snap-03332000000000401'],
  );
  t.like(byProperty('aws_ebs_snapshot', 'snapshotId', 'snap-02221000000000403'), { public: false, shared: true, sharedWithAccounts: ['333333333333'] });

  // Default groups that allow traffic (CIS: the default group restricts all traffic).
  const permissiveDefaults = graph
    .entitiesOfType('aws_security_group')
    .filter((sg) => sg.default === true && edgesFrom(graph, sg, 'ALLOWS').length > 0)
    .map((sg) => sg.groupId)
    .sort();
  t.deepEqual(permissiveDefaults, ['sg-02222000000000101', 'sg-03332000000000101']);

  // Volumes use the KMS keys of the KMS demo data; the unencrypted one uses none.
  const legacyData = byProperty('aws_ebs_volume', 'volumeId', 'vol-02221000000000306');
  t.deepEqual(edgesFrom(graph, legacyData, 'USES'), []);
  const appData = byProperty('aws_ebs_volume', 'volumeId', 'vol-02221000000000303');
  t.deepEqual(
    edgesFrom(graph, appData, 'USES').map(({ target }) => target?.keyId),
    ['0a1b2c3d-2222-4aaa-8bbb-000000000001'],
  );
  t.deepEqual(
    edgesFrom(graph, appData, 'HAS').map(({ target }) => target?.snapshotId),
    ['snap-02221000000000401'],
  );
  const restored = byProperty('aws_ebs_volume', 'volumeId', 'vol-02221000000000307');
  t.true(edgesFrom(graph, restored, 'USES').some(({ target }) => target?.snapshotId === 'snap-02221000000000401'));

  // Subnets: public through the internet gateway route, private behind NAT.
  t.like(byProperty('aws_subnet', 'subnetId', 'subnet-02221000000000011'), { public: true, internal: false, routeTableId: 'rtb-02221000000000062' });
  t.like(byProperty('aws_subnet', 'subnetId', 'subnet-02221000000000013'), { public: false, internal: true, routeTableId: 'rtb-02221000000000061' });

  // Peering and flow logs.
  const prodVpc = byProperty('aws_vpc', 'vpcId', 'vpc-02221000000000001');
  const peers = edgesFrom(graph, prodVpc, 'CONNECTS').map(({ target }) => target as Entity);
  t.deepEqual(peers.map((p) => `${p.accountId} ${p.vpcId} ${p._source ?? 'ingested'}`).sort(), [
    '333333333333 vpc-03332000000000001 ingested',
    '999999999999 vpc-0999a1b2c3d4e5f60 system-mapper',
  ]);
  t.is(peers.find((p) => p.accountId === '999999999999')?.validated, false);
  t.like(prodVpc, { flowLogsEnabled: true, public: true });
  t.deepEqual(
    edgesFrom(graph, prodVpc, 'LOGS').map(({ target }) => target?._key),
    [FLOW_LOG_BUCKET],
  );
  t.like(byProperty('aws_vpc', 'vpcId', 'vpc-03332000000000001'), { flowLogsEnabled: true });
  t.like(byProperty('aws_vpc', 'vpcId', 'vpc-02222000000000001'), { flowLogsEnabled: false, defaultVpc: true });

  // Instance profile and the NAT gateway's address and interface.
  t.is(byProperty('aws_instance', 'instanceId', 'i-02221000000000202').iamInstanceProfileArn, 'arn:aws:iam::222222222222:instance-profile/app-server-role');
  const nat = byProperty('aws_nat_gateway', 'natGatewayId', 'nat-02221000000000041');
  t.deepEqual(
    edgesFrom(graph, nat, 'USES')
      .map(({ target }) => target?._type)
      .sort(),
    ['aws_eip', 'aws_eni'],
  );

  // EBS encryption by default, per region, on the account's aws_ec2 entity.
  t.like(graph.getEntity('aws:222222222222:service:ec2'), {
    'ebsEncryptionByDefault.us-east-1': true,
    'ebsEncryptionByDefault.us-west-2': false,
    ebsEncryptionByDefaultDisabledRegions: ['us-west-2'],
  });
  // The management account has no EC2 data in those regions: AWS's default, off.
  t.deepEqual(graph.getEntity('aws:111111111111:service:ec2')?.ebsEncryptionByDefaultDisabledRegions, ['eu-west-1', 'us-west-2']);
});

test('access denied on DescribeInstances in one account and region is recorded; everything else is intact', async (t) => {
  const outputDir = temporaryDirectory();
  const before = await simulate(builtinWorld(), { collectors: ec2Only(), outputDir });
  const denied = builtinWorld();
  denied.faults = [
    ...(denied.faults ?? []),
    { account: '222222222222', region: 'us-east-1', service: 'ec2', operation: 'DescribeInstances', error: 'AccessDenied' },
  ];
  const { graph, summary } = await simulate(denied, { collectors: ec2Only(), outputDir });
  t.deepEqual(
    summary.errors.map((e) => ({ account: e.account, region: e.region, service: e.service, code: e.code, operation: e.operation })),
    [{ account: '222222222222', region: 'us-east-1', service: 'ec2', code: 'AccessDenied', operation: 'ec2:DescribeInstances' }],
  );
  const instances = graph.entitiesOfType('aws_instance');
  const scopeOf = (i: Entity) => `${i.accountId}/${i.region}`;
  // Other regions and accounts are read afresh.
  t.is(instances.filter((i) => scopeOf(i) === '222222222222/eu-west-1' && !i._stale).length, 1);
  t.is(instances.filter((i) => scopeOf(i) === '333333333333/us-west-2' && !i._stale).length, 2);
  // The denied scope keeps the previous snapshot's instances, marked stale.
  const carried = instances.filter((i) => scopeOf(i) === '222222222222/us-east-1');
  t.is(carried.length, 4);
  t.true(carried.every((i) => i._stale === true));
  t.is(before.graph.entitiesOfType('aws_instance').length, instances.length);
  // The other collectors of that account and region ran.
  t.is(graph.entitiesOfType('aws_ebs_volume').filter((v) => scopeOf(v) === '222222222222/us-east-1' && !v._stale).length, 7);
  t.is(graph.entitiesOfType('aws_security_group').filter((g) => scopeOf(g) === '222222222222/us-east-1' && !g._stale).length, 6);
  t.deepEqual(
    summary.notRefreshed.map((n) => `${n.accountId} ${n.region} ${n.collector} ${n.types.join(',')} ${n.entitiesCarried}`),
    ['222222222222 us-east-1 ec2-instances aws_instance 4'],
  );
  t.deepEqual(graphIssues(graph), []);
});
