import { createReadStream, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Entity, Relationship } from '../graph';
import { SNAPSHOT_FORMAT, type Snapshot, type SnapshotMetadata } from './format';

export class SnapshotFormatError extends Error {
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'SnapshotFormatError';
  }
}

const HEADER = `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"entities":[`;
const RELATIONSHIPS = '],"relationships":[';
const METADATA = '],"metadata":';

function parseObjectLine<T>(file: string, lineNumber: number, line: string): T {
  const text = line.endsWith(',') ? line.slice(0, -1) : line;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SnapshotFormatError(file, lineNumber, `not a JSON object (${(error as Error).message})`);
  }
}

/** Reads a snapshot line by line, so its size is bounded by the objects, not by one string. */
export async function readSnapshot(file: string): Promise<Snapshot> {
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  let metadata: SnapshotMetadata | undefined;
  let section: 'header' | 'entities' | 'relationships' | 'done' = 'header';
  let lineNumber = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber++;
    if (section === 'header') {
      if (line !== HEADER) throw new SnapshotFormatError(file, lineNumber, `not an ${SNAPSHOT_FORMAT} snapshot`);
      section = 'entities';
    } else if (line === RELATIONSHIPS && section === 'entities') {
      section = 'relationships';
    } else if (line.startsWith(METADATA) && section === 'relationships') {
      const text = line.slice(METADATA.length, -1);
      try {
        metadata = JSON.parse(text) as SnapshotMetadata;
      } catch (error) {
        throw new SnapshotFormatError(file, lineNumber, `metadata is not JSON (${(error as Error).message})`);
      }
      section = 'done';
    } else if (section === 'entities') {
      entities.push(parseObjectLine<Entity>(file, lineNumber, line));
    } else if (section === 'relationships') {
      relationships.push(parseObjectLine<Relationship>(file, lineNumber, line));
    } else if (line.trim() !== '') {
      throw new SnapshotFormatError(file, lineNumber, 'unexpected content after the metadata');
    }
  }
  if (!metadata) throw new SnapshotFormatError(file, lineNumber, 'truncated: the metadata line is missing');
  return { entities, relationships, metadata };
}

/** Reads only the metadata, from the end of the file. */
export async function readSnapshotMetadata(file: string): Promise<SnapshotMetadata> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    let chunkSize = 1 << 16;
    for (;;) {
      const start = Math.max(0, size - chunkSize);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const text = buffer.toString('utf8');
      const at = text.lastIndexOf(`\n${METADATA}`);
      if (at >= 0) return JSON.parse(text.slice(at + 1 + METADATA.length).trimEnd().slice(0, -1)) as SnapshotMetadata;
      if (start === 0) throw new SnapshotFormatError(file, 0, 'truncated: the metadata line is missing');
      chunkSize *= 4;
    }
  } finally {
    await handle.close();
  }
}
