/**
 * Query engine benchmark (not a test): a generated organization of 1,000,000 entities, the index
 * built once, then J1QL queries timed the first time (equality indexes built on the way) and again.
 *
 *   node --import tsx bench/query.bench.ts [entities]
 *
 * Prints a markdown table; docs/query.md holds a measured copy.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createEntity, createRelationship } from '../src/graph/convert';
import type { Entity, Relationship, RelationshipVerb } from '../src/graph/types';
import { GraphIndex, runQuery } from '../src/query';
import { seededRandom } from '../src/sim/random';

/** Share of the entities per type, roughly an organization of 100 accounts. */
const MIX: Array<[type: string, share: number]> = [
  ['aws_account', 0.0001],
  ['aws_vpc', 0.0009],
  ['aws_subnet', 0.019],
  ['aws_security_group', 0.08],
  ['aws_instance', 0.25],
  ['aws_ebs_volume', 0.35],
  ['aws_iam_user', 0.1],
  ['aws_iam_group', 0.01],
  ['aws_iam_role', 0.04],
  ['aws_iam_policy', 0.15],
];

const CLASSES: Record<string, string | string[]> = {
  aws_account: 'Account',
  aws_vpc: 'Network',
  aws_subnet: 'Network',
  aws_security_group: 'Firewall',
  aws_instance: 'Host',
  aws_ebs_volume: ['DataStore', 'Disk'],
  aws_iam_user: 'User',
  aws_iam_group: 'UserGroup',
  aws_iam_role: 'AccessRole',
  aws_iam_policy: 'AccessPolicy',
};

export interface GeneratedGraph {
  entities: Entity[];
  relationships: Relationship[];
}

