import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { GraphStore, keepsExisting } from './store';
import type { Entity, Relationship } from './types';

const CHUNK_BYTES = 1 << 20;
/** How much a read in file order takes at once, and how far ahead of the last read counts as in order. */
const READ_AHEAD_BYTES = 256 * 1024;
const READ_AHEAD_GAP = 64 * 1024;
const PLACEHOLDER = 'system-mapper';

function accountKey(type: string, accountId: string | undefined): string {
  return `${type}|${accountId ?? ''}`;
}

/** Keys in the order the snapshot writer sorts them (UTF-16 code units). */
function byKey(a: string, b: string): number {
  return a < b ? -1 : a === b ? 0 : 1;
}

/** The keys of the entities of one type in one account. */
interface FiledList {
  type: string;
  keys: string[];
}

/** An object read back from the spill file, kept while a step may still change it. */
interface Materialized {
  object: Entity | Relationship;
  /** The line it was read from: a different serialization at {@link SpilledGraph.settle} is written back. */
  text: string;
  kind: 'entity' | 'relationship';
}

/** How many objects a {@link SpilledGraph} holds in full, now and at most (tests, benchmarks). */
export interface HeldCounts {
  /** Placeholders (mapped entities), always in memory: the mappings and carry-forward rewrite them. */
  resident: number;
  /** Objects read back and kept until the next {@link SpilledGraph.settle}. */
  cached: number;
  /** The largest `resident + cached` seen so far. */
  peak: number;
  /**
   * What the peak was made of: placeholders; objects one step read (one mapping task reads its
   * account); entities of the lists the cross-account mappings read ({@link SpilledGraph.entitiesOfType}:
   * roles and users of trust policies, the hosts and gateways DNS records may name).
   */
  atPeak: { resident: number; cached: number; pinned: number };
  /** Objects on disk, held in memory only as their key and position. */
  spilled: { entities: number; relationships: number };
}

/**
 * The organization's graph of a large run, on disk. Every object added is written at once as a JSON
 * line to a file in a private temporary directory; memory keeps, per object, only its key and where
 * its line is (and, per entity, its key in the type and type x account lists, in the order the
 * in-memory {@link GraphStore} keeps them). Placeholders (`_source: system-mapper`, a few per
 * account) stay in memory: the end-of-run steps rewrite them.
 *
 * Reads give back objects parsed from the file, kept (so they can be changed, and are the same
 * object when asked again) until {@link settle}, which writes back those whose content changed and
 * forgets them all: callers settle between steps that hold no object across them (one mapping task,
 * one carry-forward step), which bounds what is held by what one step reads. The lists of
 * {@link entitiesOfType} (read across accounts by the trust and DNS mappings) are kept until a
 * settle with `types: true`.
 *
 * The same calls as {@link GraphStore} give the same answers, in the same order, so every end-of-run
 * step and the snapshot (written from {@link sortedEntities} and {@link sortedRelationships}) are
 * the same as with the graph in memory.
 */
export class SpilledGraph extends GraphStore {
  readonly directory: string;
  private readonly file: string;
  private fd: number;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkUsed = 0;
  private readBuffer = Buffer.allocUnsafe(64 * 1024);
  /** Lines read ahead: the bytes of the file from {@link windowStart} to {@link windowEnd}. */
  private readonly window = Buffer.allocUnsafe(READ_AHEAD_BYTES);
  private windowStart = 0;
  private windowEnd = 0;
  private lastOffset = -1;
  /** Bytes in the file, flushed or still in {@link chunk}. */
  private size = 0;
  private flushed = 0;
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private slots = 0;
  private readonly entitySlots = new Map<string, number>();
  private readonly relationshipSlots = new Map<string, number>();
  private readonly placeholders = new Map<string, Entity>();
  private readonly typeLists = new Map<string, string[]>();
  private readonly typeAccountLists = new Map<string, FiledList>();
  /** Per entity key, the type x account list it was filed under (one shared object per list, not a pair per entity). */
  private readonly filedUnder = new Map<string, FiledList>();
  private readonly cache = new Map<string, Materialized>();
  /** Entities of the lists of {@link entitiesOfType}: kept across plain settles. */
  private readonly pinned = new Map<string, Materialized>();
  private readonly typeCache = new Map<string, Entity[]>();
  private peakHeld = 0;
  private heldAtPeak = { resident: 0, cached: 0, pinned: 0 };
  /** Set when the graph is closed: its counts then (its keys are gone). */
  private countsAtClose?: { entities: number; relationships: number; held: HeldCounts };

