/**
 * Snapshot writing at scale (not a test): a generated graph of 1,000,000 entities (shaped like the
 * collectors' entities: ARNs as keys, 20-odd properties, tags, provenance) and one relationship per
 * entity, written through `SnapshotStore` (sorted, canonical JSON lines, hashed, fsynced, renamed).
 * Each size runs in its own process; the peak RSS includes the graph itself, as during a run.
 *
 *   npm run bench -- snapshot [--entities 1000000[,200000]] [--objects converter|compact|flat|all]
 *
 * `--objects` says how the generated objects are held in memory:
 *   - `converter` (default): as the graph's converters build them today. `createEntity` adds the
 *     properties one by one through keyed stores, which leaves objects of more than a dozen
 *     properties in V8's dictionary mode (about 1.7 KB per entity here);
 *   - `compact`: the same objects copied once (`{ ...entity }`), which V8 builds in fast mode;
 *   - `flat`: fast-mode objects whose strings are flat too, as a snapshot read back from disk holds
 *     them (strings built by concatenation are rope trees until something reads them, and writing
 *     the snapshot reads them all: flattening them is part of the write's memory).
 */
import { benchMain, measureInChild } from './child';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createEntity, createRelationship } from '../src/graph/convert';
import { RelationshipVerb, type Entity, type Relationship } from '../src/graph/types';
import { SnapshotStore } from '../src/snapshot';
import type { SnapshotMetadata } from '../src/snapshot/format';
import { seededRandom } from '../src/sim/random';

export type ObjectShape = 'converter' | 'compact' | 'flat';

export interface SnapshotMeasurement {
  objects: ObjectShape;
  entities: number;
  relationships: number;
  generateMs: number;
  writeMs: number;
  bytes: number;
  /** RSS with the graph built, before writing. */
  graphRssMb: number;
  peakRssMb: number;
}

const TYPES = [
  { type: 'aws_instance', class: 'Host', service: 'ec2', resource: 'instance', prefix: 'i-' },
  { type: 'aws_ebs_volume', class: ['DataStore', 'Disk'], service: 'ec2', resource: 'volume', prefix: 'vol-' },
  { type: 'aws_security_group', class: 'Firewall', service: 'ec2', resource: 'security-group', prefix: 'sg-' },
  { type: 'aws_iam_role', class: 'AccessRole', service: 'iam', resource: 'role', prefix: 'role-' },
  { type: 'aws_kms_key', class: 'CryptoKey', service: 'kms', resource: 'key', prefix: '' },
  { type: 'aws_s3_bucket', class: 'DataStore', service: 's3', resource: 'bucket', prefix: 'bucket-' },
] as const;

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];

/**
 * A graph of `count` entities spread over 200 accounts, and one HAS relationship per entity, held
 * as `objects` says (see the module's comment).
 */
export function generateGraph(count: number, objects: ObjectShape = 'converter'): { entities: Entity[]; relationships: Relationship[] } {
  const shape = <T extends object>(object: T): T =>
    objects === 'compact' ? { ...object } : objects === 'flat' ? (JSON.parse(JSON.stringify(object)) as T) : object;
  const random = seededRandom(1);
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  const hex = (n: number) => Math.floor(random() * 16 ** Math.min(n, 12)).toString(16).padStart(n, '0');
  for (let index = 0; index < count; index++) {
    const kind = TYPES[index % TYPES.length];
    const accountId = String(100000000000 + (index % 200) * 7919).padStart(12, '0');
    const region = REGIONS[index % REGIONS.length];
    const id = `${kind.prefix}${hex(17)}`;
    const arn = `arn:aws:${kind.service}:${region}:${accountId}:${kind.resource}/${id}`;
    const entity = createEntity({
      _key: arn,
      _type: kind.type,
      _class: kind.class as string | string[],
      name: `${kind.resource}-${index}`,
      tags: { Name: `${kind.resource}-${index}`, Environment: index % 3 ? 'production' : 'staging', team: `team-${index % 17}` },
      createdOn: new Date(1_600_000_000_000 + index * 1000),
      properties: {
        id,
        arn,
        accountId,
        region,
        state: index % 10 ? 'available' : 'stopped',
        active: index % 10 !== 0,
        encrypted: index % 4 !== 0,
        public: index % 25 === 0,
        vpcId: `vpc-${hex(17)}`,
        subnetId: `subnet-${hex(17)}`,
        securityGroupIds: [`sg-${hex(17)}`, `sg-${hex(17)}`],
        size: 8 + (index % 500),
        webLink: `https://console.aws.amazon.com/${kind.service}/home?region=${region}#${kind.resource}:${id}`,
      },
    });
    entity._accountId = accountId;
    entity._region = region;
    entity._collector = `${kind.service}-${kind.resource}s`;
    entities.push(shape(entity));
    const service = { _key: `aws:${accountId}:service:${kind.service}`, _type: `aws_${kind.service}` };
    const relationship = createRelationship({ from: service, verb: RelationshipVerb.HAS, to: entity });
    relationship._accountId = accountId;
    relationship._region = region;
    relationship._collector = entity._collector;
    relationships.push(shape(relationship));
  }
  return { entities, relationships };
}

