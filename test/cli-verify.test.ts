import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { temporaryDirectory } from './helpers/simulate';

const run = promisify(execFile);
const bin = path.join(__dirname, '..', 'bin', 'orggraph.js');

async function orggraph(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Edits one KMS key's description in a snapshot file, by hand, as someone might. */
async function editKmsKey(file: string): Promise<void> {
  const text = await fs.readFile(file, 'utf8');
  const line = text.split('\n').find((l) => l.includes('"_type":"aws_kms_key"')) ?? '';
  const edited = line.replace('"_type":"aws_kms_key"', '"_type":"aws_kms_key","zzEdited":"by hand"');
  if (edited === line) throw new Error('no KMS key line');
  await fs.writeFile(file, text.replace(line, edited));
}

test('query refuses a snapshot whose content no longer matches its graphSha256 (exit 2, naming it) unless --no-verify', async (t) => {
  const out = temporaryDirectory();
  const ingested = await orggraph(['ingest', '--simulate', '--json', '--out', out]);
  t.is(ingested.code, 0, ingested.stderr);
  const file = (JSON.parse(ingested.stdout) as { snapshot: { path: string } }).snapshot.path;
  const query = 'FIND aws_kms_key WITH zzEdited = "by hand"';
  t.is((await orggraph(['query', '--dir', out, '--json', query])).code, 0);

  await editKmsKey(file);
  const refused = await orggraph(['query', '--dir', out, '--json', query]);
  t.is(refused.code, 2);
  t.is(refused.stdout, '');
  t.true(refused.stderr.includes(`${file}: the content does not match its graphSha256`), refused.stderr);

  const unverified = await orggraph(['query', '--dir', out, '--json', '--no-verify', query]);
  t.is(unverified.code, 0, unverified.stderr);
  t.is((JSON.parse(unverified.stdout) as { data: unknown[] }).data.length, 1, 'the edited data, knowingly');
});

test('ingestion compares with the newest intact snapshot when the latest was edited, and says so', async (t) => {
  const out = temporaryDirectory();
  const first = JSON.parse((await orggraph(['ingest', '--simulate', '--json', '--out', out])).stdout) as { snapshot: { path: string } };
  const second = JSON.parse((await orggraph(['ingest', '--simulate', '--json', '--out', out])).stdout) as { snapshot: { path: string } };
  await editKmsKey(second.snapshot.path);
  const third = await orggraph(['ingest', '--simulate', '--json', '--out', out]);
  t.is(third.code, 0, third.stderr);
  const summary = JSON.parse(third.stdout) as { changes: object; errors: Array<{ code: string; message: string }> };
  const fallback = summary.errors.find((error) => error.code === 'PreviousSnapshotFallback');
  t.true(fallback?.message.includes(`${second.snapshot.path}: does not match its graphSha256`), fallback?.message);
  t.true(fallback?.message.includes(`the newest intact one instead, ${first.snapshot.path}`), fallback?.message);
  t.deepEqual(summary.changes, { created: 0, updated: 0, deleted: 0 }, 'compared with the intact first snapshot');
});
