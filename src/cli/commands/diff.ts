import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { diffSnapshots, type ObjectChange, type SnapshotDiff } from '../../changes';
import { DEFAULT_OUTPUT_DIR } from '../../config';
import { SnapshotFormatError, SnapshotStore } from '../../snapshot';
import { CliError } from '../errors';
import { materialize, openStore, STORE_OPTION_HELP, storeKind, type StoreFlags } from '../store';

/** The two newest snapshots of a database store, as files. */
async function previousAndLatestOfStore(flags: StoreFlags): Promise<[string, string]> {
  const store = openStore(flags, '.');
  try {
    const refs = await store.list();
    if (refs.length < 2) throw new CliError(`${store.description} holds ${refs.length} snapshot(s): a diff needs two`);
    return [await materialize(store, refs[refs.length - 2]), await materialize(store, refs[refs.length - 1])];
  } finally {
    await store.close();
  }
}

interface DiffFlags {
  dir?: string;
  store?: string;
  storeUrlFile?: string;
  type?: string[];
  account?: string[];
  json?: boolean;
}

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** A snapshot named on the command line: a path, or a file name in the directory's `snapshots/`. */
function resolveSnapshot(directory: string, name: string): string {
  if (existsSync(name)) return name;
  const inStore = path.join(directory, 'snapshots', name);
  if (existsSync(inStore)) return inStore;
  throw new CliError(`${name}: no such snapshot (neither a file nor in ${path.join(directory, 'snapshots')})`);
}

/** The two newest snapshots of a directory: the one `latest.json` names and the one before it. */
export async function previousAndLatest(directory: string): Promise<[string, string]> {
  const store = new SnapshotStore(directory);
  let latest: Awaited<ReturnType<SnapshotStore['latest']>>;
  try {
    latest = await store.latest();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (!latest) throw new CliError(`no snapshot in ${directory} yet: run \`orggraph ingest\` first, or pass --dir <directory>`);
  const files = await store.list();
  const at = files.indexOf(latest.absolutePath);
  if (at < 1) throw new CliError(`${directory} holds only one snapshot: a diff needs two (run \`orggraph ingest\` again, or name two snapshot files)`);
  return [files[at - 1], files[at]];
}

const show = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value));

function formatChange(change: ObjectChange): string {
  const sign = change.change === 'created' ? '+' : change.change === 'updated' ? '~' : '-';
  const account = change._accountId ? `  [${change._accountId}]` : '';
  const head = `${sign} ${change.kind} ${change._type} ${change._key}${account}`;
  const properties = (change.properties ?? []).map((p) => `    ${p.name}: ${show(p.before)} -> ${show(p.after)}`);
  return [head, ...properties].join('\n');
}

export function formatDiff(diff: SnapshotDiff): string {
  const { entities, relationships } = diff.counts;
  const lines = [
    `from ${path.basename(diff.old.path)} (${diff.old.endedAt})`,
    `to   ${path.basename(diff.new.path)} (${diff.new.endedAt})`,
    ...diff.changes.map(formatChange),
    `entities: +${entities.created} ~${entities.updated} -${entities.deleted}; relationships: +${relationships.created} ~${relationships.updated} -${relationships.deleted}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'What changed between two snapshots (by default the previous and the latest): created, updated and deleted entities and relationships, property by property.',
    )
    .argument('[old]', 'the older snapshot (a path, or a file name in <dir>/snapshots)')
    .argument('[new]', 'the newer snapshot')
    .option('--dir <directory>', `snapshot directory (default ${DEFAULT_OUTPUT_DIR})`)
    .option('--store <files|postgres>', STORE_OPTION_HELP.store)
    .option('--store-url-file <file>', STORE_OPTION_HELP.storeUrlFile)
    .option('--type <types>', 'only these _type values (comma-separated, repeatable)', list)
    .option('--account <ids>', 'only objects of these accounts (comma-separated, repeatable)', list)
    .option('--json', 'print the diff as JSON: { old, new, counts, changes }')
    .action(async (oldName: string | undefined, newName: string | undefined, flags: DiffFlags) => {
      const directory = flags.dir ?? DEFAULT_OUTPUT_DIR;
      if (oldName !== undefined && newName === undefined) throw new CliError('name both snapshots, or neither (the previous and the latest)');
      for (const account of flags.account ?? []) if (!/^\d{12}$/.test(account)) throw new CliError(`--account ${account}: not a 12-digit account id`);
      const [oldFile, newFile] =
        storeKind(flags) === 'postgres'
          ? await previousAndLatestOfStore(flags)
          : oldName !== undefined && newName !== undefined
            ? [resolveSnapshot(directory, oldName), resolveSnapshot(directory, newName)]
            : await previousAndLatest(directory);
      let diff: SnapshotDiff;
      try {
        diff = await diffSnapshots(oldFile, newFile, { types: flags.type, accounts: flags.account });
      } catch (error) {
        if (error instanceof SnapshotFormatError) throw new CliError(error.message);
        throw error;
      }
      process.stdout.write(flags.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
    });
}
