import * as crypto from 'node:crypto';
import type { Entity, Relationship } from '../graph';
import { isTimestampProperty } from './timestamps';
import { canonicalLine } from './writer';

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

/** `crypto.hash` (Node 20.12+) hashes a small input without a Hash object; older Nodes fall back. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

/** The fingerprint of a canonical line that holds no volatile property (see {@link entityFingerprint}). */
export function lineFingerprint(canonical: string): Buffer {
  return oneShotHash ? oneShotHash('sha1', canonical, 'buffer') : crypto.createHash('sha1').update(canonical).digest();
}

function hasVolatile(object: Entity | Relationship): boolean {
  for (const key of VOLATILE_PROPERTIES) if (Object.prototype.hasOwnProperty.call(object, key)) return true;
  return false;
}

/**
 * What a change is judged on, as 20 bytes: the sha1 of the object's canonical line (its JSON with
 * sorted properties, as the snapshot holds it) without the volatile properties and timestamps.
 */
export function entityFingerprint(entity: Entity | Relationship): Buffer {
  if (!hasVolatile(entity)) return lineFingerprint(canonicalLine(entity));
  const copy: Record<string, unknown> = { ...entity };
  for (const key of VOLATILE_PROPERTIES) delete copy[key];
  return lineFingerprint(canonicalLine(copy as Entity));
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
    } else if (!entityFingerprint(old).equals(entityFingerprint(entity))) {
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
