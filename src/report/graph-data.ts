/**
 * The explorer's view of the graph, compact enough for a 100,000-entity organization in one page:
 * an index of every entity (key, name, type, classes, account) and every relationship (ends, verb,
 * type) as columns of table numbers, gzipped; and every object's full properties in gzipped chunks
 * the page opens only when someone looks at one of them.
 */
import { gzipSync } from 'node:zlib';
import type { Entity, Relationship } from '../graph';

/** Objects per properties chunk: opening one object's properties decompresses this many. */
export const PROPERTIES_CHUNK = 1000;

export interface GraphIndexPayload {
  /** Entity columns, in snapshot order (an entity's number is its position). */
  keys: string[];
  names: string[];
  typeTable: string[];
  types: number[];
  /** Distinct class lists, comma-joined. */
  classTable: string[];
  classes: number[];
  /** Account ids ('' for entities outside any account, such as the Internet). */
  accountTable: string[];
  accounts: number[];
  /** Numbers of the entities carried forward without being refreshed. */
  stale: number[];
  /** Relationship columns (a relationship's number is its position). */
  from: number[];
  to: number[];
  verbTable: string[];
  verbs: number[];
  edgeTypeTable: string[];
  edgeTypes: number[];
  chunkSize: number;
  /** Relationships left out because an end is not in the snapshot. */
  dangling: number;
}

export interface EncodedGraph {
  /** Base64 of the gzipped JSON of a GraphIndexPayload. */
  index: string;
  /** Base64 of gzipped JSON arrays of full entities, PROPERTIES_CHUNK per chunk. */
  entityChunks: string[];
  relationshipChunks: string[];
  /** Where an entity or relationship key is (for evidence and saved query results). */
  resolve(keys: readonly string[]): ResolvedKeys;
  stats: { entities: number; relationships: number; indexBytes: number; propertyBytes: number };
}

export interface ResolvedKeys {
  entities: number[];
  relationships: number[];
  /** Keys that are in neither (e.g. an entity deleted since the evidence was taken). */
  missing: string[];
}

class Table {
  readonly values: string[] = [];
  private readonly numbers = new Map<string, number>();
  number(value: string): number {
    let number = this.numbers.get(value);
    if (number === undefined) {
      number = this.values.length;
      this.values.push(value);
      this.numbers.set(value, number);
    }
    return number;
  }
}

function pack(value: unknown): string {
  return gzipSync(Buffer.from(JSON.stringify(value)), { level: 6 }).toString('base64');
}

function accountOf(entity: Entity): string {
  if (typeof entity._accountId === 'string') return entity._accountId;
  return typeof entity.accountId === 'string' ? entity.accountId : '';
}

export function encodeGraph(entities: readonly Entity[], relationships: readonly Relationship[], chunkSize = PROPERTIES_CHUNK): EncodedGraph {
  const types = new Table();
  const classes = new Table();
  const accounts = new Table();
  const verbs = new Table();
  const edgeTypes = new Table();
  const entityNumbers = new Map<string, number>();
  const payload: GraphIndexPayload = {
    keys: [],
    names: [],
    typeTable: types.values,
    types: [],
    classTable: classes.values,
    classes: [],
    accountTable: accounts.values,
    accounts: [],
    stale: [],
    from: [],
    to: [],
    verbTable: verbs.values,
    verbs: [],
    edgeTypeTable: edgeTypes.values,
    edgeTypes: [],
    chunkSize,
    dangling: 0,
  };
  entities.forEach((entity, number) => {
    entityNumbers.set(entity._key, number);
    payload.keys.push(entity._key);
    payload.names.push(String(entity.displayName ?? entity.name ?? entity._key));
    payload.types.push(types.number(entity._type));
    payload.classes.push(classes.number((Array.isArray(entity._class) ? entity._class : [entity._class]).join(',')));
    payload.accounts.push(accounts.number(accountOf(entity)));
    if (entity._stale) payload.stale.push(number);
  });
  const kept: Relationship[] = [];
  const relationshipNumbers = new Map<string, number>();
  for (const relationship of relationships) {
    const from = entityNumbers.get(relationship._fromEntityKey);
    const to = entityNumbers.get(relationship._toEntityKey);
    if (from === undefined || to === undefined) {
      payload.dangling++;
      continue;
    }
    relationshipNumbers.set(relationship._key, kept.length);
    kept.push(relationship);
    payload.from.push(from);
    payload.to.push(to);
    payload.verbs.push(verbs.number(relationship._class));
    payload.edgeTypes.push(edgeTypes.number(relationship._type));
  }
  const chunks = <T>(objects: readonly T[]): string[] => {
    const packed: string[] = [];
    for (let start = 0; start < objects.length; start += chunkSize) packed.push(pack(objects.slice(start, start + chunkSize)));
    return packed;
  };
  const index = pack(payload);
  const entityChunks = chunks(entities);
  const relationshipChunks = chunks(kept);
  const length = (list: string[]) => list.reduce((sum, chunk) => sum + chunk.length, 0);
  return {
    index,
    entityChunks,
    relationshipChunks,
    resolve(keys) {
      const resolved: ResolvedKeys = { entities: [], relationships: [], missing: [] };
      for (const key of new Set(keys)) {
        const entity = entityNumbers.get(key);
        if (entity !== undefined) resolved.entities.push(entity);
        else {
          const relationship = relationshipNumbers.get(key);
          if (relationship !== undefined) resolved.relationships.push(relationship);
          else resolved.missing.push(key);
        }
      }
      return resolved;
    },
    stats: {
      entities: entities.length,
      relationships: kept.length,
      indexBytes: index.length,
      propertyBytes: length(entityChunks) + length(relationshipChunks),
    },
  };
}
