import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSnapshotFile } from '../snapshot/writer';
import type { IngestConfig } from '../config';
import { FileStorage } from '../store/files';
import { snapshotName, type GraphStorage } from '../store/types';
import { CliError } from './errors';

export const STORE_URL_ENV = 'ORGGRAPH_STORE_URL';

export interface StoreFlags {
  /** `files` (default), `postgres`, or a connection string without a password. */
  store?: string;
  storeUrlFile?: string;
}

function passwordIn(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.password !== '' || parsed.searchParams.has('password');
  } catch {
    return false;
  }
}

/**
 * The connection string of a PostgreSQL store. It is a secret: it comes from `--store-url-file`
 * (or the configuration's `store.urlFile`), or `ORGGRAPH_STORE_URL`. One given on the command line
 * (`--store postgres://…`) is refused if it holds a password, which the process list would show
 * (the password can come from PGPASSWORD or ~/.pgpass then, as for psql).
 */
export function storeUrl(flags: StoreFlags, config?: Pick<IngestConfig, 'store'>): string {
  if (flags.store && /^postgres(ql)?:\/\//.test(flags.store)) {
    if (passwordIn(flags.store)) {
      throw new CliError(
        `--store: a connection string with a password must not be on the command line (every user can read it there): put it in ${STORE_URL_ENV} or in a file named by --store-url-file`,
      );
    }
    return flags.store;
  }
  const file = flags.storeUrlFile ?? config?.store?.urlFile;
  if (file) {
    try {
      const text = readFileSync(file, 'utf8').trim();
      if (!text) throw new CliError(`${flags.storeUrlFile ? '--store-url-file' : 'store.urlFile'} ${file}: the file is empty`);
      return text;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${flags.storeUrlFile ? '--store-url-file' : 'store.urlFile'} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  const fromEnvironment = process.env[STORE_URL_ENV];
  if (fromEnvironment) return fromEnvironment;
  throw new CliError(`--store postgres: no connection string; set ${STORE_URL_ENV} or pass --store-url-file <file>`);
}

/** Which kind of store the flags (over the configuration) choose. */
export function storeKind(flags: StoreFlags, config?: Pick<IngestConfig, 'store'>): 'files' | 'postgres' {
  const value = flags.store ?? (flags.storeUrlFile ? 'postgres' : undefined) ?? config?.store?.kind ?? 'files';
  if (value === 'files') return 'files';
  if (value === 'postgres' || /^postgres(ql)?:\/\//.test(value)) return 'postgres';
  throw new CliError(
    `--store ${value}: expected files, postgres (the connection string in ${STORE_URL_ENV} or --store-url-file) or postgres://… without a password`,
  );
}

/** The store the flags name: snapshot files in `directory`, or PostgreSQL (loaded only then). */
export function openStore(flags: StoreFlags, directory: string, config?: Pick<IngestConfig, 'store'>): GraphStorage {
  if (storeKind(flags, config) === 'files') return new FileStorage(directory);
  const url = storeUrl(flags, config);
  const { PostgresStorage } = require('../store/postgres/store') as typeof import('../store/postgres/store');
  return new PostgresStorage(url);
}

/** The commander options every command that reads or writes the graph takes. */
export const STORE_OPTION_HELP = {
  store: `where the graph is kept: files (default, the snapshot directory) or postgres (connection string in $${STORE_URL_ENV} or --store-url-file)`,
  storeUrlFile: 'file holding the PostgreSQL connection string (a secret: never on the command line); implies --store postgres',
};

/**
 * A snapshot of a database store as a snapshot file in a temporary directory (removed when the
 * process exits), so that the file-based readers (diff, compliance, report) read it unchanged. The
 * file's `graphSha256` is recomputed as it is written and must match the stored one.
 */
export async function materialize(store: GraphStorage, ref: { id: string }): Promise<string> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'orggraph-store-'));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  const snapshot = await store.read(ref);
  const { graphSha256, ...metadata } = snapshot.metadata;
  const file = path.join(directory, snapshotName(ref.id));
  const written = await writeSnapshotFile(file, snapshot.entities, snapshot.relationships, metadata);
  if (written.graphSha256 !== graphSha256)
    throw new CliError(`${ref.id}: the stored graph does not match its graphSha256 (${graphSha256}); it reads as ${written.graphSha256}`);
  return file;
}

/** The latest snapshot of the store the flags name, as a file (see {@link materialize}); undefined for the files store. */
export async function latestFromStore(flags: StoreFlags): Promise<string | undefined> {
  if (storeKind(flags) === 'files') return undefined;
  const store = openStore(flags, '.');
  try {
    const latest = await store.latest();
    if (!latest) throw new CliError(`no snapshot in ${store.description} yet: run \`orggraph ingest --store postgres\` first`);
    return await materialize(store, latest);
  } finally {
    await store.close();
  }
}
