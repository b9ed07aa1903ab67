/**
 * What a V8 heap snapshot holds, by kind of object (not a benchmark): the live objects' own sizes
 * summed by constructor (objects, closures) or by V8 kind (strings, arrays, code), largest first.
 * Reads snapshots larger than a JavaScript string can be (the ingest benchmark's
 * `--heap-snapshots` writes one per thread at half of the collection).
 *
 *   node --import tsx bench/heap-summary.ts FILE.heapsnapshot [--top 30]
 */
import { readFileSync } from 'node:fs';

interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
}

/** The numbers of the JSON array that follows `"key":[` (digits, commas and whitespace only). */
function numbersAfter(buffer: Buffer, key: string): Uint32Array {
  const start = buffer.indexOf(`"${key}":[`) + key.length + 4;
  const end = buffer.indexOf(']', start);
  const values: number[] = [];
  let value = 0;
  let inNumber = false;
  for (let at = start; at < end; at++) {
    const byte = buffer[at];
    if (byte >= 48 && byte <= 57) {
      value = value * 10 + (byte - 48);
      inNumber = true;
    } else if (inNumber) {
      values.push(value);
      value = 0;
      inNumber = false;
    }
  }
  if (inNumber) values.push(value);
  return Uint32Array.from(values);
}

export function summarize(file: string, top = 30): string {
  const buffer = readFileSync(file);
  const metaStart = buffer.indexOf('"meta":');
  const metaEnd = buffer.indexOf('"node_count"', metaStart);
  const meta = JSON.parse(`{${buffer.toString('utf8', metaStart, metaEnd).replace(/,\s*$/, '')}}`).meta as SnapshotMeta;
  const nodes = numbersAfter(buffer, 'nodes');
  const stringsStart = buffer.indexOf('"strings":[') + '"strings":'.length;
  const stringsEnd = buffer.lastIndexOf(']') + 1;
  const strings = JSON.parse(buffer.toString('utf8', stringsStart, stringsEnd)) as string[];
  const fields = meta.node_fields.length;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const types = meta.node_types[0];
  const byKind = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let node = 0; node < nodes.length; node += fields) {
    const type = types[nodes[node + typeAt]];
    const size = nodes[node + sizeAt];
    total += size;
    const named = type === 'object' || type === 'closure' || type === 'native';
    const kind = named ? `${type} ${strings[nodes[node + nameAt]]}` : `(${type})`;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += size;
    byKind.set(kind, entry);
  }
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const rows = [...byKind].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top);
  return [
    `${file}: ${mb(total)} MB live in ${(nodes.length / fields).toLocaleString('en-US')} objects`,
    ...rows.map(([kind, { count, bytes }]) => `  ${mb(bytes).padStart(8)} MB  ${count.toLocaleString('en-US').padStart(11)}  ${kind.slice(0, 100)}`),
    `largest single objects, with what holds them (holder <- edge):`,
    ...largest(buffer, meta, nodes, strings, top),
  ].join('\n');
}

/** The largest objects by own size, each with its holders (object name and the edge's name). */
function largest(buffer: Buffer, meta: SnapshotMeta & { edge_fields?: string[] }, nodes: Uint32Array, strings: string[], top: number): string[] {
  const edges = numbersAfter(buffer, 'edges');
  const fields = meta.node_fields.length;
  const edgeFields = 3;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const countAt = meta.node_fields.indexOf('edge_count');
  const types = meta.node_types[0];
  const order: number[] = [];
  for (let node = 0; node < nodes.length; node += fields) order.push(node);
  order.sort((a, b) => nodes[b + sizeAt] - nodes[a + sizeAt]);
  const wanted = new Map(order.slice(0, top).map((node) => [node, [] as string[]]));
  let edge = 0;
  for (let node = 0; node < nodes.length; node += fields) {
    for (let k = 0; k < nodes[node + countAt]; k++, edge += edgeFields) {
      const holders = wanted.get(edges[edge + 2]);
      if (!holders || holders.length >= 3) continue;
      const edgeType = edges[edge];
      const edgeName = edgeType === 1 || edgeType === 4 ? `[${edges[edge + 1]}]` : strings[edges[edge + 1]];
      holders.push(`${types[nodes[node + typeAt]]} ${strings[nodes[node + nameAt]].slice(0, 40)} <- ${String(edgeName).slice(0, 40)}`);
    }
  }
  return [...wanted].map(
    ([node, holders]) =>
      `  ${(nodes[node + sizeAt] / 2 ** 20).toFixed(2).padStart(8)} MB  ${types[nodes[node + typeAt]]} ${strings[nodes[node + nameAt]].slice(0, 40)}  held by: ${holders.join('; ')}`,
  );
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--top');
  const top = at >= 0 ? Number(args[at + 1]) : 30;
  for (const file of args.filter((arg, index) => !arg.startsWith('--') && (at < 0 || index !== at + 1))) console.log(summarize(file, top));
}
