/**
 * Ingestion at organization scale (not a test). Generated simulated organizations (N accounts x 16
 * regions, every service whose simulator can `generate`, a realistic mix of resources) are ingested
 * end to end, organization discovery to snapshot, with a per-call latency and AWS-like token buckets
 * per account x region x action. Each size runs in its own process, so its peak RSS is its own.
 *
 *   npm run bench -- ingest [--sizes 10,50,200] [--regions 16] [--resources 20] [--latency 50]
 *                           [--mix realistic|uniform] [--services kms,ec2] [--seed 42] [--json]
 *                           [--no-floor] [--no-spill] [--heap-snapshots DIR] [--store files|postgres]
 *                           [--second-run]
 *
 * `--resources` scales the realistic mix (20: 143,754 entities at 200 accounts x 16 regions); with
 * `--no-spill` the parent keeps the organization's graph in memory instead of on disk.
 *
 * `--store postgres` writes the snapshot into a fresh database of the benchmark's PostgreSQL server
 * (ORGGRAPH_BENCH_POSTGRES_URL, or the test suite's throwaway cluster, as `npm run bench -- postgres`)
 * instead of a directory of files. The server's CPU is its own processes' and is printed apart.
 *
 * `--second-run` measures a run that follows another into the same store (what every `pulumi up`
 * after the first is: the previous snapshot read, unchanged objects carried, history merged): each
 * size is ingested once in a child of its own, then measured in another child.
 *
 * `--services` limits the run to some services (and what they depend on), e.g. to see the scheduler
 * against the buckets when the CPU is not what limits the run.
 *
 * The lower bound is computed from what the run actually did:
 *   - chain: the longest causal chain of calls (each call issued when another completed: pages,
 *     per-resource calls, dependencies between collectors and discovery phases) x latency;
 *   - buckets: for every simulated bucket, (calls it served - capacity) / refill rate;
 * and lower bound = max(chain, buckets). Neither counts CPU time, nor the STS AssumeRole call that
 * precedes each account's first call, so the bound is below what any schedule could reach. The
 * details also print a tighter one that combines the two (`discoveryBound`): each account's tags go
 * through the Organizations bucket, and its own chain of calls can only start after them.
 */
import { benchMain, measureInChild } from './child';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { writeHeapSnapshot } from 'node:v8';
import type { Worker } from 'node:worker_threads';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { CallChains } from '../src/aws/access';
import { RateLimiter } from '../src/aws/rate-limits';
import { SpilledGraph, type HeldCounts } from '../src/graph';
import { ingest, type IngestProgress, type IngestResult } from '../src/ingest';
import { allSimulators } from '../src/services';
import { generateWorld } from '../src/sim/generate';
import type { WorkerDiagnostics } from '../src/parallel/protocol';
import { sampleMemory, type MemorySample } from '../src/parallel/memory';
import { onSimulatedAwsCreated, type BucketUsage, type SimulatedAws, type SimulatorStats } from '../src/sim/simulator';
import { captureWireCalls, FloorProbe, measureFloors, weightFloors } from './sdk-floor';
import { PostgresStorage } from '../src/store/postgres/store';
import { graphInMemory } from '../src/store/committed';
import { runCompliance } from '../src/compliance';
import { alertsAfterIngest } from '../src/alerts/after-ingest';
import { loadAlertRules } from '../src/alerts/rules';
import { benchDatabase } from './postgres.bench';

/** Node flags of the measured processes: none, as the CLI and the Pulumi provider run. */
export const NODE_FLAGS: string[] = [];

export interface IngestBenchCase {
  accounts: number;
  regions: number;
  resources: number;
  latencyMs: number;
  mix: 'realistic' | 'uniform';
  /** Services to collect (all when absent). */
  services?: string[];
  /** Worker threads (`auto` when absent: one per CPU from 8 accounts per worker). */
  workers?: number;
  seed: number;
  /** Measure the SDK's floor after the run (default); `--no-floor` skips it. */
  floor?: boolean;
  /** Keep the organization's graph on disk (`ingest`'s `spill`, default); `--no-spill` keeps it in memory. */
  spill?: boolean;
  /**
   * `--heap-snapshots DIR`: at half of the collection, a heap snapshot of each thread there, and
   * one of the main thread as the snapshot is written (`bench/heap-summary.ts` reads them). Taking
   * them stops the threads for seconds: not for timing.
   */
  heapSnapshots?: string;
  /** Where the snapshot goes: a directory of files (default) or a fresh PostgreSQL database (`--store postgres`). */
  store?: 'files' | 'postgres';
  /** `--second-run`: measure a run into a store that a first run of the same organization wrote. */
  secondRun?: boolean;
  /** Stop after `ingest()`: no compliance and alerts on the graph read back, which `orggraph ingest` runs (`--ingest-only`). */
  ingestOnly?: boolean;
  /** The store to write into, left as it is afterwards (set by the parent for `--second-run`): a directory, or a database. */
  target?: { outputDir?: string; databaseUrl?: string };
}

