/** Values JupiterOne allows on graph objects: primitives or arrays of primitives. */
export type Primitive = string | number | boolean | null;
export type PropertyValue = Primitive | string[] | number[] | boolean[];

/**
 * Where a graph object came from. Used to carry previous objects forward when the
 * collector that produces them fails in one account and region.
 */
export interface Provenance {
  /** AWS account the object was read from. */
  _accountId: string;
  /** Region the object was read from, or `global`. */
  _region: string;
  /** Collector id that produced the object. */
  _collector: string;
}

export interface Entity extends Partial<Provenance> {
  _key: string;
  _type: string;
  _class: string[];
  name: string;
  displayName: string;
  /** Set on entities created to stand for things outside the ingested data. */
  _source?: 'system-mapper';
  /** Set when the object was carried forward from a previous snapshot without being refreshed. */
  _stale?: boolean;
  /**
   * Properties of a refreshed entity that were carried forward: the collector that sets them
   * failed, or could not read them, this run (see `CollectorDeclaration.enriches`).
   */
  _staleProperties?: string[];
  [property: string]: PropertyValue | undefined;
}

export interface Relationship extends Partial<Provenance> {
  _key: string;
  _type: string;
  /** The verb, upper case (HAS, USES, ...). */
  _class: string;
  _fromEntityKey: string;
  _toEntityKey: string;
  displayName: string;
  _source?: 'system-mapper';
  _stale?: boolean;
  [property: string]: PropertyValue | undefined;
}

export type GraphObject = Entity | Relationship;

export function isRelationship(object: GraphObject): object is Relationship {
  return typeof (object as Relationship)._fromEntityKey === 'string';
}

/** Relationship verbs used by the seed's data model and the advanced mappings. */
export const RelationshipVerb = {
  ALLOWS: 'ALLOWS',
  ASSIGNED: 'ASSIGNED',
  CONNECTS: 'CONNECTS',
  CONTAINS: 'CONTAINS',
  DEFINES: 'DEFINES',
  DENIES: 'DENIES',
  EVALUATES: 'EVALUATES',
  HAS: 'HAS',
  IDENTIFIED: 'IDENTIFIED',
  IS: 'IS',
  LOGS: 'LOGS',
  MONITORS: 'MONITORS',
  NOTIFIES: 'NOTIFIES',
  PROTECTS: 'PROTECTS',
  RUNS: 'RUNS',
  TRIGGERS: 'TRIGGERS',
  TRUSTS: 'TRUSTS',
  USES: 'USES',
} as const;
export type RelationshipVerb = (typeof RelationshipVerb)[keyof typeof RelationshipVerb];
