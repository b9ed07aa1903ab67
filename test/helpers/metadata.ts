import { SNAPSHOT_FORMAT, type SnapshotMetadata } from '../../src/snapshot';

/** Metadata of a snapshot that ran nothing (tests that only care about the graph), with overrides. */
export function emptyMetadata(overrides: Partial<Omit<SnapshotMetadata, 'graphSha256'>> = {}): Omit<SnapshotMetadata, 'graphSha256'> {
  return {
    format: SNAPSHOT_FORMAT,
    tool: { name: 'aws-org-graph', version: 'test' },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 0,
    mode: 'simulated',
    accounts: [],
    skippedAccounts: [],
    regions: [],
    skippedRegions: [],
    collectors: [],
    errors: [],
    notRefreshed: [],
    counts: { entities: {}, relationships: {}, totalEntities: 0, totalRelationships: 0, staleEntities: 0 },
    apiCalls: { calls: 0, throttled: 0 },
    ...overrides,
  };
}
