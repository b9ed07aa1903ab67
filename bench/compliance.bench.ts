/**
 * Compliance benchmark (not a test): the full CIS AWS Foundations v7.0 evaluation (every query,
 * input check and rule) on a generated organization of 1,000,000 entities, then v6.0 and v5.0,
 * which map onto the same checks and reuse their results.
 *
 *   node --import tsx bench/compliance.bench.ts [entities]
 *   npm run bench -- compliance
 *
 * The graph is the query benchmark's organization (bench/query.bench.ts) with what the CIS checks
 * read added: provenance (`_accountId`, `_region`, `_collector`), the properties the converters set
 * (root-user facts, IMDS, flow logs, rule counts, ...), the IAM and EC2 service entities, access
 * keys, buckets, KMS keys, network ACLs and security-group rules as ALLOWS/DENIES edges to the
 * Internet. Prints a markdown table; docs/compliance.md holds a measured copy.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { complianceGraph, evaluateCompliance, requireFramework, type ControlResult } from '../src/compliance';
import { createEntity, createRelationship } from '../src/graph/convert';
import { internetEntity } from '../src/graph/mapped';
import type { Entity, Relationship, RelationshipVerb } from '../src/graph/types';
import { allCollectors } from '../src/services';
import { seededRandom } from '../src/sim/random';
import type { CollectorRunRecord, SnapshotMetadata } from '../src/snapshot/format';
import { generateGraph } from './query.bench';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 0, 1);

/** The collector that produces each generated type, as the real collectors declare it. */
const COLLECTOR_OF: Record<string, string> = {
  aws_account: 'account',
  aws_iam: 'account',
  aws_ec2: 'account',
  aws_vpc: 'ec2-network',
  aws_subnet: 'ec2-network',
  aws_security_group: 'ec2-firewalls',
  aws_network_acl: 'ec2-firewalls',
  aws_instance: 'ec2-instances',
  aws_ebs_volume: 'ec2-volumes',
  aws_iam_user: 'iam-users',
  aws_iam_access_key: 'iam-users',
  aws_iam_group: 'iam-groups',
  aws_iam_role: 'iam-roles',
  aws_iam_policy: 'iam-policies',
  aws_iam_account_password_policy: 'iam-password-policy',
  aws_s3_bucket: 's3-buckets',
  aws_kms_key: 'kms-keys',
};

/** Entities added beside the query benchmark's, per 1,000,000. */
const EXTRA_SHARE = { accessKeys: 0.05, buckets: 0.02, kmsKeys: 0.01 };

