/**
 * Snapshot writing at scale (not a test): a graph of 1,000,000 entities (shaped like the
 * collectors' entities: ARNs as keys, 20-odd properties, tags, provenance) and one relationship per
 * entity, built and written the way a run does it. Each case runs in its own process, so its peak
 * RSS is its own and includes the graph, as during a run.
 *
 *   npm run bench -- snapshot [--entities 1000000[,200000]] [--objects run|arrays|flat|all] [--previous[=whole]]
 *
 * `--objects` says how the objects are built and held:
 *   - `run` (default): as a run does. `createEntity` and `createRelationship` build them, they are
 *     stamped with their provenance and added to a `GraphStore` as the collector runner does (after
 *     the account collector's service entities, which relationships start from), and the snapshot
 *     is written from `[...graph.allEntities()]` and `[...graph.allRelationships()]` through
 *     `SnapshotStore`, as `ingest` does;
 *   - `arrays`: the same converter objects held in two arrays, without the store's compaction;
 *   - `flat`: objects as a snapshot read back from disk holds them (`JSON.parse` of their JSON:
 *     flat strings, one hidden class per list of properties), in arrays.
 *
 * `--previous` measures a second run too (`run` objects): the first run's snapshot is the previous
 * one; the second run sees 1% of the entities changed, 1% gone and 1% new, and one collector of one
 * account fails, so that scope is carried forward. It reads the previous snapshot in one streaming
 * pass (`readPreviousSnapshot`: what carry-forward needs and a per-key digest for the change
 * counts), carries forward, counts the changes and writes its snapshot. `--previous=whole` reads
 * the whole previous snapshot instead (`readSnapshot`) and counts with `diffEntities`, as `ingest`
 * did before the streaming read.
 */
import { benchMain, measureInChild } from './child';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createEntity, createRelationship } from '../src/graph/convert';
import { GraphStore } from '../src/graph/store';
import { RelationshipVerb, type Entity, type Relationship } from '../src/graph/types';
import { serviceEntitySchema } from '../src/graph/schema';
import { createServiceEntity, serviceEntityRef } from '../src/graph/service-entities';
import { diffEntities, inScope, readPreviousSnapshot, readSnapshot, SnapshotStore, type ChangeCounts, type UnrefreshedScope } from '../src/snapshot';
import type { SnapshotMetadata } from '../src/snapshot/format';
import { seededRandom } from '../src/sim/random';

export type ObjectShape = 'run' | 'arrays' | 'flat';
export type Case = ObjectShape | 'second-run' | 'second-run-whole';

export interface SnapshotMeasurement {
  case: Case;
  entities: number;
  relationships: number;
  /** Building the graph: wall and CPU time (user + system, both cores). */
  buildMs: number;
  buildCpuMs: number;
  /** RSS and V8 heap with the graph built, before anything else. */
  graphRssMb: number;
  graphHeapMb: number;
  /** Second run: reading the previous snapshot, carrying forward and counting the changes. */
  previous?: { readMs: number; readCpuMs: number; keptEntities: number; keptRelationships: number; carried: number; changes: ChangeCounts; rssMb: number };
  writeMs: number;
  writeCpuMs: number;
  bytes: number;
  peakRssMb: number;
}

const TYPES = [
  { type: 'aws_instance', class: 'Host', service: 'ec2', resource: 'instance', prefix: 'i-', collector: 'ec2-instances' },
  { type: 'aws_ebs_volume', class: ['DataStore', 'Disk'], service: 'ec2', resource: 'volume', prefix: 'vol-', collector: 'ec2-volumes' },
  { type: 'aws_security_group', class: 'Firewall', service: 'ec2', resource: 'security-group', prefix: 'sg-', collector: 'ec2-firewalls' },
  { type: 'aws_iam_role', class: 'AccessRole', service: 'iam', resource: 'role', prefix: 'role-', collector: 'iam-roles' },
  { type: 'aws_kms_key', class: 'CryptoKey', service: 'kms', resource: 'key', prefix: '', collector: 'kms' },
  { type: 'aws_s3_bucket', class: 'DataStore', service: 's3', resource: 'bucket', prefix: 'bucket-', collector: 's3' },
] as const;

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const SERVICES = ['ec2', 'iam', 'kms', 's3'];
const ACCOUNTS = 200;
/** The scope that fails in the second run: one collector of one account. */
const FAILED: UnrefreshedScope = { accountId: accountIdOf(7), region: REGIONS[1], collector: TYPES[1].collector };

