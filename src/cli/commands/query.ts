import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_OUTPUT_DIR } from '../../config';
import {
  DefinitionFileError,
  formatResult,
  GraphIndex,
  loadSmartClasses,
  parameterNames,
  parseQuery,
  QueryError,
  runQuery,
  type ParameterValue,
  type Parameters,
  type Query,
  type QueryResult,
  type SmartClasses,
} from '../../query';
import { readSnapshot, SnapshotFormatError, SnapshotIntegrityError } from '../../snapshot/reader';
import { SnapshotStore, SnapshotStoreError } from '../../snapshot/store';
import { latestFromStore, STORE_OPTION_HELP, type StoreFlags } from '../store';
import { CliError } from '../errors';

export interface SnapshotFlags {
  snapshot?: string;
  dir?: string;
  store?: string;
  storeUrlFile?: string;
}

interface QueryFlags extends SnapshotFlags {
  json?: boolean;
  table?: boolean;
  param: string[];
  smartClasses: string[];
  verify?: boolean;
}

/** Commander collects a repeated option into a list. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `--param name=value`, repeatable. The value is read as JSON when it is a number, `true`,
 * `false`, a quoted string or a list (`--param ports=[22,3389]`); otherwise it is the text as
 * written (`--param env=prod`).
 */
export function parseParamFlags(values: string[]): Record<string, ParameterValue> {
  const params: Record<string, ParameterValue> = {};
  for (const flag of values) {
    const match = /^([A-Za-z_][A-Za-z0-9_.-]*)=([\s\S]*)$/.exec(flag);
    if (!match) throw new CliError(`--param ${flag}: expected name=value`);
    const [, name, text] = match;
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: the text itself.
    }
    const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (!scalar(value) && !(Array.isArray(value) && value.length > 0 && value.every(scalar))) {
      throw new CliError(`--param ${name}: expected text, a number, true, false or a non-empty list of them`);
    }
    params[name] = value as ParameterValue;
  }
  return params;
}

/** The shipped smart classes plus those of `--smart-classes` files (read before any snapshot). */
export function smartClassesFrom(files: string[]): SmartClasses {
  try {
    return loadSmartClasses(...files);
  } catch (error) {
    if (error instanceof DefinitionFileError) throw new CliError(`--smart-classes ${error.message}`);
    throw error;
  }
}

/** Reads the snapshot the flags name (or the directory's latest) and indexes it. */
export async function loadIndex(flags: SnapshotFlags & { verify?: boolean }): Promise<{ index: GraphIndex; file: string }> {
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
  return { index: GraphIndex.fromSnapshot(snapshot), file };
}

/** The snapshot to query: the one named, or the directory's latest. */
export async function snapshotPath(flags: { snapshot?: string; dir?: string } & StoreFlags): Promise<string> {
  const fromStore = await latestFromStore(flags);
  if (fromStore) return fromStore;
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
    .option('--store <files|postgres>', STORE_OPTION_HELP.store)
    .option('--store-url-file <file>', STORE_OPTION_HELP.storeUrlFile)
    .option('--json', 'print the result as JSON: { type, data, total }')
    .option('--table', 'print the result as a text table (the default)')
    .option('--param <name=value>', 'a value for ${ param.name } (repeatable; lists as JSON: ports=[22,3389])', collect, [])
    .option('--smart-classes <file>', 'more smart class definitions (YAML, as src/query/smart-classes.yaml; repeatable)', collect, [])
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
      const params: Parameters = parseParamFlags(flags.param);
      const missing = parameterNames(query).filter((name) => !Object.hasOwn(params, name));
      if (missing.length) throw new CliError(`the query needs ${missing.map((name) => `--param ${name}=<value>`).join(' ')}`);
      const smartClasses = smartClassesFrom(flags.smartClasses);
      const { index } = await loadIndex(flags);
      let result: QueryResult;
      try {
        result = runQuery(index, query, { params, smartClasses });
      } catch (error) {
        if (error instanceof QueryError) throw new CliError(`bad query: ${error.message}`);
        throw error;
      }
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
    });
}