  /** @param parent where the temporary directory goes (the run's output directory, or the system's). */
  constructor(parent: string) {
    super();
    this.directory = mkdtempSync(path.join(parent, '.orggraph-spill-'));
    this.file = path.join(this.directory, 'graph.jsonl');
    this.fd = openSync(this.file, 'w+', 0o600);
  }

  /**
   * Removes the temporary directory and forgets every key and list: the graph cannot be read after,
   * and what it held (at 1,000 accounts, two million keys, about 300 MB) is free while the run's
   * caller reads the snapshot back. Safe to call twice.
   */
  close(): void {
    if (this.countsAtClose) return;
    this.countsAtClose = { entities: this.entityCount, relationships: this.relationshipCount, held: this.held() };
    closeSync(this.fd);
    rmSync(this.directory, { recursive: true, force: true });
    for (const map of [
      this.entitySlots,
      this.relationshipSlots,
      this.placeholders,
      this.typeLists,
      this.typeAccountLists,
      this.filedUnder,
      this.cache,
      this.pinned,
      this.typeCache,
    ]) {
      map.clear();
    }
    this.offsets = new Float64Array(0);
    this.lengths = new Uint32Array(0);
    this.slots = 0;
  }

  held(): HeldCounts {
    if (this.countsAtClose) return this.countsAtClose.held;
    return {
      resident: this.placeholders.size,
      cached: this.cache.size + this.pinned.size,
      peak: this.peakHeld,
      atPeak: { ...this.heldAtPeak },
      spilled: { entities: this.entitySlots.size, relationships: this.relationshipSlots.size },
    };
  }

  private notePeak(): void {
    const held = this.placeholders.size + this.cache.size + this.pinned.size;
    if (held > this.peakHeld) {
      this.peakHeld = held;
      this.heldAtPeak = { resident: this.placeholders.size, cached: this.cache.size, pinned: this.pinned.size };
    }
  }

  private check(): void {
    if (this.countsAtClose) throw new Error('the graph of this run was spilled to disk and is gone: read its snapshot from the store');
  }

  private flush(): void {
    let written = 0;
    while (written < this.chunkUsed) written += writeSync(this.fd, this.chunk, written, this.chunkUsed - written, this.flushed + written);
    this.flushed += this.chunkUsed;
    this.chunkUsed = 0;
  }

  /** Appends a line; answers its slot (a new one, or `slot` moved to the new line). */
  private append(text: string, slot?: number): number {
    this.check();
    const bytes = Buffer.byteLength(text);
    if (this.chunkUsed + bytes > CHUNK_BYTES) this.flush();
    const offset = this.size;
    if (bytes > CHUNK_BYTES) {
      const buffer = Buffer.from(text);
      let written = 0;
      while (written < bytes) written += writeSync(this.fd, buffer, written, bytes - written, offset + written);
      this.flushed += bytes;
    } else {
      this.chunk.write(text, this.chunkUsed);
      this.chunkUsed += bytes;
    }
    this.size += bytes;
    if (slot === undefined) {
      slot = this.slots++;
      if (slot === this.offsets.length) {
        const offsets = new Float64Array(slot * 2);
        offsets.set(this.offsets);
        this.offsets = offsets;
        const lengths = new Uint32Array(slot * 2);
        lengths.set(this.lengths);
        this.lengths = lengths;
      }
    }
    this.offsets[slot] = offset;
    this.lengths[slot] = bytes;
    return slot;
  }

