/**
 * Issue 15, point 8: our `createEntity` against JupiterOne's `createIntegrationEntity`
 * (`@jupiterone/integration-sdk-core`) as the way to turn an AWS object into an entity. Not a test
 * and not a dependency: the package is loaded from a directory outside the repository, and the
 * script says so and stops when it is not there.
 *
 *   mkdir /tmp/sdkcore && cd /tmp/sdkcore && npm init -y && npm install @jupiterone/integration-sdk-core
 *   node --expose-gc --import tsx scripts/compare-sdk-core.ts [--entities 300000] [--sdk /tmp/sdkcore]
 *
 * Inputs are SDK-shaped EC2 instances, EBS volumes and KMS key metadata (DescribeInstances,
 * DescribeVolumes, DescribeKey output shapes) with tags, a third of each. It measures:
 *   - our converters (`convertInstance`, `convertVolume`, `convertKmsKey`) end to end;
 *   - `createEntity` alone, given the properties those converters compute (the part adoption replaces);
 *   - `createIntegrationEntity` given the same properties as `assign` and the SDK object (with its
 *     tags as `tags`) as `source`, as an integration calls it; once more with the data model's
 *     schema validation on (`ENABLE_GRAPH_OBJECT_SCHEMA_VALIDATION`), on a tenth of the sample;
 *   - the heap each way's entities hold, per entity (after a full GC).
 * Results are in docs/adding-a-service.md ("JupiterOne's createIntegrationEntity").
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Instance, Volume } from '@aws-sdk/client-ec2';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { createEntity, createRelationship, type Entity, type EntitySchema, type RawValue } from '../src/graph';
import { allCollectors } from '../src/services';
import { convertInstance, convertVolume } from '../src/services/ec2/converters';
import { Ec2Entities } from '../src/services/ec2/schema';
import { convertKmsKey } from '../src/services/kms/converters';
import { KmsEntities } from '../src/services/kms/schema';
import { seededRandom } from '../src/sim/random';

interface SdkCore {
  createIntegrationEntity(input: { entityData: { source: object; assign: Record<string, unknown>; tagProperties?: string[] } }): Record<string, unknown>;
  createDirectRelationship(input: { _class: string; from: { _key: string; _type: string }; to: { _key: string; _type: string } }): Record<string, unknown>;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const COUNT = Number(option('entities') ?? 300_000);
const SDK_DIRECTORY = option('sdk') ?? '/tmp/sdkcore';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

type Kind =
  | { kind: 'instance'; input: Instance }
  | { kind: 'volume'; input: Volume }
  | { kind: 'key'; input: KeyMetadata; tags: Array<{ TagKey: string; TagValue: string }> };

/** SDK-shaped inputs, deterministic. */
function generateInputs(count: number): Kind[] {
  const random = seededRandom(15);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const tags = (index: number, name: string) => [
    { Key: 'Name', Value: name },
    { Key: 'Environment', Value: index % 3 ? 'production' : 'staging' },
    { Key: 'team', Value: `team-${index % 17}` },
    { Key: 'classification', Value: index % 5 ? 'internal' : 'Confidential' },
    { Key: 'owner', Value: `Owner-${index % 29}@example.com` },
  ];
  const inputs: Kind[] = [];
  for (let index = 0; index < count; index++) {
    const launched = new Date(1_700_000_000_000 + index * 1000);
    if (index % 3 === 0) {
      const id = `i-${hex(17)}`;
      const subnet = `subnet-${hex(17)}`;
      const vpc = `vpc-${hex(17)}`;
      const privateIp = `10.${index % 256}.${(index >> 8) % 256}.${(index >> 16) % 256}`;
      inputs.push({
        kind: 'instance',
        input: {
          InstanceId: id,
          ImageId: `ami-${hex(17)}`,
          InstanceType: 't3.medium',
          KeyName: 'ops',
          LaunchTime: launched,
          Monitoring: { State: 'disabled' },
          Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' },
          PrivateDnsName: `ip-${privateIp.replace(/\./g, '-')}.ec2.internal`,
          PrivateIpAddress: privateIp,
          PublicDnsName: '',
          State: { Code: 16, Name: index % 10 ? 'running' : 'stopped' },
          SubnetId: subnet,
          VpcId: vpc,
          Architecture: 'x86_64',
          BlockDeviceMappings: [
            { DeviceName: '/dev/xvda', Ebs: { AttachTime: launched, DeleteOnTermination: true, Status: 'attached', VolumeId: `vol-${hex(17)}` } },
          ],
          EbsOptimized: false,
          Hypervisor: 'xen',
          IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/app`, Id: `AIPA${hex(16).toUpperCase()}` },
          NetworkInterfaces: [
            {
              Attachment: { AttachTime: launched, AttachmentId: `eni-attach-${hex(17)}`, DeleteOnTermination: true, DeviceIndex: 0, Status: 'attached' },
              MacAddress: `0a:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}`,
              NetworkInterfaceId: `eni-${hex(17)}`,
              PrivateIpAddress: privateIp,
              PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: privateIp }],
              SubnetId: subnet,
              VpcId: vpc,
            },
          ],
          RootDeviceName: '/dev/xvda',
          RootDeviceType: 'ebs',
          SecurityGroups: [{ GroupId: `sg-${hex(17)}`, GroupName: 'app' }],
          SourceDestCheck: true,
          Tags: tags(index, `app-${index}`),
          VirtualizationType: 'hvm',
          MetadataOptions: {
            HttpTokens: index % 4 ? 'required' : 'optional',
            HttpEndpoint: 'enabled',
            HttpPutResponseHopLimit: 2,
            InstanceMetadataTags: 'disabled',
          },
          PlatformDetails: 'Linux/UNIX',
        },
      });
    } else if (index % 3 === 1) {
      inputs.push({
        kind: 'volume',
        input: {
          VolumeId: `vol-${hex(17)}`,
          AvailabilityZone: 'us-east-1a',
          CreateTime: launched,
          Encrypted: index % 4 !== 0,
          KmsKeyId: index % 4 ? `arn:aws:kms:${REGION}:${ACCOUNT}:key/${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}` : undefined,
          Size: 8 + (index % 500),
          SnapshotId: '',
          State: 'in-use',
          Iops: 3000,
          VolumeType: 'gp3',
          Throughput: 125,
          MultiAttachEnabled: false,
          Attachments: [{ AttachTime: launched, Device: '/dev/xvda', InstanceId: `i-${hex(17)}`, State: 'attached', VolumeId: 'x', DeleteOnTermination: true }],
          Tags: tags(index, `data-${index}`),
        },
      });
    } else {
      const keyId = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
      inputs.push({
        kind: 'key',
        input: {
          KeyId: keyId,
          Arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
          AWSAccountId: ACCOUNT,
          CreationDate: launched,
          Enabled: true,
          Description: 'application data',
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyState: 'Enabled',
          Origin: 'AWS_KMS',
          KeyManager: 'CUSTOMER',
          KeySpec: 'SYMMETRIC_DEFAULT',
          EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
          MultiRegion: false,
        },
        tags: tags(index, `key-${index}`).map((tag) => ({ TagKey: tag.Key, TagValue: tag.Value })),
      });
    }
  }
  return inputs;
}

function convert(item: Kind): Entity {
  const scope = { accountId: ACCOUNT, region: REGION };
  if (item.kind === 'instance') return convertInstance(item.input, scope);
  if (item.kind === 'volume') return convertVolume(item.input, scope);
  return convertKmsKey({ metadata: item.input, rotationEnabled: true, tags: item.tags, aliases: ['alias/app'], accountId: ACCOUNT, region: REGION });
}

const SCHEMAS: Record<Kind['kind'], EntitySchema> = { instance: Ec2Entities.INSTANCE, volume: Ec2Entities.VOLUME, key: KmsEntities.KEY };
const BASE = new Set(['_key', '_type', '_class', 'name', 'displayName', 'createdOn']);

/** What a converter hands to the entity builder: its computed properties, the tags, the dates. */
interface BuilderInput {
  schema: EntitySchema;
  _key: string;
  name: string;
  createdOn?: number;
  tags: Array<{ Key: string; Value: string }>;
  properties: Record<string, RawValue>;
  /** The SDK object with its tags as `tags`, as `createIntegrationEntity` reads them. */
  source: Record<string, unknown>;
}

function builderInput(item: Kind, entity: Entity): BuilderInput {
  const tags =
    item.kind === 'key' ? item.tags.map((tag) => ({ Key: tag.TagKey, Value: tag.TagValue })) : (item.input.Tags as Array<{ Key: string; Value: string }>);
  const promoted = new Set(['classification', 'owner', 'email']);
  const properties: Record<string, RawValue> = {};
  for (const [name, value] of Object.entries(entity)) {
    if (BASE.has(name) || name.startsWith('tag.') || promoted.has(name)) continue;
    properties[name] = value;
  }
  return {
    schema: SCHEMAS[item.kind],
    _key: entity._key,
    name: entity.name,
    createdOn: entity.createdOn as number | undefined,
    tags,
    properties,
    source: { ...item.input, tags },
  };
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function measure<T>(
  label: string,
  items: readonly T[],
  build: (item: T) => unknown,
): { label: string; ms: number; perEntityUs: number; heapPerEntity: number } {
  const before = heapUsed();
  const kept: unknown[] = new Array(items.length);
  const started = performance.now();
  for (let index = 0; index < items.length; index++) kept[index] = build(items[index]);
  const ms = performance.now() - started;
  const heapPerEntity = (heapUsed() - before) / items.length;
  kept.length = 0;
  return { label, ms, perEntityUs: (ms * 1000) / items.length, heapPerEntity };
}

/** Property names only one side has, and values that differ, for one entity. */
function differences(ours: Entity, theirs: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const names = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  for (const name of [...names].sort()) {
    const a = JSON.stringify(ours[name]);
    const b = JSON.stringify(theirs[name]);
    if (a === b) continue;
    const short = (text: string | undefined) => (text === undefined ? 'absent' : text.length > 60 ? `${text.slice(0, 57)}...` : text);
    lines.push(`  ${name}: ours ${short(a)}, sdk ${short(b)}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const packageDirectory = path.join(SDK_DIRECTORY, 'node_modules', '@jupiterone', 'integration-sdk-core');
  if (!existsSync(packageDirectory)) {
    console.log(`@jupiterone/integration-sdk-core is not installed in ${SDK_DIRECTORY}; see the comment at the top of ${path.basename(__filename)}.`);
    return;
  }
  // Resolved from that directory, so the package and its own dependencies come from there.
  const sdk = createRequire(path.join(SDK_DIRECTORY, 'package.json'))('@jupiterone/integration-sdk-core') as SdkCore;
  const version = (JSON.parse(readFileSync(path.join(packageDirectory, 'package.json'), 'utf8')) as { version: string }).version;
  if (!(globalThis as { gc?: unknown }).gc) console.log('(run with --expose-gc for the heap figures)');

  const inputs = generateInputs(COUNT);
  // Warm up both paths (JIT, the SDK's per-class whitelist cache) on a small sample.
  for (const item of inputs.slice(0, 3000)) {
    const entity = convert(item);
    const input = builderInput(item, entity);
    sdk.createIntegrationEntity({
      entityData: {
        source: input.source,
        assign: { _key: input._key, _type: input.schema._type, _class: [...input.schema._class], name: input.name, ...input.properties },
      },
    });
  }

  const converted = inputs.map(convert);
  const builderInputs = inputs.map((item, index) => builderInput(item, converted[index]));
  const integrationEntity = (input: BuilderInput) =>
    sdk.createIntegrationEntity({
      entityData: {
        source: input.source,
        assign: {
          _key: input._key,
          _type: input.schema._type,
          _class: [...input.schema._class],
          name: input.name,
          createdOn: input.createdOn,
          ...input.properties,
        },
      },
    });
  // Three rounds, the three paths in turn, the median of each: the machine is shared.
  const rounds: Array<ReturnType<typeof measure>[]> = [];
  for (let round = 0; round < 3; round++) {
    rounds.push([
      measure('our converters, end to end', inputs, convert),
      measure('createEntity alone', builderInputs, (input) =>
        createEntity({ _key: input._key, schema: input.schema, name: input.name, tags: input.tags, createdOn: input.createdOn, properties: input.properties }),
      ),
      measure('createIntegrationEntity (same properties, SDK object as source)', builderInputs, integrationEntity),
    ]);
  }
  const median = (index: number) => {
    const sorted = rounds.map((round) => round[index]).sort((a, b) => a.ms - b.ms);
    return { ...sorted[1], heapPerEntity: rounds.map((round) => round[index].heapPerEntity).sort((a, b) => a - b)[1] };
  };
  const [ours, createEntityOnly, theirs] = [median(0), median(1), median(2)];
  const withoutRawData = measure('  the same, _rawData dropped after each call', builderInputs, (input) => {
    const entity = integrationEntity(input);
    delete entity._rawData;
    return entity;
  });
  process.env.ENABLE_GRAPH_OBJECT_SCHEMA_VALIDATION = '1';
  const tenth = builderInputs.slice(0, Math.max(1, Math.floor(builderInputs.length / 10)));
  // A failing validation throws; the rejected entities are counted, with the first message.
  const rejected: string[] = [];
  const validated = measure('createIntegrationEntity with schema validation (a tenth)', tenth, (input) => {
    try {
      return integrationEntity(input);
    } catch (error) {
      rejected.push(`${input.schema._type}: ${String(error).split('\n').slice(0, 1).join('')} ${/"instancePath": "([^"]*)"/.exec(String(error))?.[1] ?? ''}`);
      return undefined;
    }
  });
  delete process.env.ENABLE_GRAPH_OBJECT_SCHEMA_VALIDATION;

  // `_rawData` keeps each SDK object alive as long as the entity: what those objects hold.
  const sources = measure('  the SDK objects that _rawData keeps alive (a tenth)', tenth, (input) => structuredClone(input.source));
  const rows = [ours, createEntityOnly, theirs, withoutRawData, validated, sources];
  console.log(`@jupiterone/integration-sdk-core ${version}, ${COUNT.toLocaleString('en')} entities (instances, volumes, KMS keys), Node ${process.version}\n`);
  console.log('| path | time | per entity | heap per entity |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows)
    console.log(`| ${row.label} | ${(row.ms / 1000).toFixed(2)} s | ${row.perEntityUs.toFixed(2)} µs | ${Math.round(row.heapPerEntity)} B |`);
  const extra = theirs.perEntityUs - createEntityOnly.perEntityUs;
  const extraValidated = validated.perEntityUs - createEntityOnly.perEntityUs;
  console.log(
    `\nAdoption costs ${extra.toFixed(2)} µs more per entity than createEntity: ${((100 * extra) / ours.perEntityUs).toFixed(0)}% of our converters' time`,
  );
  console.log(
    `(${((extra * 1_000_000) / 1e6).toFixed(1)} s more per 1,000,000 entities); with schema validation ${((100 * extraValidated) / ours.perEntityUs).toFixed(0)}% (${((extraValidated * 1_000_000) / 1e6).toFixed(1)} s per 1,000,000).`,
  );
  const reasons = new Map<string, number>();
  for (const reason of rejected) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  console.log(`\nSchema validation rejected ${rejected.length} of ${tenth.length}:`);
  for (const [reason, count] of reasons) console.log(`  ${count} × ${reason}`);
  // The relationship helpers: every declared relationship, built both ways between two keys.
  let sameRelationships = 0;
  const differentRelationships: string[] = [];
  for (const declaration of allCollectors().flatMap((collector) => collector.relationships)) {
    if (declaration._type) continue; // an explicit _type, the same either way
    for (const to of typeof declaration.to === 'string' ? [declaration.to] : declaration.to) {
      const from = { _key: 'from-entity-key', _type: declaration.from };
      const target = { _key: 'to-entity-key', _type: to };
      const a = JSON.stringify(createRelationship({ from, verb: declaration.verb, to: target }));
      const b = JSON.stringify(sdk.createDirectRelationship({ _class: declaration.verb, from, to: target }));
      if (a === b) sameRelationships++;
      else differentRelationships.push(`  ${a}\n  ${b}`);
    }
  }
  console.log(
    `\nRelationships: ${sameRelationships} declared types built the same by createRelationship and createDirectRelationship, ${differentRelationships.length} differently`,
  );
  if (differentRelationships.length) console.log(differentRelationships.join('\n'));
  console.log('\nDifferences on the first instance (ours vs the SDK, same inputs):');
  console.log(differences(converted[0], integrationEntity(builderInputs[0])).join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
