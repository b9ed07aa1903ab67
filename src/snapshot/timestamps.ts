/**
 * Change-tracking timestamps: `_createdOn` (the run that first saw an object) and `_updatedOn` (the
 * run that last saw its content change), epoch milliseconds as in JupiterOne. They are carried from
 * snapshot to snapshot, so they are not content: they are left out of the graph's `sha256`, of the
 * change fingerprints and of diffs. The writer puts them at the end of an object's line, after its
 * canonical JSON (`{...canonical,"_createdOn":1,"_updatedOn":2}`), where readers cut them off again.
 */
export const CREATED_ON = '_createdOn';
export const UPDATED_ON = '_updatedOn';
export const TIMESTAMP_PROPERTIES: readonly string[] = [CREATED_ON, UPDATED_ON];

export function isTimestampProperty(name: string): boolean {
  return name === CREATED_ON || name === UPDATED_ON;
}

export interface Timestamps {
  createdOn: number;
  updatedOn: number;
}

/** What the writer appends in place of the closing brace of an object that has both timestamps. */
export function timestampSuffix(object: object): string | undefined {
  const record = object as Record<string, unknown>;
  const created = record[CREATED_ON];
  const updated = record[UPDATED_ON];
  if (!Number.isSafeInteger(created) || !Number.isSafeInteger(updated) || (created as number) < 0 || (updated as number) < 0) return undefined;
  return `,"${CREATED_ON}":${created as number},"${UPDATED_ON}":${updated as number}}`;
}

const UPDATED_MARK = Buffer.from(`,"${UPDATED_ON}":`);
const CREATED_MARK = Buffer.from(`,"${CREATED_ON}":`);
const CLOSE = 0x7d;

/** Start of the run of ASCII digits that ends just before `end` (== end when there is none). */
function digitsBefore(bytes: Uint8Array, start: number, end: number): number {
  let at = end;
  while (at > start && bytes[at - 1] >= 0x30 && bytes[at - 1] <= 0x39) at--;
  return at;
}

function endsWith(bytes: Uint8Array, start: number, end: number, mark: Buffer): boolean {
  if (end - start < mark.length) return false;
  for (let index = 0; index < mark.length; index++) if (bytes[end - mark.length + index] !== mark[index]) return false;
  return true;
}

/**
 * Where the timestamp suffix of a line's bytes `[start, stop)` begins (the comma before
 * `"_createdOn"`), or -1 when the line has none. The content is then `[start, at)` plus `}`.
 */
export function timestampSuffixAt(bytes: Uint8Array, start: number, stop: number): number {
  if (stop - start < 2 || bytes[stop - 1] !== CLOSE) return -1;
  const updatedDigits = digitsBefore(bytes, start, stop - 1);
  if (updatedDigits === stop - 1 || !endsWith(bytes, start, updatedDigits, UPDATED_MARK)) return -1;
  const createdEnd = updatedDigits - UPDATED_MARK.length;
  const createdDigits = digitsBefore(bytes, start, createdEnd);
  if (createdDigits === createdEnd || !endsWith(bytes, start, createdDigits, CREATED_MARK)) return -1;
  return createdDigits - CREATED_MARK.length;
}

const SUFFIX_MARK = `,"${CREATED_ON}":`;
const SUFFIX = /^,"_createdOn":(\d+),"_updatedOn":(\d+)\}$/;

/** A line's canonical content (without the timestamps) and its timestamps, if it has them. */
export function splitTimestamps(line: string): { content: string; timestamps?: Timestamps } {
  if (line.charCodeAt(line.length - 1) !== CLOSE) return { content: line };
  const at = line.lastIndexOf(SUFFIX_MARK);
  if (at < 0) return { content: line };
  const match = SUFFIX.exec(line.slice(at));
  if (!match) return { content: line };
  return { content: `${line.slice(0, at)}}`, timestamps: { createdOn: Number(match[1]), updatedOn: Number(match[2]) } };
}
