import * as path from 'node:path';
import test from 'ava';
import { diffSnapshots, objectHistory } from '../../src/changes';
import type { Entity, Relationship } from '../../src/graph';
import type { IngestResult } from '../../src/ingest';
import { readSnapshot, SnapshotStore } from '../../src/snapshot';
import type { WorldS3Bucket } from '../../src/services/s3/sim/simulator';
import type { World } from '../../src/sim/types';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';
import { runCli as cli } from '../helpers/cli';
import type { WorldIam } from '../../src/services/iam/sim/simulator';

const T1 = Date.parse('2026-03-01T08:00:00.000Z');
const T2 = Date.parse('2026-03-02T08:00:00.000Z');
const T3 = Date.parse('2026-03-03T08:00:00.000Z');
const PROD = '222222222222';
const NEW_ROLE = `arn:aws:iam::${PROD}:role/new-vendor`;
const BUCKET = 'arn:aws:s3:::acme-prod-legacy-exports';
const AUDITOR = `arn:aws:iam::${PROD}:user/external-auditor`;

/** A clock that answers `at` for the run's start and one second later for its end. */
function clockAt(at: number): () => Date {
  let calls = 0;
  return () => new Date(at + 1000 * Math.min(calls++, 1));
}

const iamOf = (world: World, account: string) =>
  world.accounts.find((a) => a.id === account)?.global?.iam as WorldIam & Required<Pick<WorldIam, 'roles' | 'users'>>;
const bucketsOf = (world: World, account: string, region: string) =>
  (world.accounts.find((a) => a.id === account)?.regions?.[region]?.s3 as unknown as { buckets: WorldS3Bucket[] }).buckets;

/** Run 2: a role trusting a new external account, a bucket's versioning enabled, a user removed. */
function secondWorld(): World {
  const world = builtinWorld();
  const iam = iamOf(world, PROD);
  iam.roles.push({
    RoleName: 'new-vendor',
    CreateDate: '2026-03-02T07:00:00Z',
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::888888888888:root' }, Action: 'sts:AssumeRole' }],
    },
    AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess' }],
  });
  iam.users = iam.users.filter((user) => user.UserName !== 'external-auditor');
  const bucket = bucketsOf(world, PROD, 'us-east-1').find((b) => b.Name === 'acme-prod-legacy-exports')!;
  bucket.Versioning = { Status: 'Enabled' };
  return world;
}

/** Run 3: the new role gone again, the bucket encrypted. */
function thirdWorld(): World {
  const world = secondWorld();
  const iam = iamOf(world, PROD);
  iam.roles = iam.roles.filter((role) => role.RoleName !== 'new-vendor');
  const bucket = bucketsOf(world, PROD, 'us-east-1').find((b) => b.Name === 'acme-prod-legacy-exports')!;
  // Never written: S3's default SSE-S3.
  delete bucket.ServerSideEncryptionConfiguration;
  return world;
}

interface Runs {
  directory: string;
  results: IngestResult[];
  files: string[];
}

let runs: Promise<Runs> | undefined;
/** Three consecutive runs of a changing world into one directory (shared by the tests). */
function threeRuns(): Promise<Runs> {
  runs ??= (async () => {
    const directory = temporaryDirectory('orggraph-changes-');
    const results: IngestResult[] = [];
    results.push(await simulate(builtinWorld(), { outputDir: directory, clock: clockAt(T1) }));
    results.push(await simulate(secondWorld(), { outputDir: directory, clock: clockAt(T2) }));
    results.push(await simulate(thirdWorld(), { outputDir: directory, clock: clockAt(T3) }));
    return { directory, results, files: await new SnapshotStore(directory).list() };
  })();
  return runs;
}

const byKey = <T extends Entity | Relationship>(objects: T[], key: string) =>
  objects.find((object) => object._key === key) as (T & { _createdOn?: number; _updatedOn?: number }) | undefined;

