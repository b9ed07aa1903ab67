import type { Entity } from '../graph/types';

/** The properties full-text search reads: names, display names, ids, keys and ARNs. */
export const SEARCHED_PROPERTIES = ['name', 'displayName', 'id', '_key', 'arn'] as const;

const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The lower-case form of a UTF-16 code unit that is part of a word (a letter or digit), or -1. */
function wordUnit(code: number): number {
  if (code < 128) {
    if (code >= 97 && code <= 122) return code;
    if (code >= 65 && code <= 90) return code + 32;
    if (code >= 48 && code <= 57) return code;
    return -1;
  }
  const character = String.fromCharCode(code);
  return WORD_CHARACTER.test(character) ? character.toLowerCase().charCodeAt(0) : -1;
}

/**
 * Calls `emit` with the 32-bit FNV-1a hash of each word (run of letters and digits, lower-cased)
 * of a text. No strings are made, so indexing a million entities leaves no garbage behind.
 */
function forEachTokenHash(text: string, emit: (hash: number) => void): void {
  let h = FNV_OFFSET;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const unit = wordUnit(text.charCodeAt(i));
    if (unit >= 0) {
      h = Math.imul(h ^ unit, FNV_PRIME);
      inWord = true;
    } else if (inWord) {
      emit(h >>> 0);
      h = FNV_OFFSET;
      inWord = false;
    }
  }
  if (inWord) emit(h >>> 0);
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

const BUCKET_BITS = 20;

/**
 * Full-text search over names, display names, ids, `_key`s and ARNs, as `FIND 'text'` does. The
 * text is split into words at spaces; an entity matches when every word occurs, case-insensitively,
 * as whole words in one of those properties (`web-1` matches `web-1` and `old web-1 host`, not
 * `web-10`). The index finds the entities holding the rarest of the query's letter-and-digit runs;
 * those are then checked against the words.
 *
 * The index keeps hashes, not strings: one 32-bit hash and one 32-bit entity id per distinct token
 * of an entity, grouped by hash into 2^20 buckets (a count pass, then a fill pass; no sort), so
 * about 8 bytes per token plus 4 MB. It is built the first time a query searches text.
 */
export class TextIndex {
  private readonly bucketStart: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly ids: Int32Array;

  constructor(private readonly entities: readonly Entity[]) {
    // The distinct token hashes of one entity, gathered into a reused buffer.
    let tokens = new Uint32Array(256);
    let size = 0;
    const add = (h: number) => {
      for (let i = 0; i < size; i++) if (tokens[i] === h) return;
      if (size === tokens.length) {
        const grown = new Uint32Array(size * 2);
        grown.set(tokens);
        tokens = grown;
      }
      tokens[size++] = h;
    };
    const gather = (entity: Entity) => {
      size = 0;
      for (const property of SEARCHED_PROPERTIES) {
        const value = entity[property];
        if (typeof value === 'string') forEachTokenHash(value, add);
        else if (Array.isArray(value)) for (const element of value) if (typeof element === 'string') forEachTokenHash(element, add);
      }
    };
    // Two passes over the entities, so that nothing but the final arrays is allocated: the
    // first counts the tokens of each bucket (the hash's top bits), the second places them.
    // Tokenizing twice costs less than growing buffers the size of the index (on a large heap,
    // big allocations trigger full garbage collections).
    const shift = 32 - BUCKET_BITS;
    const start = new Int32Array((1 << BUCKET_BITS) + 1);
    for (let id = 0; id < entities.length; id++) {
      gather(entities[id]);
      for (let i = 0; i < size; i++) start[(tokens[i] >>> shift) + 1]++;
    }
    for (let b = 1; b < start.length; b++) start[b] += start[b - 1];
    const total = start[start.length - 1];
    this.hashes = new Uint32Array(total);
    this.ids = new Int32Array(total);
    const fill = start.slice(0, start.length - 1);
    // Within a bucket the ids stay ascending, as the entities are visited in order.
    for (let id = 0; id < entities.length; id++) {
      gather(entities[id]);
      for (let i = 0; i < size; i++) {
        const at = fill[tokens[i] >>> shift]++;
        this.hashes[at] = tokens[i];
        this.ids[at] = id;
      }
    }
    this.bucketStart = start;
  }

  /** Bytes held by the index (its typed arrays). */
  get byteSize(): number {
    return this.bucketStart.byteLength + this.hashes.byteLength + this.ids.byteLength;
  }

  /** Calls `visit` with the ids of the entities holding a token with this hash (hashes may collide). */
  private forEachPosting(h: number, visit: (id: number) => void): void {
    const bucket = h >>> (32 - BUCKET_BITS);
    const end = this.bucketStart[bucket + 1];
    for (let i = this.bucketStart[bucket]; i < end; i++) if (this.hashes[i] === h) visit(this.ids[i]);
  }

  /** The ids of the entities matching the text, ascending. */
  search(text: string): number[] {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const hashes: number[] = [];
    for (const word of words) forEachTokenHash(word, (h) => hashes.push(h));
    let candidates: Iterable<number>;
    if (hashes.length === 0) {
      // Only punctuation: no word to look up, so every entity is a candidate.
      candidates = this.entities.keys();
    } else {
      let rarest = hashes[0];
      let size = Infinity;
      for (const h of hashes) {
        let count = 0;
        this.forEachPosting(h, () => count++);
        if (count < size) [rarest, size] = [h, count];
        if (size === 0) return [];
      }
      const list: number[] = [];
      this.forEachPosting(rarest, (id) => list.push(id));
      candidates = list;
    }
    const matches: number[] = [];
    for (const id of candidates) {
      const values = searchedValues(this.entities[id]);
      if (words.every((word) => values.some((value) => containsWord(value, word)))) matches.push(id);
    }
    return matches;
  }
}
