import type { Entity, Relationship } from './types';

/**
 * Strings shorter than this are never rope (cons) or slice strings in V8: concatenations and
 * substrings that short are copied. Longer ones may be trees of pieces (a template literal, a
 * parser that builds text character by character) that hold far more memory than their text.
 */
const MIN_COMPOSITE_LENGTH = 13;

/**
 * The same text as one flat string. V8's `normalize()` flattens its receiver and, for text already
 * in normal form (every ASCII string, and nearly every other), returns that flat string, without
 * the tree of pieces. In the rare other case the result has other text: the original is kept,
 * flattened in place by the call.
 */
function flatten(text: string): string {
  if (text.length < MIN_COMPOSITE_LENGTH) return text;
  const flat = text.normalize();
  return flat === text ? flat : text;
}

/** A property's values seen so far, to tell repeating values (worth pooling) from unique ones. */
interface PropertyStats {
  values: number;
  distinct: number;
  unique: boolean;
}

/** A property whose values are mostly new after this many distinct ones stops being pooled. */
const POOL_MIN_DISTINCT = 1024;
/** Bounds the pool: past it, values are flattened but no longer shared. */
const POOL_MAX_SIZE = 1 << 20;

/**
 * One copy of each repeating string value. Which values repeat is learned per property name:
 * regions, account ids, types, states and tag values stay pooled, while names, ids and links,
 * mostly new each time, are only flattened once their property has shown itself to be unique.
 */
class StringPool {
  private readonly pool = new Map<string, string>();
  private readonly properties = new Map<string, PropertyStats>();
  private readonly classLists = new Map<string, string[]>();

  value(property: string, text: string): string {
    let stats = this.properties.get(property);
    if (!stats) this.properties.set(property, (stats = { values: 0, distinct: 0, unique: false }));
    if (stats.unique) return flatten(text);
    stats.values++;
    const pooled = this.pool.get(text);
    if (pooled !== undefined) return pooled;
    const flat = flatten(text);
    if (this.pool.size < POOL_MAX_SIZE) this.pool.set(flat, flat);
    stats.distinct++;
    if (stats.distinct >= POOL_MIN_DISTINCT && stats.distinct * 2 > stats.values) stats.unique = true;
    return flat;
  }

  /** A shared, frozen `_class` list: a handful of distinct lists across a whole graph. */
  classes(list: unknown[]): unknown[] {
    if (Object.isFrozen(list) || !list.every((name) => typeof name === 'string')) return list;
    const names = list as string[];
    const signature = names.length === 1 ? names[0] : names.join('\u0000');
    const shared = this.classLists.get(signature);
    if (shared && shared.length === names.length && shared.every((name, index) => name === names[index])) return shared;
    const copy = Object.freeze(names.map((name) => this.value('_class', name))) as string[];
    if (this.classLists.size < POOL_MAX_SIZE) this.classLists.set(signature, copy);
    return copy;
  }
}

/**
 * The graph being built during one run. Collectors add objects through their context; later
 * collectors (those that declare a dependency) read what earlier ones produced.
 *
 * A run may hold millions of objects, so adding one also compacts it in place (the same object,
 * with the same content): repeating string values are shared, other strings flattened, identical
 * `_class` lists shared (frozen), and a relationship's ends share the strings of the entities'
 * keys. Objects can still be changed after they are added.
 */
function accountKey(entity: Pick<Entity, '_type' | '_accountId'>): string {
  return `${entity._type}|${entity._accountId ?? ''}`;
}

/** Whether an edge already in the graph stays when `incoming` has its key (see {@link GraphStore.addRelationship}). */
export function keepsExisting(existing: Relationship, incoming: Relationship): boolean {
  const kept = existing._collector;
  const drawnBy = incoming._collector;
  return kept !== undefined && drawnBy !== undefined && existing._stale === incoming._stale && kept < drawnBy;
}

export class GraphStore {
  private readonly entities = new Map<string, Entity>();
  private readonly relationships = new Map<string, Relationship>();
  private readonly entitiesByType = new Map<string, Entity[]>();
  /** By type and the `_accountId` the entity had when added: collectors read their own account's. */
  private readonly entitiesByTypeAndAccount = new Map<string, Entity[]>();
  private readonly strings = new StringPool();

  /** Adds an entity; a second entity with the same key replaces the first and is reported. */
  addEntity(entity: Entity): boolean {
    this.compactEntity(entity);
    const existing = this.entities.get(entity._key);
    this.entities.set(entity._key, entity);
    if (existing) {
      for (const [index, key] of [
        [this.entitiesByType, existing._type],
        [this.entitiesByTypeAndAccount, accountKey(existing)],
      ] as const) {
        const list = index.get(key);
        if (list) list.splice(list.indexOf(existing), 1);
      }
    }
    for (const [index, key] of [
      [this.entitiesByType, entity._type],
      [this.entitiesByTypeAndAccount, accountKey(entity)],
    ] as const) {
      let list = index.get(key);
      if (!list) index.set(key, (list = []));
      list.push(entity);
    }
    return existing === undefined;
  }

