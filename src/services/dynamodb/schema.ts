import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** DynamoDB's entity types: the one place they are spelled. */
export const DynamoDbEntities = defineEntities({
  SERVICE: serviceEntitySchema('dynamodb', 'DynamoDB'),
  TABLE: { _type: 'aws_dynamodb_table', _class: ['DataStore', 'Database'], resourceName: 'DynamoDB Table' },
});

export const DynamoDbRelationships = defineRelationships({
  SERVICE_HAS_TABLE: { from: 'aws_dynamodb', verb: RelationshipVerb.HAS, to: DynamoDbEntities.TABLE._type },
  TABLE_USES_KEY: { from: DynamoDbEntities.TABLE._type, verb: RelationshipVerb.USES, to: 'aws_kms_key' }, // KMS's type (services/kms/schema.ts)
});
