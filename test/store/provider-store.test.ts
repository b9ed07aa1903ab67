// The Pulumi resource's `store` input (a PostgreSQL connection string, a secret) and `shard`: checked
// without echoing the string, read from the stack configuration as a secret, and a run into a real
// PostgreSQL store whose outputs never hold the connection string.
import test from 'ava';
import pg from 'pg';
import type * as pulumi from '@pulumi/pulumi';
import { ingestConfig, run, validateInputs } from '../../provider/implementation';
import { settingsFromConfig } from '../../provider/program';
import { freshDatabase } from '../helpers/postgres';

const PASSWORD = 'pr0vider-s3cret';

test('store and shard inputs are checked before any run, and no failure echoes the connection string', (t) => {
  const wrongScheme = validateInputs({ simulate: true, storeUrl: `mysql://graph:${PASSWORD}@db.internal/graph` });
  t.deepEqual(
    wrongScheme.map((failure) => failure.property),
    ['storeUrl'],
  );
  t.false(JSON.stringify(wrongScheme).includes(PASSWORD));
  const withDestination = validateInputs({
    simulate: true,
    storeUrl: `postgres://graph:${PASSWORD}@db.internal/graph`,
    destination: '.orggraph',
    report: true,
  });
  t.deepEqual(withDestination.map((failure) => failure.property).sort(), ['destination', 'report']);
  t.false(JSON.stringify(withDestination).includes(PASSWORD));
  t.deepEqual(
    validateInputs({ simulate: true, shard: { index: 0, count: 4 } }).map((failure) => failure.property),
    ['shard'],
  );
  t.deepEqual(
    validateInputs({ simulate: true, storeUrl: 'postgres://db.internal/graph', shard: { index: 4, count: 4 } }).map((failure) => failure.property),
    ['shard'],
  );
  t.deepEqual(validateInputs({ simulate: true, storeUrl: 'postgres://db.internal/graph', shard: { index: 3, count: 4 } }), []);
  t.deepEqual(ingestConfig({ simulate: true, shard: { index: 1, count: 4 } }, '.orggraph').shard, { index: 1, count: 4 });
});

test('the program reads aws-org-graph:storeUrl as a secret', (t) => {
  const getters = new Map<string, string>();
  const spy = new Proxy({} as pulumi.Config, { get: (_target, getter: string) => (key: string) => void getters.set(key, getter) });
  settingsFromConfig(spy);
  t.is(getters.get('storeUrl'), 'getSecret');
  t.is(getters.get('shard'), 'getObject');
});

test('a run into a PostgreSQL store: the outputs name the snapshot, never the connection string; alerts keep their state in the database', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  // The test server trusts local connections: the password is never needed, but it must never show.
  const withPassword = new URL(url);
  withPassword.username = 'postgres';
  withPassword.password = PASSWORD;
  const outputs = await run({ simulate: true, storeUrl: withPassword.toString() }, { engineLog: null });
  t.regex(outputs.snapshot.uri, /^postgres:snapshot\/1$/);
  t.regex(outputs.snapshot.sha256, /^[0-9a-f]{64}$/);
  t.true(outputs.totals.entities > 100);
  t.false(JSON.stringify(outputs).includes(PASSWORD));
  t.false(JSON.stringify(outputs).includes(withPassword.host), 'nor where the server is');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const snapshots = await client.query<{ graph_sha256: string }>(`SELECT graph_sha256 FROM snapshots WHERE status = 'committed'`);
    t.deepEqual(
      snapshots.rows.map((row) => row.graph_sha256),
      [outputs.snapshot.sha256],
    );
    const documents = await client.query<{ name: string }>('SELECT name FROM documents');
    t.deepEqual(
      documents.rows.map((row) => row.name),
      outputs.alerts && !('error' in outputs.alerts) ? ['alert-state.json'] : [],
    );
  } finally {
    await client.end();
  }
});
