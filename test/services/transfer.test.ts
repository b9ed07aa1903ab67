import test from 'ava';
import type { DescribedServer, DescribedUser, ListedServer, ListedUser } from '@aws-sdk/client-transfer';
import { validateEntity } from '../../src/graph';
import { convertTransferServer, convertTransferUser, homeBuckets, transferServerIsPublic } from '../../src/services/transfer/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '111112222222', region: 'us-east-1' };
const ARN = 'arn:aws:transfer:us-east-1:111112222222:server/s-1111aaaa2222bbbb3';

// ListServers' ListedServer and DescribeServer's DescribedServer, as the Transfer Family API Reference shows them.
const listedServer: ListedServer = {
  Arn: ARN,
  Domain: 'S3',
  IdentityProviderType: 'SERVICE_MANAGED',
  EndpointType: 'VPC',
  LoggingRole: 'arn:aws:iam::111112222222:role/my-logging-role',
  ServerId: 's-1111aaaa2222bbbb3',
  State: 'ONLINE',
  UserCount: 3,
};
const describedServer: DescribedServer = {
  Arn: ARN,
  Certificate: 'arn:aws:acm:us-east-1:111112222222:certificate/12345678-1234-1234-1234-123456789012',
  ProtocolDetails: { PassiveIp: 'AUTO', TlsSessionResumptionMode: 'ENFORCED', SetStatOption: 'DEFAULT' },
  Domain: 'S3',
  EndpointDetails: {
    AddressAllocationIds: ['eipalloc-0a1b2c3d4e5f60718'],
    SubnetIds: ['subnet-0b1c2d3e4f5a6b7c8'],
    VpcId: 'vpc-0a1b2c3d4e5f60718',
    SecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
    VpcEndpointId: 'vpce-0a1b2c3d4e5f60718',
  },
  EndpointType: 'VPC',
  HostKeyFingerprint: 'SHA256:AbCdEfGhIjKlMnOpQrStUvWxYz1234567890abcdefg=',
  IdentityProviderType: 'SERVICE_MANAGED',
  LoggingRole: 'arn:aws:iam::111112222222:role/my-logging-role',
  Protocols: ['SFTP', 'FTPS'],
  SecurityPolicyName: 'TransferSecurityPolicy-2018-11',
  ServerId: 's-1111aaaa2222bbbb3',
  State: 'ONLINE',
  Tags: [
    { Key: 'Name', Value: 'MyServer' },
    { Key: 'Group', Value: 'MyServers' },
  ],
  UserCount: 3,
};

// ListUsers' ListedUser and DescribeUser's DescribedUser (API Reference).
const listedUser: ListedUser = {
  Arn: 'arn:aws:transfer:us-east-1:111112222222:user/s-1111aaaa2222bbbb3/my_user',
  HomeDirectory: '/DOC-EXAMPLE-BUCKET/my_user',
  HomeDirectoryType: 'PATH',
  Role: 'arn:aws:iam::111112222222:role/my_role',
  SshPublicKeyCount: 1,
  UserName: 'my_user',
};
const describedUser: DescribedUser = {
  Arn: listedUser.Arn,
  HomeDirectoryMappings: [{ Entry: '/home', Target: '/DOC-EXAMPLE-BUCKET/my_user', Type: 'DIRECTORY' }],
  HomeDirectoryType: 'LOGICAL',
  Role: 'arn:aws:iam::111112222222:role/my_role',
  Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"}]}',
  PosixProfile: { Uid: 1001, Gid: 1001 },
  SshPublicKeys: [
    { DateImported: new Date('2024-01-05T10:00:00Z'), SshPublicKeyBody: 'ssh-rsa AAAAB3NzaC1yc2E my_user', SshPublicKeyId: 'key-1234567890abcdef0' },
  ],
  Tags: [{ Key: 'department', Value: 'finance' }],
  UserName: 'my_user',
};

