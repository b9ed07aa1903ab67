/**
 * The GraphSnapshot resource's `report` option: the HTML report of each snapshot next to it, in a
 * local store and in S3 (at the wire level, as test/provider/remote.test.ts), never failing the update.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import nock from 'nock';
import { create, remove, update, validateInputs } from '../../provider/implementation';
import { reportPathOf, writeSnapshotReport } from '../../provider/report-hook';
import { temporaryDirectory } from '../helpers/simulate';
import { FakeBucket } from './helpers/fake-s3';

const bucket = new FakeBucket('report-bucket');

test.before(() => {
  nock.disableNetConnect();
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

test.serial('local store: each update writes the report beside its snapshot; the second compares with the first; delete removes them', async (t) => {
  const destination = temporaryDirectory();
  const inputs = { simulate: true, destination, report: true, removeSnapshotsOnDelete: true };
  const first = (await create(inputs)).outs!;
  const firstReport = reportPathOf(first.snapshot.uri);
  t.true(existsSync(firstReport));
  t.regex(readFileSync(firstReport, 'utf8'), /No previous snapshot in this store/);
  const second = (await update('id', first, inputs)).outs!;
  const secondReport = reportPathOf(second.snapshot.uri);
  t.not(secondReport, firstReport);
  const html = readFileSync(secondReport, 'utf8');
  t.regex(html, new RegExp(`Compared with <code>${path.basename(first.snapshot.uri)}</code>`));
  t.regex(html, new RegExp(`<span class="value" id="total-entities">${second.totals.entities.toLocaleString('en-US')}</span>`));
  await remove('id', second);
  t.false(existsSync(path.join(destination, 'snapshots')), 'reports are removed with their snapshots');
});

test.serial('without the option no report is written', async (t) => {
  const destination = temporaryDirectory();
  const outs = (await create({ simulate: true, destination })).outs!;
  t.false(existsSync(reportPathOf(outs.snapshot.uri)));
});

test.serial('S3 store: the report is uploaded beside the snapshot, encrypted as it is, after the pointer', async (t) => {
  const destination = 's3://report-bucket/acme';
  const outs = (await create({ simulate: true, destination, report: true, snapshotEncryption: { algorithm: 'aws:kms', kmsKeyId: 'alias/orggraph' } })).outs!;
  const snapshotKey = outs.snapshot.uri.slice('s3://report-bucket/'.length);
  const reportKey = snapshotKey.replace(/\.json$/, '.html');
  const puts = bucket.requests.filter((r) => r.method === 'PUT');
  // The alert state is stored after the pointer, then the report (which shows those alerts).
  t.deepEqual(
    puts.map((r) => r.key),
    [snapshotKey, 'acme/latest.json', 'acme/alert-state.json', reportKey],
  );
  const report = puts[3];
  t.is(report.headers['x-amz-server-side-encryption'], 'aws:kms');
  t.is(report.headers['x-amz-server-side-encryption-aws-kms-key-id'], 'alias/orggraph');
  t.is(report.headers['content-type'], 'text/html; charset=utf-8');
  t.regex(bucket.objects.get(reportKey)?.body ?? '', /^<!doctype html>[\s\S]*id="graph-index"/);
});

test('a report that cannot be written is a warning, not a failure', async (t) => {
  const warnings: string[] = [];
  const logger = { info: () => undefined, debug: () => undefined, warn: (message: string) => warnings.push(message) };
  const missing = path.join(temporaryDirectory(), 'snapshots', '20260101T000000000Z-0123456789ab.json');
  t.is(await writeSnapshotReport(missing, path.dirname(path.dirname(missing)), logger), undefined);
  t.is(warnings.length, 1);
  t.regex(warnings[0], /the report of 20260101T000000000Z-0123456789ab\.json could not be written \(.*ENOENT.*\); the snapshot is stored/);
});

test('the option is checked like the other inputs', (t) => {
  t.deepEqual(validateInputs({ simulate: true, report: 'yes' }), [{ property: 'report', reason: 'report: must be boolean' }]);
  t.deepEqual(validateInputs({ simulate: true, report: true }), []);
});
