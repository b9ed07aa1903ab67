/**
 * Sharded ingestion into one PostgreSQL store: a generated 200-account organization ingested by a
 * single run (snapshot files), then by 4 `orggraph ingest --shard i/4 --store postgres` processes
 * started at once. The graph sha256 of the committed snapshot must equal the single run's; the
 * benchmark fails otherwise. Too slow for the test suite (which checks the same at 12 accounts,
 * test/store/postgres.test.ts).
 *
 *   npm run bench -- shards
 *   npm run bench -- shards --accounts 50
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { allSimulators } from '../src/services';
import { generateWorld } from '../src/sim/generate';
import { PostgresStorage } from '../src/store/postgres/store';
import { runBinary } from '../test/helpers/cli';
import { benchDatabase } from './postgres.bench';

const SHARDS = 4;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function run(accounts = option('accounts', 200)): Promise<void> {
  const world = generateWorld({ accounts, regions: 4, resourcesPerRegion: 10, mix: 'realistic', latencyMs: 0, throttling: false, seed: 42 }, allSimulators());
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-shards-'));
  const worldFile = path.join(directory, 'world.yaml');
  writeFileSync(worldFile, stringify(world));
  const database = await benchDatabase('orggraph_bench_shards');
  try {
    let started = performance.now();
    const single = await runBinary(['ingest', '--simulate', worldFile, '--out', path.join(directory, 'single'), '--json', '--no-alerts']);
    if (single.code !== 0) throw new Error(`single run: ${single.stderr}`);
    const singleTime = performance.now() - started;
    const singleSummary = JSON.parse(single.stdout) as { snapshot: { sha256: string }; totals: { entities: number; relationships: number } };

    // The connection string travels in the environment, as a user would pass it.
    const env = { ORGGRAPH_STORE_URL: database.url };
    started = performance.now();
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, index) =>
        runBinary(['ingest', '--simulate', worldFile, '--store', 'postgres', '--shard', `${index}/${SHARDS}`, '--json', '--no-alerts'], env),
      ),
    );
    const shardedTime = performance.now() - started;
    for (const [index, shard] of shards.entries()) if (shard.code !== 0) throw new Error(`shard ${index}/${SHARDS}: ${shard.stderr}`);
    const summaries = shards.map((shard) => JSON.parse(shard.stdout) as { snapshot: { sha256: string }; accounts: unknown[] });
    const store = new PostgresStorage(database.url);
    let committed: string;
    try {
      committed = (await store.readMetadata((await store.latest())!)).graphSha256;
    } finally {
      await store.close();
    }
    const equal = committed === singleSummary.snapshot.sha256;
    const lines = [
      `World: ${accounts} accounts, 4 regions, ${singleSummary.totals.entities.toLocaleString('en-US')} entities, ${singleSummary.totals.relationships.toLocaleString('en-US')} relationships`,
      '',
      '| run | wall | graph sha256 |',
      '| --- | ---: | --- |',
      `| single process, snapshot files | ${seconds(singleTime)} | ${singleSummary.snapshot.sha256} |`,
      `| ${SHARDS} concurrent shard processes, one PostgreSQL store (accounts per shard: ${summaries.map((summary) => summary.accounts.length).join(', ')}) | ${seconds(shardedTime)} | ${committed} |`,
      '',
      equal ? 'The sharded snapshot has the single run’s sha256.' : 'MISMATCH: the sharded snapshot differs from the single run.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!equal) throw new Error(`sharded sha256 ${committed} differs from the single run's ${singleSummary.snapshot.sha256}`);
  } finally {
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
