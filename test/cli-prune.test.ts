import { execFile } from 'node:child_process';
import { promises as fs, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { temporaryDirectory } from './helpers/simulate';

const run = promisify(execFile);
const bin = path.join(__dirname, '..', 'bin', 'orggraph.js');

async function ingest(out: string, extra: string[] = []): Promise<string> {
  const { stdout } = await run(process.execPath, [bin, 'ingest', '--simulate', '--json', '--out', out, ...extra], { maxBuffer: 64 << 20 });
  return (JSON.parse(stdout) as { snapshot: { path: string } }).snapshot.path;
}

test('prune keeps the newest N, and never the snapshot latest.json names nor the newest intact one', async (t) => {
  const out = temporaryDirectory();
  const oldest = await ingest(out);
  const middle = await ingest(out);
  const newest = await ingest(out);
  // The newest (latest.json's) is damaged: the middle one is the newest intact.
  const text = await fs.readFile(newest, 'utf8');
  await fs.writeFile(newest, text.replace('"_type":"aws_kms_key"', '"_type":"aws_kms_key","zzEdited":true'));

  const dry = await run(process.execPath, [bin, 'prune', '--dir', out, '--keep', '1', '--dry-run']);
  t.true(dry.stdout.includes(`would remove ${oldest}`), dry.stdout);
  t.is(readdirSync(path.join(out, 'snapshots')).length, 3);

  const pruned = await run(process.execPath, [bin, 'prune', '--dir', out, '--keep', '1']);
  t.true(pruned.stdout.includes(`removed ${oldest}`), pruned.stdout);
  t.deepEqual(readdirSync(path.join(out, 'snapshots')).sort(), [path.basename(middle), path.basename(newest)].sort());

  const bad = await run(process.execPath, [bin, 'prune', '--dir', out, '--keep', '0']).catch((error: { code: number; stderr: string }) => error);
  t.is((bad as { code: number }).code, 2);
});

test('retention: { keep: N } in the configuration prunes after each run', async (t) => {
  const out = temporaryDirectory();
  const config = path.join(out, 'orggraph.yaml');
  writeFileSync(config, 'retention:\n  keep: 2\n');
  const written: string[] = [];
  for (let index = 0; index < 4; index++) written.push(await ingest(out, ['--config', config]));
  t.deepEqual(
    readdirSync(path.join(out, 'snapshots')).sort(),
    written
      .slice(-2)
      .map((file) => path.basename(file))
      .sort(),
  );
});
