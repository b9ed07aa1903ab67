import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { temporaryDirectory } from './helpers/simulate';

const run = promisify(execFile);
const BIN = path.join(__dirname, '..', 'bin', 'orggraph.js');

// The default snapshot directory, `.orggraph`, is relative. The snapshot `latest.json` names must be
// recognized among the directory's files whatever the spelling of the directory.
test('with a relative snapshot directory, prune keeps the snapshot latest.json names and diff finds the two newest', async (t) => {
  const cwd = temporaryDirectory();
  const orggraph = (...args: string[]) => run(process.execPath, [BIN, ...args], { cwd, maxBuffer: 16 << 20 });
  await orggraph('ingest', '--simulate', '-q');
  await orggraph('ingest', '--simulate', '-q', '--services', 'kms', '--replace');
  const diff = await orggraph('diff');
  t.regex(diff.stdout, /^entities: \+0 ~\d+ -\d{3}; relationships/m, 'the second run dropped everything but KMS');
  await orggraph('ingest', '--simulate', '-q');
  await orggraph('prune', '--keep', '1');
  const latest = JSON.parse(readFileSync(path.join(cwd, '.orggraph', 'latest.json'), 'utf8')) as { path: string };
  t.true(existsSync(path.join(cwd, '.orggraph', latest.path)), 'the snapshot latest.json names is kept');
  t.deepEqual(readdirSync(path.join(cwd, '.orggraph', 'snapshots')), [path.basename(latest.path)]);
});
