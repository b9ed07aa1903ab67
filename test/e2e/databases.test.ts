import test from 'ava';
import type { Entity } from '../../src/graph';
import { BASE_CREDENTIALS, PRODUCTION, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS of test/wire: the database services over their
// own wire protocols (RDS, ElastiCache and Redshift awsQuery; DynamoDB JSON 1.0; OpenSearch
// REST-JSON), from fixtures shaped as their API References document them.

let databasesRun: Promise<CliRun> | undefined;
const databases = () => (databasesRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--services', 'rds,dynamodb,elasticache,redshift,elasticsearch']));

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
  t.like(entity(run, rds('cluster', 'payments')), { encrypted: true, deletionProtection: true, iamDatabaseAuthenticationEnabled: true, vpcId: 'vpc-0e9801d129EXAMPLE' });
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