/**
 * The run's CPU per call divided between the simulator, the part of the SDK a simulated run pays,
 * and ours; and the production estimate (ours plus the whole SDK) as a ratio to the SDK's floor.
 */
export interface CpuPerCall {
  runMs: number;
  simulatorMs: number;
  sdkInSimulationMs: number;
  oursMs: number;
  sdkFloorMs: number;
  productionEstimateMs: number;
  /** productionEstimateMs / sdkFloorMs: 1 would be an ingester that costs nothing beyond the SDK. */
  ratio: number;
  /** Share of the run's calls whose operation the floor measured. */
  coveredShare: number;
  uncovered: string[];
  /** The probe's samples during the run (CPU ms per call of every operation once): how many, lowest and highest. */
  floorSamples: { count: number; used: boolean; full: [number, number]; simulated: [number, number] };
  /** The run's mix over the samples' operations, measured alternately after the run. */
  mixOverSample: { full: number; simulated: number };
  /** The run's mix measured after the run only (medians of rounds). */
  afterFloor: { fullMs: number; simulatedMs: number; rounds: number };
  /** The floors measured the earlier way, after the run: each operation alone, a few hundred times in a row. */
  isolatedFloor: { fullMs: number; simulatedMs: number };
}

/** `orggraph ingest`'s work after `ingest()` (see measureAfterRun). */
export interface AfterRunMeasurement {
  /** Reading the graph back into memory (0 when the run kept it there). */
  readMs: number;
  wallMs: number;
  cpuMs: number;
  /** The compliance lines the CLI prints. */
  compliance: string[];
  /** How many alert rules were evaluated, and how many of them could not be. */
  alertRules?: number;
  alertErrors?: number;
}

export interface IngestMeasurement extends IngestBenchCase {
  entities: number;
  relationships: number;
  apiCalls: number;
  throttledCalls: number;
  /** Errors of the run whose code is `Throttled` (must be 0). */
  throttlingErrors: number;
  errors: number;
  /** The distinct errors of the run (code, operation, message), with how many times each occurred. */
  errorKinds: Array<{ code: string; operation?: string; message: string; count: number }>;
  wallMs: number;
  /**
   * When each phase started and ended, ms from the start of the run: organization discovery,
   * region discovery, collectors, snapshot. Discovery and collection overlap (accounts join the
   * collection as they are discovered).
   */
  phasesMs: Record<string, { start: number; end: number }>;
  chainCalls: number;
  chainMs: number;
  deepestScope?: string;
  bucketMs: number;
  bindingBucket?: BucketUsage;
  lowerBoundMs: number;
  ratio: number;
  /** A tighter bound: the larger of `lowerBoundMs` and `discoveryBound` (tags through the Organizations bucket, then each account's own chain). */
  discoveryBoundMs: number;
  cpuMs: number;
  peakRssMb: number;
  pacer: { granted: number; waited: number; throttled: number; buckets: number };
  /** Worker threads started again with a larger old generation limit after running out of memory. */
  restartedThreads?: number;
  /** Worker threads that collected (0: the run collected in its own thread). */
  workers: number;
  cpuPerCall?: CpuPerCall;
  /** Where the run kept the organization's graph (`IngestResult.graphKept`). */
  graphKept: 'disk' | 'memory';
  /** With `--store postgres`: CPU the machine's PostgreSQL processes spent during the run (not in `cpuMs`). */
  serverCpuMs?: number;
  /** With the graph on disk: what the parent held in full (`SpilledGraph.held()`). */
  held?: HeldCounts;
  /**
   * Sampled every 0.5 s: the highest RSS, the main thread's heap then, and its highest heap; each
   * worker's last sample before that moment, and each worker's highest heap.
   */
  memory?: {
    rssMb: number;
    parentHeapMb: number;
    parentHeapPeakMb: number;
    /** The run's phase at the highest RSS and at the main thread's highest heap. */
    phaseAtPeak?: string;
    phaseAtParentHeapPeak?: string;
    parentAtPeak?: MemorySample;
    workersAtPeak?: MemorySample[];
    workerHeapPeaksMb?: number[];
    /** The highest RSS sampled in each phase (the write's own, once the workers are gone). */
    rssByPhaseMb?: Record<string, number>;
  };
  /** What `orggraph ingest` ran after `ingest()`; absent with `--ingest-only`. */
  afterRun?: AfterRunMeasurement;
}

