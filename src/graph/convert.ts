import type { EntitySchema } from './schema';
import type { Entity, PropertyValue, Relationship, RelationshipVerb } from './types';

/**
 * Object builders, one per list of property names: an object literal naming every property. V8
 * gives such objects all their properties in-object and one hidden class per list, shared by every
 * object built from it, and properties added later (the runner's provenance) follow shared
 * transitions from it. The alternatives are worse at a million objects: adding properties one by
 * one through keyed stores turns objects of more than a dozen properties into dictionaries (about
 * 1.7 KB per entity), and a spread copy (`{ ...object }`) of a fast object gets a hidden class that
 * cannot share transitions, so every object stamped after it ends with a hidden class of its own
 * (about 350 bytes each).
 */
const builders = new Map<string, (source: Record<string, unknown>) => Record<string, unknown>>();
/** Bounds the generated code: past it (or for very wide objects), spread copies. */
const MAX_BUILDERS = 4096;
const MAX_BUILDER_PROPERTIES = 120;

function builderFor(keys: readonly string[]): ((source: Record<string, unknown>) => Record<string, unknown>) | undefined {
  const signature = keys.join('\u0000');
  let builder = builders.get(signature);
  if (builder || builders.size >= MAX_BUILDERS || keys.length > MAX_BUILDER_PROPERTIES || keys.includes('__proto__')) return builder;
  // Names are JSON string literals, which are JS string literals too. Not computed names: V8 only
  // lays out a literal's properties up to the first computed one. (`__proto__` as a literal name
  // would set the prototype, hence the spread copy for it.)
  const properties = keys.map((key) => `${JSON.stringify(key)}: source[${JSON.stringify(key)}]`);
  builder = new Function('source', `return { ${properties.join(', ')} };`) as (source: Record<string, unknown>) => Record<string, unknown>;
  builders.set(signature, builder);
  return builder;
}

/**
 * A copy of a graph object (same own enumerable properties, same values, same order) laid out
 * compactly: see {@link builders}. Use it for objects that are built property by property, or
 * spread with extra properties, before they go into a graph of many objects.
 */
export function compactCopy<T extends Entity | Relationship>(object: T): T {
  const builder = builderFor(Object.keys(object));
  return (builder ? builder(object as Record<string, unknown>) : { ...object }) as T;
}

/** Input values a converter may hand over; normalized to {@link PropertyValue}. */
export type RawValue = PropertyValue | Date | undefined;

export type TagInput = Array<{ Key?: string; Value?: string }> | Record<string, string | undefined> | undefined;

