import * as crypto from 'node:crypto';
import type { Entity, Relationship } from '../graph';
import { canonicalJson } from './format';
import { canonicalLine } from './writer';
import { CREATED_ON, isTimestampProperty, UPDATED_ON, type Timestamps } from './timestamps';

export interface ChangeCounts {
  created: number;
  updated: number;
  deleted: number;
}

export interface EntityChange {
  change: 'created' | 'updated' | 'deleted';
  _key: string;
  _type: string;
  /** Changed property names (updates only). */
  properties?: string[];
}

/**
 * Properties that change without the resource changing; excluded when comparing. The
 * change-tracking timestamps are excluded too (`isTimestampProperty`), and from the hash as well.
 */
export const VOLATILE_PROPERTIES: readonly string[] = ['_stale', '_staleProperties'];
const VOLATILE = new Set(VOLATILE_PROPERTIES);

function fingerprint(object: Entity | Relationship): string {
  const copy: Record<string, unknown> = { ...object };
  for (const key of VOLATILE) delete copy[key];
  return crypto
    .createHash('sha1')
    .update(canonicalJson(copy as Entity))
    .digest('base64');
}

/** Entity changes between two snapshots, by key and content. */
export function diffEntities(previous: Iterable<Entity>, current: Iterable<Entity>): { counts: ChangeCounts; changes: EntityChange[] } {
  const before = new Map<string, Entity>();
  for (const entity of previous) before.set(entity._key, entity);
  const changes: EntityChange[] = [];
  const seen = new Set<string>();
  for (const entity of current) {
    seen.add(entity._key);
    const old = before.get(entity._key);
    if (!old) {
      changes.push({ change: 'created', _key: entity._key, _type: entity._type });
    } else if (fingerprint(old) !== fingerprint(entity)) {
      const names = new Set([...Object.keys(old), ...Object.keys(entity)]);
      const properties = [...names]
        .filter((name) => !VOLATILE.has(name) && !isTimestampProperty(name) && JSON.stringify(old[name]) !== JSON.stringify(entity[name]))
        .sort();
      changes.push({ change: 'updated', _key: entity._key, _type: entity._type, properties });
    }
  }
  for (const [key, entity] of before) if (!seen.has(key)) changes.push({ change: 'deleted', _key: key, _type: entity._type });
  changes.sort((a, b) => (a._key < b._key ? -1 : a._key > b._key ? 1 : 0));
  const counts = { created: 0, updated: 0, deleted: 0 };
  for (const change of changes) counts[change.change]++;
  return { counts, changes };
}

const FINGERPRINT_BYTES = 20;

/** `crypto.hash` (Node 20.12+) hashes a small input without a Hash object; older Nodes fall back. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

function sha1(text: string): Buffer {
  return oneShotHash ? oneShotHash('sha1', text, 'buffer') : crypto.createHash('sha1').update(text).digest();
}

function hasVolatile(object: Entity | Relationship): boolean {
  for (const key of VOLATILE) if (Object.prototype.hasOwnProperty.call(object, key)) return true;
  return false;
}

/** What {@link diffEntities} compares, as 20 bytes: the sha1 of the canonical JSON without `_stale` (nor timestamps). */
export function entityFingerprint(entity: Entity | Relationship): Buffer {
  if (!hasVolatile(entity)) return sha1(canonicalLine(entity));
  const copy: Record<string, unknown> = { ...entity };
  for (const key of VOLATILE) delete copy[key];
  return sha1(canonicalLine(copy as Entity));
}

/** How many changed keys of each kind {@link EntityDigest.stamp} keeps (the smallest ones). */
export const CHANGED_KEYS_KEPT = 20;

export interface ChangedKeys {
  created: string[];
  updated: string[];
  deleted: string[];
}

/** Keeps the `limit` smallest keys offered, sorted (a bounded insertion: few keys ever get in). */
function offerKey(keys: string[], key: string, limit: number): void {
  if (keys.length >= limit && key >= keys[keys.length - 1]) return;
  let at = keys.length;
  while (at > 0 && keys[at - 1] > key) at--;
  keys.splice(at, 0, key);
  if (keys.length > limit) keys.pop();
}

/**
 * The previous snapshot's entities reduced to what change counts need: each key and a 20-byte
 * fingerprint of its content (about 130 bytes per entity instead of the entity). `diff` counts
 * exactly what {@link diffEntities} counts.
 */
export class EntityDigest {
  private readonly slots = new Map<string, number>();
  private fingerprints = Buffer.allocUnsafe(FINGERPRINT_BYTES * 1024);
  /** `_createdOn` and `_updatedOn` per slot (NaN when the snapshot did not carry them). */
  private timestamps = new Float64Array(2 * 1024);
  private used = 0;

  get size(): number {
    return this.slots.size;
  }

  /** Adds an entity (a later one with the same key replaces an earlier one, as in `diffEntities`). */
  add(entity: Entity | Relationship): void {
    const record = entity as Record<string, unknown>;
    const createdOn = record[CREATED_ON];
    const updatedOn = record[UPDATED_ON];
    const timestamps = typeof createdOn === 'number' && typeof updatedOn === 'number' ? { createdOn, updatedOn } : undefined;
    this.addFingerprint(entity._key, entityFingerprint(entity), timestamps);
  }