function option(args: readonly string[], name: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

function parseCases(args: readonly string[]): IngestBenchCase[] {
  const sizes = (option(args, 'sizes') ?? '10,50,200').split(',').map((size) => Number(size.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`--sizes: expected account counts such as 10,50,200`);
  const mix = option(args, 'mix') ?? 'realistic';
  const store = option(args, 'store') ?? 'files';
  if (store !== 'files' && store !== 'postgres') throw new Error(`--store: files or postgres`);
  if (mix !== 'realistic' && mix !== 'uniform') throw new Error(`--mix: realistic or uniform`);
  const out = option(args, 'out');
  if (out && (sizes.length > 1 || store !== 'files' || args.includes('--second-run'))) throw new Error('--out: one size, into files, one run');
  return sizes.map((accounts) => ({
    accounts,
    regions: Number(option(args, 'regions') ?? 16),
    resources: Number(option(args, 'resources') ?? 20),
    latencyMs: Number(option(args, 'latency') ?? 50),
    mix,
    services: option(args, 'services')
      ?.split(',')
      .map((service) => service.trim()),
    workers: option(args, 'workers') === undefined ? undefined : Number(option(args, 'workers')),
    seed: Number(option(args, 'seed') ?? 42),
    floor: !args.includes('--no-floor'),
    spill: !args.includes('--no-spill'),
    heapSnapshots: option(args, 'heap-snapshots'),
    store,
    secondRun: args.includes('--second-run'),
    ingestOnly: args.includes('--ingest-only'),
    // Kept afterwards, to read the snapshot again (files store, one size).
    ...(out ? { target: { outputDir: path.resolve(out) } } : {}),
  }));
}

/** One ingestion, in this process. */
export async function measure(benchCase: IngestBenchCase): Promise<IngestMeasurement> {
  const simulators = allSimulators();
  const world = generateWorld(
    {
      accounts: benchCase.accounts,
      regions: benchCase.regions,
      resourcesPerRegion: benchCase.resources,
      mix: benchCase.mix,
      latencyMs: benchCase.latencyMs,
      throttling: true,
      seed: benchCase.seed,
      // Generated again when read: AWS's data is not in a real run's memory, so it is not in the measured one's.
      lazy: true,
    },
    simulators,
  );
  let simulated: SimulatedAws | undefined;
  const stopListening = onSimulatedAwsCreated((created) => (simulated = created));
  const chains = new CallChains();
  const limiter = new RateLimiter();
  const outputDir = benchCase.target?.outputDir ?? mkdtempSync(path.join(tmpdir(), 'orggraph-bench-'));
  const phases: Partial<Record<IngestProgress['phase'], { start: number; end: number }>> = {};
  const workers: WorkerDiagnostics[] = [];
  const threads: Worker[] = [];
  let snapshots: Promise<void> | undefined;
  let discovered = 0;
  /** Worker threads started again after running out of memory under their limit. */
  let restartedThreads = 0;
  // Started (its calls captured, its code warm) before the run, so its samples span the run.
  const probe = benchCase.floor === false ? undefined : await FloorProbe.start();
  // The database is created, and the schema migrated, before the clock starts: a run writes into an existing store.
  const database =
    benchCase.store !== 'postgres'
      ? undefined
      : benchCase.target?.databaseUrl
        ? { url: benchCase.target.databaseUrl, drop: async () => undefined }
        : await benchDatabase('orggraph_bench_ingest');
  const store = database && new PostgresStorage(database.url);
  try {
    const problem = await store?.writeProblem();
    if (problem) throw new Error(problem);
    const serverCpuBefore = database && postgresCpuMs();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    // Where the resident memory is: this thread's heap at the moment of the highest RSS sampled.
    const memory: NonNullable<IngestMeasurement['memory']> = { rssMb: 0, parentHeapMb: 0, parentHeapPeakMb: 0, workerHeapPeaksMb: [] };
    const workerSamples: MemorySample[] = [];
    let collecting: string = 'accounts';
    const sampleNow = () => {
      // Mapping tasks report as collection; they and the carry-forward run once every worker is done.
      const phase = collecting === 'collect' && threads.length > 0 && workers.length === threads.length ? 'mapping and carry-forward' : collecting;
      const sample = sampleMemory();
      const byPhase = (memory.rssByPhaseMb ??= {});
      byPhase[phase] = Math.max(byPhase[phase] ?? 0, sample.rssMb);
      if (sample.heapUsedMb > memory.parentHeapPeakMb) Object.assign(memory, { parentHeapPeakMb: sample.heapUsedMb, phaseAtParentHeapPeak: phase });
      if (sample.rssMb > memory.rssMb)
        Object.assign(memory, {
          rssMb: sample.rssMb,
          parentHeapMb: sample.heapUsedMb,
          parentAtPeak: sample,
          workersAtPeak: [...workerSamples],
          phaseAtPeak: phase,
        });
    };
    const sampler = setInterval(sampleNow, 500);
    sampler.unref();
    const result = await ingest({
      simulate: world,
      config: {
        outputDir,
        ...(benchCase.services ? { services: { include: benchCase.services } } : {}),
        ...(benchCase.workers ? { workers: benchCase.workers } : {}),
      },
      access: { callChains: chains, pacing: limiter },
      spill: benchCase.spill !== false,
      store,
      onWorkerDone: (diagnostics) => workers.push(diagnostics),
      onWorkerStarted: (index, thread) => {
        if (threads[index]) restartedThreads++;
        threads[index] = thread;
      },
      onEvent: (event) => {
        if (event.event === 'account-discovered') discovered++;
      },
      onWorkerMemory: (index, sample) => {
        workerSamples[index] = sample;
        memory.workerHeapPeaksMb![index] = Math.max(memory.workerHeapPeaksMb![index] ?? 0, sample.heapUsedMb);
      },
      onProgress: (progress) => {
        collecting = progress.phase;
        const now = performance.now();
        const span = (phases[progress.phase] ??= { start: now, end: now });
        span.end = now;
        // Half of the tasks, once every account is discovered (until then each adds to the total).
        if (benchCase.heapSnapshots && !snapshots && progress.phase === 'collect' && discovered === benchCase.accounts && progress.done >= progress.total / 2) {
          snapshots = takeHeapSnapshots(benchCase.heapSnapshots, threads);
        }
        // And the main thread's once the workers are gone, as the snapshot is written.
        if (benchCase.heapSnapshots && progress.phase === 'write' && progress.done === 0) {
          mkdirSync(benchCase.heapSnapshots, { recursive: true });
          writeHeapSnapshot(path.join(benchCase.heapSnapshots, 'main-at-write.heapsnapshot'));
        }
      },
    });
    const ended = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuMs = serverCpuBefore === undefined ? undefined : postgresCpuMs() - serverCpuBefore;
    // What `orggraph ingest` does next, in the same process: the graph read back, compliance, alerts.
    // Each of its phases is sampled as it ends and starts, however short.
    const afterRun = benchCase.ingestOnly
      ? undefined
      : await measureAfterRun(result, store, (phase) => {
          sampleNow();
          collecting = phase;
          sampleNow();
        });
    sampleNow();
    clearInterval(sampler);
    await snapshots;
    if (!simulated) throw new Error('the ingestion created no simulated AWS');
    const phasesMs: Record<string, { start: number; end: number }> = {};
    // The snapshot is written after its one progress event: its phase ends with the run.
    if (phases.write) phases.write.end = ended;
    for (const [phase, span] of Object.entries(phases)) phasesMs[phase] = { start: span.start - started, end: span.end - started };

    let bucketMs = 0;
    let bindingBucket: BucketUsage | undefined;
    // Each account's buckets live in the worker that collected it; discovery's in this thread.
    const usages = [...simulated.bucketUsage(), ...workers.flatMap((worker) => worker.simulated?.buckets ?? [])];
    for (const usage of usages) {
      const bound = (Math.max(0, usage.taken - usage.capacity) / usage.refillPerSecond) * 1000;
      if (!bindingBucket || bound > bucketMs || (bound === bucketMs && usage.taken > bindingBucket.taken)) {
        bucketMs = bound;
        bindingBucket = usage;
      }
    }
    const deepest = workers.reduce((best, worker) => (worker.chainDepth > best.depth ? { depth: worker.chainDepth, scope: worker.deepestScope } : best), {
      depth: chains.maxDepth,
      scope: chains.deepestScope,
    });
    const chainMs = deepest.depth * benchCase.latencyMs;
    const lowerBoundMs = Math.max(chainMs, bucketMs);
    const discoveryBoundMs = Math.max(lowerBoundMs, discoveryBound(chains, workers, usages, benchCase.latencyMs));
    const wallMs = ended - started;
    const { summary } = result;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    // Threads that ran out of memory spent CPU too: their statistics come with their worker's.
    const simulatorStats = [
      simulated.stats,
      ...workers.flatMap((worker) => [worker.simulated?.stats, worker.lostThreads?.simulated].filter((stats) => stats !== undefined)),
    ];
    const cpuPerCall = probe ? await divideCpu(cpuMs, simulatorStats, probe) : undefined;
    return {
      ...benchCase,
      entities: summary.totals.entities,
      relationships: summary.totals.relationships,
      apiCalls: summary.apiCalls,
      throttledCalls: summary.throttledCalls,
      throttlingErrors: summary.errors.filter((error) => error.code === 'Throttled').length,
      errors: summary.errors.length,
      errorKinds: errorKinds(summary.errors),
      wallMs,
      phasesMs,
      chainCalls: deepest.depth,
      chainMs,
      deepestScope: deepest.scope,
      bucketMs,
      bindingBucket,
      lowerBoundMs,
      ratio: wallMs / lowerBoundMs,
      discoveryBoundMs,
      cpuMs,
      cpuPerCall,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      pacer: workers.reduce((total, worker) => {
        for (const key of ['granted', 'waited', 'throttled', 'buckets'] as const) total[key] += worker.pacer[key];
        return total;
      }, limiter.stats()),
      workers: workers.length,
      restartedThreads,
      graphKept: result.graphKept,
      ...(serverCpuMs === undefined ? {} : { serverCpuMs }),
      held: result.graph instanceof SpilledGraph ? result.graph.held() : undefined,
      memory,
      ...(afterRun ? { afterRun } : {}),
    };
  } finally {
    probe?.abandon();
    await store?.close();
    await database?.drop();
    stopListening();
    if (!benchCase.target) rmSync(outputDir, { recursive: true, force: true });
  }
}

/**
 * What `orggraph ingest` runs after `ingest()` (src/cli/commands/ingest.ts), timed: a graph kept on
 * disk read back into memory, compliance of the default framework, and the default alert packs
 * (no delivery: they name no action). Its memory is sampled as its own phase.
 */
async function measureAfterRun(result: IngestResult, store: PostgresStorage | undefined, phase: (name: string) => void): Promise<AfterRunMeasurement> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  phase('graph read back');
  const read = await graphInMemory(result, store);
  const readMs = performance.now() - started;
  phase('compliance and alerts');
  const compliance = runCompliance(read);
  const alerts = await alertsAfterIngest(read, loadAlertRules(), {}, undefined, store);
  const cpu = process.cpuUsage(cpuBefore);
  if (!Array.isArray(compliance)) throw new Error(`compliance: ${compliance.error}`);
  if (alerts && 'error' in alerts && alerts.error) throw new Error(`alerts: ${alerts.error}`);
  return {
    readMs,
    wallMs: performance.now() - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
    compliance: compliance.map((summary) => summary.line),
    alertRules: alerts && 'rules' in alerts ? alerts.rules : undefined,
    alertErrors: alerts && 'errors' in alerts ? alerts.errors.length : undefined,
  };
}

/**
 * CPU time of every PostgreSQL process on the machine, ms: their own and, for the postmaster, that
 * of the backends it has reaped (a connection closed during the run took its CPU time with it).
 */
function postgresCpuMs(): number {
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the directory was read
    }
    const close = stat.lastIndexOf(')');
    if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
    // Fields after the command: state is the 3rd field; utime, stime, cutime, cstime the 14th to 17th.
    const fields = stat.slice(close + 2).split(' ');
    for (const index of [11, 12, 13, 14]) ticks += Number(fields[index]);
  }
  return (ticks / ticksPerSecond) * 1000;
}

