import type { PoolClient } from 'pg';

/**
 * The PostgreSQL schema, as ordered migrations: each runs once, in its own transaction, under an
 * advisory lock (several runs starting at once migrate once). Never edit an applied migration: add
 * the next one.
 *
 * The graph is temporal. A row is one version of an object: valid from the snapshot that first
 * wrote that content (`valid_from`) until the snapshot that changed or removed it (`valid_to`, null
 * while current). Snapshot `s` is every row with `valid_from <= s < coalesce(valid_to, ∞)`, so a
 * run costs only what changed, and a reader of a committed snapshot never sees a later run's rows.
 * Rows belong to a partition (`part`): an account id, or `*shard:i/n` for what a shard wrote that
 * no account owns (mapped entities, edges into another shard's accounts). Each partition is
 * written by one run per snapshot, in its own transaction (a single run whose graph streams from
 * disk writes all of its partitions in one).
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'temporal graph',
    sql: `
CREATE TABLE snapshots (
  id bigint PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('open', 'committed', 'abandoned')),
  shards integer NOT NULL DEFAULT 1,
  previous_id bigint,
  opened_at timestamptz NOT NULL DEFAULT now(),
  committed_at timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  graph_sha256 text,
  total_entities integer,
  total_relationships integer,
  metadata jsonb
);
-- One snapshot is written at a time (by one run, or by the shards of one run).
CREATE UNIQUE INDEX snapshots_one_open ON snapshots ((true)) WHERE status = 'open';

CREATE TABLE snapshot_shards (
  snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  shard integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  claimed_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  failure text,
  metadata jsonb,
  PRIMARY KEY (snapshot_id, shard)
);

CREATE TABLE snapshot_partitions (
  snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  part text NOT NULL,
  PRIMARY KEY (snapshot_id, part)
);

CREATE TABLE snapshot_errors (
  snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  account text NOT NULL,
  region text NOT NULL,
  service text NOT NULL,
  collector text,
  code text NOT NULL,
  aws_code text,
  operation text,
  kind text NOT NULL,
  message text NOT NULL
);
CREATE INDEX snapshot_errors_snapshot ON snapshot_errors (snapshot_id);

-- Scopes whose objects a snapshot carried from an earlier one (failed collectors, accounts, shards).
CREATE TABLE snapshot_stale_scopes (
  snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  account_id text NOT NULL,
  region text NOT NULL,
  collector text NOT NULL,
  types text[] NOT NULL,
  entities_carried integer NOT NULL
);
CREATE INDEX snapshot_stale_scopes_snapshot ON snapshot_stale_scopes (snapshot_id);

CREATE TABLE entities (
  part text NOT NULL,
  key text NOT NULL,
  valid_from bigint NOT NULL,
  valid_to bigint,
  properties jsonb NOT NULL,
  PRIMARY KEY (part, key, valid_from)
);
-- Every index slows the bulk load down (a million-entity load spends half its time in them): only
-- these. The account is the partition (part), which leads the primary key.
CREATE UNIQUE INDEX entities_current ON entities (part, key) WHERE valid_to IS NULL;
CREATE INDEX entities_type ON entities ((properties ->> '_type'));
-- Containment on the properties: _class (properties @> '{"_class":["Host"]}'), tag.* ('{"tag.Env":"prod"}'), _key.
CREATE INDEX entities_properties ON entities USING gin (properties jsonb_path_ops);

CREATE TABLE relationships (
  part text NOT NULL,
  key text NOT NULL,
  valid_from bigint NOT NULL,
  valid_to bigint,
  properties jsonb NOT NULL,
  PRIMARY KEY (part, key, valid_from)
);
CREATE UNIQUE INDEX relationships_current ON relationships (part, key) WHERE valid_to IS NULL;
CREATE INDEX relationships_type ON relationships ((properties ->> '_type'));
-- One relationship's versions (orggraph history), whatever its partition.
CREATE INDEX relationships_key ON relationships (key);
`,
  },
  {
    version: 2,
    name: 'documents',
    sql: `
-- Small documents kept with the graph: the alert state (NEW, ONGOING, RESOLVED across runs).
CREATE TABLE documents (
  name text PRIMARY KEY,
  body text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];

/**
 * The indexes of migration 1 that only serve reads. A load into an empty store drops them and
 * builds them once at the end (PostgreSQL's own advice for populating a database: building a GIN
 * index over a million rows at once is several times faster than maintaining it row by row);
 * `migrate` builds any that are missing, so a load that crashed in between leaves nothing behind.
 * The definitions are migration 1's, character for character (a test compares them).
 */
