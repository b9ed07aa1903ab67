import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { temporaryDirectory } from './helpers/simulate';
import { runBinary } from './helpers/cli';

const orggraph = runBinary;

test('ingest --simulate --json prints the run summary and never echoes the External ID', async (t) => {
  const out = temporaryDirectory();
  const externalId = 'demo-external-id-7f3a9c';
  const result = await orggraph(['ingest', '--simulate', '--json', '--out', out], { ORGGRAPH_EXTERNAL_ID: externalId });
  t.is(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as Record<string, unknown> & {
    snapshot: { path: string; sha256: string };
    counts: { entities: Record<string, number>; relationships: Record<string, number> };
    errors: unknown[];
  };
  for (const key of ['snapshot', 'counts', 'accounts', 'regions', 'errors', 'durationMs', 'apiCalls']) t.true(key in summary, key);
  t.regex(summary.snapshot.sha256, /^[0-9a-f]{64}$/);
  const accounts = summary.accounts as Array<{ accountId: string }>;
  t.deepEqual(
    accounts.map((a) => a.accountId),
    ['111111111111', '222222222222', '333333333333'],
  );
  t.true(summary.counts.entities.aws_account >= 3);
  t.deepEqual(summary.errors, []);
  const snapshotText = readFileSync(summary.snapshot.path, 'utf8');
  for (const text of [result.stdout, result.stderr, snapshotText]) t.false(text.includes(externalId));
});

test('bad input gets a clear message and exit code 2', async (t) => {
  const directory = temporaryDirectory();
  const world = path.join(directory, 'world.yaml');
  writeFileSync(world, 'organization:\n  id: o-abc\n');
  const badWorld = await orggraph(['ingest', '--simulate', world, '--out', directory]);
  t.is(badWorld.code, 2);
  t.regex(badWorld.stderr, /world\.yaml:\d+:\d+: organization: missing required property "managementAccountId"/);

  const config = path.join(directory, 'orggraph.yaml');
  writeFileSync(config, 'roleName: JupiterOne\nregions:\n  include: [us-east-1, Europe]\nexternalId: oops\n');
  const secretInConfig = await orggraph(['ingest', '--config', config]);
  t.is(secretInConfig.code, 2);
  t.regex(secretInConfig.stderr, /orggraph\.yaml:4:13: externalId: must not be stored in the configuration/);
  t.false(secretInConfig.stderr.includes('oops'));

  writeFileSync(config, 'roleName: JupiterOne\nregions:\n  include: [us-east-1, Europe]\ncolour: blue\n');
  const badConfig = await orggraph(['ingest', '--config', config]);
  t.is(badConfig.code, 2);
  t.regex(badConfig.stderr, /orggraph\.yaml:3:24: regions\.include\[1\]: must match pattern .* \(it is "Europe"\)/);
  t.regex(badConfig.stderr, /orggraph\.yaml:4:9: colour: unknown property/);

  const badId = await orggraph(['ingest', '--simulate', '--out', directory], { ORGGRAPH_EXTERNAL_ID: 'has spaces in it' });
  t.is(badId.code, 2);
  t.regex(badId.stderr, /External ID contains a character AWS does not allow at position 4/);
});