test('convertTransferServer: Host and Gateway, endpoint, protocols, logging role and the public flag from the Elastic IPs', (t) => {
  const server = convertTransferServer(listedServer, scope, describedServer);
  t.deepEqual(server._class, ['Host', 'Gateway']);
  t.like(server, {
    _key: ARN,
    endpointType: 'VPC',
    identityProviderType: 'SERVICE_MANAGED',
    loggingRole: 'arn:aws:iam::111112222222:role/my-logging-role',
    state: 'ONLINE',
    active: true,
    public: true,
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    displayName: 'MyServer',
    'tag.Group': 'MyServers',
  });
  t.deepEqual(server.protocols, ['SFTP', 'FTPS']);
  t.deepEqual(server.category, ['application']);
  t.deepEqual(validateEntity(server), []);
  // Without Elastic IPs a VPC endpoint is private; without DescribeServer its addresses are unknown.
  const internal = { ...describedServer, EndpointDetails: { ...describedServer.EndpointDetails, AddressAllocationIds: [] } };
  t.is(convertTransferServer(listedServer, scope, internal).public, false);
  const listedOnly = convertTransferServer(listedServer, scope);
  t.is(listedOnly.public, false);
  t.is(listedOnly.protocols, undefined);
  t.deepEqual(validateEntity(listedOnly), []);
  t.true(transferServerIsPublic('PUBLIC'));
  t.false(transferServerIsPublic('VPC_ENDPOINT', describedServer));
  t.is(convertTransferServer({ ...listedServer, State: 'OFFLINE' }, scope).active, false);
});

test('convertTransferUser: home directory, key count, role, mappings and session policy', (t) => {
  const user = convertTransferUser(listedUser, 's-1111aaaa2222bbbb3', scope, describedUser);
  t.deepEqual(user._class, ['User']);
  t.like(user, {
    _key: listedUser.Arn,
    name: 'my_user',
    homeDirectory: '/DOC-EXAMPLE-BUCKET/my_user',
    sshPublicKeyCount: 1,
    role: 'arn:aws:iam::111112222222:role/my_role',
    hasSessionPolicy: true,
    posixUid: 1001,
    'tag.department': 'finance',
  });
  t.deepEqual(user.homeDirectoryMappings, ['/home -> /DOC-EXAMPLE-BUCKET/my_user']);
  t.deepEqual(validateEntity(user), []);
  t.is(convertTransferUser(listedUser, 's-1111aaaa2222bbbb3', scope).hasSessionPolicy, undefined);
});

test('homeBuckets: the PATH home, the LOGICAL mapping targets, nothing on EFS', (t) => {
  // Bucket names are lower case: the API Reference's placeholder is not one.
  t.deepEqual(homeBuckets(listedUser, 'S3'), []);
  t.deepEqual(homeBuckets({ HomeDirectory: '/reports-bucket/in', HomeDirectoryType: 'PATH' }, 'S3'), [
    { bucket: 'reports-bucket', paths: ['/reports-bucket/in'] },
  ]);
  t.deepEqual(
    homeBuckets(
      {
        HomeDirectoryType: 'LOGICAL',
        HomeDirectoryMappings: [{ Target: '/bucket-a/x' }, { Target: '/bucket-b' }, { Target: '/bucket-a/y' }],
      },
      'S3',
    ),
    [
      { bucket: 'bucket-a', paths: ['/bucket-a/x', '/bucket-a/y'] },
      { bucket: 'bucket-b', paths: ['/bucket-b'] },
    ],
  );
  t.deepEqual(homeBuckets({ HomeDirectory: '/fs-0123456789abcdef0/home', HomeDirectoryType: 'PATH' }, 'EFS'), []);
  t.deepEqual(homeBuckets({ HomeDirectoryType: 'PATH' }, 'S3'), []);
});

const PROD = '222222222222';
const server = (id: string) => `arn:aws:transfer:us-east-1:${PROD}:server/${id}`;
const user = (serverId: string, name: string) => `arn:aws:transfer:us-east-1:${PROD}:user/${serverId}/${name}`;
const role = (name: string) => `arn:aws:iam::${PROD}:role/${name}`;