test('every object carries _createdOn and _updatedOn, carried across snapshots', async (t) => {
  const { files } = await threeRuns();
  t.is(files.length, 3);
  const [first, second, third] = await Promise.all(files.map((file) => readSnapshot(file)));
  for (const object of [...first.entities, ...first.relationships]) {
    const stamped = object as { _createdOn?: number; _updatedOn?: number };
    t.is(stamped._createdOn, T1, object._key);
    t.is(stamped._updatedOn, T1, object._key);
  }
  // Created in run 2.
  t.like(byKey(second.entities, NEW_ROLE), { _createdOn: T2, _updatedOn: T2 });
  // Changed in run 2: first seen in run 1, updated in run 2; unchanged in run 3 apart from its encryption.
  t.like(byKey(second.entities, BUCKET), { _createdOn: T1, _updatedOn: T2, versioningEnabled: true });
  t.like(byKey(third.entities, BUCKET), { _createdOn: T1, _updatedOn: T3 });
  // Unchanged everywhere: the timestamps of run 1.
  const unchanged = `arn:aws:iam::${PROD}:role/vendor-monitoring`;
  t.like(byKey(third.entities, unchanged), { _createdOn: T1, _updatedOn: T1 });
  // Relationships too: the role's TRUSTS edge to the new external account.
  const trusts = second.relationships.filter((r) => r._fromEntityKey === NEW_ROLE && r._type === 'aws_iam_role_trusts_account');
  t.true(trusts.length > 0);
  for (const edge of trusts) t.like(edge, { _createdOn: T2, _updatedOn: T2 });
  t.is(byKey(second.entities, AUDITOR), undefined);
});

test('timestamps neither change the graph sha256 nor count as changes', async (t) => {
  const { results } = await threeRuns();
  // The first world ingested again elsewhere, at another time: same content hash.
  const again = await simulate(builtinWorld(), { clock: clockAt(T3 + 86_400_000) });
  t.is(again.summary.snapshot.sha256, results[0].summary.snapshot.sha256);
  // Counts: run 2 created the role, updated the bucket, deleted the user (and what hangs off them).
  const { changes, changedKeys } = results[1].summary;
  t.true(changes.created >= 1 && changes.updated >= 1 && changes.deleted >= 1, JSON.stringify(changes));
  t.true(changedKeys?.entities.created.includes(NEW_ROLE));
  t.true(changedKeys?.entities.updated.includes(BUCKET));
  t.true(changedKeys?.entities.deleted.includes(AUDITOR));
  t.true(results[1].summary.relationshipChanges.created >= 1);
  // The same world twice in a row: nothing changed, timestamps kept.
  const directory = temporaryDirectory();
  await simulate(builtinWorld(), { outputDir: directory, clock: clockAt(T1) });
  const second = await simulate(builtinWorld(), { outputDir: directory, clock: clockAt(T2) });
  t.deepEqual(second.summary.changes, { created: 0, updated: 0, deleted: 0 });
  t.deepEqual(second.summary.relationshipChanges, { created: 0, updated: 0, deleted: 0 });
  t.like(byKey([...second.graph.allEntities()], BUCKET), { _createdOn: T1, _updatedOn: T1 });
});

test('diff lists created, updated and deleted objects with properties before and after', async (t) => {
  const { files, results } = await threeRuns();
  const diff = await diffSnapshots(files[0], files[1]);
  t.deepEqual(diff.counts.entities, results[1].summary.changes);
  t.deepEqual(diff.counts.relationships, results[1].summary.relationshipChanges);
  t.like(
    diff.changes.find((c) => c._key === NEW_ROLE),
    { change: 'created', kind: 'entity', _type: 'aws_iam_role', _accountId: PROD },
  );
  t.like(
    diff.changes.find((c) => c._key === AUDITOR),
    { change: 'deleted', kind: 'entity', _type: 'aws_iam_user' },
  );
  const bucket = diff.changes.find((c) => c._key === BUCKET);
  t.is(bucket?.change, 'updated');
  t.deepEqual(
    bucket?.properties?.find((p) => p.name === 'versioningEnabled'),
    { name: 'versioningEnabled', before: false, after: true },
  );
  t.false(bucket?.properties?.some((p) => p.name.startsWith('_createdOn') || p.name === '_updatedOn'));
  t.true(diff.changes.some((c) => c.kind === 'relationship' && c.change === 'created' && c._key.includes('new-vendor')));
  // Filters: by type, by account.
  const roles = await diffSnapshots(files[0], files[1], { types: ['aws_iam_role'] });
  t.true(roles.changes.length > 0 && roles.changes.every((c) => c._type === 'aws_iam_role'));
  t.is(roles.counts.entities.created, 1);
  const elsewhere = await diffSnapshots(files[0], files[1], { accounts: ['333333333333'] });
  t.deepEqual(elsewhere.changes, []);
  // A snapshot against itself: nothing.
  t.deepEqual((await diffSnapshots(files[2], files[2])).changes, []);
});

