/**
 * Change tracking and alert rules at scale (not a test).
 *
 *   npm run bench -- changes [--entities 1000000] [--only diff|alerts]
 *
 * `diff`: two consecutive runs of the snapshot benchmark's 1,000,000-entity graph (the second with
 * 1% of the entities changed, 1% gone, 1% new, and one failed scope carried forward) are written
 * with their `_createdOn`/`_updatedOn`, as `ingest` writes them; then, in a process of its own,
 * `diffSnapshots` compares the two files (created, updated and deleted entities and relationships,
 * property by property). Its wall time, CPU time and peak RSS are those of the diff alone.
 *
 * `alerts`: every rule of the published JupiterOne packs and of our AWS pack, on the query
 * benchmark's 1,000,000-entity organization (accounts, VPCs, subnets, security groups, instances,
 * volumes, IAM), in one process: the index is built once, then every rule runs.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { evaluateRules, loadAlertRules } from '../src/alerts';
import { diffSnapshots } from '../src/changes';
import { GraphIndex } from '../src/query';
import { EntityDigest, readPreviousSnapshot, SnapshotStore } from '../src/snapshot';
import type { SnapshotMetadata } from '../src/snapshot/format';
import { benchMain, measureInChild } from './child';
import { generateGraph } from './query.bench';
import { buildGraph } from './snapshot.bench';

const T1 = Date.UTC(2026, 2, 1, 8);
const T2 = T1 + 86_400_000;

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

function metadata(entities: number, relationships: number, at: number): Omit<SnapshotMetadata, 'graphSha256'> {
  return {
    format: 'aws-org-graph.snapshot/1',
    tool: { name: 'aws-org-graph', version: 'bench' },
    startedAt: new Date(at).toISOString(),
    endedAt: new Date(at + 1000).toISOString(),
    durationMs: 1000,
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

/** Writes run `generation` of the graph into the store, stamped against the previous snapshot as `ingest` does. */
interface WriteMeasurement {
  path: string;
  /** Reading the previous snapshot (streaming: carry-forward and digests) and stamping the timestamps. */
  readAndStampMs: number;
  writeMs: number;
  peakRssMb: number;
}

async function writeRun(directory: string, count: number, generation: number): Promise<WriteMeasurement> {
  const store = new SnapshotStore(directory);
  const graph = buildGraph(count, generation);
  const latest = await store.latest();
  const readStarted = performance.now();
  const previous = latest ? await readPreviousSnapshot(latest.absolutePath, { failedScopes: [], everGrowingTypes: new Set() }) : undefined;
  const entities = [...graph.allEntities()];
  const relationships = [...graph.allRelationships()];
  const at = generation === 0 ? T1 : T2;
  (previous?.digest ?? new EntityDigest()).stamp(entities, at);
  (previous?.relationshipDigest ?? new EntityDigest()).stamp(relationships, at);
  const readAndStampMs = performance.now() - readStarted;
  const started = performance.now();
  const written = await store.write(entities, relationships, metadata(entities.length, relationships.length, at));
  return { path: written.path, readAndStampMs, writeMs: performance.now() - started, peakRssMb: peakRssMb() };
}

interface DiffMeasurement {
  case: 'diff';
  entities: number;
  bytes: number[];
  diffMs: number;
  diffCpuMs: number;
  peakRssMb: number;
  counts: unknown;
  changes: number;
}

interface AlertsMeasurement {
  case: 'alerts';
  entities: number;
  relationships: number;
  rules: number;
  indexMs: number;
  evaluateMs: number;
  evaluateCpuMs: number;
  firing: number;
  slowest: Array<{ rule: string; ms: number }>;
  peakRssMb: number;
}

async function measure(args: string[]): Promise<unknown> {
  const [which, countText, ...rest] = args;
  const count = Number(countText);
  if (which === 'write') {
    const [directory, generation] = rest;
    return writeRun(directory, count, Number(generation));
  }
  if (which === 'diff') {
    const [oldFile, newFile] = rest;
    const started = performance.now();
    const cpu = cpuMs();
    const diff = await diffSnapshots(oldFile, newFile);
    const measurement: DiffMeasurement = {
      case: 'diff',
      entities: count,
      bytes: [statSync(oldFile).size, statSync(newFile).size],
      diffMs: performance.now() - started,
      diffCpuMs: cpuMs() - cpu,
      peakRssMb: peakRssMb(),
      counts: diff.counts,
      changes: diff.changes.length,
    };
    return measurement;
  }
  const graph = generateGraph(count);
  const rules = loadAlertRules();
  const indexStarted = performance.now();
  const index = new GraphIndex(graph.entities, graph.relationships);
  const indexMs = performance.now() - indexStarted;
  const started = performance.now();
  const cpu = cpuMs();
  const evaluations = evaluateRules(index, rules, { now: Date.UTC(2025, 0, 1) });
  const measurement: AlertsMeasurement = {
    case: 'alerts',
    entities: graph.entities.length,
    relationships: graph.relationships.length,
    rules: rules.length,
    indexMs,
    evaluateMs: performance.now() - started,
    evaluateCpuMs: cpuMs() - cpu,
    firing: evaluations.filter((e) => e.fired).length,
    slowest: evaluations
      .map((e) => ({ rule: e.rule.name, ms: Math.round(e.durationMs) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5),
    peakRssMb: peakRssMb(),
  };
  return measurement;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

export async function run(): Promise<void> {
  const count = Number(option('entities') ?? 1_000_000);
  const only = option('only');
  if (only !== 'alerts') {
    const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-changes-bench-'));
    try {
      const first = await measureInChild<WriteMeasurement>(__filename, ['write', String(count), directory, '0']);
      const second = await measureInChild<WriteMeasurement>(__filename, ['write', String(count), directory, '1']);
      for (const [name, run] of [
        ['first run', first],
        ['second run', second],
      ] as const) {
        console.log(
          `${name}: previous read and stamped in ${(run.readAndStampMs / 1000).toFixed(1)} s, written in ${(run.writeMs / 1000).toFixed(1)} s, peak RSS ${Math.round(run.peakRssMb)} MB`,
        );
      }
      const diff = await measureInChild<DiffMeasurement>(__filename, ['diff', String(count), first.path, second.path]);
      console.log(JSON.stringify(diff, null, 2));
      console.log(
        `diff of two ${count.toLocaleString('en')}-entity snapshots: ${(diff.diffMs / 1000).toFixed(1)} s wall, ${(diff.diffCpuMs / 1000).toFixed(1)} s CPU, peak RSS ${Math.round(diff.peakRssMb)} MB`,
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
  if (only !== 'diff') {
    const alerts = await measureInChild<AlertsMeasurement>(__filename, ['alerts', String(count)]);
    console.log(JSON.stringify(alerts, null, 2));
    console.log(
      `${alerts.rules} alert rules on ${alerts.entities.toLocaleString('en')} entities: ${(alerts.evaluateMs / 1000).toFixed(1)} s wall (index ${(alerts.indexMs / 1000).toFixed(1)} s), peak RSS ${Math.round(alerts.peakRssMb)} MB`,
    );
  }
}

if (require.main === module) benchMain(measure, run);
