import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Entity, Relationship } from '../graph';
import { entityFingerprint, lineFingerprint, type ChangeCounts } from './diff';
import { CREATED_ON, UPDATED_ON, type Timestamps } from './timestamps';

/** How many changed keys of each kind {@link EntityDigest.stamp} keeps (the smallest ones). */
export const CHANGED_KEYS_KEPT = 20;

export interface ChangedKeys {
  created: string[];
  updated: string[];
  deleted: string[];
}

/** Keeps the `limit` smallest keys offered, sorted (a bounded insertion: few keys ever get in). */
function offerKey(keys: string[], key: string, limit: number): void {
  if (keys.length >= limit && key >= keys[keys.length - 1]) return;
  let at = keys.length;
  while (at > 0 && keys[at - 1] > key) at--;
  keys.splice(at, 0, key);
  if (keys.length > limit) keys.pop();
}

/**
 * 96 bits of a key, as three 32-bit lanes, each its own multiply-xor pass over the UTF-16 code units
 * with a murmur3 finalizer. Two keys of a snapshot share all three with odds of about n² / 2^97 (at
 * 3 million keys, 1 in 10^16); keys are names AWS and the collectors make, not chosen to collide, and
 * a collision would only miscount one change. Written here instead of a sha1 of the key: 0.2 µs per
 * key against 1.1 µs, measured on a generated organization's keys, twice per object per run.
 */
function hashKey(key: string, into: Uint32Array, at: number): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ key.length;
  let c = 0x6b43a9b5;
  for (let index = 0; index < key.length; index++) {
    const unit = key.charCodeAt(index);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
    b ^= b >>> 15;
    c = Math.imul(c + unit, 0xcc9e2d51);
    c = (c << 15) | (c >>> 17);
  }
  into[at] = finalize(a, 0x85ebca6b, 0xc2b2ae35);
  into[at + 1] = finalize(b, 0xcc9e2d51, 0x1b873593);
  into[at + 2] = finalize(c ^ key.length, 0x85ebca6b, 0xc2b2ae35);
}

function finalize(hash: number, first: number, second: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, first);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, second);
  return (hash ^ (hash >>> 16)) >>> 0;
}

const HASH_WORDS = 3;
const FINGERPRINT_BYTES = 20;
/** Per slot: the key's hash (12 bytes), the content's fingerprint (20), the timestamps' indexes (2 x 4). */
const SLOT_BYTES = HASH_WORDS * 4 + FINGERPRINT_BYTES + 8;
/** Slots per page: pages are allocated as slots are added, so nothing is copied and little is reserved. */
const PAGE_SHIFT = 14;
const PAGE_SLOTS = 1 << PAGE_SHIFT;
/** Keys per deflated block of names. */
const NAMES_PER_BLOCK = 4096;
/** A timestamps index meaning "the snapshot did not carry them". */
const NO_TIMESTAMP = 0;

/**
 * Keys in the order they were added, deflated a block at a time: they are read back only to name
 * the deleted objects, at the end of a run. At 2 million keys of a generated organization (about
 * 100 characters each), about 25 MB instead of 250 MB as strings.
 */
class DeflatedNames {
  private readonly blocks: Buffer[] = [];
  private pending: string[] = [];

  constructor(private readonly perBlock: number) {}

  append(key: string): void {
    this.pending.push(key);
    if (this.pending.length === this.perBlock) this.seal();
  }

  private seal(): void {
    this.blocks.push(deflateRawSync(JSON.stringify(this.pending), { level: 6 }));
    this.pending = [];
  }

  /** Calls `visit` with each key and its ordinal, skipping blocks where `wanted` says none is needed. */
  visit(wanted: (first: number, end: number) => boolean, visit: (key: string, ordinal: number) => void): void {
    const blocks = this.blocks.length;
    for (let block = 0; block <= blocks; block++) {
      const first = block * this.perBlock;
      const keys = block < blocks ? undefined : this.pending;
      const end = first + (keys ? keys.length : this.perBlock);
      if (end === first || !wanted(first, end)) continue;
      const names = keys ?? (JSON.parse(inflateRawSync(this.blocks[block]).toString('utf8')) as string[]);
      names.forEach((key, index) => visit(key, first + index));
    }
  }
}

/**
 * The previous snapshot's objects reduced to what change counts and timestamps need: per object a
 * 96-bit hash of its key, a 20-byte fingerprint of its content and its timestamps, in pages of typed
 * memory (40 bytes and a table entry per object), plus the keys themselves deflated, to name the
 * deleted objects. At 2 million objects that is about 130 MB where a map of key strings took
 * 480 MB (issue 22). `diff` counts exactly what {@link diffEntities} counts.
 */
