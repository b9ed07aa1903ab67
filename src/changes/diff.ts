import type { Entity, Relationship } from '../graph';
import { isTimestampProperty, splitTimestamps, VOLATILE_PROPERTIES, type ChangeCounts, type SnapshotMetadata } from '../snapshot';
import { lineKey, SnapshotCursor, type Section } from './lines';

export type ChangeKind = 'created' | 'updated' | 'deleted';

export interface PropertyChange {
  name: string;
  /** Absent when the property was added. */
  before?: unknown;
  /** Absent when the property was removed. */
  after?: unknown;
}

export interface ObjectChange {
  change: ChangeKind;
  kind: 'entity' | 'relationship';
  _key: string;
  _type: string;
  _accountId?: string;
  /** Updates: each changed property, volatile fields and timestamps left out. */
  properties?: PropertyChange[];
}

export interface SnapshotRef {
  path: string;
  graphSha256: string;
  endedAt: string;
}

export interface SnapshotDiff {
  old: SnapshotRef;
  new: SnapshotRef;
  counts: { entities: ChangeCounts; relationships: ChangeCounts };
  /** In key order, entities before relationships. */
  changes: ObjectChange[];
}

export interface DiffFilter {
  /** Only objects of these `_type`s. */
  types?: readonly string[];
  /** Only objects of these accounts (`_accountId`). */
  accounts?: readonly string[];
}

const IGNORED = new Set(VOLATILE_PROPERTIES);
const ignored = (name: string) => IGNORED.has(name) || isTimestampProperty(name);

/** Property-level differences, volatile fields and change-tracking timestamps excluded, by name. */
export function propertyChanges(before: Record<string, unknown>, after: Record<string, unknown>): PropertyChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((name) => !ignored(name)).sort();
  const changes: PropertyChange[] = [];
  for (const name of names) {
    const had = Object.prototype.hasOwnProperty.call(before, name) && before[name] !== undefined;
    const has = Object.prototype.hasOwnProperty.call(after, name) && after[name] !== undefined;
    if (had && has && JSON.stringify(before[name]) === JSON.stringify(after[name])) continue;
    changes.push({ name, ...(had ? { before: before[name] } : {}), ...(has ? { after: after[name] } : {}) });
  }
  return changes;
}

class SnapshotNotSorted extends Error {}

type Graph = Entity | Relationship;

