import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';

/** One thread's memory at a moment, in MB (benchmarks: where a run's resident memory is). */
export interface MemorySample {
  /** The whole process's resident set (every thread shares it). */
  rssMb: number;
  /** This thread's V8 heap: used, and reserved. */
  heapUsedMb: number;
  heapTotalMb: number;
  /** Of the heap: the young generation (reserved) and the old generation (used). */
  youngReservedMb: number;
  oldUsedMb: number;
  /** Memory outside the heap that this thread's objects hold (buffers), and what V8 malloced. */
  externalMb: number;
  mallocedMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** This thread's memory now (a few microseconds: sampled twice a second at most). */
export function sampleMemory(): MemorySample {
  const usage = process.memoryUsage();
  const spaces = getHeapSpaceStatistics();
  const space = (name: string) => spaces.find((candidate) => candidate.space_name === name);
  return {
    rssMb: mb(usage.rss),
    heapUsedMb: mb(usage.heapUsed),
    heapTotalMb: mb(usage.heapTotal),
    youngReservedMb: mb((space('new_space')?.space_size ?? 0) + (space('new_large_object_space')?.space_size ?? 0)),
    oldUsedMb: mb(space('old_space')?.space_used_size ?? 0),
    externalMb: mb(usage.external),
    mallocedMb: mb(getHeapStatistics().malloced_memory),
  };
}

/**
 * How far past its live set V8 lets a heap grow before its next full collection, in percent
 * (`--heap-growing-percent`). By default V8 picks a factor of up to 4 from its collection and
 * allocation speeds: at 1,000 accounts x 16 regions the main thread's heap reached 2.4 GB in the
 * mapping phase, about 0.8 GB of it live. With 30% its highest was 1.1 GB, the run's peak RSS fell
 * from 2.8 to 2.1 GB, and the CPU did not change (1,063 s against 1,068 s; docs/benchmarks.md,
 * "The signing memo, and V8's heap growth").
 */
export const HEAP_GROWING_PERCENT = 30;

/**
 * The flag that bounds V8's heap growth, unless the process was started with its own
 * `--heap-growing-percent` (Node takes it on its command line only, not in `NODE_OPTIONS`): a
 * user's choice wins.
 */
export function heapGrowthFlag(execArgv: readonly string[]): string | undefined {
  const chosen = execArgv.some((argument) => /^--heap[-_]growing[-_]percent\b/.test(argument));
  return chosen ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

let heapGrowthBounded = false;

/**
 * Bounds V8's heap growth for the whole process, once (V8's flags are per process: every thread,
 * workers started later included). Set after start, this flag is still read: V8 reads it at each
 * full collection (measured: docs/benchmarks.md).
 */
export function boundHeapGrowth(): void {
  if (heapGrowthBounded) return;
  heapGrowthBounded = true;
  const flag = heapGrowthFlag(process.execArgv);
  if (flag) setFlagsFromString(flag);
}
