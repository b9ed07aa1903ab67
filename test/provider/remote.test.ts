/**
 * Snapshots in S3, at the wire level: the real S3 client's signed HTTPS requests, intercepted by
 * nock. The provider's create/update path writes with server-side encryption and reads the previous
 * snapshot back from the bucket.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import nock from 'nock';
import { create, remove, run, update } from '../../provider/implementation';
import type { GraphSnapshotOutputs } from '../../provider/types';
import { createS3Client, parseS3Uri, RemoteStoreError, S3SnapshotStore } from '../../src/snapshot/remote';
import { temporaryDirectory } from '../helpers/simulate';
import { FakeBucket } from './helpers/fake-s3';

const bucket = new FakeBucket('graph-bucket');

test.before(() => {
  nock.disableNetConnect();
  // The S3 client's credentials come from the default chain: the environment here.
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  bucket.install();
});

test.after.always(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

test('s3:// destinations are parsed with messages for bad ones', (t) => {
  t.deepEqual(parseS3Uri('s3://graph-bucket/acme/graph/'), { bucket: 'graph-bucket', prefix: 'acme/graph' });
  t.deepEqual(parseS3Uri('s3://graph-bucket'), { bucket: 'graph-bucket', prefix: '' });
  t.throws(() => parseS3Uri('s3://Graph_Bucket/x'), { instanceOf: RemoteStoreError, message: /not a valid S3 bucket name/ });
  t.throws(() => parseS3Uri('s3://graph-bucket/a/../b'), { message: /must not contain empty, "\." or "\.\." segments/ });
  t.throws(() => parseS3Uri('s3:/graph-bucket'), { message: /not an s3:\/\/ URI/ });
});

test.serial('ingestion into S3: SSE-KMS uploads, snapshot before pointer, previous snapshot read back', async (t) => {
  const destination = 's3://graph-bucket/acme/graph';
  const inputs = { simulate: true, destination, snapshotEncryption: { algorithm: 'aws:kms' as const, kmsKeyId: 'alias/orggraph' } };

  const created = await create(inputs);
  const first = created.outs!;
  t.regex(first.snapshot.uri, /^s3:\/\/graph-bucket\/acme\/graph\/snapshots\/[^/]+\.json$/);
  const snapshotKey = first.snapshot.uri.slice('s3://graph-bucket/'.length);
  const puts = bucket.requests.filter((r) => r.method === 'PUT');
  t.deepEqual(
    puts.map((r) => r.key),
    [snapshotKey, 'acme/graph/latest.json', 'acme/graph/alert-state.json'],
    'the pointer moves only after the snapshot is stored; the alert state last',
  );
  for (const put of puts) {
    t.is(put.headers['x-amz-server-side-encryption'], 'aws:kms');
    t.is(put.headers['x-amz-server-side-encryption-aws-kms-key-id'], 'alias/orggraph');
    t.regex(put.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\//);
  }
  // The uploaded object is the complete snapshot, its metadata naming the same graph hash.
  const stored = bucket.objects.get(snapshotKey)!.body;
  const metadata = JSON.parse(
    stored
      .trimEnd()
      .split('\n')
      .pop()!
      .replace(/^\],"metadata":/, '')
      .slice(0, -1),
  ) as { graphSha256: string };
  t.is(metadata.graphSha256, first.snapshot.sha256);
  t.deepEqual(JSON.parse(bucket.objects.get('acme/graph/latest.json')!.body), {
    path: `snapshots/${path.posix.basename(snapshotKey)}`,
    graphSha256: first.snapshot.sha256,
    endedAt: JSON.parse(bucket.objects.get('acme/graph/latest.json')!.body).endedAt,
  });
  t.like(first.changes, {
    created: first.totals.entities,
    updated: 0,
    deleted: 0,
    relationships: { created: first.totals.relationships, updated: 0, deleted: 0 },
  });
  // The first changed keys, in key order.
  t.is(first.changes.keys.created.length, 5);
  t.deepEqual(first.changes.keys.created, [...first.changes.keys.created].sort());

  // The next run reads the previous snapshot from the bucket: nothing changed.
  bucket.requests.length = 0;
  const second = (await update(created.id, first, inputs)).outs!;
  t.deepEqual(
    bucket.requests.filter((r) => r.method === 'GET').map((r) => r.key),
    ['acme/graph/latest.json', snapshotKey, 'acme/graph/alert-state.json'],
  );
  t.like(second.changes, { created: 0, updated: 0, deleted: 0 });
  // The alert state came back from the bucket: what the first run raised is ONGOING, not NEW again.
  t.true((first.alerts?.counts.NEW ?? 0) > 0);
  t.like(second.alerts, { counts: { NEW: 0, ONGOING: first.alerts?.counts.NEW, RESOLVED: 0 } });
  t.not(second.snapshot.uri, first.snapshot.uri);

  // SSE-S3 by default.
  bucket.requests.length = 0;
  const third = await run({ simulate: true, destination });
  t.like(third.changes, { created: 0, updated: 0, deleted: 0 });
  for (const put of bucket.requests.filter((r) => r.method === 'PUT')) {
    t.is(put.headers['x-amz-server-side-encryption'], 'AES256');
    t.false('x-amz-server-side-encryption-aws-kms-key-id' in put.headers);
  }

  // Delete keeps the snapshots unless asked; then removes them, the pointer and the alert state, nothing else.
  bucket.objects.set('acme/graph/README.txt', { body: 'kept', headers: {} });
  await remove(created.id, third);
  t.is([...bucket.objects.keys()].filter((key) => key.startsWith('acme/graph/snapshots/')).length, 3);
  await remove(created.id, { ...third, removeSnapshotsOnDelete: true } as GraphSnapshotOutputs);
  t.deepEqual(
    [...bucket.objects.keys()].filter((key) => key.startsWith('acme/graph/')),
    ['acme/graph/README.txt'],
  );
});

test.serial('a pointer to a missing snapshot fails the run with the key to fix, and uploads nothing', async (t) => {
  bucket.objects.set('broken/latest.json', { body: JSON.stringify({ path: 'snapshots/gone.json', graphSha256: 'x', endedAt: 'y' }), headers: {} });
  bucket.requests.length = 0;
  const error = await t.throwsAsync(run({ simulate: true, destination: 's3://graph-bucket/broken' }));
  t.regex(error?.message ?? '', /s3:\/\/graph-bucket\/broken\/latest\.json names s3:\/\/graph-bucket\/broken\/snapshots\/gone\.json, which cannot be read/);
  t.deepEqual(
    bucket.requests.filter((r) => r.method === 'PUT'),
    [],
  );
});

test.serial('the store alone: pull into a directory the local store reads, push, remove', async (t) => {
  const client = createS3Client({ region: 'eu-west-1' });
  try {
    const store = new S3SnapshotStore(parseS3Uri('s3://graph-bucket/solo'), client);
    t.is(await store.pull(temporaryDirectory()), undefined, 'empty store');
    const file = path.join(temporaryDirectory(), '20260101T000000000Z-abcdefabcdef.json');
    writeFileSync(file, '{"format":"x"}\n');
    const pushed = await store.push(file, { path: 'ignored', graphSha256: 'abc', endedAt: '2026-01-01T00:00:00.000Z' });
    t.is(pushed.uri, 's3://graph-bucket/solo/snapshots/20260101T000000000Z-abcdefabcdef.json');
    const local = temporaryDirectory();
    const pointer = await store.pull(local);
    t.is(pointer?.path, 'snapshots/20260101T000000000Z-abcdefabcdef.json');
    t.is(await store.remove(), 2);
  } finally {
    client.destroy();
  }
});
