import * as crypto from 'node:crypto';
import type { Entity, Relationship } from '../graph';
import { canonicalJson } from './format';
import { isTimestampProperty } from './timestamps';

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
