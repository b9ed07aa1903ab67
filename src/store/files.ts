import * as path from 'node:path';
import type { Entity, Relationship } from '../graph';
import type { SnapshotMetadata } from '../snapshot/format';
import { readPreviousSnapshot, type PreviousSnapshotOptions } from '../snapshot/previous';
import { readSnapshot, readSnapshotMetadata, type ReadOptions } from '../snapshot/reader';
import { SnapshotStore } from '../snapshot/store';
import type { WriteHooks } from '../snapshot/writer';
import type { GraphStorage, SnapshotRef } from './types';

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

  readMetadata(ref: SnapshotRef) {
    return readSnapshotMetadata(ref.id);
  }

  async close(): Promise<void> {}
}