function accountIdOf(index: number): string {
  return String(100000000000 + (index % ACCOUNTS) * 7919).padStart(12, '0');
}

interface GeneratedPair {
  entity: Entity;
  relationship: Relationship;
  provenance: { _accountId: string; _region: string; _collector: string };
}

/**
 * The entities of one run, built by the converters' helpers, one HAS relationship from the
 * account's service entity to each. Run `generation` 0 is a first run; run 1 sees every 100th
 * entity gone, every 100th (offset 1) changed, and `count / 100` new ones.
 */
function* generatePairs(count: number, generation = 0): Generator<GeneratedPair> {
  const random = seededRandom(1);
  const hex = (n: number) =>
    Math.floor(random() * 16 ** Math.min(n, 12))
      .toString(16)
      .padStart(n, '0');
  const total = generation === 0 ? count : count + Math.floor(count / 100);
  for (let index = 0; index < total; index++) {
    const kind = TYPES[index % TYPES.length];
    const accountId = accountIdOf(index);
    const region = REGIONS[index % REGIONS.length];
    // The random draws happen whatever is kept, so entity `index` is the same in both runs.
    const id = `${kind.prefix}${hex(17)}`;
    const vpcId = `vpc-${hex(17)}`;
    const subnetId = `subnet-${hex(17)}`;
    const securityGroupIds = [`sg-${hex(17)}`, `sg-${hex(17)}`];
    if (generation > 0 && index < count && index % 100 === 0) continue;
    const changed = generation > 0 && index % 100 === 1;
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
        state: changed ? 'stopping' : index % 10 ? 'available' : 'stopped',
        active: index % 10 !== 0,
        encrypted: index % 4 !== 0,
        public: index % 25 === 0,
        vpcId,
        subnetId,
        securityGroupIds,
        size: 8 + (index % 500),
        webLink: `https://console.aws.amazon.com/${kind.service}/home?region=${region}#${kind.resource}:${id}`,
      },
    });
    // As collectors do: the relationship names the service entity by a key built for it.
    const relationship = createRelationship({ from: serviceEntityRef(accountId, kind.service), verb: RelationshipVerb.HAS, to: entity });
    yield { entity, relationship, provenance: { _accountId: accountId, _region: region, _collector: kind.collector } };
  }
}

/** The runner's stamp: provenance set on the object itself before it goes into the graph. */
function stamp<T extends Entity | Relationship>(object: T, provenance: GeneratedPair['provenance']): T {
  object._accountId = provenance._accountId;
  object._region = provenance._region;
  object._collector = provenance._collector;
  return object;
}

/** The graph of one run, built as the collectors and their runner build it. */
export function buildGraph(count: number, generation = 0, failed?: UnrefreshedScope): GraphStore {
  const graph = new GraphStore();
  for (let index = 0; index < ACCOUNTS; index++) {
    for (const service of SERVICES) {
      const entity = createServiceEntity(accountIdOf(index), serviceEntitySchema(service, service.toUpperCase()), service.toUpperCase(), ['infrastructure']);
      graph.addEntity(stamp(entity, { _accountId: accountIdOf(index), _region: 'global', _collector: 'account' }));
    }
  }
  for (const { entity, relationship, provenance } of generatePairs(count, generation)) {
    if (failed && provenance._accountId === failed.accountId && provenance._region === failed.region && provenance._collector === failed.collector) continue;
    graph.addEntity(stamp(entity, provenance));
    graph.addRelationship(stamp(relationship, provenance));
  }
  return graph;
}

/**
 * `count` entities and their relationships in two arrays: as the converters build them
 * (`arrays`), or as read back from a snapshot (`flat`). Tests use it for realistic objects.
 */
