import test from 'ava';
import type { Entity } from '../../src/graph';
import { BASE_CREDENTIALS, PRODUCTION, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS of test/wire: the database services over their
// own wire protocols (RDS, ElastiCache and Redshift awsQuery; DynamoDB JSON 1.0; OpenSearch
// REST-JSON), from fixtures shaped as their API References document them.

let databasesRun: Promise<CliRun> | undefined;
const databases = () =>
  (databasesRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--services', 'rds,dynamodb,elasticache,redshift,elasticsearch,ec2,kms']));

function entity(run: CliRun, key: string): Entity {
  const found = run.snapshot?.entities.find((e) => e._key === key);
  if (!found) throw new Error(`no entity ${key} in the snapshot`);
  return found;
}

function edge(run: CliRun, from: string, verb: string, to: string): boolean {
  return run.snapshot?.relationships.some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to) ?? false;
}

const rds = (kind: string, id: string) => `arn:aws:rds:us-east-1:${PRODUCTION}:${kind}:${id}`;
const APP_KEY = `arn:aws:kms:us-east-1:${PRODUCTION}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DB_SG = `arn:aws:ec2:us-east-1:${PRODUCTION}:security-group/sg-0f9e8d7c6bEXAMPLE`;
const VPC = `arn:aws:ec2:us-east-1:${PRODUCTION}:vpc/vpc-0e9801d129EXAMPLE`;

test('the run is clean: every request answered from the fixtures, signed, no secret written', async (t) => {
  const run = await databases();
  t.is(run.code, 0, run.stderr);
  t.deepEqual(run.summary?.errors, []);
  t.deepEqual(run.server.unanswered(), []);
  t.deepEqual(secretLeaks(run, [...run.server.secrets(), BASE_CREDENTIALS.secretAccessKey]), []);
});

test('RDS over awsQuery: instances, the Aurora cluster, snapshots and their sharing', async (t) => {
  const run = await databases();
  t.like(run.summary?.counts.entities, { aws_db_instance: 2, aws_rds_cluster: 1, aws_db_snapshot: 2, aws_db_cluster_snapshot: 1 });
  t.like(entity(run, rds('db', 'mydbinstance-1')), {
    public: true,
    encrypted: false,
    backupRetentionPeriod: 0,
    autoMinorVersionUpgrade: false,
    multiAZ: false,
    engine: 'mysql',
    displayName: 'reporting',
    createdOn: Date.parse('2019-06-06T17:41:27.106Z'),
  });
  t.like(entity(run, rds('cluster', 'payments')), {
    encrypted: true,
    deletionProtection: true,
    iamDatabaseAuthenticationEnabled: true,
    vpcId: 'vpc-0e9801d129EXAMPLE',
  });
  t.true(edge(run, rds('cluster', 'payments'), 'CONTAINS', rds('db', 'payments-1')));
  t.true(edge(run, rds('cluster', 'payments'), 'USES', APP_KEY));
  t.true(edge(run, rds('db', 'mydbinstance-1'), 'HAS', DB_SG));
  t.true(edge(run, DB_SG, 'PROTECTS', rds('db', 'mydbinstance-1')));
  t.true(edge(run, VPC, 'HAS', rds('cluster', 'payments')));
  t.true(edge(run, `arn:aws:ec2:us-east-1:${PRODUCTION}:subnet/subnet-0bb1c79de3EXAMPLE`, 'HAS', rds('db', 'mydbinstance-1')));
  const shared = rds('snapshot', 'mydbsnapshot');
  t.like(entity(run, shared), { public: true, shared: true });
  t.true(edge(run, shared, 'ALLOWS', 'global:everyone'));
  t.true(edge(run, shared, 'ALLOWS', 'aws:account:210987654321'));
  t.true(edge(run, rds('db', 'mydbinstance-1'), 'CONTAINS', shared));
  t.like(entity(run, rds('cluster-snapshot', 'payments-quarterly')), { public: false, shared: false, encrypted: true });
  // Automated snapshots cannot be shared: their attributes are not asked for.
  t.false(run.server.calls().some((c) => c.operation === 'DescribeDBSnapshotAttributes' && c.input.DBSnapshotIdentifier?.startsWith('rds:')));
});

test('DynamoDB over JSON 1.0: tables with point-in-time recovery, encryption and their key', async (t) => {
  const run = await databases();
  const table = (name: string) => `arn:aws:dynamodb:us-east-1:${PRODUCTION}:table/${name}`;
  t.like(entity(run, table('Music')), {
    pointInTimeRecoveryEnabled: true,
    encrypted: true,
    encryptionType: 'AWS_OWNED',
    'tag.Owner': 'blueTeam',
    createdOn: 1421866952062,
  });
  t.like(entity(run, table('Orders')), {
    pointInTimeRecoveryEnabled: false,
    encrypted: true,
    encryptionType: 'KMS',
    billingMode: 'PAY_PER_REQUEST',
    deletionProtection: true,
  });
  t.true(edge(run, table('Orders'), 'USES', APP_KEY));
  t.true(edge(run, `aws:${PRODUCTION}:service:dynamodb`, 'HAS', table('Music')));
});

test('ElastiCache over awsQuery: the Redis group, its nodes and the memcached cluster, with their security groups', async (t) => {
  const run = await databases();
  const redis = `arn:aws:elasticache:us-east-1:${PRODUCTION}:replicationgroup:my-redis`;
  const memcached = `arn:aws:elasticache:us-east-1:${PRODUCTION}:cluster:my-memcached`;
  t.like(entity(run, redis), { encrypted: true, transitEncryptionEnabled: true, multiAZ: true, backupEnabled: false, 'tag.classification': 'confidential' });
  t.like(entity(run, memcached), { encrypted: false, transitEncryptionEnabled: false, numCacheNodes: 2 });
  const primary = `arn:aws:elasticache:us-east-1:${PRODUCTION}:cluster:my-redis-001:node:0001`;
  t.like(entity(run, primary), { role: 'primary', endpoint: 'my-redis-001.xxxxxx.0001.use1.cache.amazonaws.com', port: 6379 });
  t.true(edge(run, redis, 'HAS', primary));
  t.true(edge(run, redis, 'HAS', `arn:aws:elasticache:us-east-1:${PRODUCTION}:cluster:my-redis-002:node:0001`));
  t.true(edge(run, redis, 'HAS', DB_SG));
  t.true(edge(run, memcached, 'HAS', DB_SG));
  t.true(edge(run, redis, 'USES', APP_KEY));
});

test('Redshift over awsQuery: the cluster in its VPC, behind its security group, with its logging', async (t) => {
  const run = await databases();
  const cluster = `arn:aws:redshift:us-east-1:${PRODUCTION}:cluster:examplecluster`;
  t.like(entity(run, cluster), {
    public: true,
    encrypted: false,
    loggingEnabled: true,
    loggingBucketName: 'amzn-s3-demo-bucket',
    numberOfNodes: 2,
    'tag.Name': 'analytics',
  });
  t.true(edge(run, VPC, 'HAS', cluster));
  t.true(edge(run, cluster, 'HAS', DB_SG));
  t.true(edge(run, DB_SG, 'PROTECTS', cluster));
});

test('OpenSearch over REST-JSON: domains, their network placement and what their access policies allow', async (t) => {
  const run = await databases();
  const logs = `arn:aws:es:us-east-1:${PRODUCTION}:domain/logs`;
  const legacy = `arn:aws:es:us-east-1:${PRODUCTION}:domain/legacy-search`;
  t.like(entity(run, logs), {
    engine: 'OpenSearch',
    engineVersion: '2.11',
    encrypted: true,
    public: false,
    crossAccountAccess: true,
    vpcId: 'vpc-0e9801d129EXAMPLE',
    'tag.classification': 'internal',
  });
  t.like(entity(run, legacy), { engine: 'Elasticsearch', engineVersion: '6.8', encrypted: false, public: true, accessPolicyAllowsEveryone: true });
  t.true(edge(run, logs, 'HAS', DB_SG));
  t.true(edge(run, VPC, 'HAS', logs));
  t.true(edge(run, logs, 'USES', APP_KEY));
  t.true(edge(run, logs, 'ALLOWS', 'aws:account:210987654321'));
  t.false(edge(run, logs, 'ALLOWS', `aws:account:${PRODUCTION}`), "the domain's own account is reached through its IAM policies");
  t.true(edge(run, legacy, 'ALLOWS', 'global:everyone'));
});
