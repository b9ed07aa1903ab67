import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { stringify } from 'yaml';
import { runCompliance } from '../../src/compliance';
import { SpilledGraph } from '../../src/graph';
import type { IngestResult } from '../../src/ingest';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import type { World } from '../../src/sim/types';
import { runBinary } from '../helpers/cli';
import { simulate, temporaryDirectory } from '../helpers/simulate';

/** Many accounts, few resources: the organization grows, each account stays small. */
function world(accounts: number, faults: World['faults'] = []): World {
  const generated = generateWorld({ accounts, regions: 2, resourcesPerRegion: 2, mix: 'realistic', seed: 7 }, allSimulators());
  return { ...generated, faults };
}

const at = (iso: string) => () => new Date(iso);

function spillDirectories(outputDir: string): string[] {
  return readdirSync(outputDir).filter((name) => name.startsWith('.orggraph-spill-'));
}

function assertSpilled(result: IngestResult): void {
  if (!(result.graph instanceof SpilledGraph)) throw new Error('the run did not keep its graph on disk');
}

function held(result: IngestResult) {
  assertSpilled(result);
  return (result.graph as SpilledGraph).held();
}

test('a graph kept on disk writes the same snapshot as one in memory, first run and carry-forward alike, and leaves no temporary file', async (t) => {
  const shas: Record<string, string[]> = { memory: [], disk: [] };
  const summaries: Record<string, IngestResult['summary'][]> = { memory: [], disk: [] };
  for (const mode of ['memory', 'disk'] as const) {
    const outputDir = temporaryDirectory();
    const options = { outputDir, spill: mode === 'disk', config: { workers: 2 } };
    const first = await simulate(world(24), { ...options, clock: at('2026-12-06T10:00:00Z') });
    // The second run loses KMS and EC2 in some accounts: their objects come from the first snapshot, stale.
    const faults: World['faults'] = [
      { account: first.summary.accounts[3].accountId, service: 'kms', error: 'AccessDenied' },
      { account: first.summary.accounts[5].accountId, service: 'ec2', error: 'AccessDenied' },
    ];
    const second = await simulate(world(24, faults), { ...options, clock: at('2026-12-06T11:00:00Z') });
    for (const result of [first, second]) {
      shas[mode].push(result.summary.snapshot.sha256);
      summaries[mode].push(result.summary);
      if (mode === 'disk') assertSpilled(result);
      t.is(result.graphKept, mode, 'the run says where it kept the graph');
    }
    t.deepEqual(spillDirectories(outputDir), [], `${mode}: no temporary directory left`);
  }
  t.true(summaries.memory[1].totals.staleEntities > 0, 'the second run carried stale entities forward');
  t.deepEqual(shas.disk, shas.memory);
  for (const index of [0, 1]) {
    // What does not depend on timing.
    const comparable = ({ counts, totals, changes, relationshipChanges, changedKeys, errors, notRefreshed }: IngestResult['summary']) => ({
      counts,
      totals,
      changes,
      relationshipChanges,
      changedKeys,
      errors,
      notRefreshed: notRefreshed.map(({ accountId, region, collector, types, entitiesCarried }) => ({ accountId, region, collector, types, entitiesCarried })),
    });
    t.deepEqual(
      comparable(summaries.disk[index]),
      comparable(summaries.memory[index]),
      `run ${index + 1}: same summary (counts, changes, changed keys, stale, carried)`,
    );
  }
});

/** The most objects (entities and relationships) one account's collectors added. */
function largestAccount(result: IngestResult): number {
  const perAccount = new Map<string, number>();
  for (const record of result.metadata.collectors)
    perAccount.set(record.accountId, (perAccount.get(record.accountId) ?? 0) + record.entities + record.relationships);
  return Math.max(0, ...perAccount.values());
}

/** Entities of the types the DNS mapping looks hosts and gateways up in, across the organization. */
const DNS_TARGETS = [
  'aws_instance',
  'aws_eip',
  'aws_cloudfront_distribution',
  'aws_api_gateway_rest_api',
  'aws_api_gateway_v2_api',
  'aws_alb',
  'aws_nlb',
  'aws_elb',
];

