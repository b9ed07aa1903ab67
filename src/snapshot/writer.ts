import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Entity, Relationship } from '../graph';
import { canonicalJson, SNAPSHOT_FORMAT, type SnapshotMetadata } from './format';
import { isTimestampProperty, timestampSuffix } from './timestamps';

const FLUSH_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');
const COMMA = 0x2c;
const LINE_FEED = 0x0a;

export interface WrittenSnapshot {
  path: string;
  graphSha256: string;
  bytes: number;
}

/** Hooks for tests that prove a crash mid-write leaves what was stored intact. */
export interface WriteHooks {
  afterBytes?: (bytesWritten: number) => void | Promise<void>;
}

/** Characters JSON.stringify escapes (or may, for lone surrogates): their strings go through it. */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonString(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Property names repeat across objects: their JSON form is computed once (up to a bound). */
const quotedKeys = new Map<string, string>();

function jsonKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = jsonString(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * The same bytes as `canonicalJson` (JSON.stringify with the sorted property names as the property
 * list), built without JSON.stringify's slow path for property lists: graph objects are flat (values
 * are primitives or arrays of primitives), so each property is serialized on its own, in sorted
 * order. Anything else (a nested object, which the property list would filter too) answers
 * undefined, for `canonicalJson` itself.
 */
function canonicalLineByProperty(object: Entity | Relationship, keys: readonly string[]): string | undefined {
  const record = object as Record<string, unknown>;
  let line = '{';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    const value = record[key];
    let text: string | undefined;
    switch (typeof value) {
      case 'string':
        text = jsonString(value);
        break;
      case 'number':
      case 'boolean':
        text = JSON.stringify(value);
        break;
      case 'object':
        if (value === null) text = 'null';
        else if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) text = JSON.stringify(value);
        else return undefined;
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        continue;
      default:
        return undefined; // bigint: canonicalJson throws as JSON.stringify would
    }
    line += line.length === 1 ? `${jsonKey(key)}:${text}` : `,${jsonKey(key)}:${text}`;
  }
  return `${line}}`;
}

/**
 * Objects with one list of property names, as the writer meets them: the names sorted, and a
 * function that copies an object's properties into a new object in that order, or answers
 * undefined when a value is not flat (an object, or an array holding one). `JSON.stringify` of that
 * copy, without a property list, takes V8's fast path and gives the canonical bytes.
 */
interface Shape {
  keys: string[];
  sorted: string[];
  /** Absent when the names rule the copy out (see {@link copyable}). */
  copy?: (object: Record<string, unknown>) => Record<string, unknown> | undefined;
}

/** Shapes by their sorted names, so a list of names is compiled once (up to a bound). */
const shapesBySignature = new Map<string, Shape>();
const MAX_SHAPES = 4096;
/** The last shapes used, searched first: objects in key order come in runs of one type. */
const recentShapes: Shape[] = [];
const RECENT_SHAPES = 16;
/** Names that are array indices come first in an object whatever the order it was built in. */
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

function copyable(keys: readonly string[]): boolean {
  return keys.length <= 1000 && !keys.some((key) => key === '__proto__' || (ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1));
}

/** Whether a value (known to be a non-null object) is something other than an array of primitives. */
function nested(value: object): boolean {
  if (!Array.isArray(value)) return true;
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    if (typeof item === 'object' && item !== null) return true;
  }
  return false;
}

function compileCopy(sorted: readonly string[]): Shape['copy'] {
  // Each property is read once, by its name (a monomorphic load in this function), checked, copied.
  const reads = sorted.map((key, index) => `const v${index} = object[${JSON.stringify(key)}];`);
  const checks = sorted.map((_, index) => `(typeof v${index} === 'object' && v${index} !== null && nested(v${index}))`);
  const properties = sorted.map((key, index) => `${JSON.stringify(key)}: v${index}`);
  const body = `return function copy(object) {\n${reads.join('\n')}\nif (${checks.join(' || ') || 'false'}) return undefined;\nreturn { ${properties.join(', ')} };\n};`;
  return (new Function('nested', body) as (check: typeof nested) => Shape['copy'])(nested);
}

