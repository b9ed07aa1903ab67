import test from 'ava';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const PROD = '222222222222';
const db = (id: string) => `arn:aws:rds:us-east-1:${PROD}:db:${id}`;
const APP_KEY = `arn:aws:kms:us-east-1:${PROD}:key/0a1b2c3d-2222-4aaa-8bbb-000000000001`;

test('the simulated organization yields RDS clusters, instances and snapshots with their edges, all valid', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world, { config: { services: { include: ['rds', 'ec2', 'kms'] } } });
  t.deepEqual(summary.errors, []);
  t.like(summary.counts.entities, { aws_db_instance: 4, aws_rds_cluster: 1, aws_db_snapshot: 3, aws_db_cluster_snapshot: 1 });

  const legacy = graph.getEntity(db('legacy-reporting-db'));
  t.like(legacy, { public: true, encrypted: false, backupRetentionPeriod: 0, autoMinorVersionUpgrade: false, multiAZ: false, engine: 'mysql' });
  const orders = graph.getEntity(db('orders-db'));
  t.like(orders, {
    public: false,
    encrypted: true,
    multiAZ: true,
    deletionProtection: true,
    iamDatabaseAuthenticationEnabled: true,
    'tag.classification': 'confidential',
  });

  const has = (from: string, verb: string, to: string) =>
    [...graph.allRelationships()].some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to);
  const cluster = `arn:aws:rds:us-east-1:${PROD}:cluster:payments-aurora`;
  t.true(has(cluster, 'CONTAINS', db('payments-aurora-1')));
  t.true(has(cluster, 'CONTAINS', db('payments-aurora-2')));
  t.true(has(cluster, 'USES', APP_KEY));
  t.true(has(db('orders-db'), 'USES', APP_KEY));
  t.false(has(db('payments-aurora-1'), 'USES', APP_KEY), 'Aurora members are encrypted through their cluster');
  t.true(has(`arn:aws:ec2:us-east-1:${PROD}:vpc/vpc-02221000000000001`, 'HAS', cluster));
  t.true(has(`arn:aws:ec2:us-east-1:${PROD}:subnet/subnet-02221000000000011`, 'HAS', db('legacy-reporting-db')));
  t.true(has(db('orders-db'), 'HAS', `arn:aws:ec2:us-east-1:${PROD}:security-group/sg-02221000000000104`));
  t.true(has(`arn:aws:ec2:us-east-1:${PROD}:security-group/sg-02221000000000104`, 'PROTECTS', db('orders-db')));
  t.true(has(db('orders-db'), 'CONTAINS', `arn:aws:rds:us-east-1:${PROD}:snapshot:orders-db-before-upgrade`));
  t.true(has(cluster, 'CONTAINS', `arn:aws:rds:us-east-1:${PROD}:cluster-snapshot:payments-aurora-quarterly`));

  // Sharing: the staging account (ingested), the partner account (mapped) and everyone.
  const shared = `arn:aws:rds:us-east-1:${PROD}:snapshot:orders-db-before-upgrade`;
  t.true(has(shared, 'ALLOWS', 'aws:account:333333333333'));
  t.true(has(shared, 'ALLOWS', 'aws:account:999999999999'));
  t.like(graph.getEntity('aws:account:999999999999'), { _source: 'system-mapper' });
  t.not(graph.getEntity('aws:account:333333333333')?._source, 'system-mapper');
  const exported = `arn:aws:rds:us-east-1:${PROD}:snapshot:legacy-reporting-export`;
  t.like(graph.getEntity(exported), { public: true, encrypted: false });
  t.true(has(exported, 'ALLOWS', 'global:everyone'));
  t.like(graph.getEntity(`arn:aws:rds:us-east-1:${PROD}:snapshot:rds:orders-db-2024-06-01-03-10`), { public: false, shared: false, snapshotType: 'automated' });
  t.deepEqual(graphIssues(graph), []);
});

test('a denied DescribeDBSnapshotAttributes leaves sharing unknown and costs one recorded error', async (t) => {
  const world = builtinWorld();
  world.faults = [{ account: PROD, service: 'rds', operation: 'DescribeDBSnapshotAttributes', error: 'AccessDenied' }];
  const { graph, summary } = await simulate(world, { config: { services: { include: ['rds', 'ec2', 'kms'] } } });
  const errors = summary.errors.filter((e) => e.account === PROD);
  t.is(errors.length, 1);
  t.is(graph.getEntity(`arn:aws:rds:us-east-1:${PROD}:snapshot:legacy-reporting-export`)?.public, undefined);
  t.truthy(graph.getEntity(db('orders-db')));
  t.false([...graph.allRelationships()].some((r) => r._type === 'aws_db_snapshot_allows_everyone'));
  t.true(
    [...graph.allRelationships()].some((r) => r._type === 'aws_db_cluster_snapshot_allows_account'),
    'cluster snapshots are read with their own call',
  );
});
