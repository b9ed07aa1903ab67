import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * One JSON document as a line of COPY's text format. JSON text has no raw control characters
 * (JSON.stringify escapes them), so the only character COPY would read as an escape is the
 * backslash: doubled.
 */
export function copyLine(json: string): string {
  return json.indexOf('\\') < 0 ? `${json}\n` : `${json.replaceAll('\\', '\\\\')}\n`;
}

/**
 * Streams lines into `COPY … FROM STDIN` (text format), batching them into large writes. The lines
 * are read as the server takes them (a stream of a graph on disk is never held whole); `afterBatch`
 * is awaited after each batch is handed over, with the characters handed over so far.
 */
export async function copyIn(
  client: PoolClient,
  sql: string,
  lines: Iterable<string>,
  afterBatch?: (characters: number) => void | Promise<void>,
): Promise<number> {
  let characters = 0;
  async function* batches(): AsyncGenerator<string> {
    let batch = '';
    for (const line of lines) {
      batch += line;
      if (batch.length >= 1 << 20) {
        yield batch;
        characters += batch.length;
        batch = '';
        await afterBatch?.(characters);
      }
    }
    if (batch) {
      yield batch;
      characters += batch.length;
      await afterBatch?.(characters);
    }
  }
  await pipeline(Readable.from(batches()), client.query(copyFrom(sql)));
  return characters;
}

/**
 * Streams the rows of `COPY (…) TO STDOUT` (text format, one column) and hands each value to
 * `onRow`, decoded (the doubled backslashes of {@link copyLine} undone; jsonb's text output has no
 * other character COPY escapes).
 */
export async function copyOut(client: PoolClient, sql: string, onRow: (value: string) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const handle = (text: string) => {
    let start = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', start)) {
      const line = text.slice(start, at);
      onRow(line.indexOf('\\') < 0 ? line : line.replaceAll('\\\\', '\\'));
      start = at + 1;
    }
    return text.slice(start);
  };
  await pipeline(
    client.query(copyTo(sql)),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        try {
          rest = handle(rest + decoder.write(chunk));
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
      final(callback) {
        try {
          rest = handle(rest + decoder.end());
          if (rest) onRow(rest.replaceAll('\\\\', '\\'));
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
    }),
  );
}
