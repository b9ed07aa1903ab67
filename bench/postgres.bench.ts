/**
 * The PostgreSQL store on the query benchmark's 1,000,000-entity organization:
 *   - load: the whole graph written into an empty store (`PostgresStorage.write`: COPY into a
 *     staging table, then the temporal upsert), target under 60 s;
 *   - the two-hop J1QL benchmark query, both ways the issue asks to compare: compiled to SQL
 *     (`compileJ1ql`), and on the index loaded from the store; target under 1 s.
 *
 *   npm run bench -- postgres            # 1,000,000 entities
 *   npm run bench -- postgres --entities 200000
 *   npm run bench -- postgres --load-only   # the load alone (no query runs)
 *
 * The server: ORGGRAPH_BENCH_POSTGRES_URL (a database it may create and drop databases on), or the
 * test suite's throwaway cluster (Debian's PostgreSQL, started as the tests start it).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import { GraphIndex, parseQuery, runQuery } from '../src/query';
import type { SnapshotMetadata } from '../src/snapshot/format';
import { compileJ1ql } from '../src/store/postgres/j1ql';
import { PostgresStorage } from '../src/store/postgres/store';
import { ensureTestServer } from '../test/helpers/postgres';
import { generateGraph } from './query.bench';

export const TWO_HOPS =
  'FIND aws_security_group WITH default = false THAT PROTECTS aws_instance WITH active = true THAT USES aws_ebs_volume WITH encrypted = false';

const ACCOUNTS = 200;

function metadataFor(entities: number, relationships: number): Omit<SnapshotMetadata, 'graphSha256'> {
  const now = new Date().toISOString();
  return {
    format: 'aws-org-graph.snapshot/1',
    tool: { name: 'aws-org-graph', version: 'bench' },
    startedAt: now,
    endedAt: now,
    durationMs: 0,
    mode: 'simulated',
    accounts: [],
    skippedAccounts: [],
    regions: [],
    skippedRegions: [],
    collectors: [],
    errors: [],
    notRefreshed: [],
    counts: { entities: {}, relationships: {}, totalEntities: entities, totalRelationships: relationships, staleEntities: 0 },
    apiCalls: { calls: 0, throttled: 0 },
  };
}

/** A fresh database on the benchmark server, and how to drop it. */
export async function benchDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.ORGGRAPH_BENCH_POSTGRES_URL ? { url: process.env.ORGGRAPH_BENCH_POSTGRES_URL } : await ensureTestServer();
  if (!server.url) throw new Error(`no PostgreSQL server for the benchmark: ${(server as { problem?: string }).problem}`);
  const name = `${prefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: server.url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export async function run(total = option('entities', 1_000_000)): Promise<void> {
  const database = await benchDatabase('orggraph_bench_load');
  const store = new PostgresStorage(database.url);
  try {
    let started = performance.now();
    const graph = generateGraph(total);
    // An organization's graph is spread over its accounts: each account's subgraph is a partition of
    // the store, written in its own transaction. 200 accounts, relationships with their source.
    graph.entities.forEach((entity, index) => (entity._accountId = String(100_000_000_000 + (index % ACCOUNTS))));
    const accountOf = new Map(graph.entities.map((entity) => [entity._key, entity._accountId]));
    for (const relationship of graph.relationships) relationship._accountId = accountOf.get(relationship._fromEntityKey);
    const generation = performance.now() - started;
    // The schema is created before the clock starts: a load is into an existing (empty) store.
    const problem = await store.writeProblem();
    if (problem) throw new Error(problem);

    started = performance.now();
    const written = await store.write(graph.entities, graph.relationships, metadataFor(graph.entities.length, graph.relationships.length));
    const load = performance.now() - started;
    const ref = (await store.latest())!;
    if (process.argv.includes('--load-only')) {
      process.stdout.write(
        `Load of ${graph.entities.length.toLocaleString('en-US')} entities and ${graph.relationships.length.toLocaleString('en-US')} relationships into an empty store: ${seconds(load)} (${(load / 60_000).toFixed(2)} of the 60 s bound); load average ${loadavg()
          .map((value) => value.toFixed(2))
          .join(' ')}; graph sha256 ${written.graphSha256.slice(0, 16)}…; peak RSS ${Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20)} MB\n`,
      );
      return;
    }

    const query = parseQuery(TWO_HOPS);
    const compiled = compileJ1ql(query);
    if (!compiled) throw new Error('the two-hop query does not compile to SQL');
    const sqlRuns: Array<{ ms: number; total: number }> = [];
    for (let round = 0; round < 4; round++) {
      started = performance.now();
      const result = await store.queryCompiled(ref, compiled);
      sqlRuns.push({ ms: performance.now() - started, total: result.total });
    }

    started = performance.now();
    const snapshot = await store.read(ref);
    const index = GraphIndex.fromSnapshot(snapshot);
    const indexLoad = performance.now() - started;
    const indexRuns: Array<{ ms: number; total: number }> = [];
    for (let round = 0; round < 4; round++) {
      started = performance.now();
      const result = runQuery(index, query);
      indexRuns.push({ ms: performance.now() - started, total: result.total ?? 0 });
    }
    const totals = new Set([...sqlRuns, ...indexRuns].map((entry) => entry.total));
    if (totals.size !== 1) throw new Error(`SQL and the index disagree: ${[...totals].join(' vs ')}`);

    const lines = [
      `Graph: ${graph.entities.length.toLocaleString('en-US')} entities, ${graph.relationships.length.toLocaleString('en-US')} relationships in ${ACCOUNTS} accounts (generated in ${seconds(generation)})`,
      `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end; server: ${store.description}`,
      '',
      '| what | time | bound | ratio to the bound |',
      '| --- | ---: | ---: | ---: |',
      `| load into an empty store (COPY, temporal upsert, indexes, graph sha256) | ${seconds(load)} | 60 s | ${(load / 60_000).toFixed(2)} |`,
      `| two hops compiled to SQL, first run | ${Math.round(sqlRuns[0].ms)} ms | 1 s | ${(sqlRuns[0].ms / 1000).toFixed(2)} |`,
      `| two hops compiled to SQL, next 3 runs (median) | ${Math.round(median(sqlRuns.slice(1).map((entry) => entry.ms)))} ms | 1 s | ${(median(sqlRuns.slice(1).map((entry) => entry.ms)) / 1000).toFixed(2)} |`,
      `| index loaded from the store (read + index build) | ${seconds(indexLoad)} | - | - |`,
      `| two hops on the loaded index, first run | ${Math.round(indexRuns[0].ms)} ms | 1 s | ${(indexRuns[0].ms / 1000).toFixed(2)} |`,
      `| two hops on the loaded index, next 3 runs (median) | ${Math.round(median(indexRuns.slice(1).map((entry) => entry.ms)))} ms | 1 s | ${(median(indexRuns.slice(1).map((entry) => entry.ms)) / 1000).toFixed(2)} |`,
      '',
      `Result: ${sqlRuns[0].total.toLocaleString('en-US')} security groups (both ways); graph sha256 ${written.graphSha256.slice(0, 16)}…; peak RSS ${Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20)} MB`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await store.close();
    await database.drop();
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