/** A deterministic organization: accounts own VPCs, subnets, groups and IAM; instances sit in subnets behind security groups and use volumes. */
export function generateGraph(total: number, seed = 42): GeneratedGraph {
  const random = seededRandom(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  const byType = new Map<string, Entity[]>();
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
  const day = 86_400_000;
  const now = Date.UTC(2025, 0, 1);

  for (const [type, share] of MIX) {
    const count = Math.max(1, Math.round(total * share));
    const list: Entity[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${type}-${i.toString().padStart(7, '0')}`;
      const properties: Record<string, string | number | boolean | string[]> = { region: pick(regions) };
      switch (type) {
        case 'aws_account':
          Object.assign(properties, { accountId: String(100000000000 + i), mfaEnabled: random() < 0.9 });
          break;
        case 'aws_vpc':
          Object.assign(properties, { vpcId: `vpc-${i}`, defaultVpc: i % 9 === 0, CIDR: '10.0.0.0/16', public: false, internal: true });
          break;
        case 'aws_subnet':
          Object.assign(properties, { subnetId: `subnet-${i}`, public: random() < 0.3, internal: true, CIDR: `10.${i % 256}.0.0/24` });
          break;
        case 'aws_security_group':
          // One default group per VPC-sized batch; most groups are custom.
          Object.assign(properties, { groupId: `sg-${i}`, default: i % 90 === 0, category: ['network'] });
          break;
        case 'aws_instance':
          Object.assign(properties, {
            instanceId: `i-${i}`,
            active: random() < 0.8,
            state: random() < 0.8 ? 'running' : 'stopped',
            instanceType: pick(['t3.micro', 'm5.large', 'c6g.xlarge']),
            httpTokens: random() < 0.6 ? 'required' : 'optional',
          });
          break;
        case 'aws_ebs_volume':
          Object.assign(properties, { volumeId: `vol-${i}`, encrypted: random() < 0.7, size: 8 + Math.floor(random() * 500), classification: null });
          break;
        case 'aws_iam_user':
          Object.assign(properties, { username: `user${i}`, mfaEnabled: random() < 0.7, passwordEnabled: random() < 0.5 });
          break;
        case 'aws_iam_policy':
          Object.assign(properties, { policyName: `policy${i}`, vendorManaged: random() < 0.2, admin: random() < 0.01 });
          break;
        default:
          Object.assign(properties, { roleName: `${type}${i}` });
      }
      list.push(
        createEntity({
          _key: `arn:aws:bench:${id}`,
          _type: type,
          _class: CLASSES[type],
          name: id,
          properties,
          createdOn: now - Math.floor(random() * 1000) * day,
        }),
      );
    }
    byType.set(type, list);
    for (const entity of list) entities.push(entity);
  }

  const of = (type: string) => byType.get(type) as Entity[];
  const link = (from: Entity, verb: RelationshipVerb, to: Entity, keySuffix?: string) => relationships.push(createRelationship({ from, verb, to, keySuffix }));
  const accounts = of('aws_account');
  for (const type of ['aws_vpc', 'aws_iam_user', 'aws_iam_group', 'aws_iam_role', 'aws_iam_policy']) {
    of(type).forEach((entity, i) => link(accounts[i % accounts.length], 'HAS', entity));
  }
  const vpcs = of('aws_vpc');
  of('aws_subnet').forEach((subnet, i) => link(vpcs[i % vpcs.length], 'CONTAINS', subnet));
  const groups = of('aws_security_group');
  groups.forEach((group, i) => link(vpcs[i % vpcs.length], 'CONTAINS', group));
  const subnets = of('aws_subnet');
  const instances = of('aws_instance');
  instances.forEach((instance, i) => {
    link(subnets[i % subnets.length], 'HAS', instance);
    // One or two security groups per instance.
    const first = pick(groups);
    link(first, 'PROTECTS', instance);
    if (random() < 0.5) {
      const second = pick(groups);
      if (second !== first) link(second, 'PROTECTS', instance);
    }
  });
  // Most volumes are attached to one instance; the rest are unattached.
  for (const volume of of('aws_ebs_volume')) if (random() < 0.9) link(pick(instances), 'USES', volume);
  const iamGroups = of('aws_iam_group');
  const policies = of('aws_iam_policy');
  for (const user of of('aws_iam_user')) {
    link(pick(iamGroups), 'HAS', user);
    if (random() < 0.3) link(user, 'ASSIGNED', pick(policies));
  }
  iamGroups.forEach((group, i) => {
    for (let k = 0; k < 3; k++) link(group, 'ASSIGNED', policies[(k * 7919 + i) % policies.length], `g${k}`);
  });
  for (const role of of('aws_iam_role')) {
    link(role, 'ASSIGNED', pick(policies));
    link(role, 'TRUSTS', pick(accounts));
  }
  return { entities, relationships };
}

const QUERIES: Array<[label: string, query: string]> = [
  [
    'two hops, a filter on each step (list)',
    'FIND aws_security_group WITH default = false THAT PROTECTS aws_instance WITH active = true THAT USES aws_ebs_volume WITH encrypted = false',
  ],
  ['one selective start, one hop', "FIND aws_instance WITH instanceId = 'i-123456' THAT USES aws_ebs_volume"],
  ['negation over a type', 'FIND aws_ebs_volume THAT !USES aws_instance'],
  [
    'two hops, rows (RETURN, LIMIT 250)',
    'FIND aws_subnet WITH public = true AS s THAT HAS aws_instance WITH active = true AS i THAT USES aws_ebs_volume WITH encrypted = false AS v RETURN s.subnetId, i.instanceId, v.volumeId',
  ],
  ['aggregate over a type', 'FIND aws_ebs_volume WITH encrypted = false AS v RETURN v.region, count(v), sum(v.size)'],
  // The first run builds the full-text index (names, display names, ids, keys and ARNs of every entity).
  ['full-text search', "FIND 'aws_instance-0123456'"],
  [
    'three hops, RETURN TREE',
    'FIND aws_vpc WITH defaultVpc = true THAT CONTAINS aws_subnet WITH public = true THAT HAS aws_instance WITH active = true THAT USES aws_ebs_volume WITH encrypted = false RETURN TREE',
  ],
];

function ms(start: number): number {
  return performance.now() - start;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/**
 * One full garbage collection once the graph is loaded and indexed, then a pause for the
 * collector's concurrent sweeping to finish, so that the garbage of generating the graph is not
 * billed to the first query. Queries pay for their own garbage.
 */
async function settle(): Promise<void> {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

/** Wall-clock and CPU milliseconds of a call (CPU includes the collector's and compiler's threads). */
function timed<T>(call: () => T): { value: T; wall: number; cpu: number } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = call();
  const used = process.cpuUsage(cpu);
  return { value, wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function run(total = 1_000_000): Promise<void> {
  let started = performance.now();
  const graph = generateGraph(total);
  const generation = ms(started);

  started = performance.now();
  const index = new GraphIndex(graph.entities, graph.relationships);
  const build = ms(started);

  await settle();
  const lines = [
    `Graph: ${index.entityCount.toLocaleString('en-US')} entities, ${index.relationships.length.toLocaleString('en-US')} relationships (generated in ${(generation / 1000).toFixed(1)} s)`,
    `Index build: ${Math.round(build)} ms`,
    `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${megabytes(totalmem())} RAM, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} when the queries started`,
    '',
    '| query | first run: wall (CPU) | next 3 runs, median: wall (CPU) | result count (total) |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const [label, query] of QUERIES) {
    const first = timed(() => runQuery(index, query));
    const next = [0, 1, 2].map(() => timed(() => runQuery(index, query)));
    for (const run of next) if (run.value.total !== first.value.total) throw new Error(`${label}: ${first.value.total} then ${run.value.total}`);
    const cell = (wall: number, cpu: number) => `${Math.round(wall)} ms (${Math.round(cpu)} ms)`;
    lines.push(
      `| ${label}: \`${query}\` | ${cell(first.wall, first.cpu)} | ${cell(median(next.map((run) => run.wall)), median(next.map((run) => run.cpu)))} | ${first.value.total.toLocaleString('en-US')} |`,
    );
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  lines.push(
    '',
    `Peak RSS: ${megabytes(peak)} (generated objects, snapshot-sized, plus the index); the full-text index holds ${megabytes(index.textIndex().byteSize)}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) {
  const requested = Number(process.argv[2] ?? 1_000_000);
  run(Number.isFinite(requested) && requested > 0 ? requested : 1_000_000).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