export class EntityDigest {
  private readonly pages: Buffer[] = [];
  private readonly pageWords: Uint32Array[] = [];
  /** Open addressing over the key hashes: slot + 1, 0 when empty. */
  private table = new Uint32Array(1024);
  private used = 0;
  private readonly names: DeflatedNames;
  /** Distinct timestamps (one or two per earlier run): slots keep an index into this. */
  private readonly times: number[] = [NaN];
  private readonly timeIndexes = new Map<number, number>();
  private readonly probe = new Uint32Array(HASH_WORDS);

  /** @param namesPerBlock keys per deflated block (tests make it small). */
  constructor(namesPerBlock: number = NAMES_PER_BLOCK) {
    this.names = new DeflatedNames(namesPerBlock);
  }

  get size(): number {
    return this.used;
  }

  /** Adds an entity (a later one with the same key replaces an earlier one, as in `diffEntities`). */
  add(entity: Entity | Relationship): void {
    const record = entity as Record<string, unknown>;
    const createdOn = record[CREATED_ON];
    const updatedOn = record[UPDATED_ON];
    const timestamps = typeof createdOn === 'number' && typeof updatedOn === 'number' ? { createdOn, updatedOn } : undefined;
    this.addFingerprint(entity._key, entityFingerprint(entity), timestamps);
  }

  /**
   * Adds an entity by its key and canonical JSON (a snapshot line as `writeSnapshotFile` wrote it),
   * which must not hold volatile properties: `add` the parsed entity for those.
   */
  addCanonical(key: string, canonical: string, timestamps?: Timestamps): void {
    this.addFingerprint(key, lineFingerprint(canonical), timestamps);
  }

  private timeIndex(value: number): number {
    let index = this.timeIndexes.get(value);
    if (index === undefined) {
      index = this.times.push(value) - 1;
      this.timeIndexes.set(value, index);
    }
    return index;
  }

  /** The table position holding the probed key's slot, or the empty one where it would go. */
  private position(): number {
    const mask = this.table.length - 1;
    const [a, b, c] = this.probe;
    for (let at = a & mask; ; at = (at + 1) & mask) {
      const entry = this.table[at];
      if (entry === 0) return at;
      const slot = entry - 1;
      const words = this.pageWords[slot >>> PAGE_SHIFT];
      const word = (slot & (PAGE_SLOTS - 1)) * (SLOT_BYTES / 4);
      if (words[word] === a && words[word + 1] === b && words[word + 2] === c) return at;
    }
  }

  private slotOf(key: string): number | undefined {
    hashKey(key, this.probe, 0);
    const entry = this.table[this.position()];
    return entry === 0 ? undefined : entry - 1;
  }

