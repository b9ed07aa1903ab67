import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Entity, Relationship } from '../graph';
import { canonicalJson, SNAPSHOT_FORMAT, type SnapshotMetadata } from './format';

const FLUSH_BYTES = 1 << 20;

export interface WrittenSnapshot {
  path: string;
  graphSha256: string;
  bytes: number;
}

/** Hooks for tests that prove a crash mid-write leaves what was stored intact. */
export interface WriteHooks {
  afterBytes?: (bytesWritten: number) => void | Promise<void>;
}

function byKey<T extends { _key: string }>(a: T, b: T): number {
  return a._key < b._key ? -1 : a._key > b._key ? 1 : 0;
}

/**
 * Writes a snapshot one object per line, flushed in 1 MiB chunks (no single giant string), to a
 * temporary file that is fsynced and then renamed over the final name: a crash at any point leaves
 * either the complete new file or nothing, never a torn one.
 */
export async function writeSnapshotFile(
  finalPath: string,
  entities: Iterable<Entity>,
  relationships: Iterable<Relationship>,
  metadata: Omit<SnapshotMetadata, 'graphSha256'>,
  hooks: WriteHooks = {},
): Promise<WrittenSnapshot> {
  await fs.mkdir(path.dirname(finalPath), { recursive: true });
  const temporaryPath = path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.${process.pid}.tmp`);
  const file = await fs.open(temporaryPath, 'w', 0o600);
  const hash = createHash('sha256');
  let buffer: string[] = [];
  let bufferedBytes = 0;
  let written = 0;
  const flush = async () => {
    if (!buffer.length) return;
    const chunk = buffer.join('');
    buffer = [];
    bufferedBytes = 0;
    await file.write(chunk);
    written += Buffer.byteLength(chunk);
    await hooks.afterBytes?.(written);
  };
  const push = async (text: string) => {
    buffer.push(text);
    bufferedBytes += text.length;
    if (bufferedBytes >= FLUSH_BYTES) await flush();
  };
  const writeSection = async (objects: Array<Entity | Relationship>) => {
    objects.sort(byKey);
    for (let index = 0; index < objects.length; index++) {
      const line = canonicalJson(objects[index]);
      hash.update(line).update('\n');
      await push(index < objects.length - 1 ? `${line},\n` : `${line}\n`);
    }
  };
  try {
    await push(`{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"entities":[\n`);
    await writeSection([...entities]);
    hash.update('--relationships--\n');
    await push(`],"relationships":[\n`);
    await writeSection([...relationships]);
    const graphSha256 = hash.digest('hex');
    await push(`],"metadata":${JSON.stringify({ ...metadata, graphSha256 })}}\n`);
    await flush();
    await file.sync();
    await file.close();
    await fs.rename(temporaryPath, finalPath);
    await syncDirectory(path.dirname(finalPath));
    return { path: finalPath, graphSha256, bytes: written };
  } catch (error) {
    await file.close().catch(() => undefined);
    await fs.rm(temporaryPath, { force: true });
    throw error;
  }
}

/** Writes a small file atomically (temporary file, fsync, rename). */
export async function writeFileAtomic(finalPath: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(finalPath), { recursive: true });
  const temporaryPath = path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.${process.pid}.tmp`);
  const file = await fs.open(temporaryPath, 'w', 0o600);
  try {
    await file.write(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(temporaryPath, finalPath);
  await syncDirectory(path.dirname(finalPath));
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
