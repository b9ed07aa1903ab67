import { EVERYONE, INTERNET } from '@jupiterone/data-model';
import type { RelationshipVerb } from './types';

/**
 * An entity type in JupiterOne's data model. Each service spells its types once, in its
 * `schema.ts`; converters build entities from these constants (`createEntity({ schema, ... })`)
 * and collectors declare them, so a type's `_class` cannot differ between the two.
 */
export interface EntitySchema {
  readonly _type: string;
  readonly _class: readonly string[];
  /** JupiterOne's data-model resource label, for the docs table. */
  readonly resourceName: string;
  /**
   * Types whose previous entities must never be deleted (findings): they are carried forward even
   * when the collector succeeds.
   */
  readonly everGrowing?: boolean;
}

/** A relationship type. `to` may name several target types. */
export interface RelationshipSchema {
  readonly from: string;
  readonly verb: RelationshipVerb;
  readonly to: string | readonly string[];
  /** Overrides the derived `_type` (one target only). */
  readonly _type?: string;
}

/** A service's entity types by constant name (`KmsEntities.KEY`), checked and frozen. */
export function defineEntities<const T extends Record<string, EntitySchema>>(schemas: T): Readonly<T> {
  for (const [name, schema] of Object.entries(schemas)) {
    // JupiterOne's AWS types are `aws_<snake_case>`, but for a few shared ones (`mfa_device`), and the mapped ones (`person`, `cidr_block`).
    if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(schema._type)) throw new Error(`${name}: entity _type "${schema._type}" is not snake_case`);
    if (schema._class.length === 0) throw new Error(`${name}: entity ${schema._type} has no _class`);
    Object.freeze(schema._class);
    Object.freeze(schema);
  }
  return Object.freeze(schemas);
}

/** A service's relationship types by constant name (`KmsRelationships.SERVICE_HAS_KEY`), frozen. */
export function defineRelationships<const T extends Record<string, RelationshipSchema>>(schemas: T): Readonly<T> {
  for (const schema of Object.values(schemas)) Object.freeze(schema);
  return Object.freeze(schemas);
}

/**
 * The graph's own mapped types, which no service ingests: JupiterOne's global Internet and Everyone
 * entities (their classes are the data model's) and CIDR blocks and single addresses outside the
 * ingested networks.
 */
export const MappedEntities = defineEntities({
  INTERNET: { _type: INTERNET._type, _class: [...INTERNET._class], resourceName: 'Internet (mapped)' },
  EVERYONE: { _type: EVERYONE._type, _class: [...EVERYONE._class], resourceName: 'Everyone' },
  CIDR_BLOCK: { _type: 'cidr_block', _class: ['Network'], resourceName: 'CIDR block (mapped)' },
  IP_ADDRESS: { _type: 'ip_address', _class: ['IpAddress'], resourceName: 'IP address (mapped)' },
});

/**
 * The schema of a service's `aws_<service>` entity (every service has one per account, class
 * `Service`); a service's `schema.ts` names it `SERVICE`.
 */
export function serviceEntitySchema(service: string, title: string): EntitySchema {
  return { _type: `aws_${service}`, _class: ['Service'], resourceName: `${title} service` };
}
