import { main } from '../../src/cli/main';
import { SnapshotStore } from '../../src/snapshot/store';
import { buildGraph } from '../query/fixtures';
import { emptyMetadata } from './metadata';
import { temporaryDirectory } from './simulate';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (`orggraph ...args`), capturing what it prints. Serial tests only. */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'orggraph', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

/** A snapshot directory holding the query tests' example organization (test/query/fixtures.ts). */
export async function exampleSnapshotDirectory(prefix: string): Promise<{ directory: string; file: string }> {
  const directory = temporaryDirectory(prefix);
  const { entities, relationships } = buildGraph();
  const now = new Date().toISOString();
  const written = await new SnapshotStore(directory).write(
    entities,
    relationships,
    emptyMetadata({
      startedAt: now,
      endedAt: now,
      counts: { entities: {}, relationships: {}, totalEntities: entities.length, totalRelationships: relationships.length, staleEntities: 0 },
    }),
  );
  return { directory, file: written.path };
}