  /**
   * Adds an entity by its key and canonical JSON (a snapshot line as `writeSnapshotFile` wrote it),
   * which must not hold volatile properties: `add` the parsed entity for those.
   */
  addCanonical(key: string, canonical: string, timestamps?: Timestamps): void {
    this.addFingerprint(key, sha1(canonical), timestamps);
  }

  private addFingerprint(key: string, fingerprint: Buffer, timestamps: Timestamps | undefined): void {
    if ((this.used + 1) * FINGERPRINT_BYTES > this.fingerprints.length) {
      const larger = Buffer.allocUnsafe(this.fingerprints.length * 2);
      this.fingerprints.copy(larger, 0, 0, this.used * FINGERPRINT_BYTES);
      this.fingerprints = larger;
      const times = new Float64Array(this.timestamps.length * 2);
      times.set(this.timestamps);
      this.timestamps = times;
    }
    this.fingerprints.set(fingerprint, this.used * FINGERPRINT_BYTES);
    this.timestamps[2 * this.used] = timestamps ? timestamps.createdOn : NaN;
    this.timestamps[2 * this.used + 1] = timestamps ? timestamps.updatedOn : NaN;
    this.slots.set(key, this.used++);
  }

  /** The timestamps the digested snapshot carried for a key (undefined when absent or not carried). */
  timestampsOf(key: string): Timestamps | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined || Number.isNaN(this.timestamps[2 * slot])) return undefined;
    return { createdOn: this.timestamps[2 * slot], updatedOn: this.timestamps[2 * slot + 1] };
  }

  /**
   * Counts the changes as {@link diff} does and sets `_createdOn` and `_updatedOn` on every current
   * object: an object the digest did not hold is created `now`; one whose content is unchanged
   * keeps its timestamps; one whose content changed keeps `_createdOn` and is updated `now`. An
   * object of a snapshot written before timestamps existed counts as first seen at `knownSince`.
   * Keeps the first {@link CHANGED_KEYS_KEPT} keys of each kind, in key order.
   */
  stamp(current: Iterable<Entity | Relationship>, now: number, knownSince: number = now): { counts: ChangeCounts; keys: ChangedKeys } {
    const stamper = this.stamper(now, knownSince);
    for (const object of current) stamper.stamp(object);
    return stamper.finish();
  }

  /** {@link stamp} one object at a time (objects streamed from disk), the counts at the end. */
  stamper(now: number, knownSince: number = now): { stamp(object: Entity | Relationship): void; finish(): { counts: ChangeCounts; keys: ChangedKeys } } {
    const seen = new Uint8Array(this.used);
    const counts = { created: 0, updated: 0, deleted: 0 };
    const keys: ChangedKeys = { created: [], updated: [], deleted: [] };
    let matched = 0;
    return {
      stamp: (object) => {
        const record = object as Record<string, unknown>;
        const slot = this.slots.get(object._key);
        if (slot === undefined) {
          counts.created++;
          offerKey(keys.created, object._key, CHANGED_KEYS_KEPT);
          record[CREATED_ON] = now;
          record[UPDATED_ON] = now;
          return;
        }
        if (!seen[slot]) {
          seen[slot] = 1;
          matched++;
        }
        const start = slot * FINGERPRINT_BYTES;
        const createdOn = this.timestamps[2 * slot];
        const known = !Number.isNaN(createdOn);
        record[CREATED_ON] = known ? createdOn : knownSince;
        if (entityFingerprint(object).compare(this.fingerprints, start, start + FINGERPRINT_BYTES) !== 0) {
          counts.updated++;
          offerKey(keys.updated, object._key, CHANGED_KEYS_KEPT);
          record[UPDATED_ON] = now;
        } else {
          record[UPDATED_ON] = known ? this.timestamps[2 * slot + 1] : knownSince;
        }
      },
      finish: () => {
        counts.deleted = this.slots.size - matched;
        if (counts.deleted > 0) for (const [key, slot] of this.slots) if (!seen[slot]) offerKey(keys.deleted, key, CHANGED_KEYS_KEPT);
        return { counts, keys };
      },
    };
  }

  /** Changes from the digested entities to `current`, counted as {@link diffEntities} counts them. */
  diff(current: Iterable<Entity | Relationship>): ChangeCounts {
    const seen = new Uint8Array(this.used);
    const counts = { created: 0, updated: 0, deleted: 0 };
    let matched = 0;
    for (const entity of current) {
      const slot = this.slots.get(entity._key);
      if (slot === undefined) {
        counts.created++;
        continue;
      }
      if (!seen[slot]) {
        seen[slot] = 1;
        matched++;
      }
      const start = slot * FINGERPRINT_BYTES;
      if (entityFingerprint(entity).compare(this.fingerprints, start, start + FINGERPRINT_BYTES) !== 0) counts.updated++;
    }
    counts.deleted = this.slots.size - matched;
    return counts;
  }
}
