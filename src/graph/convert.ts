import type { Entity, PropertyValue, Relationship, RelationshipVerb } from './types';

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

export interface EntitySpec {
  _key: string;
  _type: string;
  _class: string | string[];
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
  const entity: Entity = {
    _key: spec._key,
    _type: spec._type,
    _class: Array.isArray(spec._class) ? [...spec._class] : [spec._class],
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
  // Adding properties one by one leaves V8 in dictionary mode (~1.7 KB per entity); a copy is a
  // compact fast-mode object, which matters at a million entities.
  return { ...entity };
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
  for (const [name, raw] of Object.entries(spec.properties ?? {})) {
    const value = normalizeValue(raw);
    if (value !== undefined) relationship[name] = value;
  }
  return { ...relationship };
}
