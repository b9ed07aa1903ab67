import * as path from 'node:path';
import type { Command } from 'commander';
import { objectHistory, type ObjectHistory } from '../../changes';
import { DEFAULT_OUTPUT_DIR } from '../../config';
import { SnapshotFormatError } from '../../snapshot';
import { CliError } from '../errors';
import { openStore, STORE_OPTION_HELP, type StoreFlags } from '../store';

interface HistoryFlags extends StoreFlags {
  dir?: string;
  json?: boolean;
}

const show = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value));
const time = (epoch: number | undefined) => (epoch === undefined ? '?' : new Date(epoch).toISOString());

export function formatHistory(history: ObjectHistory): string {
  if (!history.events.length) return `${history._key}: not found in the ${history.snapshots} retained snapshot(s)\n`;
  const lines = [`${history._key} (${history.snapshots} snapshot(s) read)`];
  for (const event of history.events) {
    const stamps = event.change === 'deleted' ? '' : `  (_createdOn ${time(event._createdOn)}, _updatedOn ${time(event._updatedOn)})`;
    lines.push(`${event.endedAt}  ${event.change} ${event.kind} ${event._type} in ${event.snapshot}${stamps}`);
    for (const property of event.properties ?? []) {
      lines.push(
        event.change === 'created'
          ? `    ${property.name}: ${show(property.after)}`
          : `    ${property.name}: ${show(property.before)} -> ${show(property.after)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description("One entity's (or relationship's) changes across the retained snapshots, oldest first.")
    .argument('<key>', 'the _key, e.g. an ARN')
    .option('--dir <directory>', `snapshot directory (default ${DEFAULT_OUTPUT_DIR})`)
    .option('--store <files|postgres>', STORE_OPTION_HELP.store)
    .option('--store-url-file <file>', STORE_OPTION_HELP.storeUrlFile)
    .option('--json', 'print the history as JSON: { _key, snapshots, events, latest }')
    .action(async (key: string, flags: HistoryFlags) => {
      const directory = flags.dir ?? DEFAULT_OUTPUT_DIR;
      const store = openStore(flags, directory);
      let history: ObjectHistory;
      try {
        history = await objectHistory(store, key);
      } catch (error) {
        if (error instanceof SnapshotFormatError || (error as Error).name === 'PostgresStoreError') throw new CliError((error as Error).message);
        throw error;
      } finally {
        await store.close();
      }
      if (!history.snapshots) {
        const where = store.kind === 'files' ? path.join(directory, 'snapshots') : store.description;
        throw new CliError(`no snapshot in ${where}: run \`orggraph ingest\` first, or pass --dir <directory>`);
      }
      process.stdout.write(flags.json ? `${JSON.stringify(history, null, 2)}\n` : formatHistory(history));
    });
}
