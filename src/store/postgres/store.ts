import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PoolClient } from 'pg';
import type { Entity, Relationship } from '../../graph';
import { diffEntities } from '../../snapshot/diff';
import { SNAPSHOT_FORMAT, type NotRefreshed, type RunError, type Snapshot, type SnapshotMetadata } from '../../snapshot/format';
import { readPreviousSnapshot, type PreviousSnapshotOptions } from '../../snapshot/previous';
import type { SnapshotLineVisitor } from '../../snapshot/reader';
import { CREATED_ON, timestampSuffix, UPDATED_ON } from '../../snapshot/timestamps';
import { canonicalLine, flatCanonicalLine, type KeyOrdered, type WriteHooks } from '../../snapshot/writer';
import { shardOf } from '../shard';
import type { GraphStorage, ObjectVisitor, ShardSpec, SnapshotRef } from '../types';
import { copyIn, copyLine, copyOut } from './copy';
import type { CompiledQuery } from './j1ql';
import {
  createReadIndex,
  createUniqueIndex,
  dropUniqueIndex,
  migrate,
  MIGRATION_LOCK,
  READ_INDEXES,
  restorePrimaryKeys,
  SNAPSHOT_LOCK,
  UNIQUE_INDEXES,
} from './migrations';

/** The store cannot take this run now (another run is writing the snapshot), or its records are damaged. */
export class PostgresStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresStoreError';
  }
}

/** A connection string without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of ['password', 'sslpassword']) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable connection string)';
  }
}

const REF_PREFIX = 'postgres:snapshot/';

function refOf(id: number): SnapshotRef {
  return { id: `${REF_PREFIX}${id}` };
}

function idOf(ref: SnapshotRef): number {
  const id = Number(ref.id.startsWith(REF_PREFIX) ? ref.id.slice(REF_PREFIX.length) : ref.id);
  if (!Number.isSafeInteger(id) || id < 1) throw new PostgresStoreError(`${ref.id}: not a snapshot of this store (expected ${REF_PREFIX}<id>)`);
  return id;
}

/** The partition of what a shard writes that no account of its own owns. */
function shardPart(shard: ShardSpec): string {
  return `*shard:${shard.index}/${shard.count}`;
}

/** Whether a partition belongs to shard `index` of `count` (accounts by their hash; `*shard:` by name). */
function ownedBy(part: string, count: number, index: number): boolean {
  if (part.startsWith('*shard:')) return part === `*shard:${index}/${count}`;
  return shardOf(part, count) === index;
}

/** Partitions written at once by one run (each on its own connection of the pool). */
const PARALLEL_PARTITIONS = 3;

/** Rows of snapshot `id`: every version whose validity covers it. */
const visibleAt = (id: number) => `valid_from <= ${id} AND (valid_to IS NULL OR valid_to > ${id})`;

type CanonicalLines = { entities: ReadonlyArray<string>; relationships: ReadonlyArray<string> };

/**
 * The graph's sha256 as the file writer computes it: canonical lines in `_key` order, entities then
 * relationships. `lines` holds them when they were made already (the same positions as the objects).
 */