/** Compares two object lines of one key; undefined when nothing but volatile fields differ. */
function compareLines(oldText: string, newText: string): { object: Graph; properties: PropertyChange[] } | undefined {
  const oldContent = splitTimestamps(oldText).content;
  const newContent = splitTimestamps(newText).content;
  if (oldContent === newContent) return undefined;
  const before = JSON.parse(oldText) as Graph;
  const after = JSON.parse(newText) as Graph;
  const properties = propertyChanges(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
  return properties.length ? { object: after, properties } : undefined;
}

/**
 * Differences between two snapshots, entity by entity and relationship by relationship. Snapshots
 * are written in key order, so both are walked side by side, a line at a time: memory holds the
 * changes, not the snapshots, and a line is parsed only when its content differs (or it was created
 * or deleted). A snapshot not in key order (edited by hand) is compared in memory instead.
 */
export async function diffSnapshots(oldFile: string, newFile: string, filter: DiffFilter = {}): Promise<SnapshotDiff> {
  try {
    return await streamingDiff(oldFile, newFile, filter);
  } catch (error) {
    if (!(error instanceof SnapshotNotSorted)) throw error;
    return inMemoryDiff(oldFile, newFile, filter);
  }
}

function accepts(filter: DiffFilter, object: Graph): boolean {
  if (filter.types?.length && !filter.types.includes(object._type)) return false;
  if (filter.accounts?.length && !filter.accounts.includes(String(object._accountId))) return false;
  return true;
}

class ChangeList {
  readonly counts = { entities: { created: 0, updated: 0, deleted: 0 }, relationships: { created: 0, updated: 0, deleted: 0 } };
  readonly changes: ObjectChange[] = [];
  constructor(private readonly filter: DiffFilter) {}

  add(section: Section, change: ChangeKind, object: Graph, properties?: PropertyChange[]): void {
    if (!accepts(this.filter, object)) return;
    this.counts[section][change]++;
    this.changes.push({
      change,
      kind: section === 'entities' ? 'entity' : 'relationship',
      _key: object._key,
      _type: object._type,
      ...(object._accountId !== undefined ? { _accountId: object._accountId } : {}),
      ...(properties ? { properties } : {}),
    });
  }
}

function refOf(file: string, metadata: SnapshotMetadata | undefined): SnapshotRef {
  return { path: file, graphSha256: metadata?.graphSha256 ?? '', endedAt: metadata?.endedAt ?? '' };
}

async function streamingDiff(oldFile: string, newFile: string, filter: DiffFilter): Promise<SnapshotDiff> {
  const before = new SnapshotCursor(oldFile);
  const after = new SnapshotCursor(newFile);
  const list = new ChangeList(filter);
  try {
    await before.open();
    await after.open();
    for (const section of ['entities', 'relationships'] as const) {
      const read = async (cursor: SnapshotCursor) => (cursor.buffered ? cursor.nextBuffered() : cursor.next());
      let oldLine = await read(before);
      let newLine = await read(after);
      let oldKey = oldLine === undefined ? undefined : lineKey(oldLine);
      let newKey = newLine === undefined ? undefined : lineKey(newLine);
      let lastOld = '';
      let lastNew = '';
      while (oldKey !== undefined || newKey !== undefined) {
        // Keys in the writer's order (UTF-16 code units), checked as they come.
        if ((oldKey !== undefined && oldKey < lastOld) || (newKey !== undefined && newKey < lastNew)) throw new SnapshotNotSorted();
        if (newKey === undefined || (oldKey !== undefined && oldKey < newKey)) {
          list.add(section, 'deleted', JSON.parse(oldLine as string) as Graph);
          lastOld = oldKey as string;
          oldLine = await read(before);
          oldKey = oldLine === undefined ? undefined : lineKey(oldLine);
        } else if (oldKey === undefined || newKey < oldKey) {
          list.add(section, 'created', JSON.parse(newLine as string) as Graph);
          lastNew = newKey;
          newLine = await read(after);
          newKey = newLine === undefined ? undefined : lineKey(newLine);
        } else {
          const compared = compareLines(oldLine as string, newLine as string);
          if (compared) list.add(section, 'updated', compared.object, compared.properties);
          lastOld = oldKey;
          lastNew = newKey;
          oldLine = await read(before);
          oldKey = oldLine === undefined ? undefined : lineKey(oldLine);
          newLine = await read(after);
          newKey = newLine === undefined ? undefined : lineKey(newLine);
        }
      }
    }
    // Both cursors have read their metadata line when their relationships ended.
    return { old: refOf(oldFile, before.metadata), new: refOf(newFile, after.metadata), counts: list.counts, changes: list.changes };
  } finally {
    await before.close();
    await after.close();
  }
}

async function readSections(file: string): Promise<{ entities: Map<string, string>; relationships: Map<string, string>; metadata?: SnapshotMetadata }> {
  const cursor = new SnapshotCursor(file);
  const sections = { entities: new Map<string, string>(), relationships: new Map<string, string>() };
  try {
    await cursor.open();
    for (const section of ['entities', 'relationships'] as const) {
      for (let line = await cursor.next(); line !== undefined; line = await cursor.next()) sections[section].set(lineKey(line), line);
    }
    return { ...sections, metadata: cursor.metadata };
  } finally {
    await cursor.close();
  }
}

async function inMemoryDiff(oldFile: string, newFile: string, filter: DiffFilter): Promise<SnapshotDiff> {
  const before = await readSections(oldFile);
  const after = await readSections(newFile);
  const list = new ChangeList(filter);
  for (const section of ['entities', 'relationships'] as const) {
    const keys = [...new Set([...before[section].keys(), ...after[section].keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) {
      const oldLine = before[section].get(key);
      const newLine = after[section].get(key);
      if (oldLine === undefined) list.add(section, 'created', JSON.parse(newLine as string) as Graph);
      else if (newLine === undefined) list.add(section, 'deleted', JSON.parse(oldLine) as Graph);
      else {
        const compared = compareLines(oldLine, newLine);
        if (compared) list.add(section, 'updated', compared.object, compared.properties);
      }
    }
  }
  return { old: refOf(oldFile, before.metadata), new: refOf(newFile, after.metadata), counts: list.counts, changes: list.changes };
}
