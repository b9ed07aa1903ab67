import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

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
