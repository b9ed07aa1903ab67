import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** ElastiCache's entity types: the one place they are spelled. */
export const ElastiCacheEntities = defineEntities({
  SERVICE: serviceEntitySchema('elasticache', 'ElastiCache'),
  MEMCACHED_CLUSTER: { _type: 'aws_elasticache_memcached_cluster', _class: ['Database', 'DataStore', 'Cluster'], resourceName: 'Cache Cluster (Memcached)' },
  REDIS_CLUSTER: { _type: 'aws_elasticache_redis_cluster', _class: ['Database', 'DataStore', 'Cluster'], resourceName: 'Replication Group (Redis)' },
  CLUSTER_NODE: { _type: 'aws_elasticache_cluster_node', _class: ['Database', 'DataStore', 'Host'], resourceName: 'Node Group Member' },
});

const { MEMCACHED_CLUSTER, REDIS_CLUSTER, CLUSTER_NODE } = ElastiCacheEntities;
const SECURITY_GROUP = 'aws_security_group'; // EC2's type (services/ec2/keys.ts)
const KMS_KEY = 'aws_kms_key'; // KMS's type (services/kms/schema.ts)

export const ElastiCacheRelationships = defineRelationships({
  SERVICE_HAS_CLUSTER: { from: 'aws_elasticache', verb: RelationshipVerb.HAS, to: [MEMCACHED_CLUSTER._type, REDIS_CLUSTER._type] },
  REDIS_HAS_NODE: { from: REDIS_CLUSTER._type, verb: RelationshipVerb.HAS, to: CLUSTER_NODE._type },
  MEMCACHED_HAS_SECURITY_GROUP: { from: MEMCACHED_CLUSTER._type, verb: RelationshipVerb.HAS, to: SECURITY_GROUP },
  REDIS_HAS_SECURITY_GROUP: { from: REDIS_CLUSTER._type, verb: RelationshipVerb.HAS, to: SECURITY_GROUP },
  SECURITY_GROUP_PROTECTS: { from: SECURITY_GROUP, verb: RelationshipVerb.PROTECTS, to: [MEMCACHED_CLUSTER._type, REDIS_CLUSTER._type] },
  REDIS_USES_KEY: { from: REDIS_CLUSTER._type, verb: RelationshipVerb.USES, to: KMS_KEY },
});
