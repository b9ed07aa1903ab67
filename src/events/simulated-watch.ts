/**
 * The whole event loop with no AWS: the simulated organization changes (src/sim/mutations.ts),
 * each change's CloudTrail events go to a simulated queue (out of order, some twice, and a poison
 * message if asked), and `watchBatch` refreshes the snapshot directory from them. Used by
 * `orggraph watch --simulate`, the incremental-equals-full tests and the benchmarks.
 */
import { SimulatedEventQueue, cloudTrailEvent } from '../sim/cloudtrail';
import { WorldMutator, type MutationKind } from '../sim/mutations';
import { seededRandom } from '../sim/random';
import type { World } from '../sim/types';
import type { IngestConfig } from '../config';
import { allCollectors } from '../services';
import { withStoreLock } from '../snapshot/lock';
import { ingest } from '../ingest';
import { applyRefresh, type AppliedRefresh } from './apply';
import { narrowedConfig } from './refresh';
import { watchBatch, type BatchOutcome, type WatchLogEvent } from './watch';

export interface SimulatedWatchOptions {
  world: World;
  /** Snapshot directory; it should hold a snapshot of the world already (a full run). */
  config: Partial<IngestConfig>;
  /** Changes to make. */
  mutations: number;
  /** Changes whose events are sent before each batch is read (default 25). */
  perBatch?: number;
  seed?: number;
  kinds?: readonly MutationKind[];
  /** Fraction of events delivered twice (default 0), and held back to a later batch (default 0). */
  duplicates?: number;
  delayed?: number;
  /** Send one message that is not a CloudTrail event, once (default false). */
  poison?: boolean;
  maxReceiveCount?: number;
  /** Refresh every batch with a narrowed run of the events' services, as before per-resource refresh (benchmarks' baseline). */
  narrowedOnly?: boolean;
  /** Virtual epoch ms at which the changes start (each change a second apart). */
  start?: number;
  log?: (event: WatchLogEvent | SimulatedWatchEvent) => void;
}

export type SimulatedWatchEvent =
  | { event: 'snapshot-written'; refresh: AppliedRefresh['mode']; fallback?: string; graphSha256: string; apiCalls: number; refreshMs: number }
  | { event: 'changes-sent'; changes: number; events: number };

export interface SimulatedWatchResult {
  /** The last snapshot's graph sha256. */
  graphSha256?: string;
  batches: number;
  changes: number;
  /** Distinct CloudTrail events the changes made, and messages sent (duplicates and the poison included). */
  events: number;
  messages: number;
  /** Refreshes by kind. */
  refreshes: Record<AppliedRefresh['mode'], number>;
  /** API calls of the refreshes (collectors' calls and role assumptions). */
  apiCalls: number;
  /** Wall time of each refresh (read, patch and write), ms. */
  refreshMs: number[];
  deadLetters: number;
  outcomes: BatchOutcome[];
}

/** Runs the changes and the watcher until every message is applied or dead-lettered. */
export async function runSimulatedWatch(options: SimulatedWatchOptions): Promise<SimulatedWatchResult> {
  const start = options.start ?? Date.parse('2026-12-06T12:00:00Z');
  let virtual = start;
  const mutator = new WorldMutator(options.world, { seed: options.seed, kinds: options.kinds, now: () => (virtual += 1000) });
  const random = seededRandom((options.seed ?? 1) * 7919 + 13);
  const queue = new SimulatedEventQueue(options.maxReceiveCount ?? 3);
  const outputDir = options.config.outputDir ?? '.orggraph';
  const collectors = allCollectors();
  const perBatch = options.perBatch ?? 25;
  const result: SimulatedWatchResult = {
    batches: 0,
    changes: 0,
    events: 0,
    messages: 0,
    refreshes: { resource: 0, collector: 0, narrowed: 0 },
    apiCalls: 0,
    refreshMs: [],
    deadLetters: 0,
    outcomes: [],
  };
  let held: string[] = [];
  let poisonSent = !options.poison;
  const send = (body: string) => {
    queue.send(body);
    result.messages++;
  };
  const refresh = async (scope: Parameters<typeof applyRefresh>[1]) => {
    const started = performance.now();
    const ingestOptions = { config: options.config, simulate: options.world, clock: () => new Date((virtual += 1000)) };
    const applied = await withStoreLock(outputDir, async (): Promise<AppliedRefresh> => {
      if (!options.narrowedOnly) return applyRefresh(ingestOptions, scope);
      return { mode: 'narrowed', result: await ingest({ ...ingestOptions, config: narrowedConfig(options.config, scope) }) };
    });
    const refreshMs = Math.round(performance.now() - started);
    result.refreshes[applied.mode]++;
    result.apiCalls += applied.result.summary.apiCalls;
    result.refreshMs.push(refreshMs);
    result.graphSha256 = applied.result.summary.snapshot.sha256;
    options.log?.({
      event: 'snapshot-written',
      refresh: applied.mode,
      ...(applied.fallback ? { fallback: applied.fallback } : {}),
      graphSha256: applied.result.summary.snapshot.sha256,
      apiCalls: applied.result.summary.apiCalls,
      refreshMs,
    });
  };
  const batch = async () => {
    // Virtual time: the window closes at once when the queue is empty.
    const outcome = await watchBatch({ queue, collectors, refresh, windowMs: 10_000, now: () => (virtual += 500), log: options.log });
    result.batches++;
    result.outcomes.push(outcome);
  };

  while (result.changes < options.mutations) {
    const bodies: string[] = [];
    for (let index = 0; index < perBatch && result.changes < options.mutations; index++) {
      const applied = mutator.mutate();
      if (!applied) break;
      result.changes++;
      for (const call of applied.calls) bodies.push(JSON.stringify(cloudTrailEvent(call)));
    }
    if (bodies.length === 0) break;
    result.events += bodies.length;
    // Delivery as SQS does it: in any order, some twice, some only in a later receive.
    const now: string[] = [...held];
    held = [];
    for (const body of bodies) {
      if (random() < (options.delayed ?? 0)) held.push(body);
      else now.push(body);
      if (random() < (options.duplicates ?? 0)) now.push(body);
    }
    if (!poisonSent) {
      now.push(JSON.stringify({ version: '0', id: 'not-cloudtrail', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }));
      poisonSent = true;
    }
    for (let index = now.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [now[index], now[other]] = [now[other]!, now[index]!];
    }
    options.log?.({ event: 'changes-sent', changes: result.changes, events: now.length });
    for (const body of now) send(body);
    await batch();
  }
  for (const body of held) send(body);
  // The rest, until the queue is empty (the poison message reaches the dead-letter queue).
  for (let rounds = 0; queue.depth > 0 && rounds < 100; rounds++) await batch();
  result.deadLetters = queue.deadLetters.length;
  return result;
}