  /**
   * Adds a relationship; a second one with the same key replaces the first, except that when two
   * collectors draw the same edge in one run (API Gateway's integration and the Lambda function's
   * policy both say the API triggers the function), the collector whose id sorts first keeps it,
   * whichever finished first: the snapshot must not depend on the order calls complete in.
   */
  addRelationship(relationship: Relationship): boolean {
    this.compactRelationship(relationship);
    const existing = this.relationships.get(relationship._key);
    if (existing && keepsExisting(existing, relationship)) return false;
    this.relationships.set(relationship._key, relationship);
    return existing === undefined;
  }

  getEntity(key: string): Entity | undefined {
    return this.entities.get(key);
  }

  hasEntity(key: string): boolean {
    return this.entities.has(key);
  }

  getRelationship(key: string): Relationship | undefined {
    return this.relationships.get(key);
  }

  entitiesOfType(type: string): readonly Entity[] {
    return this.entitiesByType.get(type) ?? [];
  }

  /**
   * The entities of a type, read one at a time, for a pass that reads each once and keeps none:
   * a graph on disk does not hold them (unlike {@link entitiesOfType}'s list).
   */
  scanEntitiesOfType(type: string): Iterable<Entity> {
    return this.entitiesOfType(type);
  }

  /**
   * Entities of a type added with `_accountId` set to this account (the runner stamps it), without
   * scanning the other accounts' (which would make a large organization's run quadratic).
   */
  entitiesOfTypeInAccount(type: string, accountId: string): readonly Entity[] {
    return this.entitiesByTypeAndAccount.get(accountKey({ _type: type, _accountId: accountId })) ?? [];
  }

  allEntities(): IterableIterator<Entity> {
    return this.entities.values();
  }

  allRelationships(): IterableIterator<Relationship> {
    return this.relationships.values();
  }

  removeRelationship(key: string): void {
    this.relationships.delete(key);
  }

  /**
   * Removes these objects (those still in the graph under their key), and their entities from the
   * indexes: one pass over each index list they are in, however many they are.
   */
  remove(objects: { entities: Iterable<Entity>; relationships: Iterable<Relationship> }): void {
    for (const relationship of objects.relationships) {
      if (this.relationships.get(relationship._key) === relationship) this.relationships.delete(relationship._key);
    }
    const removed = new Set<Entity>();
    const types = new Set<string>();
    const accountKeys = new Set<string>();
    for (const entity of objects.entities) {
      if (this.entities.get(entity._key) !== entity) continue;
      this.entities.delete(entity._key);
      removed.add(entity);
      types.add(entity._type);
      accountKeys.add(accountKey(entity));
    }
    for (const [index, keys] of [
      [this.entitiesByType, types],
      [this.entitiesByTypeAndAccount, accountKeys],
    ] as const) {
      for (const key of keys) {
        const kept = (index.get(key) ?? []).filter((entity) => !removed.has(entity));
        if (kept.length) index.set(key, kept);
        else index.delete(key);
      }
    }
  }

  /**
   * A point between steps where no caller holds an object it read: a graph kept on disk writes
   * back what changed and forgets what it read (see `SpilledGraph`). Nothing to do in memory.
   */
  settle(_options: { types?: boolean } = {}): void {}

  get entityCount(): number {
    return this.entities.size;
  }

  get relationshipCount(): number {
    return this.relationships.size;
  }

  private compactEntity(entity: Entity): void {
    if (Object.isFrozen(entity)) return;
    if (typeof entity._key === 'string') entity._key = flatten(entity._key);
    this.compactProperties(entity as Record<string, unknown>, entity._key);
  }

  private compactRelationship(relationship: Relationship): void {
    if (Object.isFrozen(relationship)) return;
    if (typeof relationship._key === 'string') relationship._key = flatten(relationship._key);
    relationship._fromEntityKey = this.endKey(relationship._fromEntityKey);
    relationship._toEntityKey = this.endKey(relationship._toEntityKey);
    this.compactProperties(relationship as Record<string, unknown>, relationship._key);
  }

  /** A relationship's end as the very string of the entity's key, when the entity is known. */
  private endKey(key: string): string {
    if (typeof key !== 'string') return key;
    return this.entities.get(key)?._key ?? flatten(key);
  }

  private compactProperties(object: Record<string, unknown>, key: string): void {
    // Values that repeat another value of the same object (an `arn` equal to the key, a `Name` tag
    // or display name equal to the name) share its string.
    let named: string | undefined;
    let previous: string | undefined;
    for (const name of Object.keys(object)) {
      if (name === '_key' || name === '_fromEntityKey' || name === '_toEntityKey') continue;
      const value = object[name];
      if (typeof value === 'string') {
        let text: string;
        if (value === key) text = key;
        else if (value === named) text = named;
        else if (value === previous) text = previous;
        else text = previous = this.strings.value(name, value);
        if (name === 'name') named = text;
        object[name] = text;
      } else if (Array.isArray(value)) {
        if (name === '_class') object[name] = this.strings.classes(value);
        else if (!Object.isFrozen(value)) {
          for (let index = 0; index < value.length; index++) {
            const item: unknown = value[index];
            if (typeof item === 'string') value[index] = this.strings.value(name, item);
          }
        }
      }
    }
  }
}