export function graphSha256(entities: ReadonlyArray<Entity>, relationships: ReadonlyArray<Relationship>, lines?: CanonicalLines): string {
  const steps = hashSteps(entities, relationships, lines);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/** {@link graphSha256}, letting other work run (I/O callbacks, the pool's queue) between its steps. */
async function graphSha256Yielding(entities: ReadonlyArray<Entity>, relationships: ReadonlyArray<Relationship>, lines?: CanonicalLines): Promise<string> {
  const steps = hashSteps(entities, relationships, lines);
  let step = steps.next();
  while (!step.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    step = steps.next();
  }
  return step.value;
}

/** The hash's work, a step (a sort, a MiB of lines) at a time; returns the hex digest. */
function* hashSteps(entities: ReadonlyArray<Entity>, relationships: ReadonlyArray<Relationship>, lines?: CanonicalLines): Generator<void, string> {
  const hash = createHash('sha256');
  function* section(objects: ReadonlyArray<Entity | Relationship>, made?: ReadonlyArray<string>): Generator<void> {
    const order = Array.from(objects.keys()).sort((a, b) => {
      const x = objects[a]._key;
      const y = objects[b]._key;
      return x < y ? -1 : x === y ? a - b : 1;
    });
    yield;
    let pending = '';
    for (const index of order) {
      pending += `${made?.[index] ?? canonicalLine(objects[index])}\n`;
      if (pending.length > 1 << 20) {
        hash.update(pending);
        pending = '';
        yield;
      }
    }
    hash.update(pending);
  }
  yield* section(entities, lines?.entities);
  hash.update('--relationships--\n');
  yield* section(relationships, lines?.relationships);
  return hash.digest('hex');
}

export interface PostgresStorageOptions {
  /** An open snapshot whose shards have not finished after this long is taken to have crashed (default 6 hours). */
  abandonAfterMs?: number;
  /** Clock for that age (tests). */
  now?: () => number;
}

/**
 * The graph in PostgreSQL (see `migrations.ts` for the temporal schema). A run claims its place in
 * the open snapshot ({@link begin}), writes each account's subgraph in its own transaction through
 * `COPY`, and the last shard to finish commits the snapshot; readers only ever read committed ones.
 */
export class PostgresStorage implements GraphStorage {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private readonly pool: pg.Pool;
  private migrated = false;
  private claim?: { snapshotId: number; previousId?: number; shard: ShardSpec };

  constructor(
    url: string,
    private readonly options: PostgresStorageOptions = {},
  ) {
    this.description = redactUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'orggraph' });
    // An idle client's error (the server restarting) must not crash the process: the next query reports it.
    this.pool.on('error', () => undefined);
  }

  private async client(): Promise<PoolClient> {
    const client = await this.pool.connect();
    if (!this.migrated) {
      try {
        await migrate(client);
        this.migrated = true;
      } catch (error) {
        client.release();
        throw error;
      }
    }
    return client;
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.client();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** No row in either graph table, current or historical. */
  private async isEmpty(): Promise<boolean> {
    const result = await this.withClient((client) =>
      client.query<{ empty: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM entities) AND NOT EXISTS (SELECT 1 FROM relationships) AS empty`),
    );
    return result.rows[0]?.empty === true;
  }

  /** A first load writes without the entity and relationship indexes: {@link buildIndexes} builds them after. */
  private async dropIndexesForFirstLoad(): Promise<void> {
    await this.withClient((client) =>
      client.query([...READ_INDEXES.map((index) => `DROP INDEX IF EXISTS ${index.name}`), ...UNIQUE_INDEXES.map(dropUniqueIndex)].join('; ')),
    );
  }

  /**
   * The indexes a first load dropped, each built on its own connection of the pool (the server
   * builds them side by side; the GIN index, the longest, first), then the primary keys made
   * constraints again. A duplicate key fails its unique index: rejects with that error.
   */
  private async buildIndexes(): Promise<void> {
    const builds = [...READ_INDEXES.map(createReadIndex), ...UNIQUE_INDEXES.map(createUniqueIndex)].sort(
      (a, b) => Number(b.includes('USING gin')) - Number(a.includes('USING gin')),
    );
    const results = await Promise.allSettled(
      builds.map((sql) =>
        this.withClient(async (client) => {
          // A sort in memory instead of on disk for the build (this session only).
          await client.query(`SET maintenance_work_mem = '256MB'`);
          try {
            await client.query(sql);
          } finally {
            await client.query('RESET maintenance_work_mem');
          }
        }),
      ),
    );
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    await this.withClient(async (client) => {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await restorePrimaryKeys(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    });
  }

  /**
   * A first load whose indexes could not be built (a duplicate key): its rows are removed (the store
   * was empty, and no other run writes while this one holds the open snapshot), the indexes built on
   * the empty tables, and the load fails as a COPY into indexed tables would have.
   */
  private async undoFirstLoad(): Promise<void> {
    await this.withClient((client) => client.query('TRUNCATE entities, relationships'));
    await this.buildIndexes();
  }

  async writeProblem(): Promise<string | undefined> {
    try {
      await this.withClient(async (client) => {
        await client.query('SELECT 1 FROM snapshots LIMIT 1');
      });
      return undefined;
    } catch (error) {
      const code = (error as { code?: string }).code;
      return `cannot use the PostgreSQL store ${this.description}: ${(error as Error).message}${code ? ` (${code})` : ''}`;
    }
  }

  async begin(shard: ShardSpec = { index: 0, count: 1 }): Promise<void> {
    if (this.claim) return;
    const now = this.options.now?.() ?? Date.now();
    const abandonAfterMs = this.options.abandonAfterMs ?? 6 * 3600_000;
    const crashed = await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SNAPSHOT_LOCK]);
      const open = (
        await client.query<{ id: string; shards: number; previous_id: string | null; opened_at: Date }>(
          `SELECT id, shards, previous_id, opened_at FROM snapshots WHERE status = 'open'`,
        )
      ).rows[0];
      if (open && now - open.opened_at.getTime() > abandonAfterMs) return Number(open.id);
      if (open) {
        const id = Number(open.id);
        if (open.shards !== shard.count) {
          throw new PostgresStoreError(
            `snapshot ${id} is being written by a run of ${open.shards} shard(s); this run (shard ${shard.index}/${shard.count}) can start once it is committed`,
          );
        }
        const taken = await client.query(`SELECT status FROM snapshot_shards WHERE snapshot_id = $1 AND shard = $2`, [id, shard.index]);
        if (taken.rowCount)
          throw new PostgresStoreError(
            `shard ${shard.index}/${shard.count} of snapshot ${id} is already ${taken.rows[0].status}; this run can start once the other shards have finished`,
          );
        await client.query(`INSERT INTO snapshot_shards (snapshot_id, shard, status) VALUES ($1, $2, 'running')`, [id, shard.index]);
        this.claim = { snapshotId: id, previousId: open.previous_id === null ? undefined : Number(open.previous_id), shard };
        return undefined;
      }
      const last = (
        await client.query<{ max: string | null; committed: string | null }>(
          `SELECT max(id) AS max, max(id) FILTER (WHERE status = 'committed') AS committed FROM snapshots`,
        )
      ).rows[0];
      const id = Number(last.max ?? 0) + 1;
      const previousId = last.committed === null ? undefined : Number(last.committed);
      await client.query(`INSERT INTO snapshots (id, status, shards, previous_id) VALUES ($1, 'open', $2, $3)`, [id, shard.count, previousId ?? null]);
      await client.query(`INSERT INTO snapshot_shards (snapshot_id, shard, status) VALUES ($1, $2, 'running')`, [id, shard.index]);
      this.claim = { snapshotId: id, previousId, shard };
      return undefined;
    });
    if (crashed !== undefined) {
      // Its unfinished shards are taken as failed: their accounts are carried forward, as a failed run's would be.
      await this.finishShards(crashed, `abandoned: not finished ${Math.round(abandonAfterMs / 60_000)} minutes after the snapshot was opened`);
      return this.begin(shard);
    }
  }

  /** Marks the running shards of an open snapshot failed (all, or the given one) and commits it if that was the last. */
  private async finishShards(snapshotId: number, failure: string, shard?: number): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(`SELECT id FROM snapshots WHERE id = $1 FOR UPDATE`, [snapshotId]);
      const { rows } = await client.query<{ shards: number }>(`SELECT shards FROM snapshots WHERE id = $1`, [snapshotId]);
      const count = rows[0]?.shards ?? 1;
      for (let index = 0; index < count; index++) {
        if (shard !== undefined && index !== shard) continue;
        await client.query(
          `INSERT INTO snapshot_shards (snapshot_id, shard, status, failure, finished_at) VALUES ($1, $2, 'failed', $3, now())
           ON CONFLICT (snapshot_id, shard) DO UPDATE SET status = 'failed', failure = $3, finished_at = now() WHERE snapshot_shards.status = 'running'`,
          [snapshotId, index, failure],
        );
      }
      await this.commitIfComplete(client, snapshotId);
    });
  }

  async fail(reason: string): Promise<void> {
    if (!this.claim) return;
    const { snapshotId, shard } = this.claim;
    this.claim = undefined;
    await this.finishShards(snapshotId, reason, shard.index);
  }

  async previousCandidates(): Promise<{ candidates: SnapshotRef[]; passedOver: string[] }> {
    const latest = await this.latest();
    return { candidates: latest ? [latest] : [], passedOver: [] };
  }

  async latest(): Promise<SnapshotRef | undefined> {
    const { rows } = await this.withClient((client) => client.query<{ id: string | null }>(`SELECT max(id) AS id FROM snapshots WHERE status = 'committed'`));
    return rows[0].id === null ? undefined : refOf(Number(rows[0].id));
  }

  async list(): Promise<SnapshotRef[]> {
    const { rows } = await this.withClient((client) => client.query<{ id: string }>(`SELECT id FROM snapshots WHERE status = 'committed' ORDER BY id`));
    return rows.map((row) => refOf(Number(row.id)));
  }

  async readMetadata(ref: SnapshotRef): Promise<SnapshotMetadata> {
    const id = idOf(ref);
    const { rows } = await this.withClient((client) =>
      client.query<{ metadata: SnapshotMetadata | null }>(`SELECT metadata FROM snapshots WHERE id = $1 AND status = 'committed'`, [id]),
    );
    if (!rows[0]?.metadata) throw new PostgresStoreError(`${ref.id}: no committed snapshot ${id} in ${this.description}`);
    return rows[0].metadata;
  }

  async read(ref: SnapshotRef): Promise<Snapshot> {
    const metadata = await this.readMetadata(ref);
    const entities: Entity[] = [];
    const relationships: Relationship[] = [];
    await this.scanObjects(ref, { entity: (entity) => entities.push(entity), relationship: (relationship) => relationships.push(relationship) });
    return { entities, relationships, metadata };
  }

  async scanObjects(ref: SnapshotRef, visitor: ObjectVisitor): Promise<void> {
    await this.withClient((client) =>
      this.stream(
        client,
        idOf(ref),
        (entity) => visitor.entity?.(entity),
        (relationship) => visitor.relationship?.(relationship),
      ),
    );
  }

  readPrevious(ref: SnapshotRef, options: PreviousSnapshotOptions) {
    return readPreviousSnapshot(
      {
        label: ref.id,
        scan: async (visitor: SnapshotLineVisitor, scanOptions) => {
          const metadata = await this.readMetadata(ref);
          // Each object as the file writer writes it: its canonical line, then its timestamps.
          const line = (object: Entity | Relationship) => {
            const content = canonicalLine(object);
            const suffix = timestampSuffix(object);
            return suffix === undefined ? content : `${content.slice(0, -1)}${suffix}`;
          };
          let lineNumber = 0;
          await this.withClient((client) =>
            this.stream(
              client,
              idOf(ref),
              (entity) => visitor.entity?.(line(entity), ++lineNumber),
              (relationship) => visitor.relationship?.(line(relationship), ++lineNumber),
            ),
          );
          // The rows are what committed transactions wrote: there is no file that could have been edited since.
          scanOptions.onContentChecked?.(true);
          return metadata;
        },
      },
      options,
    );
  }

  /**
   * Every object of snapshot `id`: entities first. A mapped entity that several shards wrote is
   * handed over once, and an edge whose ends are not both in the snapshot (a shard's edge into an
   * account no shard ingested) is left out, as a single run drops it. A snapshot of one run holds
   * what that run wrote and nothing else (it closed every partition it did not write): its rows
   * are handed over as they come, without the sets of keys that sorting out shards needs (at 1,000
   * accounts, 2 million keys).
   */
  private async stream(
    client: PoolClient,
    id: number,
    onEntity: (entity: Entity) => void,
    onRelationship: (relationship: Relationship) => void,
  ): Promise<void> {
    const shards = (await client.query<{ shards: number }>(`SELECT shards FROM snapshots WHERE id = $1`, [id])).rows[0]?.shards;
    if (shards === 1) {
      await copyOut(client, `COPY (SELECT properties::text FROM entities WHERE ${visibleAt(id)}) TO STDOUT`, (text) => onEntity(JSON.parse(text) as Entity));
      await copyOut(client, `COPY (SELECT properties::text FROM relationships WHERE ${visibleAt(id)}) TO STDOUT`, (text) =>
        onRelationship(JSON.parse(text) as Relationship),
      );
      return;
    }
    const keys = new Set<string>();
    await copyOut(client, `COPY (SELECT properties::text FROM entities WHERE ${visibleAt(id)} AND part NOT LIKE '*%') TO STDOUT`, (text) => {
      const entity = JSON.parse(text) as Entity;
      keys.add(entity._key);
      onEntity(entity);
    });
    await copyOut(client, `COPY (SELECT properties::text FROM entities WHERE ${visibleAt(id)} AND part LIKE '*%') TO STDOUT`, (text) => {
      const entity = JSON.parse(text) as Entity;
      if (keys.has(entity._key)) return;
      keys.add(entity._key);
      onEntity(entity);
    });
    const relationshipKeys = new Set<string>();
    await copyOut(client, `COPY (SELECT properties::text FROM relationships WHERE ${visibleAt(id)} ORDER BY part LIKE '*%') TO STDOUT`, (text) => {
      const relationship = JSON.parse(text) as Relationship;
      if (!keys.has(relationship._fromEntityKey) || !keys.has(relationship._toEntityKey)) return;
      if (relationshipKeys.has(relationship._key)) return;
      relationshipKeys.add(relationship._key);
      onRelationship(relationship);
    });
  }

  async findObject(ref: SnapshotRef, key: string) {
    const id = idOf(ref);
    const { rows } = await this.withClient((client) =>
      client.query<{ kind: 'entity' | 'relationship'; properties: Entity | Relationship }>(
        `SELECT 'entity' AS kind, properties, part LIKE '*%' AS shared FROM entities WHERE properties @> jsonb_build_object('_key', $1::text) AND key = $1 AND ${visibleAt(id)}
         UNION ALL
         SELECT 'relationship' AS kind, properties, part LIKE '*%' AS shared FROM relationships WHERE key = $1 AND ${visibleAt(id)}
         ORDER BY kind, shared LIMIT 1`,
        [key],
      ),
    );
    return rows[0] && { object: rows[0].properties, kind: rows[0].kind };
  }

  /**
   * A J1QL query compiled to SQL (see `compileJ1ql`) on snapshot `ref`: the page of starting
   * entities and the total, read in one snapshot of the database.
   */
  async queryCompiled(ref: SnapshotRef, compiled: CompiledQuery): Promise<{ data: Entity[]; total: number }> {
    const id = idOf(ref);
    return this.withClient(async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const count = await client.query<{ total: string }>(compiled.count, [id, ...compiled.countParams.slice(1)]);
        const page = await client.query<{ properties: Entity }>(compiled.page, [id, ...compiled.params.slice(1)]);
        return { data: page.rows.map((row) => row.properties), total: Number(count.rows[0].total) };
      } finally {
        await client.query('COMMIT');
      }
    });
  }

  async readDocument(name: string): Promise<string | undefined> {
    const { rows } = await this.withClient((client) => client.query<{ body: string }>(`SELECT body FROM documents WHERE name = $1`, [name]));
    return rows[0]?.body;
  }

  async writeDocument(name: string, text: string): Promise<void> {
    await this.withClient((client) =>
      client.query(`INSERT INTO documents (name, body) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET body = $2, updated_at = now()`, [name, text]),
    );
  }

  async write(entities: Entity[], relationships: Relationship[], metadata: Omit<SnapshotMetadata, 'graphSha256'>, hooks?: WriteHooks) {
    if (!this.claim) await this.begin();
    const { snapshotId, shard } = this.claim as NonNullable<PostgresStorage['claim']>;
    const canonical = { entities: new Array<string>(entities.length), relationships: new Array<string>(relationships.length) };
    const parts = [...partition(entities, relationships, shard, canonical)];
    // A single run into an empty store (the first load) writes without indexes (but for the small
    // ones of the other tables) and builds them at the end: each from one sort, not row by row.
    const bulk = shard.count === 1 && (await this.isEmpty());
    if (bulk) await this.dropIndexesForFirstLoad();
    let bytes = 0;
    // Partitions are written side by side (each in its own transaction): the server's work runs on
    // every core while this process prepares the next COPY.
    let next = 0;
    const writer = async () => {
      while (next < parts.length) {
        const [part, objects] = parts[next++];
        await this.transaction(async (client) => {
          await writePartition(client, snapshotId, part, objects, bulk);
        });
        for (const line of objects.entities) bytes += line.length;
        for (const line of objects.relationships) bytes += line.length;
        await hooks?.afterBytes?.(bytes);
      }
    };
    // A single run knows its whole graph: its hash is computed here, as the file writer does.
    let single: string | undefined;
    let copyFailure: { error: unknown } | undefined;
    try {
      await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTITIONS, parts.length) }, writer));
    } catch (error) {
      copyFailure = { error };
    }
    if (bulk) {
      // The server builds the indexes while this process hashes the graph (yielding, so that the
      // pool hands each next build to a free connection at once).
      const building = this.buildIndexes().then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      if (!copyFailure && shard.count === 1) single = await graphSha256Yielding(entities, relationships, canonical);
      const buildFailure = await building;
      // After a failed COPY the next process to open the store builds what is missing (see `migrate`).
      if (buildFailure && !copyFailure) {
        await this.undoFirstLoad();
        throw buildFailure.error;
      }
    }
    if (copyFailure) throw copyFailure.error;
    // After a large write the planner's statistics are stale (autovacuum catches up later): refreshed
    // now, so that the next reader's queries are planned for the graph as it is.
    if (entities.length + relationships.length >= 50_000) await this.withClient((client) => client.query('ANALYZE entities; ANALYZE relationships'));
    if (shard.count === 1 && single === undefined) single = graphSha256(entities, relationships, canonical);
    return this.recordShardDone(metadata, single, bytes);
  }

  /**
   * The same write from a graph on disk: objects come one at a time in `_key` order and are never
   * held together. A single run's objects go through one `COPY` per table, in one transaction: on
   * a first load straight into the tables (indexes built at the end, as {@link write} does), later
   * into a staging table that is merged with the current rows of the partitions written, as
   * {@link write} merges each partition. The graph's hash is taken from the same lines as they
   * stream, in key order, as the file writer takes it. `metadata` is read once the objects are
   * (its counts are filled in as they stream). A shard's run (which the CLI never spills) is
   * given lists, as {@link write} takes them.
   */
  async writeOrdered(
    entities: KeyOrdered<Entity>,
    relationships: KeyOrdered<Relationship>,
    metadata: Omit<SnapshotMetadata, 'graphSha256'>,
    hooks?: WriteHooks,
  ) {
    if (!this.claim) await this.begin();
    const { snapshotId, shard } = this.claim as NonNullable<PostgresStorage['claim']>;
    if (shard.count > 1) return this.write([...entities], [...relationships], metadata, hooks);
    const own = shardPart(shard);
    const bulk = await this.isEmpty();
    if (bulk) await this.dropIndexesForFirstLoad();
    const hash = createHash('sha256');
    const parts = new Set<string>();
    let objects = 0;
    let bytes = 0;
    /** COPY rows `part, key, valid_from, properties`, each object's canonical line hashed on the way. */
    function* rows(ordered: Iterable<Entity | Relationship>): Generator<string> {
      const canonical: string[] = [];
      let pending = '';
      for (const object of ordered) {
        const part = object._accountId ?? own;
        parts.add(part);
        objects++;
        const json = storedJson(object, canonical, 0);
        pending += `${canonical[0]}\n`;
        if (pending.length > 1 << 20) {
          hash.update(pending);
          pending = '';
        }
        yield copyRow(part, object._key, snapshotId, copyLine(json));
      }
      hash.update(pending);
    }
    let copyFailure: { error: unknown } | undefined;
    try {
      await this.transaction(async (client) => {
        // As a first load's partitions do in `write` (see `writePartition`): its commit is not waited for.
        if (bulk) await client.query('SET LOCAL synchronous_commit = off');
        for (const table of ['entities', 'relationships'] as const) {
          const into = bulk ? table : `staged_${table}`;
          if (!bulk)
            await client.query(
              `CREATE TEMP TABLE ${into} (part text NOT NULL, key text NOT NULL, valid_from bigint NOT NULL, properties jsonb NOT NULL) ON COMMIT DROP`,
            );
          const copied = bytes;
          bytes += await copyIn(
            client,
            `COPY ${into} (part, key, valid_from, properties) FROM STDIN`,
            rows(table === 'entities' ? entities : relationships),
            (characters) => hooks?.afterBytes?.(copied + characters),
          );
          if (table === 'entities') hash.update('--relationships--\n');
        }
        if (!bulk) await mergeStaged(client, snapshotId, [...parts]);
        await client.query(`INSERT INTO snapshot_partitions (snapshot_id, part) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [
          snapshotId,
          [...parts],
        ]);
      });
    } catch (error) {
      copyFailure = { error };
    }
    if (bulk) {
      // After a failed COPY the tables are as empty as before: the indexes are built on them again.
      try {
        await this.buildIndexes();
      } catch (error) {
        if (!copyFailure) {
          await this.undoFirstLoad();
          throw error;
        }
      }
    }
    if (copyFailure) throw copyFailure.error;
    if (objects >= 50_000) await this.withClient((client) => client.query('ANALYZE entities; ANALYZE relationships'));
    return this.recordShardDone(metadata, hash.digest('hex'), bytes);
  }

  /** This run's shard is written: recorded done with its metadata, and the snapshot committed if it was the last. */
  private async recordShardDone(metadata: Omit<SnapshotMetadata, 'graphSha256'>, single: string | undefined, bytes: number) {
    const { snapshotId, shard } = this.claim as NonNullable<PostgresStorage['claim']>;
    const committed = await this.transaction(async (client) => {
      await client.query(`SELECT id FROM snapshots WHERE id = $1 FOR UPDATE`, [snapshotId]);
      await client.query(`UPDATE snapshot_shards SET status = 'done', finished_at = now(), metadata = $3 WHERE snapshot_id = $1 AND shard = $2`, [
        snapshotId,
        shard.index,
        JSON.stringify(single ? { ...metadata, graphSha256: single } : metadata),
      ]);
      return this.commitIfComplete(client, snapshotId);
    });
    this.claim = undefined;
    const path = refOf(snapshotId).id;
    if (committed) return { path, graphSha256: committed, bytes };
    return {
      path,
      graphSha256: '',
      bytes,
      pending: `shard ${shard.index}/${shard.count} written; snapshot ${snapshotId} is committed when every shard has finished`,
    };
  }

  /**
   * With every shard finished (done or failed): carries the failed shards' partitions forward
   * (marked `_stale`), closes the partitions no shard wrote (accounts gone, an earlier sharding's
   * leftovers), and commits the snapshot with its merged metadata. Resolves to its sha256, or
   * undefined while shards are still running (or when every shard failed: abandoned).
   */
  private async commitIfComplete(client: PoolClient, snapshotId: number): Promise<string | undefined> {
    const snapshot = (
      await client.query<{ shards: number; previous_id: string | null; status: string }>(`SELECT shards, previous_id, status FROM snapshots WHERE id = $1`, [
        snapshotId,
      ])
    ).rows[0];
    if (!snapshot || snapshot.status !== 'open') return undefined;
    // Not the metadata itself: at 1,000 accounts it is 150 MB of JSON, which a single shard's commit
    // copies on the server instead of reading it back.
    const shards = (
      await client.query<{ shard: number; status: string; failure: string | null; has_metadata: boolean }>(
        `SELECT shard, status, failure, metadata IS NOT NULL AS has_metadata FROM snapshot_shards WHERE snapshot_id = $1 ORDER BY shard`,
        [snapshotId],
      )
    ).rows;
    if (shards.length < snapshot.shards || shards.some((shard) => shard.status === 'running')) return undefined;
    const done = shards.filter((shard) => shard.status === 'done' && shard.has_metadata);
    if (!done.length) {
      // Nothing of this run reached the store: the latest committed snapshot stays the latest.
      for (const table of ['entities', 'relationships']) {
        await client.query(`DELETE FROM ${table} WHERE valid_from = $1`, [snapshotId]);
        await client.query(`UPDATE ${table} SET valid_to = NULL WHERE valid_to = $1`, [snapshotId]);
      }
      await client.query(`UPDATE snapshots SET status = 'abandoned' WHERE id = $1`, [snapshotId]);
      return undefined;
    }
    const failed = shards.filter((shard) => shard.status === 'failed');
    const previousId = snapshot.previous_id === null ? undefined : Number(snapshot.previous_id);
    const written = new Set(
      (await client.query<{ part: string }>(`SELECT part FROM snapshot_partitions WHERE snapshot_id = $1`, [snapshotId])).rows.map((row) => row.part),
    );
    const before =
      previousId === undefined
        ? []
        : (await client.query<{ part: string }>(`SELECT part FROM snapshot_partitions WHERE snapshot_id = $1`, [previousId])).rows.map((row) => row.part);
    const carried: string[] = [];
    for (const part of before) {
      if (written.has(part)) continue;
      if (failed.some((shard) => ownedBy(part, snapshot.shards, shard.shard))) {
        carried.push(part);
        await carryPartition(client, snapshotId, part);
      } else {
        // Gone: an account no longer ingested, or what an earlier sharding wrote that no account owns.
        await client.query(`UPDATE entities SET valid_to = $1 WHERE part = $2 AND valid_to IS NULL`, [snapshotId, part]);
        await client.query(`UPDATE relationships SET valid_to = $1 WHERE part = $2 AND valid_to IS NULL`, [snapshotId, part]);
      }
    }
    const previous =
      previousId === undefined
        ? undefined
        : {
            path: refOf(previousId).id,
            graphSha256:
              (await client.query<{ graph_sha256: string }>(`SELECT graph_sha256 FROM snapshots WHERE id = $1`, [previousId])).rows[0]?.graph_sha256 ?? '',
          };
    if (snapshot.shards === 1 && !failed.length) {
      // The shard's metadata is the snapshot's, with `previous` set: copied on the server.
      const { rows } = await client.query<{ graph_sha256: string; errors: RunError[]; not_refreshed: NotRefreshed[] | null }>(
        `UPDATE snapshots SET status = 'committed', committed_at = now(),
           started_at = (shard.metadata->>'startedAt')::timestamptz, ended_at = (shard.metadata->>'endedAt')::timestamptz,
           graph_sha256 = shard.metadata->>'graphSha256',
           total_entities = (shard.metadata->'counts'->>'totalEntities')::integer, total_relationships = (shard.metadata->'counts'->>'totalRelationships')::integer,
           metadata = CASE WHEN $3::jsonb IS NULL THEN shard.metadata ELSE shard.metadata || jsonb_build_object('previous', $3::jsonb) END
         FROM (SELECT metadata FROM snapshot_shards WHERE snapshot_id = $1 AND shard = $2) AS shard
         WHERE id = $1
         RETURNING shard.metadata->>'graphSha256' AS graph_sha256, shard.metadata->'errors' AS errors, shard.metadata->'notRefreshed' AS not_refreshed`,
        [snapshotId, done[0].shard, previous === undefined ? null : JSON.stringify(previous)],
      );
      await insertRecords(client, snapshotId, rows[0].errors, rows[0].not_refreshed ?? []);
      return rows[0].graph_sha256;
    }
    const parts = (
      await client.query<{ metadata: SnapshotMetadata }>(
        `SELECT metadata FROM snapshot_shards WHERE snapshot_id = $1 AND status = 'done' AND metadata IS NOT NULL ORDER BY shard`,
        [snapshotId],
      )
    ).rows.map((row) => row.metadata);
    const metadata = await this.mergedMetadata(client, snapshotId, previousId, parts, failed, carried);
    if (previous) metadata.previous = previous;
    await client.query(
      `UPDATE snapshots SET status = 'committed', committed_at = now(), started_at = $2, ended_at = $3, graph_sha256 = $4, total_entities = $5, total_relationships = $6, metadata = $7 WHERE id = $1`,
      [
        snapshotId,
        metadata.startedAt,
        metadata.endedAt,
        metadata.graphSha256,
        metadata.counts.totalEntities,
        metadata.counts.totalRelationships,
        JSON.stringify(metadata),
      ],
    );
    await insertRecords(client, snapshotId, metadata.errors, metadata.notRefreshed);
    return metadata.graphSha256;
  }

  /** The metadata of a sharded snapshot: the shards' put together, counts, hash and changes from the committed rows. */
  private async mergedMetadata(
    client: PoolClient,
    snapshotId: number,
    previousId: number | undefined,
    parts: SnapshotMetadata[],
    failed: Array<{ shard: number; failure: string | null }>,
    carried: string[],
  ): Promise<SnapshotMetadata> {
    const entities: Entity[] = [];
    const relationships: Relationship[] = [];
    await this.stream(
      client,
      snapshotId,
      (entity) => entities.push(entity),
      (relationship) => relationships.push(relationship),
    );
    let changes: SnapshotMetadata['changes'];
    let relationshipChanges: SnapshotMetadata['relationshipChanges'];
    if (previousId !== undefined) {
      const oldEntities: Entity[] = [];
      const oldRelationships: Relationship[] = [];
      await this.stream(
        client,
        previousId,
        (entity) => oldEntities.push(entity),
        (relationship) => oldRelationships.push(relationship),
      );
      changes = diffEntities(oldEntities, entities).counts;
      relationshipChanges = diffEntities(oldRelationships as unknown as Entity[], relationships as unknown as Entity[]).counts;
    } else {
      changes = { created: entities.length, updated: 0, deleted: 0 };
      relationshipChanges = { created: relationships.length, updated: 0, deleted: 0 };
    }
    const unique = <T>(items: T[], key: (item: T) => string) => [...new Map(items.map((item) => [key(item), item])).values()];
    const byAccount = (a: { accountId: string }, b: { accountId: string }) => a.accountId.localeCompare(b.accountId);
    const shardErrors: RunError[] = failed.map((shard) => ({
      account: '*',
      region: '*',
      service: 'snapshot',
      code: 'ShardFailed',
      kind: 'unexpected',
      message: `shard ${shard.shard}/${failed.length + parts.length} failed (${shard.failure ?? 'no reason recorded'}): its accounts were carried forward from the previous snapshot`,
    }));
    const carriedScopes: NotRefreshed[] = carried
      .filter((part) => !part.startsWith('*'))
      .map((accountId) => ({
        accountId,
        region: '*',
        collector: '*',
        types: [],
        entitiesCarried: entities.filter((entity) => entity._accountId === accountId).length,
      }));
    const errors = [...parts.flatMap((part) => part.errors), ...shardErrors];
    errors.sort((a, b) => `${a.account}|${a.region}|${a.service}|${a.operation}`.localeCompare(`${b.account}|${b.region}|${b.service}|${b.operation}`));
    const countBy = <T>(items: T[], key: (item: T) => string) => {
      const counts: Record<string, number> = {};
      for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
      return counts;
    };
    const startedAt = parts.map((part) => part.startedAt).sort()[0];
    const endedAt = parts
      .map((part) => part.endedAt)
      .sort()
      .at(-1) as string;
    return {
      format: SNAPSHOT_FORMAT,
      tool: parts[0].tool,
      startedAt,
      endedAt,
      durationMs: Date.parse(endedAt) - Date.parse(startedAt),
      mode: parts[0].mode,
      accounts: unique(
        parts.flatMap((part) => part.accounts),
        (account) => account.accountId,
      ).sort(byAccount),
      skippedAccounts: unique(
        parts.flatMap((part) => part.skippedAccounts),
        (account) => account.accountId,
      ).sort(byAccount),
      regions: [...new Set(parts.flatMap((part) => part.regions))].sort(),
      skippedRegions: unique(
        parts.flatMap((part) => part.skippedRegions),
        (skipped) => `${skipped.accountId}|${skipped.region}`,
      ).sort((a, b) => `${a.accountId}${a.region}`.localeCompare(`${b.accountId}${b.region}`)),
      collectors: parts.flatMap((part) => part.collectors),
      errors,
      notRefreshed: [...parts.flatMap((part) => part.notRefreshed), ...carriedScopes],
      counts: {
        entities: countBy(entities, (entity) => entity._type),
        relationships: countBy(relationships, (relationship) => relationship._type),
        totalEntities: entities.length,
        totalRelationships: relationships.length,
        staleEntities: entities.filter((entity) => entity._stale).length,
      },
      apiCalls: { calls: parts.reduce((sum, part) => sum + part.apiCalls.calls, 0), throttled: parts.reduce((sum, part) => sum + part.apiCalls.throttled, 0) },
      graphSha256: graphSha256(entities, relationships),
      changes,
      relationshipChanges,
      shards: { count: failed.length + parts.length, failed: failed.map((shard) => shard.shard) },
    };
  }

  async prune(keep: number, options: { dryRun?: boolean } = {}): Promise<{ removed: string[]; kept: string[] }> {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a whole number from 1 (it is ${keep})`);
    const all = (await this.list()).map(idOf);
    const kept = all.slice(-keep);
    const removed = all.slice(0, -keep);
    if (!options.dryRun && removed.length) {
      const oldest = kept[0];
      await this.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [SNAPSHOT_LOCK]);
        // Versions that no kept snapshot sees (closed at or before the oldest kept) are history no one can read.
        await client.query(`DELETE FROM entities WHERE valid_to IS NOT NULL AND valid_to <= $1`, [oldest]);
        await client.query(`DELETE FROM relationships WHERE valid_to IS NOT NULL AND valid_to <= $1`, [oldest]);
        await client.query(`DELETE FROM snapshots WHERE id < $1 AND status <> 'open'`, [oldest]);
      });
    }
    return { removed: removed.map((id) => refOf(id).id), kept: kept.map((id) => refOf(id).id) };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

interface PartitionObjects {
  /** COPY lines of the objects' JSON ({@link copyLine}), and their keys in the same order. */
  entities: string[];
  entityKeys: string[];
  relationships: string[];
  relationshipKeys: string[];
}

/**
 * Splits a run's graph by partition: an account of this shard owns its objects; what no account
 * of this shard owns goes to the shard's own partition when this run drew it (mapped entities, edges
 * from its entities into another shard's accounts). Another shard's entities, carried forward from
 * the previous snapshot into this run's graph, are left to that shard.
 */
function partition(
  entities: Entity[],
  relationships: Relationship[],
  shard: ShardSpec,
  canonical: { entities: string[]; relationships: string[] },
): Map<string, PartitionObjects> {
  const parts = new Map<string, PartitionObjects>();
  const own = shardPart(shard);
  const at = (part: string) => {
    let objects = parts.get(part);
    if (!objects) parts.set(part, (objects = { entities: [], entityKeys: [], relationships: [], relationshipKeys: [] }));
    return objects;
  };
  const mine = (accountId: string) => shard.count === 1 || shardOf(accountId, shard.count) === shard.index;
  const written = new Set<string>();
  for (let index = 0; index < entities.length; index++) {
    const entity = entities[index];
    const accountId = entity._accountId;
    if (accountId !== undefined && !mine(accountId)) continue;
    written.add(entity._key);
    const objects = at(accountId ?? own);
    objects.entities.push(copyLine(storedJson(entity, canonical.entities, index)));
    objects.entityKeys.push(entity._key);
  }
  for (let index = 0; index < relationships.length; index++) {
    const relationship = relationships[index];
    const accountId = relationship._accountId;
    const part = accountId !== undefined && mine(accountId) ? accountId : accountId === undefined || written.has(relationship._fromEntityKey) ? own : undefined;
    if (part === undefined) continue;
    const objects = at(part);
    objects.relationships.push(copyLine(storedJson(relationship, canonical.relationships, index)));
    objects.relationshipKeys.push(relationship._key);
  }
  return parts;
}

/**
 * An object's JSON for its row. A flat object's is its canonical line with the timestamps put back
 * (the snapshot file's line): the same properties as `JSON.stringify` gives, in another order, which
 * jsonb does not keep anyway. That line goes to `canonical[index]` too, for the graph's hash: each
 * object is serialized once. Other objects (nested values, a `toJSON`, a timestamp that is not a
 * whole number) are stored as `JSON.stringify` writes them, and their canonical line made apart.
 */
function storedJson(object: Entity | Relationship, canonical: string[], index: number): string {
  const content = flatCanonicalLine(object);
  const suffix = timestampSuffix(object);
  const record = object as Record<string, unknown>;
  if (content === undefined || (suffix === undefined && (record[CREATED_ON] !== undefined || record[UPDATED_ON] !== undefined))) {
    canonical[index] = canonicalLine(object);
    return JSON.stringify(object);
  }
  canonical[index] = content;
  return suffix === undefined ? content : `${content.slice(0, -1)}${suffix}`;
}

/**
 * One partition's objects as of snapshot `id`, in one transaction: loaded with `COPY` into a
 * staging table, then versions whose content changed or disappeared are closed and new content
 * inserted. Unchanged objects keep their row: history costs only what changed.
 */
async function writePartition(client: PoolClient, id: number, part: string, objects: PartitionObjects, firstLoad: boolean): Promise<void> {
  // A first load's partitions do not wait for their commit records to reach the disk: a crash can
  // lose only commits of this load, whose snapshot is not committed (that commit waits, and flushes
  // everything before it), and the crashed run's snapshot is abandoned like any crashed run's.
  if (firstLoad) await client.query('SET LOCAL synchronous_commit = off');
  for (const [table, lines, keys] of [
    ['entities', objects.entities, objects.entityKeys],
    ['relationships', objects.relationships, objects.relationshipKeys],
  ] as const) {
    // A first load's partitions are new (and the tables have no index yet to ask quickly).
    const current = firstLoad ? undefined : await client.query(`SELECT 1 FROM ${table} WHERE part = $1 AND valid_to IS NULL LIMIT 1`, [part]);
    if (!current?.rowCount) {
      // Nothing current in this partition (a first load, a new account): one COPY straight into the table.
      await copyIn(client, `COPY ${table} (part, key, valid_from, properties) FROM STDIN`, copyRows(part, id, lines, keys));
      continue;
    }
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS staging (properties jsonb NOT NULL, key text GENERATED ALWAYS AS (properties ->> '_key') STORED) ON COMMIT DELETE ROWS`,
    );
    await client.query(`CREATE INDEX IF NOT EXISTS staging_key ON staging (key)`);
    await copyIn(client, `COPY staging (properties) FROM STDIN`, lines);
    await client.query(`ANALYZE staging`);
    await client.query(
      `UPDATE ${table} AS current SET valid_to = $1
       WHERE current.part = $2 AND current.valid_to IS NULL
         AND NOT EXISTS (SELECT 1 FROM staging WHERE staging.key = current.key AND staging.properties = current.properties)`,
      [id, part],
    );
    await client.query(
      `INSERT INTO ${table} (part, key, valid_from, properties)
       SELECT $2, staging.key, $1, staging.properties FROM staging
       WHERE NOT EXISTS (SELECT 1 FROM ${table} AS current WHERE current.part = $2 AND current.key = staging.key AND current.valid_to IS NULL)`,
      [id, part],
    );
    await client.query(`TRUNCATE staging`);
  }
  await client.query(`INSERT INTO snapshot_partitions (snapshot_id, part) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [id, part]);
}

/**
 * A single run's staged objects (`staged_entities`, `staged_relationships`: every partition it
 * wrote) merged into the tables as of snapshot `id`, as {@link writePartition} merges one
 * partition: versions whose content changed or disappeared are closed, new content inserted.
 */
async function mergeStaged(client: PoolClient, id: number, parts: string[]): Promise<void> {
  for (const table of ['entities', 'relationships'] as const) {
    const staged = `staged_${table}`;
    await client.query(`CREATE INDEX ON ${staged} (part, key)`);
    await client.query(`ANALYZE ${staged}`);
    await client.query(
      `UPDATE ${table} AS current SET valid_to = $1
       WHERE current.part = ANY($2::text[]) AND current.valid_to IS NULL
         AND NOT EXISTS (SELECT 1 FROM ${staged} AS staged WHERE staged.part = current.part AND staged.key = current.key AND staged.properties = current.properties)`,
      [id, parts],
    );
    await client.query(
      `INSERT INTO ${table} (part, key, valid_from, properties)
       SELECT staged.part, staged.key, $1, staged.properties FROM ${staged} AS staged
       WHERE NOT EXISTS (SELECT 1 FROM ${table} AS current WHERE current.part = staged.part AND current.key = staged.key AND current.valid_to IS NULL)`,
      [id],
    );
  }
}

/** COPY rows `part, key, valid_from, properties` from {@link copyLine} lines of JSON objects. */
function* copyRows(part: string, id: number, lines: readonly string[], keys: readonly string[]): Generator<string> {
  for (let index = 0; index < lines.length; index++) yield copyRow(part, keys[index], id, lines[index]);
}

/** One COPY row `part, key, valid_from, properties`, `line` already a {@link copyLine}. */
function copyRow(part: string, key: string, id: number, line: string): string {
  return `${copyField(part)}\t${copyField(key)}\t${id}\t${line}`;
}

/** A text value as a field of COPY's text format. */
function copyField(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (character) => (character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r'));
}

/** A failed shard's partition in snapshot `id`: its objects as they were, marked `_stale` like any carried object. */
async function carryPartition(client: PoolClient, id: number, part: string): Promise<void> {
  for (const table of ['entities', 'relationships']) {
    // Close the current versions, then add their stale copies (one current version per key at a time).
    await client.query(
      `UPDATE ${table} SET valid_to = $1 WHERE part = $2 AND valid_to IS NULL AND valid_from < $1 AND NOT (properties @> '{"_stale": true}')`,
      [id, part],
    );
    await client.query(
      `INSERT INTO ${table} (part, key, valid_from, properties)
       SELECT part, key, $1, properties || '{"_stale": true}' FROM ${table} WHERE part = $2 AND valid_to = $1`,
      [id, part],
    );
  }
  await client.query(`INSERT INTO snapshot_partitions (snapshot_id, part) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [id, part]);
}

async function insertRecords(client: PoolClient, id: number, errors: RunError[], notRefreshed: NotRefreshed[]): Promise<void> {
  for (const error of errors) {
    await client.query(
      `INSERT INTO snapshot_errors (snapshot_id, account, region, service, collector, code, aws_code, operation, kind, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        error.account,
        error.region,
        error.service,
        error.collector ?? null,
        error.code,
        error.awsCode ?? null,
        error.operation ?? null,
        error.kind,
        error.message,
      ],
    );
  }
  for (const scope of notRefreshed) {
    await client.query(
      `INSERT INTO snapshot_stale_scopes (snapshot_id, account_id, region, collector, types, entities_carried) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, scope.accountId, scope.region, scope.collector, scope.types, scope.entitiesCarried],
    );
  }
}
