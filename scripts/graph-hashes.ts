// Prints the graph sha256 of two reference ingestions: the built-in demo organization and a
// generated 50-account organization (realistic mix, seed 42, no latency). Refactors that must not
// change the graph compare these before and after. Usage:
//   node --import tsx scripts/graph-hashes.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { allSimulators } from '../src/services';
import { generateWorld } from '../src/sim/generate';
import { runBinary } from '../test/helpers/cli';

async function hashOf(args: string[]): Promise<string> {
  const out = mkdtempSync(path.join(tmpdir(), 'orggraph-hash-'));
  try {
    const result = await runBinary(['ingest', ...args, '--out', out, '--json']);
    if (result.code !== 0) throw new Error(`ingest ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    const summary = JSON.parse(result.stdout) as { graphSha256?: string; snapshot?: { sha256?: string } };
    return summary.graphSha256 ?? summary.snapshot?.sha256 ?? 'unknown';
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const world = generateWorld(
    { accounts: 50, regions: 16, resourcesPerRegion: 20, mix: 'realistic', latencyMs: 0, throttling: false, seed: 42 },
    allSimulators(),
  );
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-world-'));
  const worldFile = path.join(directory, 'world-50.yaml');
  writeFileSync(worldFile, stringify(world));
  console.log(`demo              ${await hashOf(['--simulate'])}`);
  console.log(`generated 50x16   ${await hashOf(['--simulate', worldFile])}`);
  rmSync(directory, { recursive: true, force: true });
}

void main();