test('the simulated organization: servers, users, their roles and home buckets, one page at a time', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  const partner = server('s-02221000000000f01');
  const internal = server('s-02221000000000f02');
  t.like(graph.getEntity(partner), { endpointType: 'PUBLIC', public: true, userCount: 2, loggingRole: role('transfer-logging'), displayName: 'partner-sftp' });
  t.deepEqual(graph.getEntity(partner)?.protocols, ['SFTP']);
  t.like(graph.getEntity(internal), { endpointType: 'VPC', public: false, domain: 'EFS', vpcEndpointId: 'vpce-02221000000000f02' });
  t.like(graph.getEntity(user('s-02221000000000f01', 'globex-reports')), { homeDirectoryType: 'LOGICAL', sshPublicKeyCount: 2 });
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  for (const edge of [
    `${partner} HAS ${user('s-02221000000000f01', 'acme-logistics')}`,
    `${role('transfer-logging')} ASSIGNED ${partner}`,
    `${role('transfer-partner-access')} ASSIGNED ${user('s-02221000000000f01', 'acme-logistics')}`,
    `arn:aws:s3:::acme-prod-app-data ALLOWS ${user('s-02221000000000f01', 'acme-logistics')}`,
    `arn:aws:s3:::acme-prod-app-data ALLOWS ${user('s-02221000000000f01', 'globex-reports')}`,
    `arn:aws:s3:::globex-archive-external ALLOWS ${user('s-02221000000000f01', 'globex-reports')}`,
    `${internal} HAS ${user('s-02221000000000f02', 'batch-loader')}`,
  ])
    t.true(edges.has(edge), edge);
  // The EFS user reaches no bucket; the internal server has no logging role.
  t.false([...edges].some((e) => e.endsWith(` ALLOWS ${user('s-02221000000000f02', 'batch-loader')}`) && e.startsWith('arn:aws:s3')));
  t.false([...edges].some((e) => e.endsWith(` ASSIGNED ${internal}`)));
  // The partner's bucket outside the organization is a mapped stand-in.
  t.like(graph.getEntity('arn:aws:s3:::globex-archive-external'), { _type: 'aws_s3_bucket', _source: 'system-mapper' });
  const allows = [...graph.allRelationships()].find(
    (r) => r._fromEntityKey === 'arn:aws:s3:::acme-prod-app-data' && r._toEntityKey === user('s-02221000000000f01', 'acme-logistics'),
  );
  t.like(allows, { roleArn: role('transfer-partner-access'), sessionPolicy: true });
  t.deepEqual(graphIssues(graph), []);
});

test('a denied DescribeUser costs the mappings only; a denied ListUsers costs the users', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'transfer', operation: 'DescribeUser', error: 'AccessDenied' }];
  const { graph } = await simulate(world);
  t.is(graph.entitiesOfType('aws_transfer_user').length, 3);
  const edges = [...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`);
  // The LOGICAL user's buckets come from its mappings (DescribeUser): gone; the PATH user's stays.
  t.false(edges.some((e) => e.endsWith(user('s-02221000000000f01', 'globex-reports')) && e.includes(' ALLOWS ')));
  t.true(edges.includes(`arn:aws:s3:::acme-prod-app-data ALLOWS ${user('s-02221000000000f01', 'acme-logistics')}`));

  const denied = builtinWorld();
  denied.faults = [{ service: 'transfer', operation: 'ListUsers', error: 'AccessDenied' }];
  const result = await simulate(denied);
  t.is(result.graph.entitiesOfType('aws_transfer_server').length, 2);
  t.is(result.graph.entitiesOfType('aws_transfer_user').length, 0);
  t.deepEqual(
    result.summary.errors.map((e) => `${e.account} ${e.region} ${e.operation}`),
    [`${PROD} us-east-1 transfer:ListUsers`],
  );
});
