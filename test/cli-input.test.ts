import { existsSync, promises as fs, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { stringify } from 'yaml';
import { builtinWorldData, temporaryDirectory } from './helpers/simulate';
import { ingest } from '../src/ingest';
import { onSimulatedAwsCreated } from '../src/sim/simulator';
import { loadSimulatedWorld } from '../src/sim/load-world';
import { runBinary } from './helpers/cli';

const orggraph = runBinary;

test('unknown services, on the command line or in a configuration file, exit 2 with a suggestion and write nothing', async (t) => {
  const out = temporaryDirectory();
  const flags = await orggraph(['ingest', '--simulate', '--services', 'appstream,ec3', '--out', out]);
  t.is(flags.code, 2, flags.stderr);
  t.regex(flags.stderr, /command line: --services \(item 1\): unknown service "appstream" \(known: [a-z0-9, ]*ec2/);
  t.regex(flags.stderr, /command line: --services \(item 2\): unknown service "ec3"; did you mean "ec2"\?/);
  t.false(existsSync(path.join(out, 'latest.json')), 'no snapshot written');

  const config = path.join(out, 'orggraph.yaml');
  writeFileSync(config, 'roleName: JupiterOne\nservices:\n  include: [ec3]\nconcurency: 4\n');
  const file = await orggraph(['ingest', '--simulate', '--config', config, '--out', out]);
  t.is(file.code, 2, file.stderr);
  t.true(file.stderr.includes(`${config}:3:13: services.include[0]: unknown service "ec3"; did you mean "ec2"?`), file.stderr);
  t.true(file.stderr.includes(`${config}:4:13: concurency: unknown property; did you mean "concurrency"?`), file.stderr);
  t.false(existsSync(path.join(out, 'latest.json')));
});

test('--concurrency and --workers that are not whole numbers in range exit 2 naming the flag and the value', async (t) => {
  const out = temporaryDirectory();
  for (const [flag, value, message] of [
    ['--concurrency', '0', '--concurrency: must be >= 1 (it is 0)'],
    ['--concurrency', 'abc', '--concurrency: must be integer (it is "abc")'],
    ['--workers', 'many', '--workers: must be a whole number from 1 to 64, or "auto" (it is "many")'],
    ['--workers', '0', '--workers: must be a whole number from 1 to 64, or "auto" (it is 0)'],
  ]) {
    const result = await orggraph(['ingest', '--simulate', flag, value, '--out', out]);
    t.is(result.code, 2, `${flag} ${value}: ${result.stderr}`);
    t.true(result.stderr.includes(`command line: ${message}`), result.stderr);
  }
  t.false(existsSync(path.join(out, 'latest.json')));
});

test('a world reference that names no resource fails `world check` and ingestion, with its file and line', async (t) => {
  const directory = temporaryDirectory();
  const world = builtinWorldData();
  const file = path.join(directory, 'world.yaml');
  // A NAT gateway in a subnet that looks right but does not exist (the subnet's own record, whose
  // next member is its VpcId, is left alone).
  const text = stringify(world, { lineWidth: 0 }).replace(/SubnetId: subnet-02221000000000011\n(?!\s+VpcId)/, 'SubnetId: subnet-0deadbeef0000001\n');
  t.true(text.includes('subnet-0deadbeef0000001'));
  writeFileSync(file, text);
  const line = text.split('\n').findIndex((l) => l.includes('subnet-0deadbeef0000001')) + 1;

  const checked = await orggraph(['world', 'check', file]);
  t.is(checked.code, 2, checked.stderr);
  t.regex(
    checked.stderr,
    new RegExp(
      `world\\.yaml:${line}:\\d+: accounts\\[1\\]\\.regions\\.us-east-1\\.ec2\\.[a-zA-Z]+\\[\\d+\\]\\.SubnetId: subnet-0deadbeef0000001 is not the id of any resource in this world`,
    ),
  );

  const ingested = await orggraph(['ingest', '--simulate', file, '--out', directory]);
  t.is(ingested.code, 2);
  t.regex(ingested.stderr, /subnet-0deadbeef0000001 is not the id of any resource/);

  // The built-in world is consistent.
  const builtin = await orggraph(['world', 'print']);
  writeFileSync(file, builtin.stdout);
  t.is((await orggraph(['world', 'check', file])).code, 0);
});

test('an output directory that cannot be written fails before the first AWS call, naming it', async (t) => {
  const directory = temporaryDirectory();
  const blocker = path.join(directory, 'a-file');
  writeFileSync(blocker, 'not a directory');
  const result = await orggraph(['ingest', '--simulate', '--out', path.join(blocker, 'snapshots')]);
  t.is(result.code, 2, result.stderr);
  t.regex(result.stderr, /a-file\/snapshots: outputDir: a file is in the way of the directory \(ENOTDIR\)/);
  t.false(result.stderr.includes('    at '), 'no stack trace');

  // In-process: no simulated AWS was even created, so no call was made.
  let created = 0;
  const stop = onSimulatedAwsCreated(() => created++);
  try {
    await t.throwsAsync(ingest({ simulate: loadSimulatedWorld(true), config: { outputDir: path.join(blocker, 'x') } }), { message: /ENOTDIR/ });
  } finally {
    stop();
  }
  t.is(created, 0);
});

test('latest.json that is not JSON exits 2 before any work; one that names a deleted snapshot falls back to the newest intact one', async (t) => {
  const out = temporaryDirectory();
  const first = await orggraph(['ingest', '--simulate', '--json', '--out', out]);
  t.is(first.code, 0, first.stderr);
  const firstSnapshot = (JSON.parse(first.stdout) as { snapshot: { path: string } }).snapshot.path;
  const pointer = path.join(out, 'latest.json');
  const good = readFileSync(pointer, 'utf8');

  await fs.writeFile(pointer, good.slice(0, 20));
  const truncated = await orggraph(['ingest', '--simulate', '--out', out]);
  t.is(truncated.code, 2, truncated.stderr);
  t.true(truncated.stderr.includes(`${pointer}: not valid JSON`), truncated.stderr);
  t.false(truncated.stderr.includes('    at '), 'no stack trace');
  t.is(readdirSync(path.join(out, 'snapshots')).length, 1, 'nothing written');

  // A second snapshot, then latest.json names a file that is gone.
  await fs.writeFile(pointer, good);
  const second = await orggraph(['ingest', '--simulate', '--json', '--out', out]);
  const secondSnapshot = (JSON.parse(second.stdout) as { snapshot: { path: string } }).snapshot.path;
  await fs.unlink(secondSnapshot);
  const third = await orggraph(['ingest', '--simulate', '--json', '--out', out]);
  t.is(third.code, 0, third.stderr);
  const summary = JSON.parse(third.stdout) as {
    changes: { created: number; updated: number; deleted: number };
    errors: Array<{ code: string; message: string }>;
  };
  const fallback = summary.errors.find((error) => error.code === 'PreviousSnapshotFallback');
  t.truthy(fallback, third.stderr);
  t.true(fallback?.message.includes(`${secondSnapshot} (named by latest.json): does not exist`), fallback?.message);
  t.true(fallback?.message.includes(`compared with the newest intact one instead, ${firstSnapshot}`), fallback?.message);
  t.deepEqual(summary.changes, { created: 0, updated: 0, deleted: 0 }, 'compared with the first snapshot: nothing changed');
  t.regex(third.stderr, /warning: the latest snapshot could not be used/);
});