export const READ_INDEXES: ReadonlyArray<{ name: string; definition: string }> = [
  { name: 'entities_type', definition: `entities ((properties ->> '_type'))` },
  { name: 'entities_properties', definition: `entities USING gin (properties jsonb_path_ops)` },
  { name: 'relationships_type', definition: `relationships ((properties ->> '_type'))` },
  { name: 'relationships_key', definition: `relationships (key)` },
];

export const createReadIndex = (index: (typeof READ_INDEXES)[number]) => `CREATE INDEX IF NOT EXISTS ${index.name} ON ${index.definition}`;

/**
 * The unique indexes of migration 1: the primary keys and the current-version indexes. A load into
 * an empty store builds them after its rows too (one sort each, instead of a B-tree insert per row);
 * a duplicate key then fails the build instead of the COPY, and the load empties the tables again
 * before it fails (see `PostgresStorage.write`). `migrate` restores any that is missing.
 */
export const UNIQUE_INDEXES: ReadonlyArray<{ name: string; table: 'entities' | 'relationships'; definition: string; primaryKey?: true }> = [
  { name: 'entities_pkey', table: 'entities', definition: `entities (part, key, valid_from)`, primaryKey: true },
  { name: 'entities_current', table: 'entities', definition: `entities (part, key) WHERE valid_to IS NULL` },
  { name: 'relationships_pkey', table: 'relationships', definition: `relationships (part, key, valid_from)`, primaryKey: true },
  { name: 'relationships_current', table: 'relationships', definition: `relationships (part, key) WHERE valid_to IS NULL` },
];

export const createUniqueIndex = (index: (typeof UNIQUE_INDEXES)[number]) => `CREATE UNIQUE INDEX IF NOT EXISTS ${index.name} ON ${index.definition}`;

export const dropUniqueIndex = (index: (typeof UNIQUE_INDEXES)[number]) =>
  index.primaryKey ? `ALTER TABLE ${index.table} DROP CONSTRAINT IF EXISTS ${index.name}` : `DROP INDEX IF EXISTS ${index.name}`;

/** Makes each primary key's index (built by {@link createUniqueIndex}) the table's primary key again, where it is not. Under the migration lock. */
export async function restorePrimaryKeys(client: PoolClient): Promise<void> {
  for (const index of UNIQUE_INDEXES) {
    if (!index.primaryKey) continue;
    const exists = await client.query(`SELECT 1 FROM pg_constraint WHERE conname = $1 AND conrelid = $2::regclass`, [index.name, index.table]);
    if (!exists.rowCount) await client.query(`ALTER TABLE ${index.table} ADD CONSTRAINT ${index.name} PRIMARY KEY USING INDEX ${index.name}`);
  }
}

/** Advisory lock ids (any constant unlikely to clash with another application's). */
export const MIGRATION_LOCK = 0x6f72_6767; // 'orgg'
export const SNAPSHOT_LOCK = 0x6f72_6768;

/** Applies the migrations not applied yet; resolves to the schema version. */
export async function migrate(client: PoolClient): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS orggraph_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM orggraph_migrations')).rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO orggraph_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    // A first load that died between dropping its indexes and building them: they are built now.
    for (const index of UNIQUE_INDEXES) await client.query(createUniqueIndex(index));
    await restorePrimaryKeys(client);
    for (const index of READ_INDEXES) await client.query(createReadIndex(index));
    return Math.max(...MIGRATIONS.map((migration) => migration.version));
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
