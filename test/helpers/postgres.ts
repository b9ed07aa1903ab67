// A real PostgreSQL server for the tests, no mocks: `ORGGRAPH_TEST_POSTGRES_URL` (an existing
// server; the tests create and drop their own databases on it), or a throwaway cluster that this
// module starts itself with Debian's `initdb` and `pg_ctl` in a temporary directory, shared by the
// test files of a run. PostgreSQL refuses to run as root: as root, the cluster runs as `postgres`.
// `scripts/ensure-postgres.sh` (called by `npm test`) installs the package when it is missing and
// starts the cluster once; the tests start it themselves when run alone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, chownSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';

const PORT = Number(process.env.ORGGRAPH_TEST_POSTGRES_PORT ?? 55432);
const CLUSTER = path.join(tmpdir(), `orggraph-test-postgres-${PORT}`);

/** Debian's PostgreSQL binaries (the newest installed), or undefined. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(path.join(root, version, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

function asServerUser(command: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  if (root) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
  else execFileSync(command, args, { stdio: 'pipe' });
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const adminUrl = () => process.env.ORGGRAPH_TEST_POSTGRES_URL ?? `postgres://postgres@127.0.0.1:${PORT}/postgres`;

/**
 * Starts the throwaway cluster unless it answers already. Resolves to its admin connection string,
 * or to why it cannot (no PostgreSQL installed, no `postgres` user to run it as root).
 */
export async function ensureTestServer(): Promise<{ url?: string; problem?: string }> {
  const url = adminUrl();
  if (await answers(url)) return { url };
  if (process.env.ORGGRAPH_TEST_POSTGRES_URL) return { problem: `ORGGRAPH_TEST_POSTGRES_URL does not answer` };
  const bin = postgresBinaries();
  if (!bin)
    return {
      problem: 'PostgreSQL is not installed (/usr/lib/postgresql/*/bin); as root, `bash scripts/ensure-postgres.sh` installs it (apt-get install postgresql)',
    };
  const lock = `${CLUSTER}.lock`;
  // Test files start in parallel: one of them creates the cluster, the others wait for it.
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (attempt > 600) return { problem: `${lock} is held: remove it if no test run is starting PostgreSQL` };
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (await answers(url)) return { url };
    }
  }
  try {
    if (await answers(url)) return { url };
    const root = process.getuid?.() === 0;
    const data = path.join(CLUSTER, 'data');
    if (!existsSync(path.join(data, 'PG_VERSION'))) {
      rmSync(CLUSTER, { recursive: true, force: true });
      mkdirSync(CLUSTER, { recursive: true, mode: 0o700 });
      if (root) {
        const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
        const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
        chownSync(CLUSTER, uid, gid);
      }
      asServerUser(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
      // A test server: durability off (fsync), small memory, sockets in the cluster directory.
      writeFileSync(
        path.join(CLUSTER, 'test.conf'),
        `listen_addresses = '127.0.0.1'\nport = ${PORT}\nunix_socket_directories = '${CLUSTER}'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\nshared_buffers = 128MB\nmaintenance_work_mem = 256MB\nmax_wal_size = 2GB\n`,
      );
      if (root) execFileSync('chown', ['postgres', path.join(CLUSTER, 'test.conf')]);
      execFileSync('sh', ['-c', `echo "include '${path.join(CLUSTER, 'test.conf')}'" >> ${path.join(data, 'postgresql.conf')}`]);
    }
    asServerUser(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(CLUSTER, 'server.log'), '-w', '-t', '60', 'start']);
    return (await answers(url)) ? { url } : { problem: `PostgreSQL did not answer on port ${PORT} (see ${path.join(CLUSTER, 'server.log')})` };
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { problem: `could not start PostgreSQL in ${CLUSTER}: ${stderr || (error as Error).message}` };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A fresh, empty database on the test server, dropped by `teardown`; undefined (with the reason
 * logged) when no server can be had and `CI` is not set. In CI a missing server fails.
 */
export async function freshDatabase(context: { log: (message: string) => void; teardown: (fn: () => Promise<void>) => void }): Promise<string | undefined> {
  const server = await ensureTestServer();
  if (!server.url) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is needed for these tests: ${server.problem}`);
    context.log(`PostgreSQL tests skipped: ${server.problem}`);
    return undefined;
  }
  const name = `orggraph_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  context.teardown(async () => {
    const cleanup = new pg.Client({ connectionString: server.url });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await cleanup.end();
  });
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

if (require.main === module) {
  void ensureTestServer().then((server) => {
    if (server.url) process.stdout.write(`PostgreSQL for the tests: ${server.url}\n`);
    else {
      process.stderr.write(`ensure-postgres: ${server.problem}\n`);
      process.exitCode = 1;
    }
  });
}
