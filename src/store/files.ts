import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Entity, Relationship } from '../graph';
import type { SnapshotMetadata } from '../snapshot/format';
import { readPreviousSnapshot, type PreviousSnapshotOptions } from '../snapshot/previous';
import { readSnapshot, readSnapshotMetadata, scanSnapshotLines, scanSnapshotObjects, type ReadOptions } from '../snapshot/reader';
import { SnapshotStore } from '../snapshot/store';
import { writeFileAtomic, type KeyOrdered, type WriteHooks } from '../snapshot/writer';
import type { GraphStorage, ObjectVisitor, SnapshotRef } from './types';

/** The default store: a directory of snapshot files (`SnapshotStore`), no server needed. */
export class FileStorage implements GraphStorage {
  readonly kind = 'files' as const;
  readonly snapshots: SnapshotStore;

  constructor(readonly directory: string) {
    this.snapshots = new SnapshotStore(directory);
  }

  get description(): string {
    return path.resolve(this.directory);
  }

  writeProblem(): Promise<string | undefined> {
    return this.snapshots.writeProblem();
  }

  async previousCandidates(limit?: number): Promise<{ candidates: SnapshotRef[]; passedOver: string[] }> {
    const found = await this.snapshots.previousCandidates(limit);
    return { candidates: found.candidates.map((candidate) => ({ id: candidate.path })), passedOver: found.passedOver };
  }

  readPrevious(ref: SnapshotRef, options: PreviousSnapshotOptions) {
    return readPreviousSnapshot(ref.id, options);
  }

  write(entities: Entity[], relationships: Relationship[], metadata: Omit<SnapshotMetadata, 'graphSha256'>, hooks?: WriteHooks) {
    return this.snapshots.write(entities, relationships, metadata, hooks);
  }

  writeOrdered(entities: KeyOrdered<Entity>, relationships: KeyOrdered<Relationship>, metadata: Omit<SnapshotMetadata, 'graphSha256'>, hooks?: WriteHooks) {
    return this.snapshots.write(entities, relationships, metadata, hooks);
  }

  prune(keep: number, options?: { dryRun?: boolean }) {
    return this.snapshots.prune(keep, options);
  }

  async latest(): Promise<SnapshotRef | undefined> {
    const pointer = await this.snapshots.latest();
    return pointer && { id: pointer.absolutePath };
  }

  async list(): Promise<SnapshotRef[]> {
    return (await this.snapshots.list()).map((file) => ({ id: file }));
  }

  read(ref: SnapshotRef, options?: ReadOptions) {
    return readSnapshot(ref.id, options);
  }

  scanObjects(ref: SnapshotRef, visitor: ObjectVisitor) {
    return scanSnapshotObjects(ref.id, visitor);
  }

  readMetadata(ref: SnapshotRef) {
    return readSnapshotMetadata(ref.id);
  }

  async findObject(ref: SnapshotRef, key: string) {
    // A line holds the key only if it holds its JSON form: most lines are ruled out without parsing.
    const needle = JSON.stringify(key);
    let found: { object: Entity | Relationship; kind: 'entity' | 'relationship' } | undefined;
    const look = (kind: 'entity' | 'relationship') => (text: string) => {
      if (found || text.indexOf(needle) < 0) return;
      const object = JSON.parse(text) as Entity | Relationship;
      if (object._key === key) found = { object, kind };
    };
    await scanSnapshotLines(ref.id, { entity: look('entity'), relationship: look('relationship') });
    return found;
  }

  async readDocument(name: string): Promise<string | undefined> {
    try {
      return await fs.readFile(path.join(this.directory, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  writeDocument(name: string, text: string): Promise<void> {
    return writeFileAtomic(path.join(this.directory, name), text);
  }

  async close(): Promise<void> {}
}
