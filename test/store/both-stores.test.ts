// One suite, both stores: the same ingestions through the CLI into snapshot files and into
// PostgreSQL, then the same queries, compliance evaluation, diff, history, alerts and report; the
// answers must be the same.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { runBinary } from '../helpers/cli';
import { freshDatabase } from '../helpers/postgres';
import { temporaryDirectory } from '../helpers/simulate';

const QUERIES = [
  'FIND aws_s3_bucket',
  'FIND aws_iam_role THAT TRUSTS aws_account',
  'FIND aws_instance AS i THAT USES aws_security_group AS g RETURN i._key, g._key',
  'FIND aws_account THAT HAS aws_vpc THAT CONTAINS aws_subnet RETURN count(aws_subnet)',
];

interface StoreUnderTest {
  name: string;
  /** Flags that point the commands at the store: ingest's, and the readers'. */
  ingestFlags: string[];
  flags: string[];
  env: Record<string, string>;
  /** Where the test writes its files (reports). */
  directory: string;
}

/** Removes, from every array held under `name` anywhere in a world, the items whose `Name` is `itemName` (S3 buckets); how many. */
function removeNamed(value: unknown, name: string, itemName: string): number {
  if (!value || typeof value !== 'object') return 0;
  let removed = 0;
  for (const [key, child] of Object.entries(value)) {
    if (key === name && Array.isArray(child)) {
      const index = child.findIndex((item) => (item as { Name?: string } | null)?.Name === itemName);
      if (index >= 0) {
        child.splice(index, 1);
        removed++;
      }
    }
    removed += removeNamed(child, name, itemName);
  }
  return removed;
}

/**
 * The built-in world, then the same world with a bucket removed (a second snapshot with a change):
 * one no other service names (a trail's log bucket would come back as a stand-in).
 */
async function worldFiles(directory: string): Promise<[string, string]> {
  const printed = await runBinary(['world', 'print']);
  if (printed.code !== 0) throw new Error(printed.stderr);
  const first = path.join(directory, 'world-1.yaml');
  writeFileSync(first, printed.stdout);
  const world = parse(printed.stdout) as unknown;
  if (removeNamed(world, 'buckets', 'acme-prod-audit-archive-eu') !== 1) throw new Error('the built-in world has no acme-prod-audit-archive-eu');
  const second = path.join(directory, 'world-2.yaml');
  writeFileSync(second, stringify(world));
  return [first, second];
}

async function answers(
  store: StoreUnderTest,
  worlds: [string, string],
  t: { is: (a: unknown, b: unknown, m?: string) => void },
): Promise<Record<string, unknown>> {
  for (const world of worlds) {
    // Alerts are evaluated after each run: their state (NEW, then ONGOING or RESOLVED) is kept by the store.
    const run = await runBinary(['ingest', '--simulate', world, ...store.ingestFlags, '--json'], store.env);
    t.is(run.code, 0, `${store.name} ingest: ${run.stderr}`);
  }
  const result: Record<string, unknown> = {};
  for (const query of QUERIES) {
    const run = await runBinary(['query', query, '--json', ...store.flags], store.env);
    t.is(run.code, 0, `${store.name} query ${query}: ${run.stderr}`);
    result[query] = JSON.parse(run.stdout);
  }
  const compliance = await runBinary(['compliance', '--json', ...store.flags], store.env);
  t.is(compliance.code === 0 || compliance.code === 1, true, `${store.name} compliance: ${compliance.stderr}`);
  result.compliance = JSON.parse(compliance.stdout);
  const diff = await runBinary(['diff', '--json', ...store.flags], store.env);
  t.is(diff.code, 0, `${store.name} diff: ${diff.stderr}`);
  const { old: _old, new: _new, ...changes } = JSON.parse(diff.stdout) as Record<string, unknown>;
  result.diff = changes;
  // The removed bucket: created in the first snapshot, deleted in the second.
  const removed = (changes as { changes: Array<{ change: string; _type: string; _key: string }> }).changes.find(
    (change) => change.change === 'deleted' && change._type === 'aws_s3_bucket',
  );
  t.is(typeof removed?._key, 'string', `${store.name}: the diff lists the removed bucket`);
  const history = await runBinary(['history', removed?._key ?? '?', '--json', ...store.flags], store.env);
  t.is(history.code, 0, `${store.name} history: ${history.stderr}`);
  result.history = JSON.parse(history.stdout);
  const alerts = await runBinary(['alerts', '--json', ...store.flags], store.env);
  t.is(alerts.code, 0, `${store.name} alerts: ${alerts.stderr}`);
  const { evaluateMs: _evaluateMs, ...alertSummary } = JSON.parse(alerts.stdout) as Record<string, unknown>;
  result.alerts = alertSummary;
  const reportFile = path.join(store.directory, `${store.name}-report.html`);
  const report = await runBinary(['report', '--out', reportFile, ...store.flags], store.env);
  t.is(report.code, 0, `${store.name} report: ${report.stderr}`);
  result.report = report.stdout.replace(reportFile, 'report.html');
  return result;
}