function metadataFor(entities: number, relationships: number): Omit<SnapshotMetadata, 'graphSha256'> {
  const now = new Date().toISOString();
  return {
    format: 'aws-org-graph.snapshot/1',
    tool: { name: 'aws-org-graph', version: 'bench' },
    startedAt: now,
    endedAt: now,
    durationMs: 0,
    mode: 'simulated',
    accounts: [],
    skippedAccounts: [],
    regions: REGIONS,
    skippedRegions: [],
    collectors: [],
    errors: [],
    notRefreshed: [],
    counts: { entities: {}, relationships: {}, totalEntities: entities, totalRelationships: relationships, staleEntities: 0 },
    apiCalls: { calls: 0, throttled: 0 },
  };
}

const rssMb = () => process.memoryUsage.rss() / 2 ** 20;

/** Generates a graph and writes its snapshot, in this process. */
export async function measure(count: number, objects: ObjectShape = 'converter'): Promise<SnapshotMeasurement> {
  const generateStarted = performance.now();
  const { entities, relationships } = generateGraph(count, objects);
  const generateMs = performance.now() - generateStarted;
  const graphRssMb = rssMb();
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-snapshot-bench-'));
  try {
    const started = performance.now();
    const written = await new SnapshotStore(directory).write(entities, relationships, metadataFor(entities.length, relationships.length));
    const writeMs = performance.now() - started;
    return {
      objects,
      entities: entities.length,
      relationships: relationships.length,
      generateMs,
      writeMs,
      bytes: statSync(written.path).size,
      graphRssMb,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function measureSnapshotInChild(count: number, objects: ObjectShape): Promise<SnapshotMeasurement> {
  return measureInChild<SnapshotMeasurement>(__filename, [String(count), objects]);
}

export function table(measurements: readonly SnapshotMeasurement[]): string {
  const lines = [
    '| objects | entities | relationships | snapshot size | write time | RSS with the graph | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of measurements) {
    lines.push(
      `| ${m.objects} | ${m.entities.toLocaleString('en-US')} | ${m.relationships.toLocaleString('en-US')} | ${Math.round(m.bytes / 2 ** 20)} MB | ${(m.writeMs / 1000).toFixed(1)} s | ${Math.round(m.graphRssMb)} MB | ${Math.round(m.peakRssMb)} MB |`,
    );
  }
  return lines.join('\n');
}

export async function run(): Promise<SnapshotMeasurement[]> {
  const args = process.argv.slice(2);
  const inline = args.find((arg) => arg.startsWith('--entities='));
  const value = inline ? inline.slice('--entities='.length) : args[args.indexOf('--entities') + 1];
  const counts = (args.includes('--entities') || inline ? value : '1000000').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--entities: expected counts such as 1000000');
  const objectsOption = args[args.indexOf('--objects') + 1] && args.includes('--objects') ? args[args.indexOf('--objects') + 1] : 'converter';
  if (!['converter', 'compact', 'flat', 'all'].includes(objectsOption)) throw new Error('--objects: converter, compact, flat or all');
  const shapes: ObjectShape[] = objectsOption === 'all' ? ['converter', 'compact', 'flat'] : [objectsOption as ObjectShape];
  const measurements: SnapshotMeasurement[] = [];
  for (const count of counts) {
    for (const objects of shapes) {
      const measurement = await measureSnapshotInChild(count, objects);
      measurements.push(measurement);
      console.log(`${count.toLocaleString('en-US')} entities (${objects} objects): generated in ${(measurement.generateMs / 1000).toFixed(1)} s, written in ${(measurement.writeMs / 1000).toFixed(1)} s`);
    }
  }
  console.log(`\n${table(measurements)}`);
  return measurements;
}

if (require.main === module) benchMain((args) => measure(Number(args[0]), (args[1] as ObjectShape | undefined) ?? 'converter'), run);
