/**
 * The GraphSnapshot provider inside Pulumi's own dynamic-provider host process, over gRPC, exactly
 * as `pulumi up` drives it: the serialized provider text in `__provider`, the host started in the
 * program directory (the repository root) with no TypeScript loader, so the engine can only be
 * there if the provider's run-time `require` found it from the program directory.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import { DiffResponse } from '@pulumi/pulumi/proto/provider_pb';
import { stringify } from 'yaml';
import { graphSnapshotProvider } from '../../provider/provider';
import { UNKNOWN } from '../../provider/implementation';
import type { GraphSnapshotOutputs } from '../../provider/types';
import type { IngestSummary } from '../../src/ingest';
import type { World } from '../../src/sim/types';
import { builtinWorldData, temporaryDirectory } from '../helpers/simulate';
import { PROVIDER_KEY, ProviderHost, REPO_ROOT, type Props } from './helpers/host';

const run = promisify(execFile);
const BUILTIN_EXTERNAL_ID = builtinWorldData().organization.externalId;

let host: ProviderHost;
let providerText: string;

test.before(async () => {
  // What pulumi.dynamic.Resource stores in `__provider`: the closure of `() => provider`.
  const provider = graphSnapshotProvider;
  const serialized = await pulumi.runtime.serializeFunction(() => provider);
  providerText = serialized.text;
  host = await ProviderHost.start(REPO_ROOT);
});

test.after.always(async () => {
  await host?.stop();
});

const inputs = (props: Props): Props => ({ [PROVIDER_KEY]: providerText, ...props });
const outputsOf = (props: Props) => props as unknown as GraphSnapshotOutputs & { [PROVIDER_KEY]: string };

async function cliSummary(outputDir: string): Promise<IngestSummary> {
  const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'orggraph.js'), 'ingest', '--simulate', '--json', '-q', '--out', outputDir], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(stdout) as IngestSummary;
}

function writeWorld(world: World): string {
  const file = path.join(temporaryDirectory('orggraph-world-'), 'world.yaml');
  writeFileSync(file, stringify(world));
  return file;
}

async function snapshotFiles(destination: string): Promise<string[]> {
  return (await fs.readdir(path.join(destination, 'snapshots')).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
}

test('the serialized provider holds no secret, credential, engine code or machine path', (t) => {
  t.false(providerText.includes(BUILTIN_EXTERNAL_ID), 'External ID');
  t.false(/AKIA|ASIA|aws_secret_access_key|secretAccessKey/i.test(providerText), 'credentials');
  t.false(providerText.includes(REPO_ROOT), 'absolute path of this checkout');
  t.false(/S3Client|AwsAccess|GraphStore|Ajv/.test(providerText), 'engine code or SDK clients');
  t.true(providerText.includes('"provider/implementation.ts"'), 'the implementation is named relative to the program directory');
  t.true(providerText.length < 16_000, `small (${providerText.length} characters)`);
});

test('Check accepts good inputs and values not known yet', async (t) => {
  const good = inputs({ simulate: true, externalId: BUILTIN_EXTERNAL_ID, regions: { include: ['us-east-1'] }, tags: { accountName: true, production: false } });
  const checked = await host.check({}, good);
  t.deepEqual(checked.failures, []);
  t.deepEqual(checked.inputs, good);

  // During preview, inputs from resources not created yet (the roles, a generated External ID) are unknown.
  const preview = await host.check({}, inputs({ managementAccountId: UNKNOWN, externalId: UNKNOWN, destination: 's3://graph-bucket/acme' }));
  t.deepEqual(preview.failures, []);
});

test('Check fails bad inputs with messages naming the property and the fix', async (t) => {
  const cases: Array<[Props, string, RegExp]> = [
    [{ simulate: true, concurrency: 0 }, 'concurrency', /concurrency: must be >= 1/],
    [{ managementAccountId: '1234' }, 'managementAccountId', /"1234" is not a 12-digit AWS account id/],
    [{ accounts: ['111111111111', { id: 'x' }] }, 'accounts', /accounts\[1\]\.id: "x" is not a 12-digit AWS account id/],
    [{ simulate: true, regions: { include: ['mars-1'] } }, 'regions', /regions\.include\[0\]: "mars-1" is not a region name such as us-east-1/],
    [{ simulate: true, services: { include: ['iam', 'ec3'] } }, 'services', /services\.include\[1\]: unknown service "ec3" \(known: .*iam/],
    [{ simulate: true, externalId: 'has a space' }, 'externalId', /External ID contains a character AWS does not allow at position 4/],
    [{ simulate: true, destination: 's3://No_Such/x' }, 'destination', /not a valid S3 bucket name/],
    [{ simulate: true, snapshotEncryption: { algorithm: 'aws:kms' } }, 'snapshotEncryption', /applies to s3:\/\/ destinations only/],
    [{ simulate: true, destination: 's3://bucket-a/p', snapshotEncryption: { algorithm: 'DES' } }, 'snapshotEncryption', /must be one of "AES256", "aws:kms"/],
    [{ simulate: '/no/such/world.yaml' }, 'simulate', /simulate: .*\/no\/such\/world\.yaml/],
    [{ simulate: true, roleNmae: 'x' }, 'roleNmae', /unknown input "roleNmae" \(inputs: roleName,/],
    [{}, 'managementAccountId', /no accounts to ingest: set managementAccountId .* or accounts, or simulate: true/],
  ];
  for (const [props, property, reason] of cases) {
    const { failures } = await host.check({}, inputs(props));
    const failure = failures.find((f) => f.property === property);
    t.truthy(failure, `${JSON.stringify(props)} -> ${JSON.stringify(failures)}`);
    t.regex(failure?.reason ?? '', reason);
  }
  // The External ID is never echoed, even when it is the bad value.
  const { failures } = await host.check({}, inputs({ simulate: true, externalId: 'secret value!' }));
  t.false(JSON.stringify(failures).includes('secret value!'));
});

test('Diff always reports a change, so every up re-ingests', async (t) => {
  const props = inputs({ simulate: true });
  const diff = await host.diff('graph-snapshot-1', props, props);
  t.is(diff.changes, DiffResponse.DiffChanges.DIFF_SOME);
  t.deepEqual(diff.replaces, []);
});

test.serial('Create, Update, Read and Delete against the simulated organization', async (t) => {
  const destination = temporaryDirectory('orggraph-provider-');
  const base = { simulate: true, externalId: BUILTIN_EXTERNAL_ID, destination };

  // Create: the same graph as the CLI for the same world.
  const [created, cli] = await Promise.all([host.create(inputs(base)), cliSummary(temporaryDirectory('orggraph-cli-'))]);
  const first = outputsOf(created.properties);
  t.regex(created.id, /^graph-snapshot-/);
  t.is(first[PROVIDER_KEY], providerText, 'the host keeps the provider text in the state');
  t.is(first.mode, 'simulated');
  t.deepEqual(first.entityCounts, cli.counts.entities);
  t.deepEqual(first.relationshipCounts, cli.counts.relationships);
  t.deepEqual(first.totals, cli.totals);
  t.deepEqual(first.accountsIngested, cli.accounts);
  t.deepEqual(first.accountsSkipped, cli.skippedAccounts);
  t.deepEqual(first.regions, cli.regions);
  t.is(first.snapshot.sha256, cli.snapshot.sha256, 'byte-identical graph');
  // The same errors as the CLI (the simulated organization may not implement every call yet).
  t.is(first.errorCount, cli.errors.length);
  t.deepEqual(first.errors, cli.errors.slice(0, 20));
  t.like(first.changes, { created: cli.totals.entities, updated: 0, deleted: 0 });
  t.true(existsSync(first.snapshot.uri), first.snapshot.uri);
  t.is(path.dirname(first.snapshot.uri), path.join(destination, 'snapshots'));
  t.false(JSON.stringify(first).includes(BUILTIN_EXTERNAL_ID), 'no External ID in the outputs');
  t.false('externalId' in first);
  // Small: a count per entity and relationship type and bounded lists, never the graph itself.
  const types = Object.keys(first.entityCounts).length + Object.keys(first.relationshipCounts).length;
  const size = JSON.stringify(first).length - providerText.length;
  t.true(size < 4_000 + 80 * types, `outputs are ${size} characters for ${types} types`);
  t.true(size * 20 < (await fs.stat(first.snapshot.uri)).size, 'a small fraction of the snapshot');
  t.false(Number.isNaN(Date.parse(first.startedAt)));
  t.true(first.durationMs > 0);

  // Update with the same inputs: a new snapshot, nothing changed.
  const second = outputsOf(await host.update(created.id, created.properties, inputs(base)));
  t.like(second.changes, { created: 0, updated: 0, deleted: 0 });
  t.is(second.snapshot.sha256, first.snapshot.sha256);
  t.true(second.startedAt >= first.startedAt);

  // Errors in one account show in the outputs; the update succeeds and the stale types are named.
  const faulty = builtinWorldData();
  faulty.faults = [...(faulty.faults ?? []), { account: '222222222222', service: 'kms', error: 'AccessDenied' }];
  const third = outputsOf(await host.update(created.id, created.properties, inputs({ ...base, simulate: writeWorld(faulty) })));
  t.true(third.errorCount > first.errorCount);
  t.true(third.errors.length <= 20);
  const kmsErrors = third.errors.filter((e) => e.service === 'kms');
  t.true(kmsErrors.length > 0 && kmsErrors.every((e) => e.account === '222222222222' && e.code === 'AccessDenied'), JSON.stringify(third.errors));
  t.true(third.typesNotRefreshed.includes('aws_kms_key'), JSON.stringify(third.typesNotRefreshed));
  t.true(third.totals.staleEntities > 0, 'carried forward from the previous snapshot');
  t.deepEqual(third.entityCounts, first.entityCounts);

  // Resources gone from the organization are counted as deleted.
  const smaller = builtinWorldData();
  let removedKeys = 0;
  for (const account of smaller.accounts) {
    for (const sections of Object.values(account.regions ?? {})) {
      const kms = sections.kms as { keys?: unknown[] } | undefined;
      if (kms?.keys?.length && removedKeys === 0) {
        removedKeys = kms.keys.length;
        kms.keys = [];
      }
    }
  }
  t.true(removedKeys > 0);
  const fourth = outputsOf(await host.update(created.id, created.properties, inputs({ ...base, simulate: writeWorld(smaller) })));
  t.is(fourth.changes.deleted, removedKeys);
  t.is(fourth.changes.created, 0);
  t.is(fourth.entityCounts.aws_kms_key, first.entityCounts.aws_kms_key - removedKeys);

  // Nothing could be ingested (wrong External ID): the update fails with the cause, nothing is written.
  const before = await snapshotFiles(destination);
  const failed = await t.throwsAsync(host.update(created.id, created.properties, inputs({ ...base, externalId: 'wrong-external-id' })));
  t.regex(failed?.message ?? '', /ingestion failed, no snapshot written: .*111111111111.*AccessDenied/);
  t.false((failed?.message ?? '').includes('wrong-external-id'));
  t.deepEqual(await snapshotFiles(destination), before);

  // Read returns the last outputs.
  const read = await host.read(created.id, fourth as unknown as Props);
  t.is(read.id, created.id);
  t.deepEqual(read.properties, fourth as unknown as Props);

  // Delete leaves the snapshots unless asked to remove them.
  await host.delete(created.id, fourth as unknown as Props);
  t.is((await snapshotFiles(destination)).length, before.length);
  t.true(existsSync(path.join(destination, 'latest.json')));
  await host.delete(created.id, { ...fourth, removeSnapshotsOnDelete: true } as unknown as Props);
  t.deepEqual(await snapshotFiles(destination), []);
  t.false(existsSync(path.join(destination, 'latest.json')));
});