export function generateGraph(count: number, objects: 'arrays' | 'flat' = 'arrays'): { entities: Entity[]; relationships: Relationship[] } {
  const shape = <T extends object>(object: T): T => (objects === 'flat' ? (JSON.parse(JSON.stringify(object)) as T) : object);
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  for (const { entity, relationship, provenance } of generatePairs(count)) {
    entities.push(shape(stamp(entity, provenance)));
    relationships.push(shape(stamp(relationship, provenance)));
  }
  return { entities, relationships };
}

function metadataFor(entities: number, relationships: number, changes?: ChangeCounts): Omit<SnapshotMetadata, 'graphSha256'> {
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
    changes,
  };
}

const rssMb = () => process.memoryUsage.rss() / 2 ** 20;
const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * Carry-forward as `ingest` does it, from what the streaming read kept: the failed scope's objects,
 * marked stale, where the graph has nothing better.
 */
function carryForward(kept: { entities: Entity[]; relationships: Relationship[] }, graph: GraphStore, failed: UnrefreshedScope): number {
  let carried = 0;
  for (const entity of kept.entities) {
    const existing = graph.getEntity(entity._key);
    if (existing && existing._source !== 'system-mapper') continue;
    if (inScope(entity, failed)) {
      graph.addEntity({ ...entity, _stale: true });
      carried++;
    }
  }
  for (const relationship of kept.relationships) {
    if (graph.getRelationship(relationship._key) || !inScope(relationship, failed)) continue;
    if (graph.hasEntity(relationship._fromEntityKey) && graph.hasEntity(relationship._toEntityKey)) graph.addRelationship({ ...relationship, _stale: true });
  }
  return carried;
}

/**
 * One case, in this process. `directory` keeps the snapshot store between cases (the second run
 * reads the first run's snapshot from it); without it, a temporary one is used and removed.
 */
