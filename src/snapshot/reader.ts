import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Entity, Relationship } from '../graph';
import { SNAPSHOT_FORMAT, type Snapshot, type SnapshotMetadata } from './format';
import { timestampSuffixAt } from './timestamps';

export class SnapshotFormatError extends Error {
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'SnapshotFormatError';
  }
}

const HEADER = `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"entities":[`;
const RELATIONSHIPS = '],"relationships":[';
const METADATA = '],"metadata":';
const READ_BYTES = 1 << 20;
const LINE_FEED = 0x0a;
const CLOSE_BRACE = 0x7d;

/**
 * Calls `onLine` with every line of a file (without its line break), reading 1 MiB at a time: no
 * string larger than a line, and no per-line promise. A line feed byte never occurs inside a UTF-8
 * sequence, so each line is decoded on its own. Reading stops early when `onLine` returns `false`,
 * or when `onLongLine`, shown the start of a line longer than the buffer before the buffer grows
 * for it, returns `false`.
 */
export async function scanLines(
  file: string,
  onLine: (line: string, lineNumber: number, bytes: Buffer, start: number, stop: number) => boolean | void,
  onLongLine?: (bytes: Buffer, start: number, stop: number) => boolean | void,
): Promise<number> {
  const handle = await fs.open(file, 'r');
  try {
    let chunk = Buffer.allocUnsafe(READ_BYTES);
    let carried = 0; // bytes of an unfinished line at the start of `chunk`
    let lineNumber = 0;
    for (;;) {
      if (carried === chunk.length) {
        // A line longer than the buffer: grow it, unless the caller has read enough of it.
        if (onLongLine?.(chunk, 0, carried) === false) return lineNumber;
        const larger = Buffer.allocUnsafe(chunk.length * 2);
        chunk.copy(larger, 0, 0, carried);
        chunk = larger;
      }
      const { bytesRead } = await handle.read(chunk, carried, chunk.length - carried, null);
      const end = carried + bytesRead;
      let start = 0;
      for (let at = chunk.indexOf(LINE_FEED, carried); at >= 0 && at < end; at = chunk.indexOf(LINE_FEED, start)) {
        const stop = at > start && chunk[at - 1] === 0x0d ? at - 1 : at;
        if (onLine(chunk.toString('utf8', start, stop), ++lineNumber, chunk, start, stop) === false) return lineNumber;
        start = at + 1;
      }
      if (bytesRead === 0) {
        if (start < end) onLine(chunk.toString('utf8', start, end), ++lineNumber, chunk, start, end);
        return lineNumber;
      }
      carried = end - start;
      if (start > 0) chunk.copy(chunk, 0, start, end);
    }
  } finally {
    await handle.close();
  }
}

/** Parses an object line's text (without its separator), naming the file and line if it is not JSON. */
export function parseSnapshotLine<T extends Entity | Relationship>(file: string, lineNumber: number, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SnapshotFormatError(file, lineNumber, `not a JSON object (${(error as Error).message})`);
  }
}

/**
 * What {@link scanSnapshotLines} hands over for each object: its line's text without the
 * separator (its canonical JSON when the snapshot was written by `writeSnapshotFile`), unparsed.
 */
export interface SnapshotLineVisitor {
  entity?: (text: string, lineNumber: number) => void;
  relationship?: (text: string, lineNumber: number) => void;
}

/**
 * Reads a snapshot line by line and hands each object's line to the visitor, keeping nothing
 * itself: memory is what the visitor keeps, and it parses only the lines it needs
 * ({@link parseSnapshotLine}). Checks the structure (header, sections, metadata) and returns the
 * metadata.
 */
export async function scanSnapshotLines(file: string, visitor: SnapshotLineVisitor, options: ScanOptions = {}): Promise<SnapshotMetadata> {
  const metadata = await scanSections(file, visitor, options, true);
  if (!metadata) throw new Error(`${file}: the metadata was not read`); // cannot happen: scanSections read it or threw
  return metadata;
}

/**
 * The objects of a snapshot, parsed, without its metadata: for a reader that has the metadata
 * already (the run that wrote it). At 1,000 accounts the metadata is one line of 150 MB, which is
 * not read at all: reading stops where it starts. Not verified (the digest is in the metadata).
 */
export async function scanSnapshotObjects(file: string, visitor: SnapshotVisitor): Promise<void> {
  await scanSections(file, parsingVisitor(file, visitor), {}, false);
}