  private line(slot: number): string {
    this.check();
    const offset = this.offsets[slot];
    const length = this.lengths[slot];
    if (offset + length > this.flushed) this.flush();
    const inWindow = offset >= this.windowStart && offset + length <= this.windowEnd;
    // A pass in file order (every object, or a list filed as it was written) reads ahead a window
    // of lines at a time: one read per line cost 10 µs, most of it the system call (issue 22).
    const forward = offset >= this.lastOffset && offset - this.lastOffset <= READ_AHEAD_GAP;
    this.lastOffset = offset;
    if (!inWindow && forward && length <= READ_AHEAD_BYTES) {
      const end = Math.min(this.flushed, offset + READ_AHEAD_BYTES);
      let read = 0;
      while (read < end - offset) read += readSync(this.fd, this.window, read, end - offset - read, offset + read);
      this.windowStart = offset;
      this.windowEnd = end;
    } else if (!inWindow) {
      if (length > this.readBuffer.length) this.readBuffer = Buffer.allocUnsafe(Math.max(length, this.readBuffer.length * 2));
      const buffer = this.readBuffer;
      let read = 0;
      while (read < length) read += readSync(this.fd, buffer, read, length - read, offset + read);
      return buffer.toString('utf8', 0, length);
    }
    return this.window.toString('utf8', offset - this.windowStart, offset - this.windowStart + length);
  }

  private materialize(key: string, slot: number, kind: Materialized['kind']): Entity | Relationship {
    const cached = this.cache.get(key) ?? (kind === 'entity' ? this.pinned.get(key) : undefined);
    if (cached && cached.kind === kind) return cached.object;
    const text = this.line(slot);
    const object = JSON.parse(text) as Entity | Relationship;
    // An entity and a relationship of one key (never seen in practice): the second is not kept.
    if (cached) return object;
    this.cache.set(key, { object, text, kind });
    this.notePeak();
    return object;
  }

  /** An object as stored, not kept: for passes that read every object once and change none. */
  private peek(slot: number): Entity | Relationship {
    return JSON.parse(this.line(slot)) as Entity | Relationship;
  }

  private fileUnder(key: string, type: string, accountId: string | undefined): void {
    let ofType = this.typeLists.get(type);
    if (!ofType) this.typeLists.set(type, (ofType = []));
    ofType.push(key);
    const listKey = accountKey(type, accountId);
    let list = this.typeAccountLists.get(listKey);
    if (!list) this.typeAccountLists.set(listKey, (list = { type, keys: [] }));
    list.keys.push(key);
    this.filedUnder.set(key, list);
    this.typeCache.delete(type);
  }

  private unfile(key: string): void {
    const list = this.filedUnder.get(key);
    if (!list) return;
    this.filedUnder.delete(key);
    for (const keys of [this.typeLists.get(list.type), list.keys]) if (keys) keys.splice(keys.lastIndexOf(key), 1);
    this.typeCache.delete(list.type);
  }

  override addEntity(entity: Entity): boolean {
    const key = entity._key;
    const existed = this.hasEntity(key);
    if (existed) this.unfile(key);
    this.cache.delete(key);
    this.pinned.delete(key);
    if (entity._source === PLACEHOLDER) {
      this.entitySlots.delete(key);
      this.placeholders.set(key, entity);
      this.notePeak();
    } else {
      this.placeholders.delete(key);
      this.entitySlots.set(key, this.append(JSON.stringify(entity), this.entitySlots.get(key)));
    }
    this.fileUnder(key, entity._type, entity._accountId);
    return !existed;
  }

  override addRelationship(relationship: Relationship): boolean {
    const key = relationship._key;
    const previous = this.relationshipSlots.get(key);
    if (previous !== undefined) {
      const existing = this.getRelationship(key);
      if (existing && keepsExisting(existing, relationship)) return false;
    }
    this.cache.delete(key);
    this.relationshipSlots.set(key, this.append(JSON.stringify(relationship), previous));
    return previous === undefined;
  }

  override getEntity(key: string): Entity | undefined {
    this.check();
    const placeholder = this.placeholders.get(key);
    if (placeholder) return placeholder;
    const slot = this.entitySlots.get(key);
    return slot === undefined ? undefined : (this.materialize(key, slot, 'entity') as Entity);
  }

  override hasEntity(key: string): boolean {
    this.check();
    return this.placeholders.has(key) || this.entitySlots.has(key);
  }

  override getRelationship(key: string): Relationship | undefined {
    this.check();
    const slot = this.relationshipSlots.get(key);
    return slot === undefined ? undefined : (this.materialize(key, slot, 'relationship') as Relationship);
  }

  override entitiesOfType(type: string): readonly Entity[] {
    this.check();
    let entities = this.typeCache.get(type);
    if (!entities) {
      entities = (this.typeLists.get(type) ?? []).map((key) => this.getEntity(key)!);
      for (const entity of entities) {
        const cached = this.cache.get(entity._key);
        if (cached?.kind !== 'entity') continue;
        this.cache.delete(entity._key);
        this.pinned.set(entity._key, cached);
      }
      this.typeCache.set(type, entities);
    }
    return entities;
  }