test('diff of a snapshot whose lines are not in key order gives the same answer', async (t) => {
  const { files } = await threeRuns();
  const { promises: fs } = await import('node:fs');
  const text = await fs.readFile(files[1], 'utf8');
  const lines = text.split('\n');
  // Swap the first two entity lines (keeping the separators in place).
  const [a, b] = [lines[1], lines[2]];
  lines[1] = b;
  lines[2] = a;
  const shuffled = path.join(temporaryDirectory(), 'shuffled.json');
  await fs.writeFile(shuffled, lines.join('\n'));
  const expected = await diffSnapshots(files[0], files[1]);
  const actual = await diffSnapshots(files[0], shuffled);
  t.deepEqual(actual.changes, expected.changes);
});

test('history shows one entity across the retained snapshots', async (t) => {
  const { directory } = await threeRuns();
  const bucket = await objectHistory(directory, BUCKET);
  t.is(bucket.snapshots, 3);
  t.deepEqual(
    bucket.events.map((e) => e.change),
    ['created', 'updated', 'updated'],
  );
  t.like(bucket.events[0], { kind: 'entity', _type: 'aws_s3_bucket', _createdOn: T1, _updatedOn: T1 });
  t.deepEqual(
    bucket.events[1].properties?.find((p) => p.name === 'versioningEnabled'),
    { name: 'versioningEnabled', before: false, after: true },
  );
  t.like(bucket.events[2], { _createdOn: T1, _updatedOn: T3 });
  const role = await objectHistory(directory, NEW_ROLE);
  t.deepEqual(
    role.events.map((e) => e.change),
    ['created', 'deleted'],
  );
  const absent = await objectHistory(directory, 'arn:aws:iam::222222222222:role/never-there');
  t.deepEqual(absent.events, []);
});

test.serial('orggraph diff and history on the command line', async (t) => {
  const { directory, files } = await threeRuns();
  // Default: the previous and the latest snapshot (runs 2 and 3).
  const text = await cli(['diff', '--dir', directory]);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, new RegExp(`- entity aws_iam_role ${NEW_ROLE.replace(/[/]/g, '\\/')}`));
  t.regex(text.stdout, /~ entity aws_s3_bucket arn:aws:s3:::acme-prod-legacy-exports {2}\[222222222222\]\n( {4}.*\n)* {4}encrypted: false -> true\n/);
  t.regex(text.stdout, /entities: \+0 ~3 -2; relationships: \+0 ~0 -3\n$/);
  const json = await cli(['diff', '--dir', directory, '--json', '--type', 'aws_iam_user', path.basename(files[0]), files[1]]);
  t.is(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { changes: Array<{ _key: string; change: string }> };
  t.deepEqual(
    parsed.changes.map((c) => [c.change, c._key]),
    [['deleted', AUDITOR]],
  );
  t.is((await cli(['diff', '--dir', directory, files[0]])).code, 2);
  t.is((await cli(['diff', '--dir', directory, '--account', '12'])).code, 2);
  t.is((await cli(['diff', '--dir', temporaryDirectory()])).code, 2);
  const history = await cli(['history', '--dir', directory, BUCKET]);
  t.is(history.code, 0, history.stderr);
  t.regex(history.stdout, /updated entity aws_s3_bucket .*\n {4}versioningEnabled: false -> true/);
});
