import { promises as fs } from 'node:fs';
import type { Entity, Relationship } from '../graph';
import { SNAPSHOT_FORMAT, SnapshotFormatError, type SnapshotMetadata } from '../snapshot';

const HEADER = `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"entities":[`;
const RELATIONSHIPS = '],"relationships":[';
const METADATA = '],"metadata":';
const READ_BYTES = 1 << 20;
const LINE_FEED = 0x0a;

export type Section = 'entities' | 'relationships';

/**
 * A snapshot read forwards one object line at a time, on demand (two of them are walked side by
 * side to compare them): a MiB is read and split into lines when the lines read so far are used up.
 * Object lines are handed over without their separating comma.
 */
export class SnapshotCursor {
  private handle: fs.FileHandle | undefined;
  private chunk = Buffer.allocUnsafe(READ_BYTES);
  private carried = 0;
  private lines: string[] = [];
  private index = 0;
  private endOfFile = false;
  private lineNumber = 0;
  section: Section | 'header' | 'done' = 'header';
  metadata: SnapshotMetadata | undefined;

  constructor(readonly file: string) {}

  async open(): Promise<void> {
    this.handle = await fs.open(this.file, 'r');
    const header = await this.rawLine();
    if (header !== HEADER) throw new SnapshotFormatError(this.file, 1, `not an ${SNAPSHOT_FORMAT} snapshot`);
    this.lineNumber = 1;
    this.section = 'entities';
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Whether {@link next} can answer without reading (a caller's fast path: no await per line). */
  get buffered(): boolean {
    return this.index < this.lines.length;
  }

  /** The next object line of the current section, or undefined when the section ends (the cursor moves on to the next one). */
  async next(): Promise<string | undefined> {
    return this.interpret(this.buffered ? this.lines[this.index++] : await this.rawLine());
  }

  /** {@link next} when {@link buffered}. */
  nextBuffered(): string | undefined {
    return this.interpret(this.lines[this.index++]);
  }

  private interpret(line: string | undefined): string | undefined {
    if (line === undefined) throw new SnapshotFormatError(this.file, this.lineNumber, 'truncated: the metadata line is missing');
    this.lineNumber++;
    if (this.section === 'entities' && line === RELATIONSHIPS) {
      this.section = 'relationships';
      return undefined;
    }
    if (this.section === 'relationships' && line.startsWith(METADATA)) {
      try {
        this.metadata = JSON.parse(line.slice(METADATA.length, -1)) as SnapshotMetadata;
      } catch (error) {
        throw new SnapshotFormatError(this.file, this.lineNumber, `metadata is not JSON (${(error as Error).message})`);
      }
      this.section = 'done';
      return undefined;
    }
    if (this.section !== 'entities' && this.section !== 'relationships')
      throw new SnapshotFormatError(this.file, this.lineNumber, 'unexpected content after the metadata');
    return line.endsWith(',') ? line.slice(0, -1) : line;
  }

  /** The next line of the file, reading when needed (undefined at its end). */
  private async rawLine(): Promise<string | undefined> {
    while (this.index >= this.lines.length) {
      if (this.endOfFile) return undefined;
      await this.read();
    }
    return this.lines[this.index++];
  }

  private async read(): Promise<void> {
    if (!this.handle) throw new Error(`${this.file}: not open`);
    if (this.carried === this.chunk.length) {
      const larger = Buffer.allocUnsafe(this.chunk.length * 2);
      this.chunk.copy(larger, 0, 0, this.carried);
      this.chunk = larger;
    }
    const { bytesRead } = await this.handle.read(this.chunk, this.carried, this.chunk.length - this.carried, null);
    const end = this.carried + bytesRead;
    const lines: string[] = [];
    let start = 0;
    for (let at = this.chunk.indexOf(LINE_FEED, this.carried); at >= 0 && at < end; at = this.chunk.indexOf(LINE_FEED, start)) {
      const stop = at > start && this.chunk[at - 1] === 0x0d ? at - 1 : at;
      lines.push(this.chunk.toString('utf8', start, stop));
      start = at + 1;
    }
    if (bytesRead === 0) {
      this.endOfFile = true;
      if (start < end && this.chunk.toString('utf8', start, end).trim() !== '') lines.push(this.chunk.toString('utf8', start, end));
      this.carried = 0;
    } else {
      this.carried = end - start;
      if (start > 0) this.chunk.copy(this.chunk, 0, start, end);
    }
    this.lines = lines;
    this.index = 0;
  }
}

const KEY = '"_key":"';

/**
 * The `_key` of an object line without parsing it when it is flat (as the writer writes graph
 * objects): `"_key":"` after `{` or `,` is a property name, never inside a string, whose quotes are
 * escaped. A line holding a nested object is parsed.
 */
export function lineKey(text: string): string {
  if (text.indexOf('{', 1) < 0) {
    let at = text.indexOf(KEY);
    while (at > 0 && text.charCodeAt(at - 1) !== 0x2c && text.charCodeAt(at - 1) !== 0x7b) at = text.indexOf(KEY, at + 1);
    if (at > 0) {
      const start = at + KEY.length;
      let end = text.indexOf('"', start);
      while (end > 0 && text.charCodeAt(end - 1) === 0x5c) {
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end > 0) {
        const raw = text.slice(start, end);
        return raw.indexOf('\\') < 0 ? raw : (JSON.parse(`"${raw}"`) as string);
      }
    }
  }
  return (JSON.parse(text) as Entity | Relationship)._key;
}
