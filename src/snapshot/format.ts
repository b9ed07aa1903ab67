import type { LimitedRecord } from '../collectors/limits';
import type { Entity, Relationship } from '../graph';
import { isTimestampProperty } from './timestamps';

export const SNAPSHOT_FORMAT = 'aws-org-graph.snapshot/1';

export interface CollectorRunRecord {
  accountId: string;
  /** Region, `global` for global collectors, or `*` when the account could not be reached at all. */
  region: string;
  collector: string;
  service: string;
  status: 'succeeded' | 'partial' | 'failed' | 'skipped';
  startedAt?: string;
  durationMs: number;
  apiCalls: number;
  throttled: number;
  entities: number;
  relationships: number;
  /** What collection limits (the configuration's `collection`) left out in this scope. */
  limited?: LimitedRecord;
}

export interface RunError {
  account: string;
  region: string;
  service: string;
  collector?: string;
  /** Our classification: AccessDenied, ScpDenied, NotEnabled, NotOfferedInRegion, Throttled, Transient, Unexpected. */
  code: string;
  /** The AWS error name. */
  awsCode?: string;
  /** The API call that failed, e.g. `ec2:DescribeInstances`. */
  operation?: string;
  kind: 'gap' | 'retryable' | 'unexpected';
  message: string;
}

export interface NotRefreshed {
  accountId: string;
  region: string;
  collector: string;
  types: string[];
  /** Entities carried forward from the previous snapshot for this scope. */
  entitiesCarried: number;
}

export interface SnapshotMetadata {
  format: typeof SNAPSHOT_FORMAT;
  tool: { name: string; version: string };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  mode: 'aws' | 'simulated';
  accounts: Array<{ accountId: string; name?: string }>;
  skippedAccounts: Array<{ accountId: string; name?: string; reason: string }>;
  regions: string[];
  skippedRegions: Array<{ accountId: string; region: string; reason: string }>;
  collectors: CollectorRunRecord[];
  errors: RunError[];
  notRefreshed: NotRefreshed[];
  counts: {
    entities: Record<string, number>;
    relationships: Record<string, number>;
    totalEntities: number;
    totalRelationships: number;
    staleEntities: number;
  };
  apiCalls: { calls: number; throttled: number };
  /** sha256 of the graph content (entity and relationship lines), independent of timing. */
  graphSha256: string;
  /**
   * A run narrowed by services, accounts or regions: what it refreshed. Everything outside it was
   * carried from the previous snapshot unchanged (counted in `carried`). Absent for a whole run.
   */
  scope?: {
    services?: { include?: string[]; exclude?: string[] };
    accounts?: string[];
    regions?: { include?: string[]; exclude?: string[] };
    carried: { entities: number; relationships: number };
  };
  /** The previous snapshot this one was compared with. */
  previous?: { path: string; graphSha256: string };
  changes?: { created: number; updated: number; deleted: number };
  /** Relationship changes since the previous snapshot (same rules as `changes`). */
  relationshipChanges?: { created: number; updated: number; deleted: number };
  /** A snapshot that several sharded runs wrote (a PostgreSQL store): how many, and which failed (their accounts carried). */
  shards?: { count: number; failed: number[] };
}

export interface Snapshot {
  entities: Entity[];
  relationships: Relationship[];
  metadata: SnapshotMetadata;
}

/**
 * Stable serialization: sorted property names, so identical objects give identical bytes. The
 * change-tracking timestamps are not content and are left out (see `timestamps.ts`).
 */
export function canonicalJson(object: Entity | Relationship): string {
  return JSON.stringify(
    object,
    Object.keys(object)
      .filter((name) => !isTimestampProperty(name))
      .sort(),
  );
}
