import type { Entity } from '../graph/types';

/** The properties full-text search reads: names, display names, ids and ARNs. */
export const SEARCHED_PROPERTIES = ['name', 'displayName', 'id', '_key', 'arn'] as const;

const TOKEN = /[\p{L}\p{N}]+/gu;
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** 32-bit FNV-1a of a token: the index keeps hashes, not strings, so its size is a few bytes per token. */
function hash(token: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function searchedValues(entity: Entity): string[] {
  const values: string[] = [];
  for (const property of SEARCHED_PROPERTIES) {
    const value = entity[property];
    if (typeof value === 'string') values.push(value.toLowerCase());
    else if (Array.isArray(value)) for (const element of value) if (typeof element === 'string') values.push(element.toLowerCase());
  }
  return values;
}

/** Whether `word` occurs in `value` as whole words: not inside a longer run of letters and digits. */
function containsWord(value: string, word: string): boolean {
  const checkStart = WORD_CHARACTER.test(word[0]);
  const checkEnd = WORD_CHARACTER.test(word[word.length - 1]);
  for (let at = value.indexOf(word); at >= 0; at = value.indexOf(word, at + 1)) {
    const before = at === 0 ? '' : value[at - 1];
    const after = value[at + word.length] ?? '';
    if ((!checkStart || !before || !WORD_CHARACTER.test(before)) && (!checkEnd || !after || !WORD_CHARACTER.test(after))) return true;
  }
  return false;
}

/**
 * Full-text search over names, display names, ids, `_key`s and ARNs, as `FIND 'text'` does. The
 * text is split into words at spaces; an entity matches when every word occurs, case-insensitively,
 * as whole words in one of those properties (`web-1` matches `web-1` and `old web-1 host`, not
 * `web-10`). Each word's letter-and-digit runs are looked up in the index, and the entities of the
 * rarest run are checked against the words.
 *
 * The index holds hashes of the tokens: per entity, one 32-bit hash and one 32-bit id per
 * distinct token, grouped by hash in 2^20 buckets (a count-then-fill pass, no sort), about 8 bytes
 * per token plus 4 MB. It is built the first time a query searches text.
 */
export class TextIndex {
  private readonly bucketStart: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly ids: Int32Array;
  private static readonly BUCKET_BITS = 20;

  constructor(private readonly entities: readonly Entity[]) {
    // First pass: the (hash, id) pairs, in growable typed arrays.
    let pairHashes = new Uint32Array(Math.max(1024, entities.length * 4));
    let pairIds = new Int32Array(pairHashes.length);
    let count = 0;
    const seen = new Set<number>();
    for (let id = 0; id < entities.length; id++) {
      seen.clear();
      for (const value of searchedValues(entities[id])) {
        for (const match of value.matchAll(TOKEN)) {
          const h = hash(match[0]);
          if (seen.has(h)) continue;
          seen.add(h);
          if (count === pairHashes.length) {
            const grownHashes = new Uint32Array(count * 2);
            grownHashes.set(pairHashes);
            pairHashes = grownHashes;
            const grownIds = new Int32Array(count * 2);
            grownIds.set(pairIds);
            pairIds = grownIds;
          }
          pairHashes[count] = h;
          pairIds[count] = id;
          count++;
        }
      }
    }
    // Second pass: group by bucket (the hash's top bits); within a bucket, ids stay ascending.
    const shift = 32 - TextIndex.BUCKET_BITS;
    const start = new Int32Array((1 << TextIndex.BUCKET_BITS) + 1);
    for (let i = 0; i < count; i++) start[(pairHashes[i] >>> shift) + 1]++;
    for (let b = 1; b < start.length; b++) start[b] += start[b - 1];
    const fill = start.slice(0, start.length - 1);
    this.hashes = new Uint32Array(count);
    this.ids = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const at = fill[pairHashes[i] >>> shift]++;
      this.hashes[at] = pairHashes[i];
      this.ids[at] = pairIds[i];
    }
    this.bucketStart = start;
  }

  /** Bytes held by the index (its typed arrays). */
  get byteSize(): number {
    return this.bucketStart.byteLength + this.hashes.byteLength + this.ids.byteLength;
  }

  /** Entity ids whose tokens include one with this token's hash (a superset: hashes may collide). */
  private postings(token: string): number[] {
    const h = hash(token);
    const bucket = h >>> (32 - TextIndex.BUCKET_BITS);
    const list: number[] = [];
    for (let i = this.bucketStart[bucket]; i < this.bucketStart[bucket + 1]; i++) if (this.hashes[i] === h) list.push(this.ids[i]);
    return list;
  }

  /** The ids of the entities matching the text, ascending. */
  search(text: string): number[] {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const tokens = words.flatMap((word) => [...word.matchAll(TOKEN)].map((match) => match[0]));
    let candidates: Iterable<number>;
    if (tokens.length === 0) {
      // Only punctuation: no token to look up, so every entity is a candidate.
      candidates = this.entities.keys();
    } else {
      let best: number[] | undefined;
      for (const token of tokens) {
        const list = this.postings(token);
        if (!best || list.length < best.length) best = list;
        if (best.length === 0) return [];
      }
      candidates = best as number[];
    }
    const matches: number[] = [];
    let last = -1;
    for (const id of candidates) {
      if (id === last) continue;
      last = id;
      const values = searchedValues(this.entities[id]);
      if (words.every((word) => values.some((value) => containsWord(value, word)))) matches.push(id);
    }
    return matches;
  }
}