export function generateCisGraph(
  total: number,
  seed = 7,
): { entities: Entity[]; relationships: Relationship[]; metadata: Pick<SnapshotMetadata, 'accounts' | 'collectors' | 'endedAt'> } {
  const random = seededRandom(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const extras = Math.round(total * (EXTRA_SHARE.accessKeys + EXTRA_SHARE.buckets + EXTRA_SHARE.kmsKeys));
  const base = generateGraph(Math.max(1000, total - extras - Math.round(total * 0.0012)));
  const entities = base.entities;
  const relationships = base.relationships;
  const link = (from: Entity, verb: RelationshipVerb, to: Entity, properties?: Record<string, string | number | boolean>, keySuffix?: string) =>
    relationships.push(createRelationship({ from, verb, to, properties, keySuffix }));

  const accounts = entities.filter((entity) => entity._type === 'aws_account');
  const accountIds = accounts.map((account) => account.accountId as string);
  // Provenance and the facts the converters set, on the query benchmark's entities.
  entities.forEach((entity, i) => {
    const accountId = entity._type === 'aws_account' ? (entity.accountId as string) : accountIds[i % accountIds.length];
    const global = entity._type.startsWith('aws_iam') || entity._type === 'aws_account';
    Object.assign(entity, { _accountId: accountId, _region: global ? 'global' : entity.region, _collector: COLLECTOR_OF[entity._type], accountId });
    switch (entity._type) {
      case 'aws_account':
        Object.assign(entity, {
          accountAccessKeysPresent: chance(0.05),
          passwordPolicyPresent: chance(0.8),
          rootUserHardwareMfaEnabled: chance(0.5),
          rootUserPasswordLastUsed: NOW - Math.floor(random() * 400) * DAY,
        });
        break;
      case 'aws_instance':
        Object.assign(entity, {
          imdsv2Required: entity.httpTokens === 'required',
          ...(chance(0.85) ? { iamInstanceProfileArn: `arn:aws:iam::${accountId}:instance-profile/app` } : {}),
        });
        break;
      case 'aws_vpc':
        entity.flowLogsEnabled = chance(0.7);
        break;
      case 'aws_security_group':
        Object.assign(entity, {
          ingressRuleCount: entity.default && chance(0.5) ? 0 : 1 + Math.floor(random() * 4),
          egressRuleCount: entity.default && chance(0.5) ? 0 : 1,
        });
        break;
      case 'aws_iam_user':
        if (entity.passwordEnabled) entity.passwordLastUsed = NOW - Math.floor(random() * 120) * DAY;
        break;
      case 'aws_iam_policy':
        entity.inUse = chance(0.9);
        break;
    }
  });

  const add = (entity: Entity, accountId: string, region: string) => {
    Object.assign(entity, { _accountId: accountId, _region: region, _collector: COLLECTOR_OF[entity._type], accountId });
    entities.push(entity);
    return entity;
  };
  const internet = internetEntity();
  entities.push(internet);
  for (const accountId of accountIds) {
    const ebs: Record<string, boolean> = Object.fromEntries(REGIONS.map((region) => [`ebsEncryptionByDefault.${region}`, chance(0.8)]));
    const disabled = REGIONS.filter((region) => !ebs[`ebsEncryptionByDefault.${region}`]);
    add(
      createEntity({
        _key: `aws:${accountId}:service:iam`,
        _type: 'aws_iam',
        _class: ['Service'],
        name: 'AWS IAM',
        properties: { category: ['security'], function: ['IAM'] },
      }),
      accountId,
      'global',
    );
    add(
      createEntity({
        _key: `aws:${accountId}:service:ec2`,
        _type: 'aws_ec2',
        _class: ['Service'],
        name: 'AWS EC2',
        properties: {
          category: ['infrastructure'],
          function: ['compute'],
          ...ebs,
          ...(disabled.length ? { ebsEncryptionByDefaultDisabledRegions: disabled } : {}),
        },
      }),
      accountId,
      'global',
    );
    add(
      createEntity({
        _key: `aws:${accountId}:iam:account-password-policy`,
        _type: 'aws_iam_account_password_policy',
        _class: ['PasswordPolicy'],
        name: 'account-password-policy',
        properties: { minLength: pick([8, 12, 14, 16]), historyCount: pick([0, 5, 24]) },
      }),
      accountId,
      'global',
    );
  }
  const users = entities.filter((entity) => entity._type === 'aws_iam_user');
  for (let i = 0; i < Math.round(total * EXTRA_SHARE.accessKeys); i++) {
    const user = users[i % users.length];
    const key = add(
      createEntity({
        _key: `AKIABENCH${i.toString().padStart(11, '0')}`,
        _type: 'aws_iam_access_key',
        _class: ['AccessKey'],
        name: `key${i}`,
        createdOn: NOW - Math.floor(random() * 400) * DAY,
        properties: { active: chance(0.8), ...(chance(0.8) ? { lastUsedOn: NOW - Math.floor(random() * 100) * DAY } : {}) },
      }),
      user.accountId as string,
      'global',
    );
    link(user, 'HAS', key);
  }
  for (let i = 0; i < Math.round(total * EXTRA_SHARE.buckets); i++) {
    const flags = { blockPublicAcls: chance(0.95), ignorePublicAcls: chance(0.95), blockPublicPolicy: chance(0.95), restrictPublicBuckets: chance(0.95) };
    add(
      createEntity({
        _key: `arn:aws:s3:::bench-bucket-${i}`,
        _type: 'aws_s3_bucket',
        _class: ['DataStore'],
        name: `bench-bucket-${i}`,
        properties: {
          classification: null,
          encrypted: true,
          secureTransport: chance(0.6),
          mfaDelete: chance(0.1),
          public: chance(0.02),
          ...flags,
          region: pick(REGIONS),
        },
      }),
      pick(accountIds),
      'global',
    );
  }
  for (let i = 0; i < Math.round(total * EXTRA_SHARE.kmsKeys); i++) {
    const region = pick(REGIONS);
    const customer = chance(0.6);
    add(
      createEntity({
        _key: `arn:aws:kms:${region}:bench:key/${i}`,
        _type: 'aws_kms_key',
        _class: ['CryptoKey'],
        name: `key-${i}`,
        properties: {
          keyManager: customer ? 'CUSTOMER' : 'AWS',
          keySpec: 'SYMMETRIC_DEFAULT',
          keyState: 'Enabled',
          region,
          ...(customer ? { keyRotationEnabled: chance(0.7) } : {}),
        },
      }),
      pick(accountIds),
      region,
    );
  }
  // One network ACL per VPC (AWS's default entries, some with SSH opened first); security-group rules to the Internet.
  for (const vpc of entities.filter((entity) => entity._type === 'aws_vpc')) {
    const acl = add(
      createEntity({
        _key: `${vpc._key}:acl`,
        _type: 'aws_network_acl',
        _class: ['Firewall'],
        name: `acl-${vpc.vpcId}`,
        properties: { category: ['network'], default: true, region: vpc.region as string },
      }),
      vpc.accountId as string,
      vpc.region as string,
    );
    const entry = (verb: RelationshipVerb, ruleNumber: number, ingress: boolean, fromPort: number, toPort: number) =>
      link(
        acl,
        verb,
        internet,
        {
          ingress,
          egress: !ingress,
          ipProtocol: fromPort === 0 && toPort === 65535 ? '*' : 'tcp',
          fromPort,
          toPort,
          ipRange: '0.0.0.0/0',
          ruleNumber,
          ruleAction: verb === 'DENIES' ? 'deny' : 'allow',
        },
        `${ingress ? 'ingress' : 'egress'}:${ruleNumber}`,
      );
    if (chance(0.3)) entry('DENIES', 50, true, 22, 22);
    entry('ALLOWS', 100, true, 0, 65535);
    entry('ALLOWS', 100, false, 0, 65535);
    entry('DENIES', 32767, true, 0, 65535);
    entry('DENIES', 32767, false, 0, 65535);
  }
  let rule = 0;
  for (const group of entities.filter((entity) => entity._type === 'aws_security_group')) {
    if (!chance(0.3)) continue;
    const port = pick([22, 443, 443, 443, 3389, 445, 8080]);
    link(
      group,
      'ALLOWS',
      internet,
      { ingress: true, egress: false, ipProtocol: 'tcp', fromPort: port, toPort: port, ipRange: chance(0.8) ? '0.0.0.0/0' : '::/0', ruleNumber: 1 },
      `ingress:${++rule}`,
    );
  }

  // Every collector succeeded in every account (and region, for regional ones).
  const collectors: CollectorRunRecord[] = [];
  for (const collector of allCollectors()) {
    for (const accountId of accountIds) {
      for (const region of collector.scope === 'regional' ? REGIONS : ['global']) {
        collectors.push({
          accountId,
          region,
          collector: collector.id,
          service: collector.service,
          status: 'succeeded',
          durationMs: 0,
          apiCalls: 0,
          throttled: 0,
          entities: 0,
          relationships: 0,
        });
      }
    }
  }
  return { entities, relationships, metadata: { accounts: accountIds.map((accountId) => ({ accountId })), collectors, endedAt: new Date(NOW).toISOString() } };
}

async function settle(): Promise<void> {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

function timed<T>(call: () => T): { value: T; wall: number; cpu: number } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = call();
  const used = process.cpuUsage(cpu);
  return { value, wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

export async function run(total = 1_000_000): Promise<void> {
  let started = performance.now();
  const graph = generateCisGraph(total);
  const generation = performance.now() - started;
  started = performance.now();
  const indexed = complianceGraph(graph.entities, graph.relationships, graph.metadata);
  const build = performance.now() - started;
  await settle();
  const load = loadavg()[0];

  const cache = new Map<string, ControlResult>();
  const v7 = timed(() => evaluateCompliance(indexed, requireFramework('cis-aws-7.0'), { cache }));
  const mapped = timed(() => ['cis-aws-6.0', 'cis-aws-5.0'].map((id) => evaluateCompliance(indexed, requireFramework(id), { cache })));
  const again = timed(() => evaluateCompliance(indexed, requireFramework('cis-aws-7.0')));
  const evidence = v7.value.controls.reduce((sum, control) => sum + control.evidenceTotal, 0);
  if (again.value.failing.join() !== v7.value.failing.join()) throw new Error('a second evaluation gave other failing controls');

  const cell = (run: { wall: number; cpu: number }) => `${Math.round(run.wall)} ms (${Math.round(run.cpu)} ms)`;
  const lines = [
    `Graph: ${graph.entities.length.toLocaleString('en-US')} entities, ${graph.relationships.length.toLocaleString('en-US')} relationships, ${graph.metadata.accounts.length} accounts (generated in ${(generation / 1000).toFixed(1)} s)`,
    `Index build: ${Math.round(build)} ms`,
    `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 / 1024)} MB RAM, Node ${process.version}, load average ${load.toFixed(1)} when the evaluation started`,
    '',
    '| evaluation | wall (CPU) | result |',
    '| --- | ---: | --- |',
    `| CIS v7.0, every control, first run (equality indexes built on the way) | ${cell(v7)} | ${v7.value.overall.pass} PASS, ${v7.value.overall.fail} FAIL, ${v7.value.overall.notEvaluated} NOT_EVALUATED; ${evidence.toLocaleString('en-US')} evidence entities |`,
    `| CIS v6.0 and v5.0 after v7.0 (mapped onto the same checks) | ${cell(mapped)} | ${mapped.value.map((report) => `${report.framework.id}: ${report.overall.fail} FAIL`).join(', ')} |`,
    `| CIS v7.0 again, without the shared results | ${cell(again)} | same failing controls |`,
    '',
    `Peak RSS: ${Math.round((process.resourceUsage().maxRSS * 1024) / 1024 / 1024)} MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) {
  const requested = Number(process.argv[2] ?? 1_000_000);
  run(Number.isFinite(requested) && requested > 0 ? requested : 1_000_000).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
