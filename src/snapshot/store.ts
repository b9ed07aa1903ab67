import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Entity, Relationship } from '../graph';
import type { SnapshotMetadata } from './format';
import { writeFileAtomic, writeSnapshotFile, type WriteHooks, type WrittenSnapshot } from './writer';

export interface LatestPointer {
  /** Path of the snapshot, relative to the store's directory. */
  path: string;
  graphSha256: string;
  endedAt: string;
}

/**
 * A directory of snapshots: `snapshots/<time>-<sha>.json`, and `latest.json` naming the newest.
 * The pointer moves only after the new snapshot is completely on disk.
 */
export class SnapshotStore {
  constructor(readonly directory: string) {}

  private get latestFile(): string {
    return path.join(this.directory, 'latest.json');
  }

  async latest(): Promise<(LatestPointer & { absolutePath: string }) | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.latestFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let pointer: LatestPointer;
    try {
      pointer = JSON.parse(text) as LatestPointer;
    } catch {
      throw new Error(`${this.latestFile}: not valid JSON; remove it or point it at a snapshot in ${this.directory}/snapshots`);
    }
    return { ...pointer, absolutePath: path.resolve(this.directory, pointer.path) };
  }

  async list(): Promise<string[]> {
    const directory = path.join(this.directory, 'snapshots');
    const names = await fs.readdir(directory).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort().map((name) => path.join(directory, name));
  }

  async write(
    entities: Iterable<Entity>,
    relationships: Iterable<Relationship>,
    metadata: Omit<SnapshotMetadata, 'graphSha256'>,
    hooks?: WriteHooks,
  ): Promise<WrittenSnapshot> {
    const stamp = metadata.endedAt.replace(/[-:]/g, '').replace('.', '');
    const provisional = path.join(this.directory, 'snapshots', `${stamp}.json`);
    const written = await writeSnapshotFile(provisional, entities, relationships, metadata, hooks);
    const finalPath = path.join(this.directory, 'snapshots', `${stamp}-${written.graphSha256.slice(0, 12)}.json`);
    await fs.rename(written.path, finalPath);
    const pointer: LatestPointer = {
      path: path.relative(this.directory, finalPath),
      graphSha256: written.graphSha256,
      endedAt: metadata.endedAt,
    };
    await writeFileAtomic(this.latestFile, `${JSON.stringify(pointer, null, 2)}\n`);
    return { ...written, path: finalPath };
  }
}
