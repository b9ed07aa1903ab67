import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_OUTPUT_DIR } from '../../config';
import { formatResult, GraphIndex, parseQuery, QueryError, runQuery, type Query, type QueryResult } from '../../query';
import { readSnapshot, SnapshotFormatError, SnapshotIntegrityError } from '../../snapshot/reader';
import { SnapshotStore, SnapshotStoreError } from '../../snapshot/store';
import { CliError } from '../errors';

interface QueryFlags {
  snapshot?: string;
  dir?: string;
  json?: boolean;
  table?: boolean;
  verify?: boolean;
}

/** The snapshot to query: the one named, or the directory's latest. */
async function snapshotPath(flags: QueryFlags): Promise<string> {
  if (flags.snapshot) {
    if (!existsSync(flags.snapshot)) throw new CliError(`--snapshot ${flags.snapshot}: no such file`);
    return flags.snapshot;
  }
  const directory = flags.dir ?? DEFAULT_OUTPUT_DIR;
  let latest: Awaited<ReturnType<SnapshotStore['latest']>>;
  try {
    latest = await new SnapshotStore(directory).latest();
  } catch (error) {
    if (error instanceof SnapshotStoreError) throw new CliError(error.message);
    throw error;
  }
  if (!latest) {
    // `npm run demo` writes to .orggraph/demo: point there when that is where the snapshot is.
    const demo = path.join(directory, 'demo');
    const hint = existsSync(path.join(demo, 'latest.json')) ? ` (there is one in ${demo}: --dir ${demo})` : '';
    throw new CliError(`no snapshot in ${directory} yet: run \`orggraph ingest\` first, or pass --snapshot <file> or --dir <directory>${hint}`);
  }
  if (!existsSync(latest.absolutePath)) {
    throw new CliError(`${path.join(directory, 'latest.json')} points at ${latest.absolutePath}, which does not exist; run \`orggraph ingest\` again`);
  }
  return latest.absolutePath;
}

export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('Run a J1QL query against a snapshot (by default the latest one).')
    .argument('<j1ql>', 'the query, e.g. "FIND aws_s3_bucket WITH public = true"')
    .option('--snapshot <file>', 'snapshot file to query')
    .option('--dir <directory>', `snapshot directory whose latest snapshot is queried (default ${DEFAULT_OUTPUT_DIR})`)
    .option('--json', 'print the result as JSON: { type, data, total }')
    .option('--table', 'print the result as a text table (the default)')
    .option('--no-verify', 'read the snapshot even if its content does not match its graphSha256')
    .addHelpText('after', '\nJ1QL supported here: docs/query.md')
    .action(async (text: string, flags: QueryFlags) => {
      if (flags.json && flags.table) throw new CliError('--json and --table cannot be combined');
      if (flags.snapshot && flags.dir) throw new CliError('--snapshot and --dir cannot be combined');
      // Parse before reading the snapshot: a typo should not wait for a large file.
      let query: Query;
      try {
        query = parseQuery(text);
      } catch (error) {
        if (error instanceof QueryError) throw new CliError(`bad query: ${error.message}`);
        throw error;
      }
      const file = await snapshotPath(flags);
      let snapshot: Awaited<ReturnType<typeof readSnapshot>>;
      try {
        snapshot = await readSnapshot(file, { verify: flags.verify !== false });
      } catch (error) {
        if (error instanceof SnapshotFormatError || error instanceof SnapshotIntegrityError) throw new CliError(error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code) throw new CliError(`${file}: cannot read it (${code})`);
        throw error;
      }
      let result: QueryResult;
      try {
        result = runQuery(GraphIndex.fromSnapshot(snapshot), query);
      } catch (error) {
        if (error instanceof QueryError) throw new CliError(`bad query: ${error.message}`);
        throw error;
      }
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
    });
}
