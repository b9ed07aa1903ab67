import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { builtinFrameworkIds, DEFAULT_FRAMEWORK } from '../../compliance';
import { DEFAULT_OUTPUT_DIR } from '../../config';
import { parseQuery, QueryError } from '../../query';
import { checkReportInputs, DEFAULT_SAVED_QUERIES, writeReport, type ReportInputs, type SavedQuery } from '../../report';
import { SnapshotFormatError } from '../../snapshot/reader';
import { SnapshotStore } from '../../snapshot/store';
import { CliError } from '../errors';
import { materialize, openStore, STORE_OPTION_HELP, storeKind, type StoreFlags } from '../store';
import { snapshotName } from '../../store/types';
import { storedAlertsFor } from '../../report/alerts';
import type { SnapshotMetadata } from '../../snapshot/format';
import { snapshotPath } from './query';

interface ReportFlags extends StoreFlags {
  snapshot?: string;
  dir?: string;
  out: string;
  inputs?: string;
  queries?: string;
  defaultQueries: boolean;
  title?: string;
  framework: string[];
}

/** Compliance and alert results to show, from a JSON file of `ReportInputs` (checked before any work). */
export function loadReportInputs(file: string): ReportInputs {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`--inputs ${file}: ${code ? `cannot read it (${code})` : `not JSON (${(error as Error).message})`}`);
  }
  const problems = checkReportInputs(value);
  if (problems.length) throw new CliError(`--inputs ${file}: ${problems.join('; ')}`);
  return value as ReportInputs;
}

/** Saved queries from a YAML list of `{ title, query }`, each parsed now so a typo fails before the snapshot is read. */
export function loadSavedQueries(file: string): SavedQuery[] {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`--queries ${file}: ${code ? `cannot read it (${code})` : `not YAML (${(error as Error).message})`}`);
  }
  if (!Array.isArray(value)) throw new CliError(`--queries ${file}: expected a list of { title, query }`);
  return value.map((item: unknown, index) => {
    const entry = item as Partial<SavedQuery> | null;
    if (!entry || typeof entry.title !== 'string' || typeof entry.query !== 'string') {
      throw new CliError(`--queries ${file}: [${index}]: expected { title: string, query: string }`);
    }
    try {
      parseQuery(entry.query);
    } catch (error) {
      if (error instanceof QueryError) throw new CliError(`--queries ${file}: [${index}].query: ${error.message}`);
      throw error;
    }
    return { title: entry.title, query: entry.query };
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * What the report needs of a database store, as the file-based report reads it: the latest
 * snapshot and the one before it as files (the changes between them), the older ones' metadata
 * (the trend), and the alerts the store's alert state holds for the latest.
 */
async function databaseSnapshots(flags: StoreFlags): Promise<{
  file: string;
  retained: string[];
  retainedMetadata: Array<{ name: string; metadata: SnapshotMetadata }>;
  alerts?: ReportInputs['alerts'];
}> {
  const store = openStore(flags, '.');
  try {
    const refs = await store.list();
    const latest = refs.at(-1);
    if (!latest) throw new CliError(`no snapshot in ${store.description} yet: run \`orggraph ingest --store postgres\` first`);
    const previous = refs.at(-2);
    const file = await materialize(store, latest);
    const retained = previous ? [await materialize(store, previous)] : [];
    const retainedMetadata = await Promise.all(refs.slice(0, -2).map(async (ref) => ({ name: snapshotName(ref.id), metadata: await store.readMetadata(ref) })));
    const alerts = await storedAlertsFor(file, store);
    return { file, retained, retainedMetadata, alerts };
  } catch (error) {
    if ((error as Error).name === 'PostgresStoreError') throw new CliError((error as Error).message);
    throw error;
  } finally {
    await store.close();
  }
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Write a self-contained HTML report of a snapshot: overview, health, changes, compliance, alerts and a graph explorer.')
    .requiredOption('--out <file>', 'the HTML file to write, e.g. report.html')
    .option('--snapshot <file>', 'snapshot file to report on')
    .option('--dir <directory>', `snapshot directory whose latest snapshot is reported on, with its retained ones for trends (default ${DEFAULT_OUTPUT_DIR})`)
    .option('--store <files|postgres>', STORE_OPTION_HELP.store)
    .option('--store-url-file <file>', STORE_OPTION_HELP.storeUrlFile)
    .option('--inputs <file.json>', 'compliance and alert results to show (ReportInputs JSON, see docs/report.md)')
    .option('--queries <file.yaml>', 'saved J1QL queries to answer in the explorer: a list of { title, query }')
    .option('--no-default-queries', 'leave out the built-in saved queries')
    .option('--title <text>', 'the report title')
    .option(
      '--framework <id>',
      `compliance framework evaluated for the compliance section (repeatable; default ${DEFAULT_FRAMEWORK}; ignored when --inputs has compliance results)`,
      collect,
      [],
    )
    .addHelpText('after', '\nWhat the report holds, and how it stays fast on large organizations: docs/report.md')
    .action(async (flags: ReportFlags) => {
      if (flags.snapshot && flags.dir) throw new CliError('--snapshot and --dir cannot be combined');
      const inputs = flags.inputs ? loadReportInputs(flags.inputs) : undefined;
      const frameworks = flags.framework.length ? flags.framework : [DEFAULT_FRAMEWORK];
      for (const id of frameworks) {
        if (!builtinFrameworkIds().includes(id)) throw new CliError(`--framework ${id}: unknown framework; known: ${builtinFrameworkIds().join(', ')}`);
      }
      const savedQueries = [...(flags.defaultQueries ? DEFAULT_SAVED_QUERIES : []), ...(flags.queries ? loadSavedQueries(flags.queries) : [])];
      if (existsSync(flags.out) && statSync(flags.out).isDirectory())
        throw new CliError(`--out ${flags.out}: is a directory; expected a file name such as report.html`);
      const fromDatabase = storeKind(flags) === 'postgres' ? await databaseSnapshots(flags) : undefined;
      const file = fromDatabase?.file ?? (await snapshotPath(flags));
      // The trend and the previous snapshot come from the snapshot's own store.
      const storeDirectory = flags.snapshot ? path.dirname(path.dirname(path.resolve(file))) : (flags.dir ?? DEFAULT_OUTPUT_DIR);
      const retained = fromDatabase?.retained ?? (await new SnapshotStore(storeDirectory).list());
      try {
        const built = await writeReport(flags.out, {
          snapshotFile: file,
          retained,
          retainedMetadata: fromDatabase?.retainedMetadata,
          inputs: fromDatabase?.alerts && !inputs?.alerts ? { ...inputs, alerts: fromDatabase.alerts } : inputs,
          savedQueries,
          title: flags.title,
          frameworks,
          alertStateDirectory: fromDatabase ? undefined : storeDirectory,
        });
        const { stats } = built;
        process.stdout.write(
          `wrote ${flags.out}: ${(stats.bytes / 1e6).toFixed(1)} MB, ${stats.entities.toLocaleString('en-US')} entities, ${stats.relationships.toLocaleString('en-US')} relationships\n`,
        );
      } catch (error) {
        if (error instanceof SnapshotFormatError) throw new CliError(error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code && (error as NodeJS.ErrnoException).path) throw new CliError(`${(error as NodeJS.ErrnoException).path}: ${code}`);
        throw error;
      }
    });
}