/** A heap snapshot of this thread and of each worker thread, in `directory`. */
async function takeHeapSnapshots(directory: string, threads: readonly Worker[]): Promise<void> {
  mkdirSync(directory, { recursive: true });
  for (const [index, thread] of threads.entries()) {
    await pipeline(await thread.getHeapSnapshot(), createWriteStream(path.join(directory, `worker-${index}.heapsnapshot`)));
  }
  writeHeapSnapshot(path.join(directory, 'main.heapsnapshot'));
  console.error(`heap snapshots written to ${directory}`);
}

/** The SDK's floor for the run's mix of operations: sampled while it went (see FloorProbe), and the earlier way after it. */
async function divideCpu(runCpuMs: number, stats: readonly SimulatorStats[], probe: FloorProbe): Promise<CpuPerCall> {
  const mix: Record<string, number> = {};
  let calls = 0;
  let simulatorBusyMs = 0;
  for (const stat of stats) {
    calls += stat.calls;
    simulatorBusyMs += stat.busyMs;
    for (const [action, n] of Object.entries(stat.byOperation)) mix[action] = (mix[action] ?? 0) + n;
  }
  const floor = await probe.stop(mix);
  const isolated = weightFloors(await measureFloors(await captureWireCalls()), mix);
  const range = (values: number[]): [number, number] => (values.length ? [Math.min(...values), Math.max(...values)] : [0, 0]);
  const runMs = runCpuMs / calls;
  const simulatorMs = simulatorBusyMs / calls;
  const oursMs = runMs - simulatorMs - floor.simulatedFloorMs;
  const productionEstimateMs = oursMs + floor.fullFloorMs;
  return {
    runMs,
    simulatorMs,
    sdkInSimulationMs: floor.simulatedFloorMs,
    oursMs,
    sdkFloorMs: floor.fullFloorMs,
    productionEstimateMs,
    ratio: productionEstimateMs / floor.fullFloorMs,
    coveredShare: floor.coveredCalls / floor.totalCalls,
    uncovered: floor.uncovered,
    floorSamples: {
      count: floor.during.length,
      used: floor.fromSamples,
      full: range(floor.during.map((sample) => sample.fullMs)),
      simulated: range(floor.during.map((sample) => sample.simulatedMs)),
    },
    mixOverSample: floor.mixOverUniform,
    afterFloor: floor.after,
    isolatedFloor: { fullMs: isolated.fullFloorMs, simulatedMs: isolated.simulatedFloorMs },
  };
}