  /** Each entity of the type, as held or as stored (not kept: changes to spilled ones are lost). */
  override *scanEntitiesOfType(type: string): IterableIterator<Entity> {
    this.check();
    for (const key of [...(this.typeLists.get(type) ?? [])]) {
      const held = this.placeholders.get(key) ?? (this.cache.get(key) ?? this.pinned.get(key))?.object;
      const slot = this.entitySlots.get(key);
      if (held) yield held as Entity;
      else if (slot !== undefined) yield this.peek(slot) as Entity;
    }
  }

  override entitiesOfTypeInAccount(type: string, accountId: string): readonly Entity[] {
    this.check();
    return (this.typeAccountLists.get(accountKey(type, accountId))?.keys ?? []).map((key) => this.getEntity(key)!);
  }

  /** Every entity, read one at a time: changes to spilled ones are not kept (placeholders' are). */
  override *allEntities(): IterableIterator<Entity> {
    this.check();
    for (const entity of this.placeholders.values()) yield entity;
    for (const [key, slot] of [...this.entitySlots])
      yield ((this.cache.get(key) ?? this.pinned.get(key))?.object as Entity | undefined) ?? (this.peek(slot) as Entity);
  }

  /** Every relationship, read one at a time (changes are not kept). */
  override *allRelationships(): IterableIterator<Relationship> {
    this.check();
    for (const [key, slot] of [...this.relationshipSlots]) yield (this.cache.get(key)?.object as Relationship | undefined) ?? (this.peek(slot) as Relationship);
  }

  override removeRelationship(key: string): void {
    this.relationshipSlots.delete(key);
    const cached = this.cache.get(key);
    if (cached?.kind === 'relationship') this.cache.delete(key);
  }

  override remove(objects: { entities: Iterable<Entity>; relationships: Iterable<Relationship> }): void {
    for (const relationship of objects.relationships) this.removeRelationship(relationship._key);
    for (const entity of objects.entities) {
      const key = entity._key;
      if (!this.hasEntity(key)) continue;
      this.unfile(key);
      this.placeholders.delete(key);
      this.entitySlots.delete(key);
      if (this.cache.get(key)?.kind === 'entity') this.cache.delete(key);
      this.pinned.delete(key);
    }
  }

  override get entityCount(): number {
    return this.countsAtClose?.entities ?? this.placeholders.size + this.entitySlots.size;
  }

  override get relationshipCount(): number {
    return this.countsAtClose?.relationships ?? this.relationshipSlots.size;
  }

  /**
   * Writes back the objects read since the last settle whose content changed, and forgets them
   * (and, with `types`, the lists of {@link entitiesOfType}). No caller may keep an object across it.
   */
  override settle(options: { types?: boolean } = {}): void {
    if (this.countsAtClose) return;
    this.writeBack(this.cache);
    if (options.types) {
      this.writeBack(this.pinned);
      this.typeCache.clear();
    }
  }

  private writeBack(cache: Map<string, Materialized>): void {
    for (const [key, { object, text, kind }] of cache) {
      const slot = (kind === 'entity' ? this.entitySlots : this.relationshipSlots).get(key);
      if (slot === undefined) continue;
      const now = JSON.stringify(object);
      if (now !== text) this.append(now, slot);
    }
    cache.clear();
  }

  /** The entities in key order (as the snapshot lists them), read one at a time. */
  *sortedEntities(): IterableIterator<Entity> {
    this.settle({ types: true });
    const keys = [...this.placeholders.keys(), ...this.entitySlots.keys()].sort(byKey);
    for (const key of keys) {
      const placeholder = this.placeholders.get(key);
      yield placeholder ?? (this.peek(this.entitySlots.get(key)!) as Entity);
    }
  }

  /** The relationships in key order, read one at a time. */
  *sortedRelationships(): IterableIterator<Relationship> {
    this.settle({ types: true });
    const keys = [...this.relationshipSlots.keys()].sort(byKey);
    for (const key of keys) yield this.peek(this.relationshipSlots.get(key)!) as Relationship;
  }
}
