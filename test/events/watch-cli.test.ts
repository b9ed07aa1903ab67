/**
 * `orggraph watch` through the binary: CloudTrail events from a loopback SQS queue (JSON 1.0 over
 * HTTP, AWS_ENDPOINT_URL_SQS) refresh a snapshot directory from a simulated organization that has
 * changed, and the result is the graph a full run of the changed organization gives.
 */
import { cpSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { stringify } from 'yaml';
import type { World } from '../../src/sim/types';
import { runBinary } from '../helpers/cli';
import { builtinWorldData, temporaryDirectory } from '../helpers/simulate';
import { LoopbackSqs } from './helpers/loopback-sqs';

const PRODUCTION = '222222222222';

function writeWorld(world: World): string {
  const file = path.join(temporaryDirectory(), 'world.yaml');
  writeFileSync(file, stringify(world));
  return file;
}

function event(id: string, name: string, requestParameters: Record<string, unknown>, time: string): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.kms',
    account: PRODUCTION,
    time,
    region: 'us-east-1',
    resources: [],
    detail: {
      eventTime: time,
      eventSource: 'kms.amazonaws.com',
      eventName: name,
      awsRegion: 'us-east-1',
      requestParameters,
      readOnly: false,
      eventType: 'AwsApiCall',
    },
  });
}

test('watch applies a batch from the queue and writes the graph a full run would', async (t) => {
  const before = builtinWorldData();
  const after = builtinWorldData();
  // The change: rotation disabled on the application key, and a new key created.
  const keys = (after.accounts.find((a) => a.id === PRODUCTION)!.regions!['us-east-1']!.kms as { keys: Array<Record<string, unknown>> }).keys;
  keys[0]!.rotation = false;
  keys.push({ id: '0a1b2c3d-2222-4aaa-8bbb-0000000000ff', description: 'created between runs', createdAt: '2026-12-06T10:00:00Z', aliases: ['alias/new'] });
  const [beforeFile, afterFile] = [writeWorld(before), writeWorld(after)];

  const directory = temporaryDirectory();
  t.is((await runBinary(['ingest', '--simulate', beforeFile, '--out', directory, '-q'])).code, 0);
  const fullDirectory = temporaryDirectory();
  cpSync(directory, fullDirectory, { recursive: true });
  const full = await runBinary(['ingest', '--simulate', afterFile, '--out', fullDirectory, '-q', '--json']);
  const fullSha = (JSON.parse(full.stdout) as { snapshot: { sha256: string } }).snapshot.sha256;

  const sqs = new LoopbackSqs();
  await sqs.start();
  t.teardown(() => sqs.stop());
  sqs.send(event('e-1', 'DisableKeyRotation', { keyId: String(keys[0]!.id) }, '2026-12-06T10:00:00Z'));
  sqs.send(event('e-2', 'CreateKey', { description: 'created between runs' }, '2026-12-06T10:00:01Z'));
  const watched = await runBinary(
    ['watch', '--queue', sqs.queueUrl, '--simulate', afterFile, '--out', directory, '--batches', '1', '--window', '2', '--log-format', 'json'],
    {
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_REGION: 'us-east-1',
    },
  );
  t.is(watched.code, 0, watched.stderr);
  const lines = watched.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const batch = lines.find((line) => line.event === 'batch') as { scope: { accounts: string[]; regions: string[]; services: string[] } };
  t.deepEqual(batch.scope.accounts, [PRODUCTION]);
  t.deepEqual(batch.scope.regions, ['us-east-1']);
  t.deepEqual(batch.scope.services, ['kms']);
  const written = lines.find((line) => line.event === 'snapshot-written') as { graphSha256: string; changes: { created: number; updated: number } };
  t.is(written.graphSha256, fullSha, 'incremental equals full');
  t.true(written.changes.created === 1 && written.changes.updated >= 1, JSON.stringify(written.changes));
  t.is(sqs.depth, 0, 'both messages deleted after the snapshot was written');
  t.false(watched.stderr.includes('wJalrXUtnFEMI'), 'no secret in the log');
});