function errorKinds(errors: ReadonlyArray<{ code: string; operation?: string; message: string }>): IngestMeasurement['errorKinds'] {
  const kinds = new Map<string, IngestMeasurement['errorKinds'][number]>();
  for (const error of errors) {
    const message = error.message.replace(/\d{12}/g, '<account>').slice(0, 160);
    const key = `${error.code}|${error.operation}|${message}`;
    const kind = kinds.get(key) ?? { code: error.code, operation: error.operation, message, count: 0 };
    kind.count++;
    kinds.set(key, kind);
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count);
}

/**
 * A tighter lower bound than max(chain, buckets), from the same facts: an account is collected only
 * once its tags are known (they may say to skip it), and every account's tags are read through the
 * management account's one Organizations bucket. So no account can finish before the token of its
 * tag call plus its own chain of calls from that call on, times the latency; giving the earliest
 * tokens to the longest chains is the best any schedule can do. An account's chain from its tag call
 * is taken as its deepest call minus the depth its discovery started from (the organization's
 * deepest call when the account was listed: at least its tag call's), so it is never overestimated.
 */
export function discoveryBound(chains: CallChains, workers: readonly WorkerDiagnostics[], usages: readonly BucketUsage[], latencyMs: number): number {
  const tags = usages.find((usage) => usage.key.endsWith('|organizations:ListTagsForResource'));
  if (!tags) return 0;
  const deepest = chains.maxDepthByAccount();
  for (const worker of workers) {
    for (const [accountId, depth] of Object.entries(worker.accountDepths ?? {})) deepest.set(accountId, Math.max(deepest.get(accountId) ?? 0, depth));
  }
  const fromTags: number[] = [];
  for (const [accountId, depth] of deepest) {
    const base = chains.baseOf(`${accountId}|global|regions`);
    if (base !== undefined) fromTags.push(depth - base + 1);
  }
  fromTags.sort((a, b) => b - a);
  let bound = 0;
  fromTags.forEach((chain, k) => {
    const tokenMs = k < tags.capacity ? 0 : ((k - tags.capacity + 1) / tags.refillPerSecond) * 1000;
    bound = Math.max(bound, tokenMs + chain * latencyMs);
  });
  return bound;
}

