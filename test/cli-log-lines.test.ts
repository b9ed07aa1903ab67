import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { stringify } from 'yaml';
import { runBinary } from './helpers/cli';
import { builtinWorldData, temporaryDirectory } from './helpers/simulate';

// Issue 14: each skipped account is told once, in either log format.

test('--log-format json: one account-skipped event per skipped account, and no info line repeating it', async (t) => {
  const out = temporaryDirectory();
  const run = await runBinary(['ingest', '--simulate', '--out', out, '--log-format', 'json', '-q']);
  t.is(run.code, 0, run.stderr);
  const events = run.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; accountId?: string; message?: string });
  const skipped = events.filter((e) => e.event === 'account-skipped').map((e) => e.accountId);
  t.deepEqual(skipped, ['444444444444', '555555555555']);
  t.false(
    events.some((e) => /skipping account/.test(e.message ?? '')),
    'no info line repeats the events',
  );
});

test('text output: a line per skipped account, including one whose tags cannot be read', async (t) => {
  const world = builtinWorldData();
  // Organizations refuses half the tag reads (seeded): those accounts are skipped, the others ingested.
  world.behaviour = { ...world.behaviour, seed: 3 };
  world.faults = [{ service: 'organizations', operation: 'ListTagsForResource', error: 'AccessDenied', probability: 0.5 }];
  const file = path.join(temporaryDirectory(), 'world.yaml');
  writeFileSync(file, stringify(world));
  const run = await runBinary(['ingest', '--simulate', file, '--out', temporaryDirectory(), '--no-progress']);
  t.is(run.code, 0, run.stderr);
  const lines = run.stderr.split('\n').filter((line) => line.startsWith('skipping account '));
  t.true(lines.includes('skipping account 555555555555 (acme-legacy): account status is SUSPENDED'), run.stderr);
  const unreadable = lines.filter((line) => /its tags cannot be read/.test(line));
  t.true(unreadable.length >= 1, 'the account whose tags were refused is listed');
  t.is(new Set(lines).size, lines.length, 'no account twice');
});
