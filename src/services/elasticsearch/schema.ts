import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** OpenSearch Service (formerly Elasticsearch Service) entity types: the one place they are spelled. */
export const ElasticsearchEntities = defineEntities({
  SERVICE: serviceEntitySchema('elasticsearch', 'OpenSearch Service'),
  DOMAIN: { _type: 'aws_elasticsearch_domain', _class: ['Database', 'DataStore', 'Cluster'], resourceName: 'Elasticsearch Domain' },
});

const DOMAIN = ElasticsearchEntities.DOMAIN._type;
const SECURITY_GROUP = 'aws_security_group'; // EC2's type (services/ec2/keys.ts)

export const ElasticsearchRelationships = defineRelationships({
  SERVICE_HAS_DOMAIN: { from: 'aws_elasticsearch', verb: RelationshipVerb.HAS, to: DOMAIN },
  DOMAIN_HAS_SECURITY_GROUP: { from: DOMAIN, verb: RelationshipVerb.HAS, to: SECURITY_GROUP },
  SECURITY_GROUP_PROTECTS: { from: SECURITY_GROUP, verb: RelationshipVerb.PROTECTS, to: DOMAIN },
  VPC_HAS_DOMAIN: { from: 'aws_vpc', verb: RelationshipVerb.HAS, to: DOMAIN },
  DOMAIN_USES_KEY: { from: DOMAIN, verb: RelationshipVerb.USES, to: 'aws_kms_key' }, // KMS's type (services/kms/schema.ts)
  // The access policy's grants to everyone and to other accounts (graph/mapped.ts, analysis/mapped-entities.ts).
  DOMAIN_ALLOWS: { from: DOMAIN, verb: RelationshipVerb.ALLOWS, to: ['everyone', 'aws_account'] },
});