function shapeOf(object: object): Shape {
  const keys = Object.keys(object);
  search: for (let index = 0; index < recentShapes.length; index++) {
    const shape = recentShapes[index];
    if (shape.keys.length !== keys.length) continue;
    // Property names from Object.keys are internalized: comparing them is comparing pointers.
    for (let at = 0; at < keys.length; at++) if (shape.keys[at] !== keys[at]) continue search;
    if (index > 0) {
      recentShapes.splice(index, 1);
      recentShapes.unshift(shape);
    }
    return shape;
  }
  // The change-tracking timestamps are not content: the line carries them after it (see writeSection).
  const sorted = keys.filter((key) => !isTimestampProperty(key)).sort();
  const signature = sorted.join('\u0000');
  let shape = shapesBySignature.get(signature);
  if (!shape) {
    shape = { keys, sorted, copy: copyable(sorted) ? compileCopy(sorted) : undefined };
    if (shapesBySignature.size < MAX_SHAPES) shapesBySignature.set(signature, shape);
  } else if (shape.keys.length !== keys.length || shape.keys.some((key, index) => key !== keys[index])) {
    // The same names in another order: a shape of its own for the recent list.
    shape = { ...shape, keys };
  }
  recentShapes.unshift(shape);
  if (recentShapes.length > RECENT_SHAPES) recentShapes.pop();
  return shape;
}

/**
 * The same bytes as `canonicalJson` (JSON.stringify with the sorted property names as the property
 * list, the change-tracking timestamps left out), without JSON.stringify's slow path for property lists: graph objects are flat (values are
 * primitives or arrays of primitives), so a copy with the properties in sorted order serializes to
 * the same bytes on the fast path. Objects where that would differ (a nested object, which the
 * property list would filter too; a `toJSON`; names that are array indices, which no copy can put
 * in sorted order) take a slower path to the same bytes.
 */
export function canonicalLine(object: Entity | Relationship): string {
  return flatCanonicalLine(object) ?? canonicalJson(object);
}

/**
 * The canonical line of a flat object (values primitives or arrays of primitives, no `toJSON`):
 * then it holds every property but the timestamps, as `JSON.stringify` would write them.
 * Undefined for any other object.
 */
export function flatCanonicalLine(object: Entity | Relationship): string | undefined {
  const record = object as Record<string, unknown>;
  if (typeof record.toJSON === 'function') return undefined;
  const shape = shapeOf(object);
  const copy = shape.copy?.(record);
  return copy ? JSON.stringify(copy) : canonicalLineByProperty(object, shape.sorted);
}

/**
 * Objects that come in `_key` order already, each key once (a graph kept on disk streams them so):
 * the writer takes them one at a time instead of sorting a list of them all.
 */
export class KeyOrdered<T extends Entity | Relationship> implements Iterable<T> {
  constructor(private readonly objects: Iterable<T>) {}

  [Symbol.iterator](): Iterator<T> {
    return this.objects[Symbol.iterator]();
  }
}

