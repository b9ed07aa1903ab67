import * as path from 'node:path';
import type { Entity, Relationship } from '../graph';
import { scanSnapshotLines, SnapshotStore, splitTimestamps, type SnapshotMetadata } from '../snapshot';
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

/** Finds one object (entity or relationship) by key in a snapshot, parsing only the lines that can hold it. */
async function findObject(
  file: string,
  key: string,
): Promise<{ found?: { object: Entity | Relationship; kind: 'entity' | 'relationship' }; metadata: SnapshotMetadata }> {
  // A line holds the key only if it holds its JSON form: most lines are ruled out without parsing.
  const needle = JSON.stringify(key);
  let found: { object: Entity | Relationship; kind: 'entity' | 'relationship' } | undefined;
  const look = (kind: 'entity' | 'relationship') => (text: string) => {
    if (found || text.indexOf(needle) < 0) return;
    const object = JSON.parse(text) as Entity | Relationship;
    if (object._key === key) found = { object, kind };
  };
  const metadata = await scanSnapshotLines(file, { entity: look('entity'), relationship: look('relationship') });
  return { found, metadata };
}

const content = (object: Entity | Relationship) => splitTimestamps(JSON.stringify(object)).content;

/**
 * One object's changes across the snapshots a store retains, oldest first: when it was created,
 * each update with its properties before and after, its deletion (and re-creation).
 */
export async function objectHistory(directory: string, key: string): Promise<ObjectHistory> {
  const files = await new SnapshotStore(directory).list();
  const events: HistoryEvent[] = [];
  let previous: Entity | Relationship | undefined;
  let latest: Entity | Relationship | undefined;
  for (const file of files) {
    const { found, metadata } = await findObject(file, key);
    const at = { snapshot: path.basename(file), endedAt: metadata.endedAt };
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
