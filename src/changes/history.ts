import type { Entity, Relationship } from '../graph';
import { splitTimestamps } from '../snapshot';
import { FileStorage } from '../store/files';
import { snapshotName, type GraphStorage } from '../store/types';
import { propertyChanges, type ChangeKind, type PropertyChange } from './diff';

export interface HistoryEvent {
  change: ChangeKind;
  snapshot: string;
  endedAt: string;
  kind: 'entity' | 'relationship';
  _type: string;
  _createdOn?: number;
  _updatedOn?: number;
  /** Created: every property; updated: the changed ones (before/after); deleted: none. */
  properties?: PropertyChange[];
}

export interface ObjectHistory {
  _key: string;
  /** Snapshots read, oldest first. */
  snapshots: number;
  events: HistoryEvent[];
  /** The object as the newest snapshot holding it has it. */
  latest?: Entity | Relationship;
}

const content = (object: Entity | Relationship) => splitTimestamps(JSON.stringify(object)).content;

/**
 * One object's changes across the snapshots a store retains, oldest first: when it was created,
 * each update with its properties before and after, its deletion (and re-creation).
 */
export async function objectHistory(where: string | GraphStorage, key: string): Promise<ObjectHistory> {
  const store = typeof where === 'string' ? new FileStorage(where) : where;
  const files = await store.list();
  const events: HistoryEvent[] = [];
  let previous: Entity | Relationship | undefined;
  let latest: Entity | Relationship | undefined;
  for (const file of files) {
    const found = await store.findObject(file, key);
    const at = { snapshot: snapshotName(file.id), endedAt: (await store.readMetadata(file)).endedAt };
    if (found) {
      const object = found.object as unknown as Record<string, unknown>;
      const stamps = {
        ...(typeof object._createdOn === 'number' ? { _createdOn: object._createdOn } : {}),
        ...(typeof object._updatedOn === 'number' ? { _updatedOn: object._updatedOn } : {}),
      };
      if (!previous) {
        events.push({ change: 'created', ...at, kind: found.kind, _type: found.object._type, ...stamps, properties: propertyChanges({}, object) });
      } else if (content(previous) !== content(found.object)) {
        const properties = propertyChanges(previous as unknown as Record<string, unknown>, object);
        if (properties.length) events.push({ change: 'updated', ...at, kind: found.kind, _type: found.object._type, ...stamps, properties });
      }
      previous = found.object;
      latest = found.object;
    } else if (previous) {
      events.push({ change: 'deleted', ...at, kind: events[events.length - 1]?.kind ?? 'entity', _type: previous._type });
      previous = undefined;
    }
  }
  return { _key: key, snapshots: files.length, events, latest };
}