/** Positions of `objects` in `_key` order (a stable sort on the keys alone, read once). */
function keyOrder(objects: ReadonlyArray<{ _key: string }>): Uint32Array {
  const keys = objects.map((object) => object._key);
  const order = new Uint32Array(objects.length);
  for (let index = 0; index < order.length; index++) order[index] = index;
  // One comparison of contents per call: `===` on distinct keys (their hashes are known) is cheap.
  return order.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    return x < y ? -1 : x === y ? a - b : 1;
  });
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
  // Lines are encoded straight into one reused buffer: no string outlives its line, so the young
  // generation absorbs the garbage and the old generation (which holds the graph) is left alone.
  const buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  let used = 0;
  let written = 0;
  const flush = async () => {
    if (!used) return;
    const length = used;
    used = 0;
    await file.write(buffer, 0, length);
    written += length;
    await hooks.afterBytes?.(written);
  };
  const push = async (text: string) => {
    const bytes = Buffer.byteLength(text);
    if (used + bytes > buffer.length) await flush();
    if (bytes > buffer.length) {
      await file.write(text);
      written += bytes;
      await hooks.afterBytes?.(written);
      return;
    }
    used += buffer.write(text, used);
  };
  /** Writes one object's line; a promise only when the buffer had to be flushed first. */
  const writeObject = (object: Entity | Relationship, isLast: boolean): Promise<void> | undefined => {
    const line = canonicalLine(object);
    // The timestamps follow the content, outside the hash (see timestamps.ts).
    const suffix = timestampSuffix(object);
    const extra = suffix === undefined ? 0 : suffix.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: when that fits, encode in place (once, for
    // the file and the hash alike); only await when the buffer is full, once per MiB.
    if (used + 3 * line.length + extra + 2 > buffer.length) {
      return flush().then(async () => {
        if (3 * line.length + extra + 2 > buffer.length) {
          hash.update(line).update(NEWLINE);
          const written = suffix === undefined ? line : `${line.slice(0, -1)}${suffix}`;
          await push(!isLast ? `${written},\n` : `${written}\n`);
          return;
        }
        encode(line, suffix, isLast);
      });
    }
    encode(line, suffix, isLast);
    return undefined;
  };
  const encode = (line: string, suffix: string | undefined, isLast: boolean) => {
    // The hash covers the line and a line feed, the file the line, a comma and a line feed: hash
    // `line\n` in one call, then turn that line feed into the comma.
    const start = used;
    used += buffer.write(line, used);
    buffer[used++] = LINE_FEED;
    hash.update(buffer.subarray(start, used));
    // Timestamps replace the closing brace and line feed (the suffix closes the object again).
    if (suffix !== undefined) {
      used -= 2;
      used += buffer.write(suffix, used, 'latin1');
      buffer[used++] = LINE_FEED;
    }
    if (!isLast) {
      buffer[used - 1] = COMMA;
      buffer[used++] = LINE_FEED;
    }
  };
  const writeSection = async (objects: Iterable<Entity | Relationship>) => {
    if (objects instanceof KeyOrdered) {
      // Already in key order (a graph on disk): one object ahead tells the last one.
      const iterator = objects[Symbol.iterator]();
      let next = iterator.next();
      while (!next.done) {
        const object = next.value;
        next = iterator.next();
        const flushed = writeObject(object, next.done === true);
        if (flushed) await flushed;
      }
      return;
    }
    const list: ReadonlyArray<Entity | Relationship> = Array.isArray(objects) ? objects : [...objects];
    const order = keyOrder(list);
    const last = list.length - 1;
    for (let index = 0; index <= last; index++) {
      const flushed = writeObject(list[order[index]], index === last);
      if (flushed) await flushed;
    }
  };
  try {
    await push(`{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"entities":[\n`);
    await writeSection(entities);
    hash.update('--relationships--\n');
    await push(`],"relationships":[\n`);
    await writeSection(relationships);
    const graphSha256 = hash.digest('hex');
    await push('],"metadata":');
    await writeMetadata({ ...metadata, graphSha256 }, push);
    await push('}\n');
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

/** Collector records per piece of {@link writeMetadata}. */
const RECORDS_PER_PIECE = 4096;

/**
 * Writes `JSON.stringify(metadata)`, its `collectors` list a piece at a time: at 1,000 accounts
 * that list holds 700,000 records, about 150 MB of JSON, which one string (and its encoding) would
 * add to the write's memory at once.
 */
export async function writeMetadata(metadata: SnapshotMetadata, push: (text: string) => Promise<void>): Promise<void> {
  const { collectors } = metadata;
  if (collectors.length <= RECORDS_PER_PIECE) return push(JSON.stringify(metadata));
  // The list's place in the object, marked by a value no metadata holds, keeps the properties' order.
  const mark = `\u0000collectors ${randomUUID()}\u0000`;
  const text = JSON.stringify({ ...metadata, collectors: mark });
  const [before, after] = text.split(JSON.stringify(mark));
  await push(`${before}[`);
  for (let start = 0; start < collectors.length; start += RECORDS_PER_PIECE) {
    const piece = JSON.stringify(collectors.slice(start, start + RECORDS_PER_PIECE));
    await push(start === 0 ? piece.slice(1, -1) : `,${piece.slice(1, -1)}`);
  }
  await push(`]${after}`);
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
