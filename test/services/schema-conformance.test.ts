import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { AnalysisEntities } from '../../src/analysis/schema';
import {
  createEntity,
  createRelationship,
  MappedEntities,
  relationshipType,
  RelationshipVerb,
  type Entity,
  type EntitySchema,
  type Relationship,
  type RelationshipSchema,
} from '../../src/graph';
import { allCollectors } from '../../src/services';
import { builtinWorld, simulate } from '../helpers/simulate';

const SERVICES = path.join(__dirname, '..', '..', 'src', 'services');

function isEntitySchema(value: unknown): value is EntitySchema {
  return typeof value === 'object' && value !== null && typeof (value as EntitySchema)._type === 'string' && Array.isArray((value as EntitySchema)._class);
}

/** Every entity schema a module exports (`KmsEntities.KEY`, ...). */
function entitySchemasOf(module: Record<string, unknown>): EntitySchema[] {
  return Object.values(module).flatMap((value) => (typeof value === 'object' && value !== null ? Object.values(value).filter(isEntitySchema) : []));
}

/** Every service's `schema.ts`, the graph's mapped types and the analysis' mapped types, by `_type`. */
async function allEntitySchemas(): Promise<Map<string, EntitySchema>> {
  const schemas: EntitySchema[] = [...Object.values(MappedEntities), ...Object.values(AnalysisEntities)];
  for (const service of readdirSync(SERVICES, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    if (service.name === 'mappings') continue; // analysis, not a service: its types are the analysis' schemas
    const module = (await import(path.join(SERVICES, service.name, 'schema.ts'))) as Record<string, unknown>;
    schemas.push(...entitySchemasOf(module));
  }
  const byType = new Map<string, EntitySchema>();
  for (const schema of schemas) {
    const known = byType.get(schema._type);
    if (known && known._class.join() !== schema._class.join()) throw new Error(`${schema._type} has two schemas with different classes`);
    byType.set(schema._type, schema);
  }
  return byType;
}

/** The relationship `_type`s the declarations allow, each with its verb and its ends' types. */
function declaredRelationships(declarations: readonly RelationshipSchema[]): Map<string, { verb: string; ends: Set<string> }> {
  const byType = new Map<string, { verb: string; ends: Set<string> }>();
  for (const declaration of declarations) {
    for (const to of typeof declaration.to === 'string' ? [declaration.to] : declaration.to) {
      const _type = declaration._type ?? relationshipType(declaration.from, declaration.verb, to);
      const known = byType.get(_type) ?? { verb: declaration.verb, ends: new Set<string>() };
      if (known.verb !== declaration.verb) throw new Error(`${_type} is declared with verbs ${known.verb} and ${declaration.verb}`);
      known.ends.add(`${declaration.from} -> ${to}`);
      byType.set(_type, known);
    }
  }
  return byType;
}

/**
 * Where a graph differs from the schemas: an entity whose type has no schema or whose `_class` is
 * not its schema's, a relationship whose `_type` no declaration gives, whose `_class` is not the
 * declared verb, or whose ends are not of the declared types.
 */
function schemaDrift(
  entities: Iterable<Entity>,
  relationships: Iterable<Relationship>,
  schemas: ReadonlyMap<string, EntitySchema>,
  declarations: readonly RelationshipSchema[],
): string[] {
  const problems: string[] = [];
  const typeOfKey = new Map<string, string>();
  for (const entity of entities) {
    typeOfKey.set(entity._key, entity._type);
    const schema = schemas.get(entity._type);
    if (!schema) problems.push(`${entity._key}: no schema for ${entity._type}`);
    else if (entity._class.join() !== schema._class.join())
      problems.push(`${entity._key}: ${entity._type} has _class ${entity._class.join(',')}, its schema ${schema._class.join(',')}`);
  }
  const declared = declaredRelationships(declarations);
  for (const relationship of relationships) {
    const declaration = declared.get(relationship._type);
    if (!declaration) {
      problems.push(`${relationship._key}: no declared relationship ${relationship._type}`);
      continue;
    }
    if (relationship._class !== declaration.verb)
      problems.push(`${relationship._key}: ${relationship._type} has _class ${relationship._class}, declared ${declaration.verb}`);
    const from = typeOfKey.get(relationship._fromEntityKey);
    const to = typeOfKey.get(relationship._toEntityKey);
    // Ends outside the graph (another account's resources) are not checked.
    if (from && to && !declaration.ends.has(`${from} -> ${to}`))
      problems.push(`${relationship._key}: ${relationship._type} joins ${from} -> ${to}, declared ${[...declaration.ends].join('; ')}`);
  }
  return problems;
}

const declarations = allCollectors().flatMap((collector) => collector.relationships);

test('every entity of the demo organization has its schema’s class, every relationship a declared type and verb', async (t) => {
  const schemas = await allEntitySchemas();
  const { graph } = await simulate(builtinWorld());
  const entities = [...graph.allEntities()];
  const relationships = [...graph.allRelationships()];
  t.true(entities.length > 100 && relationships.length > 100, 'the demo organization was ingested');
  // Every service and the mapped types are there, so the check covers each schema.
  const types = new Set(entities.map((entity) => entity._type));
  for (const type of ['aws_account', 'aws_iam_role', 'aws_instance', 'aws_s3_bucket', 'aws_kms_key', 'internet', 'cidr_block', 'aws_service_principal'])
    t.true(types.has(type), `${type} in the demo graph`);
  t.deepEqual(schemaDrift(entities, relationships, schemas, declarations), []);
});

test('every service has a schema.ts, and its collectors declare only schema types', async (t) => {
  const schemas = await allEntitySchemas();
  const services = readdirSync(SERVICES, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name !== 'mappings');
  t.true(services.length >= 5);
  for (const collector of allCollectors()) {
    for (const entity of collector.entities)
      t.deepEqual(schemas.get(entity._type)?._class, entity._class, `${collector.id} declares ${entity._type} as its schema does`);
  }
});

test('the check reports a converter that drifts from its schema', async (t) => {
  const schemas = await allEntitySchemas();
  const instance = createEntity({ _key: 'arn:aws:ec2:us-east-1:111111111111:instance/i-1', _type: 'aws_instance', _class: ['Host', 'Server'], name: 'i-1' });
  const volume = createEntity({
    _key: 'arn:aws:ec2:us-east-1:111111111111:volume/vol-1',
    _type: 'aws_ebs_volume',
    _class: ['DataStore', 'Disk'],
    name: 'vol-1',
  });
  const unknown = createEntity({ _key: 'arn:aws:ec2:us-east-1:111111111111:thing/t-1', _type: 'aws_thing', _class: ['Resource'], name: 't-1' });
  const uses = createRelationship({ from: instance, verb: RelationshipVerb.USES, to: volume });
  const wrongVerb = { ...createRelationship({ from: instance, verb: RelationshipVerb.HAS, to: volume }), _type: 'aws_instance_uses_ebs_volume' };
  const undeclared = createRelationship({ from: volume, verb: RelationshipVerb.USES, to: instance });
  const wrongEnds = createRelationship({ from: instance, verb: RelationshipVerb.USES, to: unknown, _type: 'aws_instance_uses_ebs_volume' });
  const problems = schemaDrift([instance, volume, unknown], [uses, wrongVerb, undeclared, wrongEnds], schemas, declarations);
  t.deepEqual(problems, [
    'arn:aws:ec2:us-east-1:111111111111:instance/i-1: aws_instance has _class Host,Server, its schema Host',
    'arn:aws:ec2:us-east-1:111111111111:thing/t-1: no schema for aws_thing',
    `${wrongVerb._key}: aws_instance_uses_ebs_volume has _class HAS, declared USES`,
    `${undeclared._key}: no declared relationship aws_ebs_volume_uses_instance`,
    `${wrongEnds._key}: aws_instance_uses_ebs_volume joins aws_instance -> aws_thing, declared aws_instance -> aws_ebs_volume`,
  ]);
});