/** What differs by nature between the two runs: paths, wall-clock times (the runs are minutes apart), durations. */
function withoutRunDetails(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, item: unknown) =>
    [
      'path',
      'snapshot',
      'snapshotPath',
      'durationMs',
      'evaluatedAt',
      'startedAt',
      'endedAt',
      'generatedAt',
      '_createdOn',
      '_updatedOn',
      'firstSeenOn',
      'lastSeenOn',
      'resolvedOn',
    ].includes(key)
      ? undefined
      : item,
  );
}

test('query, compliance, diff, history, alerts and the report answer the same from snapshot files and from PostgreSQL', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const directory = temporaryDirectory('orggraph-both-stores-');
  const worlds = await worldFiles(directory);
  const files = await answers(
    { name: 'files', ingestFlags: ['--out', path.join(directory, 'files')], flags: ['--dir', path.join(directory, 'files')], env: {}, directory },
    worlds,
    t,
  );
  // The connection string travels in the environment, never in argv.
  const postgres = await answers(
    { name: 'postgres', ingestFlags: ['--store', 'postgres'], flags: ['--store', 'postgres'], env: { ORGGRAPH_STORE_URL: url }, directory },
    worlds,
    t,
  );
  t.true(((files as Record<string, { total?: number; data?: unknown[] }>)['FIND aws_s3_bucket']?.data?.length ?? 0) > 0, 'the queries find something');
  t.deepEqual(withoutRunDetails(postgres), withoutRunDetails(files));
  const diff = (postgres as { diff: { counts: { entities: { deleted: number } } } }).diff;
  t.true(diff.counts.entities.deleted >= 1, 'the removed bucket shows in the diff');
  const history = (postgres as { history: { events: Array<{ change: string }> } }).history;
  t.deepEqual(
    history.events.map((event) => event.change),
    ['created', 'deleted'],
  );
  const alerts = (postgres as { alerts: { counts: Record<string, number> } }).alerts;
  t.true(alerts.counts.NEW + alerts.counts.ONGOING > 0, 'some alert rule fires on the demo organization');
  // The PostgreSQL store kept the alert state in its database, not in a file.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM documents');
    t.deepEqual(
      rows.map((row) => row.name),
      ['alert-state.json'],
    );
  } finally {
    await client.end();
  }
});

test('a connection string with a password on the command line is refused before any work (exit 2)', async (t) => {
  const run = await runBinary(['ingest', '--simulate', '--store', 'postgres://orggraph:s3cret@127.0.0.1:1/graph', '--json']);
  t.is(run.code, 2);
  t.regex(run.stderr, /ORGGRAPH_STORE_URL|--store-url-file/);
  t.notRegex(run.stderr, /s3cret/);
});

test('the connection string in a file the configuration names (store.urlFile); prune bounds the history of a PostgreSQL store', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const directory = temporaryDirectory('orggraph-store-config-');
  const urlFile = path.join(directory, 'store-url');
  writeFileSync(urlFile, `${url}\n`, { mode: 0o600 });
  const configFile = path.join(directory, 'orggraph.yaml');
  // Relative to the configuration file, as every path in it.
  writeFileSync(configFile, stringify({ store: { kind: 'postgres', urlFile: 'store-url' } }));
  const [first, second] = await worldFiles(directory);
  for (const world of [first, second]) {
    const run = await runBinary(['ingest', '-c', configFile, '--simulate', world, '--json', '--no-alerts']);
    t.is(run.code, 0, run.stderr);
    t.regex((JSON.parse(run.stdout) as { snapshot: { path: string } }).snapshot.path, /^postgres:snapshot\/\d+$/);
    t.false(run.stdout.includes(url) || run.stderr.includes(url), 'the connection string is never printed');
  }
  const prune = await runBinary(['prune', '--keep', '1', '--store-url-file', urlFile]);
  t.is(prune.code, 0, prune.stderr);
  t.regex(prune.stdout, /^removed postgres:snapshot\/1$/m);
  const history = await runBinary(['history', 'no-such-key', '--json', '--store-url-file', urlFile]);
  t.is(history.code, 0, history.stderr);
  t.is((JSON.parse(history.stdout) as { snapshots: number }).snapshots, 1);
});
