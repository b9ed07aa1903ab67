import test from 'ava';
import { validateEntity } from '../../src/graph';
import { convertCacheNode, convertMemcachedCluster, convertRedisCluster } from '../../src/services/elasticache/converters';
import { resourcePolicyGrants } from '../../src/policy/resource-policy';
import { convertRedshiftCluster } from '../../src/services/redshift/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '123456789012', region: 'us-east-1' };

// Shapes: ElastiCache API Reference DescribeCacheClusters / DescribeReplicationGroups examples.
test('ElastiCache: memcached cluster, Redis replication group and a node, valid', (t) => {
  const memcached = convertMemcachedCluster(
    {
      CacheClusterId: 'my-memcached',
      Engine: 'memcached',
      CacheClusterStatus: 'available',
      NumCacheNodes: 2,
      CacheNodeType: 'cache.t3.medium',
      TransitEncryptionEnabled: false,
    },
    scope,
    [{ Key: 'owner', Value: 'team-a' }],
  );
  t.like(memcached, { _key: 'arn:aws:elasticache:us-east-1:123456789012:cluster:my-memcached', encrypted: false, numCacheNodes: 2, owner: 'team-a' });
  t.deepEqual(validateEntity(memcached), []);
  const redis = convertRedisCluster(
    {
      ReplicationGroupId: 'my-redis',
      Status: 'available',
      MemberClusters: ['my-redis-001'],
      MultiAZ: 'enabled',
      SnapshotRetentionLimit: 0,
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
    },
    scope,
    { securityGroupIds: ['sg-2', 'sg-1', 'sg-2'] },
  );
  t.like(redis, { multiAZ: true, encrypted: true, backupEnabled: false });
  t.deepEqual(redis.securityGroupIds, ['sg-1', 'sg-2']);
  const node = convertCacheNode(
    { CacheClusterId: 'my-redis-001', Engine: 'redis', CacheNodeType: 'cache.r6g.large', AtRestEncryptionEnabled: true },
    { CacheNodeId: '0001', CacheNodeStatus: 'available', Endpoint: { Address: 'my-redis-001.xxxxxx.0001.use1.cache.amazonaws.com', Port: 6379 } },
    scope,
    'primary',
  );
  t.like(node, { role: 'primary', model: 'cache.r6g.large', port: 6379 });
  t.deepEqual(validateEntity(node), []);
});

// Shape: Redshift API Reference DescribeClusters example.
test('Redshift: public, unencrypted, logging unknown without DescribeLoggingStatus', (t) => {
  const entity = convertRedshiftCluster(
    {
      ClusterIdentifier: 'examplecluster',
      NodeType: 'dc2.large',
      ClusterStatus: 'available',
      PubliclyAccessible: true,
      Encrypted: false,
      VpcId: 'vpc-1',
      AutomatedSnapshotRetentionPeriod: 1,
    },
    scope,
  );
  t.like(entity, { _key: 'arn:aws:redshift:us-east-1:123456789012:cluster:examplecluster', public: true, encrypted: false, backupEnabled: true });
  t.false('loggingEnabled' in entity);
  t.deepEqual(validateEntity(entity), []);
});

test('OpenSearch access policy: everyone, restricted wildcards and other accounts', (t) => {
  const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  t.true(resourcePolicyGrants(policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'es:*', Resource: '*' }), '111111111111').allowsEveryone);
  const restricted = resourcePolicyGrants(
    policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'es:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } } }),
    '111111111111',
  );
  t.false(restricted.allowsEveryone);
  const other = resourcePolicyGrants(
    policy({ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::222222222222:role/r', '111111111111'] }, Action: 'es:ESHttpGet', Resource: '*' }),
    '111111111111',
  );
  t.deepEqual(other.accounts, [{ accountId: '222222222222', actions: ['es:ESHttpGet'] }]);
  t.false(resourcePolicyGrants('not json', '111111111111').parsed);
});

test('the simulated organization yields the DynamoDB, ElastiCache, Redshift and OpenSearch demo cases, all valid', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world, {
    config: { services: { include: ['dynamodb', 'elasticache', 'redshift', 'elasticsearch', 'ec2', 'kms'] } },
  });
  t.deepEqual(summary.errors, []);
  t.like(summary.counts.entities, {
    aws_dynamodb_table: 3, // orders and sessions, and the orders replica in eu-west-1
    aws_elasticache_redis_cluster: 1,
    aws_elasticache_memcached_cluster: 1,
    aws_elasticache_cluster_node: 2,
    aws_redshift_cluster: 2,
    aws_elasticsearch_domain: 2,
  });
  const get = (key: string) => graph.getEntity(key);
  t.like(get('arn:aws:dynamodb:us-east-1:222222222222:table/sessions'), { pointInTimeRecoveryEnabled: false, encryptionType: 'AWS_OWNED' });
  t.like(get('arn:aws:dynamodb:us-east-1:222222222222:table/orders'), { pointInTimeRecoveryEnabled: true, encryptionType: 'KMS' });
  t.like(get('arn:aws:redshift:us-west-2:333333333333:cluster:staging-warehouse'), { public: true, encrypted: false, loggingEnabled: false });
  t.like(get('arn:aws:es:us-east-1:222222222222:domain/legacy-search'), { public: true, encrypted: false });
  t.like(get('arn:aws:es:us-east-1:222222222222:domain/logs-search'), { public: false, crossAccountAccess: true });
  const has = (from: string, verb: string, to: string) =>
    [...graph.allRelationships()].some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to);
  t.true(has('arn:aws:es:us-east-1:222222222222:domain/logs-search', 'ALLOWS', 'aws:account:999999999999'));
  t.true(has('arn:aws:ec2:us-west-2:333333333333:vpc/vpc-03332000000000001', 'HAS', 'arn:aws:redshift:us-west-2:333333333333:cluster:staging-warehouse'));
  t.true(
    has(
      'arn:aws:elasticache:us-east-1:222222222222:replicationgroup:sessions-redis',
      'HAS',
      'arn:aws:elasticache:us-east-1:222222222222:cluster:sessions-redis-001:node:0001',
    ),
  );
  t.deepEqual(graphIssues(graph), []);
});