/** Epoch milliseconds from an SDK date (Date, ISO string or epoch seconds/ms). */
export function toEpochMs(value: Date | string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return value < 1e11 ? Math.round(value * 1000) : value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function normalizeValue(value: RawValue): PropertyValue | undefined {
  if (value instanceof Date) return toEpochMs(value);
  return value;
}

/** AWS tags as a plain map, whichever of the SDK's two shapes they come in. */
export function tagMap(tags: TagInput): Record<string, string> {
  const map: Record<string, string> = {};
  if (!tags) return map;
  if (Array.isArray(tags)) {
    for (const tag of tags) if (tag.Key) map[tag.Key] = tag.Value ?? '';
  } else {
    for (const [key, value] of Object.entries(tags)) if (value !== undefined) map[key] = value;
  }
  return map;
}

const PROMOTED_TAGS = ['classification', 'owner', 'email'] as const;

/**
 * Tag properties in JupiterOne's convention: every tag as `tag.<Key>`, plus `classification`,
 * `owner` and `email` (any case) promoted to top-level properties. `Name` is returned apart
 * because it becomes the display name.
 */
export function tagProperties(tags: TagInput): { properties: Record<string, string>; nameTag?: string } {
  const map = tagMap(tags);
  const properties: Record<string, string> = {};
  let nameTag: string | undefined;
  for (const [key, value] of Object.entries(map)) {
    properties[`tag.${key}`] = value;
    const lower = key.toLowerCase();
    if (key === 'Name' && value) nameTag = value;
    if ((PROMOTED_TAGS as readonly string[]).includes(lower)) properties[lower] = value;
  }
  return { properties, nameTag };
}

/**
 * The entity's type: a schema constant (a service's `schema.ts`, `MappedEntities`, the analysis'
 * `AnalysisEntities`). `_type` and `_class` spelled out are for tests and benchmarks that make up
 * their own types; production code passes a schema (`test/services/schema-conformance.test.ts`).
 */
export type EntitySpec = EntitySpecFields & ({ schema: EntitySchema } | { _type: string; _class: string | readonly string[] });

interface EntitySpecFields {
  _key: string;
  /** Resource name; the `Name` tag overrides the display name and fills an empty name. */
  name?: string;
  displayName?: string;
  tags?: TagInput;
  createdOn?: Date | string | number;
  properties?: Record<string, RawValue>;
}

/**
 * Builds an entity in JupiterOne's format from a converter's description. Undefined values are
 * dropped and dates become epoch milliseconds, so converters can pass SDK fields straight through.
 */
export function createEntity(spec: EntitySpec): Entity {
  if (spec._key.length < 10) throw new Error(`entity _key "${spec._key}" is shorter than 10 characters`);
  const { properties: tagProps, nameTag } = tagProperties(spec.tags);
  const name = spec.name || nameTag || spec._key;
  const _type = 'schema' in spec ? spec.schema._type : spec._type;
  const _class = 'schema' in spec ? spec.schema._class : spec._class;
  const entity: Entity = {
    _key: spec._key,
    _type,
    _class: typeof _class === 'string' ? [_class] : [..._class],
    name,
    displayName: nameTag || spec.displayName || name,
  };
  for (const [key, raw] of Object.entries(spec.properties ?? {})) {
    const value = normalizeValue(raw);
    if (value !== undefined) entity[key] = value;
  }
  const createdOn = toEpochMs(spec.createdOn);
  if (createdOn !== undefined) entity.createdOn = createdOn;
  Object.assign(entity, tagProps);
  return compactCopy(entity);
}

/**
 * `<fromType>_<verb>_<toType without the prefix it shares with fromType>`, e.g.
 * aws_instance USES aws_ebs_volume -> aws_instance_uses_ebs_volume.
 */
export function relationshipType(fromType: string, verb: string, toType: string): string {
  const from = fromType.split('_');
  const to = toType.split('_');
  let shared = 0;
  while (shared < from.length && shared < to.length - 1 && from[shared] === to[shared]) shared++;
  return `${fromType}_${verb.toLowerCase()}_${to.slice(shared).join('_')}`;
}

export interface RelationshipSpec {
  from: { _key: string; _type: string };
  to: { _key: string; _type: string };
  verb: RelationshipVerb;
  /** Overrides the derived `_type`. */
  _type?: string;
  /** Distinguishes several edges with the same verb between the same two entities (rules, grants). */
  keySuffix?: string;
  properties?: Record<string, RawValue>;
}

export function createRelationship(spec: RelationshipSpec): Relationship {
  const verb = spec.verb;
  const key = `${spec.from._key}|${verb.toLowerCase()}|${spec.to._key}${spec.keySuffix ? `|${spec.keySuffix}` : ''}`;
  const relationship: Relationship = {
    _key: key,
    _type: spec._type ?? relationshipType(spec.from._type, verb, spec.to._type),
    _class: verb,
    _fromEntityKey: spec.from._key,
    _toEntityKey: spec.to._key,
    displayName: verb,
  };
  if (!spec.properties) return relationship;
  for (const [name, raw] of Object.entries(spec.properties)) {
    const value = normalizeValue(raw);
    if (value !== undefined) relationship[name] = value;
  }
  return compactCopy(relationship);
}
