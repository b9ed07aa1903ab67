/**
 * Collection limits: how much of a resource that grows without bound (container images, running
 * tasks) a run collects. Set in the configuration's `collection` section; the run summary says
 * what each limit left out.
 */
export interface CollectionLimits {
  /** Images per ECR repository, the most recently pushed first. */
  ecrImagesPerRepository: number;
  /** Running tasks per ECS cluster, in ListTasks' order. */
  ecsTasksPerCluster: number;
  /** Jobs per Batch job queue (of those AWS still lists: recent ones), the most recently created first. */
  batchJobsPerQueue: number;
}

export const DEFAULT_COLLECTION_LIMITS: Readonly<CollectionLimits> = { ecrImagesPerRepository: 20, ecsTasksPerCluster: 200, batchJobsPerQueue: 100 };

export type CollectionLimitName = keyof CollectionLimits;

/** The configuration's `collection` section: each limit a whole number from 1. */
export const COLLECTION_LIMITS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.keys(DEFAULT_COLLECTION_LIMITS).map((name) => [name, { type: 'integer', minimum: 1, maximum: 100000 }])),
} as const;

export function collectionLimits(configured: Partial<CollectionLimits> | undefined): CollectionLimits {
  return { ...DEFAULT_COLLECTION_LIMITS, ...configured };
}

/** What a limit left out: its value, the type it cut, how many parents (repositories, clusters) were cut and how many items were skipped. */
export interface LimitedCount {
  _type: string;
  value: number;
  parents: number;
  skipped: number;
}

/** What the limits left out in one collector scope, per limit name. */
export type LimitedRecord = Partial<Record<CollectionLimitName, LimitedCount>>;

/** The run's totals of what each limit left out (the run summary). */
export function totalLimited(records: ReadonlyArray<{ limited?: LimitedRecord }>): Array<LimitedCount & { limit: CollectionLimitName }> {
  const totals = new Map<CollectionLimitName, LimitedCount>();
  for (const record of records) {
    for (const [limit, count] of Object.entries(record.limited ?? {}) as Array<[CollectionLimitName, LimitedCount]>) {
      const total = totals.get(limit) ?? { ...count, parents: 0, skipped: 0 };
      total.parents += count.parents;
      total.skipped += count.skipped;
      totals.set(limit, total);
    }
  }
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([limit, count]) => ({ limit, ...count }));
}

/** One line per limit that left something out, for the printed summary. */
export function describeLimited(limited: ReadonlyArray<LimitedCount & { limit: CollectionLimitName }>): string[] {
  return limited.map(
    (count) =>
      `  ${count._type}: ${count.skipped} not collected in ${count.parents} ${PARENTS[count.limit][count.parents === 1 ? 0 : 1]} beyond collection.${count.limit} = ${count.value} (${ORDER[count.limit]})`,
  );
}

/** What a limit's parents are called, one and many. */
const PARENTS: Record<CollectionLimitName, [string, string]> = {
  ecrImagesPerRepository: ['repository', 'repositories'],
  ecsTasksPerCluster: ['cluster', 'clusters'],
  batchJobsPerQueue: ['job queue', 'job queues'],
};
const ORDER: Record<CollectionLimitName, string> = {
  ecrImagesPerRepository: 'the most recently pushed are kept',
  ecsTasksPerCluster: 'the first listed are kept',
  batchJobsPerQueue: 'the most recently created are kept',
};