export async function measure(count: number, which: Case = 'run', directory?: string): Promise<SnapshotMeasurement> {
  const buildStarted = performance.now();
  const buildCpuStarted = cpuMs();
  let entities: Entity[];
  let relationships: Relationship[];
  let graph: GraphStore | undefined;
  const secondRun = which === 'second-run' || which === 'second-run-whole';
  if (which === 'run' || secondRun) graph = buildGraph(count, secondRun ? 1 : 0, secondRun ? FAILED : undefined);
  const generated = graph ? undefined : generateGraph(count, which === 'flat' ? 'flat' : 'arrays');
  const buildMs = performance.now() - buildStarted;
  const buildCpuMs = cpuMs() - buildCpuStarted;
  const graphRssMb = rssMb();
  const graphHeapMb = heapMb();
  const store = new SnapshotStore(directory ?? mkdtempSync(path.join(tmpdir(), 'orggraph-snapshot-bench-')));
  try {
    let previous: SnapshotMeasurement['previous'];
    let changes: ChangeCounts | undefined;
    if (secondRun && graph) {
      const latest = await store.latest();
      if (!latest) throw new Error(`no previous snapshot in ${store.directory}`);
      const readStarted = performance.now();
      const readCpuStarted = cpuMs();
      let kept: { entities: Entity[]; relationships: Relationship[] };
      let count: () => ChangeCounts;
      if (which === 'second-run') {
        const streamed = await readPreviousSnapshot(latest.absolutePath, { failedScopes: [FAILED], everGrowingTypes: new Set() });
        kept = streamed;
        count = () => streamed.digest.diff((graph as GraphStore).allEntities());
      } else {
        const whole = await readSnapshot(latest.absolutePath);
        kept = whole;
        count = () => diffEntities(whole.entities, [...(graph as GraphStore).allEntities()]).counts;
      }
      const carried = carryForward(kept, graph, FAILED);
      changes = count();
      previous = {
        readMs: performance.now() - readStarted,
        readCpuMs: cpuMs() - readCpuStarted,
        keptEntities: kept.entities.length,
        keptRelationships: kept.relationships.length,
        carried,
        changes,
        rssMb: rssMb(),
      };
    }
    const started = performance.now();
    const cpuStarted = cpuMs();
    if (graph) {
      entities = [...graph.allEntities()];
      relationships = [...graph.allRelationships()];
    } else {
      ({ entities, relationships } = generated as NonNullable<typeof generated>);
    }
    const written = await store.write(entities, relationships, metadataFor(entities.length, relationships.length, changes));
    return {
      case: which,
      entities: entities.length,
      relationships: relationships.length,
      buildMs,
      buildCpuMs,
      graphRssMb,
      graphHeapMb,
      previous,
      writeMs: performance.now() - started,
      writeCpuMs: cpuMs() - cpuStarted,
      bytes: statSync(written.path).size,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    if (!directory) rmSync(store.directory, { recursive: true, force: true });
  }
}

function measureCaseInChild(count: number, which: Case, directory?: string): Promise<SnapshotMeasurement> {
  return measureInChild<SnapshotMeasurement>(__filename, [String(count), which, ...(directory ? [directory] : [])]);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (value: number) => `${Math.round(value)} MB`;

export function table(measurements: readonly SnapshotMeasurement[]): string {
  const lines = [
    '| case | entities | relationships | snapshot size | build (CPU) | RSS with the graph | previous: read + carry + diff (CPU) | write | write CPU | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of measurements) {
    const previous = m.previous ? `${seconds(m.previous.readMs)} (${seconds(m.previous.readCpuMs)})` : '–';
    lines.push(
      `| ${m.case} | ${m.entities.toLocaleString('en-US')} | ${m.relationships.toLocaleString('en-US')} | ${mb(m.bytes / 2 ** 20)} | ${seconds(m.buildMs)} (${seconds(m.buildCpuMs)}) | ${mb(m.graphRssMb)} | ${previous} | ${seconds(m.writeMs)} | ${seconds(m.writeCpuMs)} | ${mb(m.peakRssMb)} |`,
    );
  }
  return lines.join('\n');
}

function option(args: readonly string[], name: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  if (inline) return inline.slice(name.length + 1);
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export async function run(): Promise<SnapshotMeasurement[]> {
  const args = process.argv.slice(2);
  const counts = (option(args, '--entities') ?? '1000000').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--entities: expected counts such as 1000000');
  const objects = option(args, '--objects') ?? 'run';
  if (!['run', 'arrays', 'flat', 'all'].includes(objects)) throw new Error('--objects: run, arrays, flat or all');
  const shapes: ObjectShape[] = objects === 'all' ? ['run', 'arrays', 'flat'] : [objects as ObjectShape];
  const previousOption = args.find((arg) => arg === '--previous' || arg.startsWith('--previous='));
  if (previousOption && !['--previous', '--previous=whole'].includes(previousOption))
    throw new Error('--previous: streaming (the default) or --previous=whole');
  const secondRun: Case | undefined = previousOption ? (previousOption === '--previous=whole' ? 'second-run-whole' : 'second-run') : undefined;
  const measurements: SnapshotMeasurement[] = [];
  const report = (m: SnapshotMeasurement) => {
    measurements.push(m);
    const previous = m.previous
      ? `, previous read in ${seconds(m.previous.readMs)} (kept ${m.previous.keptEntities} entities, carried ${m.previous.carried}, changes ${JSON.stringify(m.previous.changes)})`
      : '';
    console.log(
      `${m.entities.toLocaleString('en-US')} entities (${m.case}): built in ${seconds(m.buildMs)}${previous}, written in ${seconds(m.writeMs)}, peak RSS ${mb(m.peakRssMb)}`,
    );
  };
  for (const count of counts) {
    for (const shape of shapes) {
      if (shape === 'run' && secondRun) {
        const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-snapshot-bench-'));
        try {
          report(await measureCaseInChild(count, 'run', directory));
          report(await measureCaseInChild(count, secondRun, directory));
        } finally {
          rmSync(directory, { recursive: true, force: true });
        }
      } else {
        report(await measureCaseInChild(count, shape));
      }
    }
  }
  console.log(`\n${table(measurements)}`);
  return measurements;
}

if (require.main === module) benchMain((args) => measure(Number(args[0]), (args[1] as Case | undefined) ?? 'run', args[2]), run);
