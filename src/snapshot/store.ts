import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Entity, Relationship } from '../graph';
import type { SnapshotMetadata } from './format';
import { scanSnapshotLines, SnapshotFormatError } from './reader';
import { writeFileAtomic, writeSnapshotFile, type WriteHooks, type WrittenSnapshot } from './writer';

export interface LatestPointer {
  /** Path of the snapshot, relative to the store's directory. */
  path: string;
  graphSha256: string;
  endedAt: string;
}

const METADATA_MARK = Buffer.from('\n],"metadata":');
const CHECK_BYTES = 1 << 20;

/**
 * Checks that a snapshot ends with its metadata line (the writer puts it last, so a truncated file
 * has none), searching backwards for its start without parsing it: at 200 accounts the metadata is
 * about 10 MB of collector records, and this check runs before every run.
 */
async function checkMetadataLine(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(Math.min(size, 2));
    await handle.read(tail, 0, tail.length, size - tail.length);
    if (!/}\s?$/.test(tail.toString('latin1'))) throw new SnapshotFormatError(file, 0, 'truncated: the metadata line is missing');
    const buffer = Buffer.alloc(CHECK_BYTES + METADATA_MARK.length);
    for (let end = size; end > 0; end -= CHECK_BYTES) {
      const start = Math.max(0, end - CHECK_BYTES);
      // Overlap the next chunk by the mark's length, so a mark across the boundary is found.
      const length = Math.min(size, end + METADATA_MARK.length) - start;
      await handle.read(buffer, 0, length, start);
      if (buffer.subarray(0, length).lastIndexOf(METADATA_MARK) >= 0) return;
    }
    throw new SnapshotFormatError(file, 0, 'truncated: the metadata line is missing');
  } finally {
    await handle.close();
  }
}

/** The store's own records are damaged (`latest.json`): the message names the file and the fix. */
export class SnapshotStoreError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'SnapshotStoreError';
  }
}

/**
 * A directory of snapshots: `snapshots/<time>-<sha>.json`, and `latest.json` naming the newest.
 * The pointer moves only after the new snapshot is completely on disk.
 */
export class SnapshotStore {
  /** Absolute: file lists and the pointer's path are compared as absolute paths (a relative `.orggraph` too). */
  readonly directory: string;

  constructor(directory: string) {
    this.directory = path.resolve(directory);
  }

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
      throw new SnapshotStoreError(
        this.latestFile,
        `not valid JSON; remove it (the newest intact snapshot is used then) or point it at a snapshot in ${path.join(this.directory, 'snapshots')}`,
      );
    }
    if (!pointer || typeof pointer.path !== 'string') {
      throw new SnapshotStoreError(
        this.latestFile,
        `path: missing; remove the file (the newest intact snapshot is used then) or point it at a snapshot in ${path.join(this.directory, 'snapshots')}`,
      );
    }
    return { ...pointer, absolutePath: path.resolve(this.directory, pointer.path) };
  }

  /**
   * Checks, before a run does any work, that its snapshot can be written: the directories can be
   * created, and a temporary file of `bytes` can be written there and removed. Resolves to the
   * problem (the system's code and message) or undefined.
   */
  async writeProblem(bytes = 64 * 1024): Promise<string | undefined> {
    const directory = path.join(this.directory, 'snapshots');
    const probe = path.join(directory, `.write-check.${process.pid}.tmp`);
    try {
      await fs.mkdir(directory, { recursive: true });
      await fs.writeFile(probe, Buffer.alloc(bytes), { mode: 0o600 });
      await fs.unlink(probe);
      return undefined;
    } catch (error) {
      await fs.unlink(probe).catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOSPC' ? 'no space left for the snapshot' : code === 'ENOTDIR' ? 'a file is in the way of the directory' : 'cannot write there';
      return `${reason} (${code ?? (error as Error).message})`;
    }
  }

  /**
   * Snapshots that a run can compare with, best first, checked cheaply (the file is there and its
   * metadata line is whole, read from the end): the one `latest.json` names, then the others,
   * newest first, up to `limit` of them. What is wrong with the ones passed over is in `passedOver`. `latest.json` that is
   * not JSON throws: it is the store's own record, and only a person can say what to do with it.
   */
  async previousCandidates(limit = 3): Promise<{ candidates: Array<{ path: string }>; passedOver: string[] }> {
    const pointer = await this.latest();
    const files = (await this.list()).reverse();
    const ordered = pointer ? [pointer.absolutePath, ...files.filter((file) => file !== pointer.absolutePath)] : files;
    const candidates: Array<{ path: string }> = [];
    const passedOver: string[] = [];
    for (const file of ordered) {
      if (candidates.length >= limit) break;
      try {
        await checkMetadataLine(file);
        candidates.push({ path: file });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'ENOENT' ? 'does not exist' : code ? `cannot be read (${code})` : (error as Error).message.replace(`${file}:0: `, '');
        passedOver.push(`${file}${pointer?.absolutePath === file ? ' (named by latest.json)' : ''}: ${reason}`);
      }
    }
    return { candidates, passedOver };
  }

  /** Whether a snapshot reads whole and its content matches its `graphSha256`. */
  async intact(file: string): Promise<boolean> {
    let matches = false;
    try {
      await scanSnapshotLines(file, {}, { onContentChecked: (checked) => (matches = checked) });
    } catch {
      return false;
    }
    return matches;
  }

  /**
   * Removes all but the `keep` newest snapshots. Never removes the one `latest.json` names, nor the
   * newest intact one (the one a run would compare with if the latest were damaged).
   */
  async prune(keep: number, options: { dryRun?: boolean } = {}): Promise<{ removed: string[]; kept: string[] }> {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a whole number from 1 (it is ${keep})`);
    const files = await this.list();
    const kept = new Set(files.slice(-keep));
    const pointer = await this.latest().catch(() => undefined);
    if (pointer) kept.add(pointer.absolutePath);
    for (const file of [...files].reverse()) {
      if (await this.intact(file)) {
        kept.add(file);
        break;
      }
    }
    const removed = files.filter((file) => !kept.has(file));
    if (!options.dryRun) for (const file of removed) await fs.unlink(file);
    return { removed, kept: files.filter((file) => kept.has(file)) };
  }

  async list(): Promise<string[]> {
    const directory = path.join(this.directory, 'snapshots');
    const names = await fs.readdir(directory).catch(() => [] as string[]);
    return names
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .sort()
      .map((name) => path.join(directory, name));
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
