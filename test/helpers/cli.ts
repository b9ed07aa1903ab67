import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
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

const execFileAsync = promisify(execFile);
const BIN = path.join(__dirname, '..', '..', 'bin', 'orggraph.js');

/** Runs `bin/orggraph.js` in a child process, as a user does; a non-zero exit is returned, not thrown. */
export async function runBinary(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
