// Measures the input checks a run makes before its first AWS call (`preflight` in src/ingest/preflight.ts:
// services, output directory, latest.json and the previous snapshot's metadata, plus the
// configuration's schema) against a previous snapshot shaped like a 200-account run's: 87,519
// entities and 200 x 16 x 15 collector records in its metadata. Usage:
//   node --import tsx scripts/measure-input-checks.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkConfig, completeConfig } from '../src/config';
import type { Entity } from '../src/graph';
import { preflight } from '../src/ingest';
import { SnapshotStore, type CollectorRunRecord, type SnapshotMetadata } from '../src/snapshot';
import { FileStorage } from '../src/store/files';

async function main(): Promise<void> {
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-input-checks-'));
  const store = new SnapshotStore(directory);
  const entities: Entity[] = Array.from({ length: 87_519 }, (_, index) => ({
    _key: `arn:aws:ec2:us-east-1:${String(100_000_000_000 + (index % 200))}:thing/${index}`,
    _type: 'aws_thing',
    _class: ['Resource'],
    _accountId: String(100_000_000_000 + (index % 200)),
    _region: 'us-east-1',
    _collector: 'ec2-things',
    name: `thing ${index}`,
    displayName: `thing ${index}`,
  }));
  const collectors: CollectorRunRecord[] = [];
  for (let account = 0; account < 200; account++) {
    for (let region = 0; region < 16; region++) {
      for (let collector = 0; collector < 15; collector++) {
        collectors.push({
          accountId: String(100_000_000_000 + account),
          region: `region-${region}`,
          collector: `collector-${collector}`,
          service: 'ec2',
          status: 'succeeded',
          startedAt: new Date(0).toISOString(),
          durationMs: 12,
          apiCalls: 2,
          throttled: 0,
          entities: 3,
          relationships: 4,
        });
      }
    }
  }
  const metadata: Omit<SnapshotMetadata, 'graphSha256'> = {
    format: 'aws-org-graph.snapshot/1',
    tool: { name: 'aws-org-graph', version: '0.1.0' },
    startedAt: new Date(0).toISOString(),
    endedAt: new Date(1000).toISOString(),
    durationMs: 1000,
    mode: 'simulated',
    accounts: [],
    skippedAccounts: [],
    regions: [],
    skippedRegions: [],
    collectors,
    errors: [],
    notRefreshed: [],
    counts: { entities: {}, relationships: {}, totalEntities: entities.length, totalRelationships: 0, staleEntities: 0 },
    apiCalls: { calls: 0, throttled: 0 },
  };
  await store.write(entities, [], metadata);
  const config = completeConfig(
    checkConfig(
      { organization: { managementAccountId: '123456789012' }, services: { include: ['iam', 'ec2'] }, outputDir: directory, concurrency: 16 },
      'measure',
    ),
  );
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    checkConfig(
      { organization: { managementAccountId: '123456789012' }, services: { include: ['iam', 'ec2'] }, outputDir: directory, concurrency: 16 },
      'measure',
    );
    await preflight(config, new FileStorage(directory));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(
    `input checks: median ${times[2].toFixed(1)} ms, max ${times[4].toFixed(1)} ms over 5 rounds (previous snapshot of ${entities.length} entities, ${collectors.length} collector records)\n`,
  );
}

void main();