/** One ingestion in a child process (its own heap and peak RSS). */
function measureIngestionInChild(benchCase: IngestBenchCase): Promise<IngestMeasurement> {
  return measureInChild<IngestMeasurement>(__filename, [JSON.stringify(benchCase)], NODE_FLAGS);
}

/**
 * `--second-run`: a first run writes into a store made here, then the measured run writes into it
 * too, each in a child of its own (so that the second's peak RSS is its own).
 */
async function measureSecondRun(benchCase: IngestBenchCase): Promise<IngestMeasurement> {
  const database = benchCase.store === 'postgres' ? await benchDatabase('orggraph_bench_second') : undefined;
  const outputDir = mkdtempSync(path.join(tmpdir(), 'orggraph-bench-'));
  const target = { outputDir, ...(database ? { databaseUrl: database.url } : {}) };
  try {
    const first = await measureIngestionInChild({ ...benchCase, floor: false, target });
    console.log(`first run (not measured further): ${seconds(first.wallMs)}, peak RSS ${Math.round(first.peakRssMb)} MB, ${count(first.entities)} entities`);
    return await measureIngestionInChild({ ...benchCase, target });
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
    await database?.drop();
  }
}

function simulatorsWithGenerate(): string[] {
  return [
    ...new Set(
      allSimulators()
        .filter((simulator) => simulator.generate)
        .map((simulator) => simulator.service),
    ),
  ];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (value: number) => value.toLocaleString('en-US');

export function table(measurements: readonly IngestMeasurement[]): string {
  const lines = [
    '| accounts x regions | entities | API calls | wall time | lower bound (chain / buckets) | wall / bound | throttled calls | throttling errors | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of measurements) {
    lines.push(
      `| ${m.accounts} x ${m.regions}${m.store === 'postgres' ? ' (PostgreSQL)' : ''}${m.secondRun ? ', second run' : ''} | ${count(m.entities)} | ${count(m.apiCalls)} | ${seconds(m.wallMs)} | ${seconds(m.lowerBoundMs)} (${seconds(m.chainMs)} / ${seconds(m.bucketMs)}) | ${m.ratio.toFixed(2)} | ${count(m.throttledCalls)} | ${m.throttlingErrors} | ${Math.round(m.peakRssMb)} MB |`,
    );
  }
  return lines.join('\n');
}

export function details(m: IngestMeasurement): string {
  const phases = Object.entries(m.phasesMs)
    .map(([phase, span]) => `${phase} ${seconds(span.start)}-${seconds(span.end)}`)
    .join(', ');
  const binding = m.bindingBucket
    ? `${m.bindingBucket.key}: ${m.bindingBucket.taken} calls, ${m.bindingBucket.capacity} tokens + ${m.bindingBucket.refillPerSecond}/s`
    : 'none';
  return [
    `${m.accounts} accounts: phases (from the start) ${phases}`,
    `  chain ${m.chainCalls} calls x ${m.latencyMs} ms = ${seconds(m.chainMs)} (ends in ${m.deepestScope ?? '?'})`,
    `  busiest bucket ${binding} -> ${seconds(m.bucketMs)}`,
    `  discovery-aware bound (each account's tags through that bucket, then its own chain): ${seconds(m.discoveryBoundMs)}, wall / it ${(m.wallMs / m.discoveryBoundMs).toFixed(2)}`,
    graphLine(m),
    ...(m.memory
      ? [
          `  memory sampled: highest RSS ${Math.round(m.memory.rssMb)} MB (${m.memory.phaseAtPeak ?? '?'}) with the main thread's heap at ${Math.round(m.memory.parentHeapMb)} MB (its highest ${Math.round(m.memory.parentHeapPeakMb)} MB, ${m.memory.phaseAtParentHeapPeak ?? '?'})`,
          ...[['main', m.memory.parentAtPeak] as const, ...(m.memory.workersAtPeak ?? []).map((sample, index) => [`worker ${index}`, sample] as const)].map(
            ([thread, sample]) =>
              sample
                ? `    at that peak, ${thread}: heap ${Math.round(sample.heapUsedMb)} MB used of ${Math.round(sample.heapTotalMb)} MB (young generation reserved ${Math.round(sample.youngReservedMb)} MB, old generation used ${Math.round(sample.oldUsedMb)} MB), external ${Math.round(sample.externalMb)} MB, malloced ${Math.round(sample.mallocedMb)} MB`
                : `    at that peak, ${thread}: no sample yet`,
          ),
          ...(m.memory.rssByPhaseMb
            ? [
                `    highest RSS by phase: ${Object.entries(m.memory.rssByPhaseMb)
                  .map(([phase, rss]) => `${phase} ${Math.round(rss)} MB`)
                  .join(', ')}`,
              ]
            : []),
          ...(m.memory.workerHeapPeaksMb?.length
            ? [`    workers' highest heaps: ${m.memory.workerHeapPeaksMb.map((peak) => `${Math.round(peak)} MB`).join(', ')}`]
            : []),
        ]
      : []),
    `  CPU ${seconds(m.cpuMs)} (${((100 * m.cpuMs) / m.wallMs).toFixed(0)}% of wall), ${count(Math.round(m.apiCalls / (m.wallMs / 1000)))} calls/s, errors ${m.errors}`,
    ...(m.afterRun
      ? [
          `  after the run, as \`orggraph ingest\` (graph read back, compliance, alerts): ${seconds(m.afterRun.wallMs)} (reading ${seconds(m.afterRun.readMs)}), CPU ${seconds(m.afterRun.cpuMs)}; ` +
            `${m.afterRun.alertRules ?? 0} alert rules (${m.afterRun.alertErrors ?? 0} not evaluated); ${m.afterRun.compliance.join('; ')}`,
        ]
      : []),
    ...(m.serverCpuMs === undefined
      ? []
      : [`  store: a PostgreSQL database; its server's processes spent ${seconds(m.serverCpuMs)} of CPU during the run (not in the CPU above)`]),
    ...(m.restartedThreads ? [`  worker threads that ran out of memory under their limit and were started again with twice it: ${m.restartedThreads}`] : []),
    `  pacer: ${count(m.pacer.buckets)} buckets, ${count(m.pacer.waited)} calls waited for a token, ${count(m.pacer.throttled)} throttles reported back`,
    ...(m.cpuPerCall ? [cpuLine(m.cpuPerCall), sdkBoundLine(m, m.cpuPerCall)] : []),
    ...m.errorKinds.slice(0, 5).map((kind) => `  error x${kind.count}: ${kind.code} ${kind.operation ?? ''} ${kind.message}`),
  ].join('\n');
}

/** Where the run kept the organization's graph, as the ingestion reports it (not as the options asked). */
function graphLine(m: IngestMeasurement): string {
  if (m.graphKept === 'disk') {
    return m.held
      ? `  graph on disk: ${count(m.held.spilled.entities)} entities and ${count(m.held.spilled.relationships)} relationships spilled; the parent held at most ${count(m.held.peak)} objects in full (${count(m.held.atPeak.resident)} placeholders, ${count(m.held.atPeak.cached)} read by one step, ${count(m.held.atPeak.pinned)} cross-account lookups)`
      : '  graph on disk';
  }
  return m.spill === false ? '  graph in memory (--no-spill)' : '  graph in memory, although spill was asked for (the store cannot write from disk)';
}

/** CPU per call, divided (issue 22): what a real run would pay beyond the SDK's own work. */
export function cpuTable(measurements: readonly IngestMeasurement[]): string {
  const lines = [
    '| accounts x regions | CPU per call | simulator | SDK as simulated | ours | SDK floor | production estimate | / SDK floor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of measurements) {
    const c = m.cpuPerCall!;
    lines.push(
      `| ${m.accounts} x ${m.regions} | ${ms(c.runMs)} | ${ms(c.simulatorMs)} | ${ms(c.sdkInSimulationMs)} | ${ms(c.oursMs)} | ${ms(c.sdkFloorMs)} | ${ms(c.productionEstimateMs)} | ${c.ratio.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

const ms = (value: number) => `${value.toFixed(3)} ms`;

/**
 * The wall time the AWS SDK alone needs for the run's calls on this machine's cores: no ingester can
 * go below it, whatever the rate limits allow. When it exceeds the rate-limit bound, the run is
 * CPU-bound and `wall / bound` mostly measures the call count times the processor's speed.
 */
export function sdkCpuBoundMs(apiCalls: number, sdkFloorMsPerCall: number, cores: number): number {
  return (apiCalls * sdkFloorMsPerCall) / cores;
}

function sdkBoundLine(m: IngestMeasurement, c: CpuPerCall): string {
  const cores = cpus().length;
  const sdkBound = sdkCpuBoundMs(m.apiCalls, c.sdkFloorMs, cores);
  const binding = Math.max(m.lowerBoundMs, sdkBound);
  return (
    `  SDK CPU bound: ${count(m.apiCalls)} calls x ${ms(c.sdkFloorMs)} / ${cores} cores = ${seconds(sdkBound)} ` +
    `(${(sdkBound / m.lowerBoundMs).toFixed(2)}x the rate-limit bound); wall / max(both bounds) ${(m.wallMs / binding).toFixed(2)}`
  );
}

function cpuLine(c: CpuPerCall): string {
  return (
    `  CPU per call ${ms(c.runMs)} = simulator ${ms(c.simulatorMs)} + SDK as simulated ${ms(c.sdkInSimulationMs)} + ours ${ms(c.oursMs)}; ` +
    `SDK floor (bytes parsed) ${ms(c.sdkFloorMs)}; production estimate (ours + SDK floor) ${ms(c.productionEstimateMs)} = ${c.ratio.toFixed(2)}x the SDK floor ` +
    `(floor measured for ${(100 * c.coveredShare).toFixed(1)}% of the calls${c.uncovered.length ? `; not: ${c.uncovered.slice(0, 8).join(', ')}` : ''})\n` +
    (c.floorSamples.used
      ? `  SDK floor: sampled ${c.floorSamples.count} times during the run in another process (every operation once, full ${ms(c.floorSamples.full[0])}-${ms(c.floorSamples.full[1])}, ` +
        `as simulated ${ms(c.floorSamples.simulated[0])}-${ms(c.floorSamples.simulated[1])}), medians x the run's mix over that sample (${c.mixOverSample.full.toFixed(2)} full, ` +
        `${c.mixOverSample.simulated.toFixed(2)} as simulated, measured alternately after it); `
      : `  SDK floor: the run was too short for 3 samples (${c.floorSamples.count}), so the floor is the mix after the run; `) +
    `the mix after the run only: ${ms(c.afterFloor.fullMs)} full, ` +
    `${ms(c.afterFloor.simulatedMs)} as simulated; each operation alone after it: ${ms(c.isolatedFloor.fullMs)} full, ${ms(c.isolatedFloor.simulatedMs)} as simulated`
  );
}

export async function run(): Promise<IngestMeasurement[]> {
  const args = process.argv.slice(2);
  const cases = parseCases(args);
  const first = cases[0];
  console.log(
    `Simulated organizations: ${first.regions} regions, ${first.mix} mix of ${first.resources} resources of each kind, ${first.latencyMs} ms per call, AWS-like buckets, ` +
      `services: ${first.services?.join(', ') ?? 'all'} (${simulatorsWithGenerate().join(', ')} generate data); ` +
      `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, flags ${NODE_FLAGS.join(' ') || 'none'}`,
  );
  const measurements: IngestMeasurement[] = [];
  for (const benchCase of cases) {
    const measurement = benchCase.secondRun ? await measureSecondRun(benchCase) : await measureIngestionInChild(benchCase);
    measurements.push(measurement);
    console.log(details(measurement));
  }
  console.log(`\n${table(measurements)}`);
  const divided = measurements.filter((m) => m.cpuPerCall);
  if (divided.length) console.log(`\n${cpuTable(divided)}`);
  if (args.includes('--json')) console.log(JSON.stringify(measurements, null, 2));
  return measurements;
}

if (require.main === module) benchMain((args) => measure(JSON.parse(args[0]) as IngestBenchCase), run);