/** Both scans: `withMetadata` false stops at the start of the metadata line and returns undefined. */
async function scanSections(file: string, visitor: SnapshotLineVisitor, options: ScanOptions, withMetadata: boolean): Promise<SnapshotMetadata | undefined> {
  let metadata: SnapshotMetadata | undefined;
  // Not narrowed to 'header': the line callbacks change it.
  let section = 'header' as 'header' | 'entities' | 'relationships' | 'done';
  const content = options.onContentChecked ? new ContentHash() : undefined;
  const startsMetadata = (bytes: Buffer, start: number, stop: number) =>
    stop - start >= METADATA.length && bytes.toString('latin1', start, start + METADATA.length) === METADATA;
  const onLongLine = (bytes: Buffer, start: number, stop: number): boolean => {
    if (withMetadata || section !== 'relationships' || !startsMetadata(bytes, start, stop)) return true;
    section = 'done';
    return false;
  };
  const lines = await scanLines(
    file,
    (line, lineNumber, bytes, start, stop) => {
      if (section === 'header') {
        if (line !== HEADER) throw new SnapshotFormatError(file, lineNumber, `not an ${SNAPSHOT_FORMAT} snapshot`);
        section = 'entities';
      } else if (line === RELATIONSHIPS && section === 'entities') {
        content?.addText(RELATIONSHIPS_MARK);
        section = 'relationships';
      } else if (line.startsWith(METADATA) && section === 'relationships') {
        section = 'done';
        if (!withMetadata) return false;
        const text = line.slice(METADATA.length, -1);
        try {
          metadata = JSON.parse(text) as SnapshotMetadata;
        } catch (error) {
          throw new SnapshotFormatError(file, lineNumber, `metadata is not JSON (${(error as Error).message})`);
        }
      } else if (section === 'entities' || section === 'relationships') {
        const separated = line.endsWith(',');
        const text = separated ? line.slice(0, -1) : line;
        content?.addLine(bytes, start, separated ? stop - 1 : stop);
        if (section === 'entities') visitor.entity?.(text, lineNumber);
        else visitor.relationship?.(text, lineNumber);
      } else if (line.trim() !== '') {
        throw new SnapshotFormatError(file, lineNumber, 'unexpected content after the metadata');
      }
      return true;
    },
    onLongLine,
  );
  if (!withMetadata) {
    if (section !== 'done') throw new SnapshotFormatError(file, lines, 'truncated: the metadata line is missing');
    return undefined;
  }
  if (!metadata) throw new SnapshotFormatError(file, lines, 'truncated: the metadata line is missing');
  if (content && options.onContentChecked) options.onContentChecked(content.digest() === metadata.graphSha256);
  return metadata;
}

export interface ScanOptions {
  /**
   * Also hash the content as the writer did and say whether it matches the metadata's
   * `graphSha256`: a line damaged or edited since it was written is found even when it still
   * parses, or is never parsed.
   */
  onContentChecked?: (matches: boolean) => void;
}

/** What the writer hashes between the two sections (see `writeSnapshotFile`). */
const RELATIONSHIPS_MARK = '--relationships--\n';

/**
 * The `graphSha256` of a snapshot's content: each object line without its separator and with a line
 * feed. Lines are gathered into one buffer and hashed a MiB at a time (one native call per line
 * would cost more than the hashing).
 */
class ContentHash {
  private readonly hash = createHash('sha256');
  private readonly pending = Buffer.allocUnsafe(READ_BYTES);
  private used = 0;

  addLine(bytes: Buffer, start: number, stop: number): void {
    // The change-tracking timestamps after the content are not hashed: cut them and close the
    // object again, as the writer hashed it.
    const suffixAt = timestampSuffixAt(bytes, start, stop);
    const end = suffixAt >= 0 ? suffixAt : stop;
    const length = end - start + (suffixAt >= 0 ? 2 : 1);
    if (this.used + length > this.pending.length) this.flush();
    if (length > this.pending.length) {
      this.hash.update(bytes.subarray(start, end)).update(suffixAt >= 0 ? '}\n' : '\n');
      return;
    }
    bytes.copy(this.pending, this.used, start, end);
    this.used += length;
    if (suffixAt >= 0) this.pending[this.used - 2] = CLOSE_BRACE;
    this.pending[this.used - 1] = LINE_FEED;
  }

  addText(text: string): void {
    this.flush();
    this.hash.update(text);
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (this.used > 0) this.hash.update(this.pending.subarray(0, this.used));
    this.used = 0;
  }
}

/** Like {@link scanSnapshotLines}, with every object parsed. */
export interface SnapshotVisitor {
  entity?: (entity: Entity, text: string) => void;
  relationship?: (relationship: Relationship, text: string) => void;
}

/** A snapshot whose content no longer matches the `graphSha256` it was written with. */
export class SnapshotIntegrityError extends Error {
  constructor(readonly file: string) {
    super(`${file}: the content does not match its graphSha256 (damaged or edited since it was written); --no-verify reads it anyway`);
    this.name = 'SnapshotIntegrityError';
  }
}

export interface ReadOptions {
  /**
   * Check the content against the metadata's `graphSha256` and throw a
   * {@link SnapshotIntegrityError} when it does not match (default true): a reader must not answer
   * from a damaged or hand-edited graph without saying so.
   */
  verify?: boolean;
}

/** Reads a snapshot line by line and hands each object, parsed, to the visitor; returns the metadata. */
export async function scanSnapshot(file: string, visitor: SnapshotVisitor, options: ReadOptions = {}): Promise<SnapshotMetadata> {
  let matches = true;
  const metadata = await scanSnapshotLines(
    file,
    parsingVisitor(file, visitor),
    options.verify === false ? {} : { onContentChecked: (checked) => (matches = checked) },
  );
  if (!matches) throw new SnapshotIntegrityError(file);
  return metadata;
}

function parsingVisitor(file: string, { entity, relationship }: SnapshotVisitor): SnapshotLineVisitor {
  return {
    entity: (text, lineNumber) => entity?.(parseSnapshotLine<Entity>(file, lineNumber, text), text),
    relationship: (text, lineNumber) => relationship?.(parseSnapshotLine<Relationship>(file, lineNumber, text), text),
  };
}

/** Reads a whole snapshot into memory, verified unless told not to (see {@link scanSnapshot} to keep less of it). */
export async function readSnapshot(file: string, options: ReadOptions = {}): Promise<Snapshot> {
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  const metadata = await scanSnapshot(
    file,
    {
      entity: (entity) => entities.push(entity),
      relationship: (relationship) => relationships.push(relationship),
    },
    options,
  );
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
      if (at >= 0)
        return JSON.parse(
          text
            .slice(at + 1 + METADATA.length)
            .trimEnd()
            .slice(0, -1),
        ) as SnapshotMetadata;
      if (start === 0) throw new SnapshotFormatError(file, 0, 'truncated: the metadata line is missing');
      chunkSize *= 4;
    }
  } finally {
    await handle.close();
  }
}