test('the parent holds in full only what one end-of-run step reads: one account, not the organization', async (t) => {
  const sizes = [16, 48];
  const results: Array<{ result: IngestResult; counts: ReturnType<typeof held> }> = [];
  for (const accounts of sizes) {
    const result = await simulate(world(accounts), { spill: true, config: { workers: 2 } });
    results.push({ result, counts: held(result) });
  }
  const objects = (r: IngestResult) => r.summary.totals.entities + r.summary.totals.relationships;
  const [small, large] = results;
  t.true(objects(large.result) > 2.5 * objects(small.result), `the organization grew (${objects(small.result)} to ${objects(large.result)} objects)`);
  for (const [index, { result, counts }] of results.entries()) {
    const label = `${sizes[index]} accounts`;
    // Every entity is on disk but the placeholders; every relationship is on disk.
    t.is(counts.spilled.entities + counts.resident, result.summary.totals.entities, label);
    t.is(counts.spilled.relationships, result.summary.totals.relationships, label);
    // What a step read at the peak: at most one account's objects (the mapping tasks run one at a time).
    t.true(counts.atPeak.cached <= largestAccount(result), `${label}: ${counts.atPeak.cached} read by one step, largest account ${largestAccount(result)}`);
    // No list is held across accounts: the DNS mapping looks the organization's hosts and gateways
    // up in an index of their addresses, and reads only those a record names (it held them all).
    const dnsTargets = DNS_TARGETS.reduce((sum, type) => sum + (result.summary.counts.entities[type] ?? 0), 0);
    t.true(dnsTargets > sizes[index], `${label}: ${dnsTargets} DNS targets`);
    t.is(counts.atPeak.pinned, 0, `${label}: ${counts.atPeak.pinned} pinned`);
    t.is(counts.peak, counts.atPeak.resident + counts.atPeak.cached + counts.atPeak.pinned);
  }
  // Three times the accounts: what one step reads stays one account's worth.
  t.true(large.counts.atPeak.cached <= Math.max(largestAccount(large.result), small.counts.atPeak.cached * 1.5));
  t.true(large.counts.peak < objects(large.result) / 10, `peak held ${large.counts.peak} of ${objects(large.result)} objects`);
  t.log(
    sizes
      .map((accounts, index) => `${accounts} accounts: ${objects(results[index].result)} objects, peak held ${JSON.stringify(results[index].counts.atPeak)}`)
      .join('; '),
  );
});

test('orggraph ingest keeps the graph on disk when workers collect, and evaluates compliance on it read back: the same as a run in memory', async (t) => {
  const generated = world(20);
  const file = path.join(temporaryDirectory(), 'world.yaml');
  writeFileSync(file, stringify(generated));
  const out = temporaryDirectory();
  const run = await runBinary(['ingest', '--simulate', file, '--out', out, '--json', '--log-format', 'json']);
  t.is(run.code, 0, run.stderr);
  const logged = run.stderr
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { message?: string }).message);
  t.true(logged.includes('collecting with 2 worker threads'), run.stderr);
  t.true(logged.includes("keeping the organization's graph on disk while the run builds it"), run.stderr);
  t.deepEqual(spillDirectories(out), [], 'no temporary file is left');
  const printed = JSON.parse(run.stdout) as { snapshot: { sha256: string }; compliance: unknown[]; totals: { entities: number } };

  const inMemory = await simulate(generated, { outputDir: temporaryDirectory(), config: { workers: 2 } });
  t.is(inMemory.graphKept, 'memory');
  t.is(printed.snapshot.sha256, inMemory.summary.snapshot.sha256);
  t.is(printed.totals.entities, inMemory.summary.totals.entities);
  const compliance = runCompliance(inMemory);
  t.true(Array.isArray(compliance) && compliance.length > 0, JSON.stringify(compliance));
  t.deepEqual(printed.compliance, JSON.parse(JSON.stringify(compliance)));
});
