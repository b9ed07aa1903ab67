/**
 * Benchmark (not a test) of the ALLOWS analysis: 5,000 policies over 100,000 resources of one
 * account, the worst case for the resource index (every policy of the account against every
 * resource of the account). Target: under 60 s. Run alone with
 * `node --import tsx bench/mappings.bench.ts`; `run()` is what the bench runner calls.
 */
import * as os from 'node:os';
import { ActionCatalog } from '../src/analysis/actions';
import { analyzeAllows } from '../src/analysis/allows';
import { compileArnPattern } from '../src/analysis/arn';
import { parsePolicyDocument } from '../src/policy/document';
import { ResourceIndex } from '../src/analysis/resource-index';
import { createEntity, GraphStore, type Entity } from '../src/graph';
import { serviceEntitySchema } from '../src/graph/schema';
import { accountEntityKey, createServiceEntity } from '../src/graph/service-entities';
import { seededRandom } from '../src/sim/random';

const ACCOUNT = '111111111111';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const TEAMS = 100;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const hex = (random: () => number, length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');

function resource(arn: string, type: string, name: string): Entity {
  const entity = createEntity({ _key: arn, _type: type, _class: ['Resource'], name, properties: { arn } });
  entity._accountId = ACCOUNT;
  return entity;
}

/** 100,000 resources: buckets, instances, volumes, security groups, roles, users, keys, functions. */
export function generateResources(count = 100_000, random = seededRandom(42)): Entity[] {
  const mix: Array<[number, (i: number) => Entity]> = [
    [0.1, (i) => resource(`arn:aws:s3:::team-${pad(i % TEAMS)}-${['prod', 'dev', 'staging'][i % 3]}-${i}`, 'aws_s3_bucket', `bucket-${i}`)],
    [0.3, (i) => resource(`arn:aws:ec2:${REGIONS[i % 3]}:${ACCOUNT}:instance/i-0${hex(random, 16)}`, 'aws_instance', `instance-${i}`)],
    [0.3, (i) => resource(`arn:aws:ec2:${REGIONS[i % 3]}:${ACCOUNT}:volume/vol-0${hex(random, 16)}`, 'aws_ebs_volume', `volume-${i}`)],
    [0.1, (i) => resource(`arn:aws:ec2:${REGIONS[i % 3]}:${ACCOUNT}:security-group/sg-0${hex(random, 16)}`, 'aws_security_group', `sg-${i}`)],
    [0.05, (i) => resource(`arn:aws:iam::${ACCOUNT}:role/team-${pad(i % TEAMS)}-role-${i}`, 'aws_iam_role', `role-${i}`)],
    [0.05, (i) => resource(`arn:aws:iam::${ACCOUNT}:user/user-${i}@acme.example`, 'aws_iam_user', `user-${i}`)],
    [
      0.05,
      (i) =>
        resource(
          `arn:aws:kms:${REGIONS[i % 3]}:${ACCOUNT}:key/${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`,
          'aws_kms_key',
          `key-${i}`,
        ),
    ],
    [0.05, (i) => resource(`arn:aws:lambda:${REGIONS[i % 3]}:${ACCOUNT}:function:team-${pad(i % TEAMS)}-fn-${i}`, 'aws_lambda_function', `fn-${i}`)],
  ];
  const resources: Entity[] = [];
  let start = 0;
  for (const [share, make] of mix) {
    const n = Math.round(count * share);
    for (let i = start; i < start + n; i++) resources.push(make(i));
    start += n;
  }
  return resources;
}

/** 5,000 policies from a dozen realistic shapes, parameterized by team so patterns differ. */
export function generatePolicies(count: number, resources: readonly Entity[], random = seededRandom(7)): Entity[] {
  const keys = resources.filter((r) => r._type === 'aws_kms_key').map((r) => r._key);
  const instances = resources.filter((r) => r._type === 'aws_instance').map((r) => r._key);
  const policies: Entity[] = [];
  for (let i = 0; i < count; i++) {
    const team = pad(i % TEAMS);
    const statements: unknown[] = [];
    switch (i % 12) {
      case 0:
        statements.push({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 'ec2:Describe*', 'kms:List*', 'kms:Describe*'], Resource: '*' });
        break;
      case 1:
        statements.push({
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::team-${team}-*`, `arn:aws:s3:::team-${team}-*/*`],
        });
        break;
      case 2:
        statements.push(
          { Effect: 'Allow', Action: 's3:*', Resource: [`arn:aws:s3:::team-${team}-*`] },
          { Effect: 'Deny', Action: ['s3:DeleteBucket', 's3:PutBucketPolicy'], Resource: `arn:aws:s3:::team-${team}-prod-*` },
        );
        break;
      case 3:
        statements.push({
          Effect: 'Allow',
          Action: ['ec2:StartInstances', 'ec2:StopInstances', 'ec2:RebootInstances'],
          Resource: `arn:aws:ec2:*:${ACCOUNT}:instance/i-0${hex(random, 3)}*`,
          Condition: { StringEquals: { 'aws:ResourceTag/team': `team-${team}` } },
        });
        break;
      case 4:
        statements.push({ Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${ACCOUNT}:role/team-${team}-*` });
        break;
      case 5:
        statements.push({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: [keys[i % keys.length], keys[(i * 7) % keys.length]] });
        break;
      case 6:
        statements.push({
          Effect: 'Allow',
          Action: ['lambda:InvokeFunction', 'lambda:GetFunction'],
          Resource: `arn:aws:lambda:*:${ACCOUNT}:function:team-${team}-*`,
        });
        break;
      case 7:
        statements.push({
          Effect: 'Allow',
          Action: ['ec2:AttachVolume', 'ec2:DetachVolume'],
          Resource: [`arn:aws:ec2:*:*:volume/vol-0${hex(random, 3)}*`, instances[i % instances.length]],
        });
        break;
      case 8:
        statements.push({
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: [`arn:aws:iam::${222222222222 + (i % 5)}:role/deployer`, `arn:aws:iam::${ACCOUNT}:role/team-${team}-role-*`],
        });
        break;
      case 9:
        statements.push(
          { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
          { Effect: 'Deny', Action: ['ec2:TerminateInstances'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
        );
        break;
      case 10:
        statements.push({
          Effect: 'Allow',
          Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
          Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0${hex(random, 2)}*`,
        });
        break;
      default:
        statements.push(
          i % 120 === 11
            ? { Effect: 'Allow', Action: '*', Resource: '*' }
            : { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::team-${team}-dev-*/*` },
        );
    }
    const entity = createEntity({
      _key: `arn:aws:iam::${ACCOUNT}:policy/bench-${i}`,
      _type: 'aws_iam_policy',
      _class: ['AccessPolicy'],
      name: `bench-${i}`,
      properties: { arn: `arn:aws:iam::${ACCOUNT}:policy/bench-${i}`, document: JSON.stringify({ Version: '2012-10-17', Statement: statements }) },
    });
    entity._accountId = ACCOUNT;
    policies.push(entity);
  }
  return policies;
}

export interface BenchRow {
  scenario: string;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of this process (user + system): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  detail: string;
}

let cpuMark = process.cpuUsage();
function seconds(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100;
}
/** CPU seconds since the last call. */
function cpuSeconds(): number {
  const used = process.cpuUsage(cpuMark);
  cpuMark = process.cpuUsage();
  return Math.round((used.user + used.system) / 1e4) / 100;
}

/** The ALLOWS analysis over generated data; returns the measured rows and prints a markdown table. */
export async function run(options: { policies?: number; resources?: number; quiet?: boolean } = {}): Promise<{ rows: BenchRow[]; markdown: string }> {
  const policyCount = options.policies ?? 5_000;
  const resourceCount = options.resources ?? 100_000;
  const rows: BenchRow[] = [];

  let started = performance.now();
  cpuSeconds();
  const resources = generateResources(resourceCount);
  const policies = generatePolicies(policyCount, resources);
  const graph = new GraphStore();
  const account = createServiceEntity(ACCOUNT, serviceEntitySchema('account', 'Account'), 'Account', []);
  account._key = accountEntityKey(ACCOUNT);
  account._type = 'aws_account';
  graph.addEntity(account);
  const serviceEntities = new Map<string, Entity>();
  for (const service of ['iam', 'ec2', 's3', 'kms']) {
    const entity = createServiceEntity(ACCOUNT, serviceEntitySchema(service, service), service, ['other']);
    graph.addEntity(entity);
    serviceEntities.set(service, entity);
  }
  for (const entity of [...resources, ...policies]) graph.addEntity(entity);
  rows.push({
    scenario: 'generate data',
    seconds: seconds(started),
    cpuSeconds: cpuSeconds(),
    detail: `${resources.length.toLocaleString('en')} resources, ${policies.length.toLocaleString('en')} policies`,
  });

  started = performance.now();
  const index = new ResourceIndex(resources);
  rows.push({
    scenario: 'build the resource index',
    seconds: seconds(started),
    cpuSeconds: cpuSeconds(),
    detail: `${index.size.toLocaleString('en')} ARNs in ${index.services().length} services`,
  });

  // A fresh catalog, so the IAM reference is read (and patterns expanded) inside the measurement.
  const catalog = new ActionCatalog();
  const heapBefore = process.memoryUsage().heapUsed;
  started = performance.now();
  let output: Awaited<ReturnType<typeof analyzeAllows>> | undefined = await analyzeAllows({
    accountId: ACCOUNT,
    policies,
    index,
    account,
    serviceEntities,
    graph,
    ingestedAccounts: new Set([ACCOUNT]),
    catalog,
  });
  const analysis = seconds(started);
  const analysisCpu = cpuSeconds();
  const heapGrowth = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e6);
  const byTarget = new Map<string, number>();
  for (const r of output.relationships) {
    const kind = r._toEntityKey.startsWith('aws:account:') ? 'account' : r._toEntityKey.includes(':service:') ? 'service' : 'resource';
    byTarget.set(kind, (byTarget.get(kind) ?? 0) + 1);
  }
  rows.push({
    scenario: 'ALLOWS analysis (IAM reference, expansion, index lookups, Deny subtraction, edges)',
    seconds: analysis,
    cpuSeconds: analysisCpu,
    detail: `${output.relationships.length.toLocaleString('en')} edges (${[...byTarget].map(([k, n]) => `${n.toLocaleString('en')} to ${k}`).join(', ')}), ${output.entities.length} mapped entities, heap +${heapGrowth} MB`,
  });
  output = undefined; // let the first result go before measuring the second run

  started = performance.now();
  await analyzeAllows({
    accountId: ACCOUNT,
    policies,
    index: new ResourceIndex(resources),
    account,
    serviceEntities,
    graph,
    ingestedAccounts: new Set([ACCOUNT]),
    catalog,
  });
  rows.push({
    scenario: 'same again (a second account: new index, IAM reference and expansions cached)',
    seconds: seconds(started),
    cpuSeconds: cpuSeconds(),
    detail: 'index build included',
  });

  // What the index saves: the matching alone, through the index for every policy, and testing every
  // resource pattern against every resource for a sample. `*` is left out: both approaches turn it into
  // a service-wide edge without looking at resources.
  const patternsOf = (list: readonly Entity[]) =>
    list
      .flatMap((p) => (parsePolicyDocument(p.document)?.statements ?? []).flatMap((s) => (s.resources.kind === 'include' ? s.resources.patterns : [])))
      .filter((pattern) => pattern !== '*');
  const allPatterns = patternsOf(policies);
  const lookupIndex = new ResourceIndex(resources);
  cpuSeconds();
  started = performance.now();
  let indexed = 0;
  for (const pattern of allPatterns) indexed += lookupIndex.match(pattern).length;
  rows.push({
    scenario: `matching alone through the index, all ${policyCount.toLocaleString('en')} policies`,
    seconds: seconds(started),
    cpuSeconds: cpuSeconds(),
    detail: `${allPatterns.length.toLocaleString('en')} ARN patterns, ${indexed.toLocaleString('en')} matches`,
  });
  const sample = policies.slice(0, 100);
  const patterns = patternsOf(sample);
  cpuSeconds();
  started = performance.now();
  let matches = 0;
  for (const pattern of patterns) {
    const matcher = compileArnPattern(pattern);
    for (const r of resources) if (matcher(r._key)) matches++;
  }
  const brute = seconds(started);
  const bruteCpu = cpuSeconds();
  rows.push({
    scenario: 'matching alone by brute force, 100 policies (every ARN pattern x every resource)',
    seconds: brute,
    cpuSeconds: bruteCpu,
    detail: `${matches.toLocaleString('en')} matches; x${policyCount / sample.length} for ${policyCount.toLocaleString('en')} policies = about ${Math.round(bruteCpu * (policyCount / sample.length))} CPU s`,
  });

  const cpu = os.cpus();
  const machine = `${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const markdown = [
    `Machine: ${machine}`,
    '',
    '| Step | Wall s | CPU s | Detail |',
    '| --- | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row.scenario} | ${row.seconds.toFixed(2)} | ${row.cpuSeconds.toFixed(2)} | ${row.detail} |`),
  ].join('\n');
  if (!options.quiet)
    process.stdout.write(
      `\n## ALLOWS analysis: ${policyCount.toLocaleString('en')} policies over ${resourceCount.toLocaleString('en')} resources\n\n${markdown}\n\n`,
    );
  return { rows, markdown };
}

if (require.main === module) {
  run().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
