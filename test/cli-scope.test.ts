import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { readSnapshot } from '../src/snapshot';
import { temporaryDirectory } from './helpers/simulate';

const run = promisify(execFile);
const bin = path.join(__dirname, '..', 'bin', 'orggraph.js');

interface Summary {
  snapshot: { path: string; sha256: string };
  totals: { entities: number; relationships: number; staleEntities: number };
  changes: { created: number; updated: number; deleted: number };
  scope?: { services?: { include?: string[] }; accounts?: string[]; regions?: { include?: string[] }; carried: { entities: number; relationships: number } };
  skippedRegions: Array<{ accountId: string; region: string; reason: string }>;
}

async function ingestJson(args: string[]): Promise<Summary> {
  const { stdout } = await run(process.execPath, [bin, 'ingest', '--simulate', '--json', ...args], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as Summary;
}

test('runs narrowed by --services or --accounts refresh their scope and carry the rest unchanged; --replace writes only the scope', async (t) => {
  const out = temporaryDirectory();
  const full = await ingestJson(['--out', out]);
  const before = await readSnapshot(full.snapshot.path);

  const iamOnly = await ingestJson(['--out', out, '--services', 'iam']);
  t.deepEqual(iamOnly.scope?.services, { include: ['iam'] });
  t.true((iamOnly.scope?.carried.entities ?? 0) > 100, 'EC2, S3 and KMS entities carried');
  t.deepEqual(iamOnly.changes, { created: 0, updated: 0, deleted: 0 }, 'nothing deleted, nothing changed');
  t.is(iamOnly.totals.staleEntities, 0, 'what was not attempted is not stale');
  t.is(iamOnly.snapshot.sha256, full.snapshot.sha256, 'the same graph as the whole run');

  const oneAccount = await ingestJson(['--out', out, '--accounts', '111111111111']);
  t.deepEqual(oneAccount.scope?.accounts, ['111111111111']);
  t.deepEqual(oneAccount.changes, { created: 0, updated: 0, deleted: 0 });
  t.is(oneAccount.snapshot.sha256, full.snapshot.sha256);

  // The carried objects are the previous ones, property for property.
  const after = await readSnapshot(oneAccount.snapshot.path);
  const previousKms = before.entities.filter((entity) => entity._type === 'aws_kms_key' && entity._accountId === '222222222222');
  t.true(previousKms.length > 0);
  for (const entity of previousKms)
    t.deepEqual(
      after.entities.find((e) => e._key === entity._key),
      entity,
    );

  const replaced = await ingestJson(['--out', out, '--services', 'iam', '--replace']);
  t.is(replaced.scope, undefined);
  t.true(replaced.changes.deleted > 100, `--replace drops what is outside the scope (${replaced.changes.deleted} deleted)`);
});

test('the summary says what the scope was, and lists skipped regions with their reasons', async (t) => {
  const out = temporaryDirectory();
  await run(process.execPath, [bin, 'ingest', '--simulate', '--out', out, '-q']);
  const { stdout } = await run(process.execPath, [bin, 'ingest', '--simulate', '--out', out, '-q', '--regions', 'us-east-1']);
  t.regex(
    stdout,
    /^Scope {4}regions us-east-1 only\. Outside it, \d+ entities and \d+ relationships were carried unchanged from the previous snapshot \(--replace drops them\)$/m,
  );
  t.regex(stdout, /^ {2}skipped us-west-2 in 222222222222: not in the configured regions$/m);
  const json = await ingestJson(['--out', out]);
  t.deepEqual(
    json.skippedRegions.filter((skipped) => skipped.accountId === '111111111111'),
    [{ accountId: '111111111111', region: 'ap-east-1', reason: 'not enabled for the account (opt-in region)' }],
  );
});