  private grow(): void {
    const table = new Uint32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let slot = 0; slot < this.used; slot++) {
      const first = this.pageWords[slot >>> PAGE_SHIFT][(slot & (PAGE_SLOTS - 1)) * (SLOT_BYTES / 4)];
      let at = first & mask;
      while (table[at] !== 0) at = (at + 1) & mask;
      table[at] = slot + 1;
    }
    this.table = table;
  }

  private addFingerprint(key: string, fingerprint: Buffer, timestamps: Timestamps | undefined): void {
    hashKey(key, this.probe, 0);
    let at = this.position();
    let slot: number;
    if (this.table[at] !== 0) {
      slot = this.table[at] - 1;
    } else {
      if ((this.used + 1) * 4 > this.table.length * 3) {
        this.grow();
        at = this.position();
      }
      slot = this.used++;
      if (slot >>> PAGE_SHIFT === this.pages.length) {
        const page = Buffer.alloc(PAGE_SLOTS * SLOT_BYTES);
        this.pages.push(page);
        this.pageWords.push(new Uint32Array(page.buffer, page.byteOffset, page.length / 4));
      }
      this.table[at] = slot + 1;
      this.names.append(key);
    }
    const words = this.pageWords[slot >>> PAGE_SHIFT];
    const word = (slot & (PAGE_SLOTS - 1)) * (SLOT_BYTES / 4);
    words.set(this.probe, word);
    fingerprint.copy(this.pages[slot >>> PAGE_SHIFT], word * 4 + HASH_WORDS * 4, 0, FINGERPRINT_BYTES);
    words[word + 8] = timestamps ? this.timeIndex(timestamps.createdOn) : NO_TIMESTAMP;
    words[word + 9] = timestamps ? this.timeIndex(timestamps.updatedOn) : NO_TIMESTAMP;
  }

  /** Whether the slot's fingerprint is `fingerprint`. */
  private sameContent(slot: number, fingerprint: Buffer): boolean {
    const start = (slot & (PAGE_SLOTS - 1)) * SLOT_BYTES + HASH_WORDS * 4;
    return fingerprint.compare(this.pages[slot >>> PAGE_SHIFT], start, start + FINGERPRINT_BYTES) === 0;
  }

  private timestampsAt(slot: number): Timestamps | undefined {
    const words = this.pageWords[slot >>> PAGE_SHIFT];
    const word = (slot & (PAGE_SLOTS - 1)) * (SLOT_BYTES / 4);
    if (words[word + 8] === NO_TIMESTAMP) return undefined;
    return { createdOn: this.times[words[word + 8]], updatedOn: this.times[words[word + 9]] };
  }

  /** The timestamps the digested snapshot carried for a key (undefined when absent or not carried). */
  timestampsOf(key: string): Timestamps | undefined {
    const slot = this.slotOf(key);
    return slot === undefined ? undefined : this.timestampsAt(slot);
  }

  /**
   * Counts the changes as {@link diff} does and sets `_createdOn` and `_updatedOn` on every current
   * object: an object the digest did not hold is created `now`; one whose content is unchanged
   * keeps its timestamps; one whose content changed keeps `_createdOn` and is updated `now`. An
   * object of a snapshot written before timestamps existed counts as first seen at `knownSince`.
   * Keeps the first {@link CHANGED_KEYS_KEPT} keys of each kind, in key order.
   */
  stamp(current: Iterable<Entity | Relationship>, now: number, knownSince: number = now): { counts: ChangeCounts; keys: ChangedKeys } {
    const stamper = this.stamper(now, knownSince);
    for (const object of current) stamper.stamp(object);
    return stamper.finish();
  }

  /** {@link stamp} one object at a time (objects streamed from disk), the counts at the end. */
  stamper(now: number, knownSince: number = now): { stamp(object: Entity | Relationship): void; finish(): { counts: ChangeCounts; keys: ChangedKeys } } {
    const seen = new Uint8Array(this.used);
    const counts = { created: 0, updated: 0, deleted: 0 };
    const keys: ChangedKeys = { created: [], updated: [], deleted: [] };
    let matched = 0;
    return {
      stamp: (object) => {
        const record = object as Record<string, unknown>;
        const slot = this.slotOf(object._key);
        if (slot === undefined) {
          counts.created++;
          offerKey(keys.created, object._key, CHANGED_KEYS_KEPT);
          record[CREATED_ON] = now;
          record[UPDATED_ON] = now;
          return;
        }
        if (!seen[slot]) {
          seen[slot] = 1;
          matched++;
        }
        const timestamps = this.timestampsAt(slot);
        record[CREATED_ON] = timestamps ? timestamps.createdOn : knownSince;
        if (!this.sameContent(slot, entityFingerprint(object))) {
          counts.updated++;
          offerKey(keys.updated, object._key, CHANGED_KEYS_KEPT);
          record[UPDATED_ON] = now;
        } else {
          record[UPDATED_ON] = timestamps ? timestamps.updatedOn : knownSince;
        }
      },
      finish: () => {
        counts.deleted = this.used - matched;
        if (counts.deleted > 0) {
          // Only the blocks of names that hold a deleted key are inflated.
          const wanted = (first: number, end: number) => seen.subarray(first, end).indexOf(0) >= 0;
          this.names.visit(wanted, (key, slot) => {
            if (!seen[slot]) offerKey(keys.deleted, key, CHANGED_KEYS_KEPT);
          });
        }
        return { counts, keys };
      },
    };
  }

  /** Changes from the digested entities to `current`, counted as {@link diffEntities} counts them. */
  diff(current: Iterable<Entity | Relationship>): ChangeCounts {
    const seen = new Uint8Array(this.used);
    const counts = { created: 0, updated: 0, deleted: 0 };
    let matched = 0;
    for (const entity of current) {
      const slot = this.slotOf(entity._key);
      if (slot === undefined) {
        counts.created++;
        continue;
      }
      if (!seen[slot]) {
        seen[slot] = 1;
        matched++;
      }
      if (!this.sameContent(slot, entityFingerprint(entity))) counts.updated++;
    }
    counts.deleted = this.used - matched;
    return counts;
  }
}
