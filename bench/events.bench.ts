/**
 * Event streaming (issue 24), on the built-in simulated organization (not a test).
 *
 *   npm run bench -- events [--changes 1000] [--baseline 200]
 *
 * 1. `--changes` mixed changes (security groups, instances, KMS keys, S3 buckets, IAM roles: creates,
 *    modifications, deletes), 10 per batch, their CloudTrail events delivered out of order, 10%
 *    twice, 10% a batch late, with one poison message; then one full run over the changed
 *    organization from the same first snapshot: the graph sha256 must be the same.
 * 2. The same kind of sequence (`--baseline` changes, 5 per batch) applied three ways: as `watch`
 *    does now, resource changes only (every batch read resource by resource), and every batch as a
 *    narrowed run of its events' services (how `watch` refreshed before per-resource refresh).
 *
 * Measured: events applied per second (wall time of the whole loop, snapshots written included),
 * API calls per event against a full run's, and each batch's refresh time: with `--window` (10 s by
 * default) a change reaches a snapshot within the window plus that time.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runSimulatedWatch, type SimulatedWatchResult } from '../src/events/simulated-watch';
import { ingest } from '../src/ingest';
import { loadSimulatedWorld } from '../src/sim/load-world';
import type { MutationKind } from '../src/sim/mutations';

const RESOURCE_KINDS: MutationKind[] = [
  'ec2:authorize-ingress',
  'ec2:revoke-ingress',
  'ec2:create-group',
  'ec2:delete-group',
  'kms:create-key',
  'kms:rotation',
  'kms:tag-key',
  'kms:schedule-deletion',
  'kms:cancel-deletion',
  's3:create-bucket',
  's3:delete-bucket',
  's3:put-policy',
  's3:delete-policy',
  's3:versioning',
  's3:tagging',
];

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const temporary = () => mkdtempSync(path.join(tmpdir(), 'orggraph-bench-events-'));
const at = (iso: string) => () => new Date(iso);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

interface Measured {
  label: string;
  result: SimulatedWatchResult;
  wallMs: number;
  fullSha: string;
  fullCalls: number;
}

async function sequence(label: string, changes: number, perBatch: number, extra: Partial<Parameters<typeof runSimulatedWatch>[0]>): Promise<Measured> {
  const world = loadSimulatedWorld(true);
  const directory = temporary();
  await ingest({ config: { outputDir: directory }, simulate: world, clock: at('2026-12-06T11:00:00Z') });
  const before = temporary();
  cpSync(directory, before, { recursive: true });
  const config = { outputDir: directory, organization: { managementAccountId: world.organization.managementAccountId } };
  const started = performance.now();
  const result = await runSimulatedWatch({ world, config, mutations: changes, perBatch, seed: 24, ...extra });
  const wallMs = performance.now() - started;
  const full = await ingest({ config: { outputDir: before }, simulate: world, clock: at('2026-12-06T13:00:00Z') });
  return { label, result, wallMs, fullSha: full.summary.snapshot.sha256, fullCalls: full.summary.apiCalls };
}

function row(measured: Measured): string {
  const { result, wallMs, fullSha, fullCalls } = measured;
  const equal = result.graphSha256 === fullSha ? 'yes' : '**no**';
  const perEvent = result.apiCalls / result.events;
  const modes = `${result.refreshes.resource} / ${result.refreshes.collector} / ${result.refreshes.narrowed}`;
  return `| ${measured.label} | ${result.changes} | ${result.events} | ${result.batches} | ${modes} | ${((result.events / wallMs) * 1000).toFixed(1)} | ${perEvent.toFixed(1)} | ${fullCalls} | ${percentile(result.refreshMs, 50)} / ${percentile(result.refreshMs, 95)} / ${Math.max(...result.refreshMs)} ms | ${equal} |`;
}

export async function run(): Promise<void> {
  const changes = option('changes', 1000);
  const baseline = option('baseline', 200);
  const rows: Measured[] = [];
  rows.push(await sequence(`${changes} mixed changes, 10 per batch, disordered`, changes, 10, { duplicates: 0.1, delayed: 0.1, poison: true }));
  rows.push(await sequence(`${baseline} mixed changes, 5 per batch`, baseline, 5, {}));
  rows.push(await sequence(`${baseline} resource changes, 5 per batch`, baseline, 5, { kinds: RESOURCE_KINDS }));
  rows.push(await sequence(`${baseline} mixed changes, 5 per batch, narrowed runs (before)`, baseline, 5, { narrowedOnly: true }));
  rows.push(await sequence(`${baseline} resource changes, 5 per batch, narrowed runs (before)`, baseline, 5, { kinds: RESOURCE_KINDS, narrowedOnly: true }));
  console.log(
    '| sequence | changes | events | batches | refreshes (resource / collector / narrowed) | events applied per s | API calls per event | API calls of a full run | refresh p50 / p95 / max | same sha256 as a full run |',
  );
  console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|---|');
  for (const measured of rows) console.log(row(measured));
  if (rows[0]!.result.graphSha256 !== rows[0]!.fullSha) process.exitCode = 1;
}

if (require.main === module) void run();
