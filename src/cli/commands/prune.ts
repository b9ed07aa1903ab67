import { Option, type Command } from 'commander';
import { DEFAULT_OUTPUT_DIR } from '../../config';
import { SnapshotStore } from '../../snapshot/store';
import { CliError } from '../errors';
import { openStore, STORE_OPTION_HELP, storeKind, type StoreFlags } from '../store';

interface PruneFlags extends StoreFlags {
  dir: string;
  keep: number | string;
  dryRun?: boolean;
}

export function registerPruneCommand(program: Command): void {
  program
    .command('prune')
    .description('Remove old snapshots: keep the newest N, the one latest.json names and the newest intact one.')
    .option('--dir <directory>', 'snapshot directory', DEFAULT_OUTPUT_DIR)
    .addOption(
      new Option('--keep <n>', 'snapshots to keep (the newest)').makeOptionMandatory().argParser((value) => (/^\d+$/.test(value) ? Number(value) : value)),
    )
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--store <files|postgres>', STORE_OPTION_HELP.store)
    .option('--store-url-file <file>', STORE_OPTION_HELP.storeUrlFile)
    .action(async (flags: PruneFlags) => {
      if (typeof flags.keep !== 'number' || flags.keep < 1)
        throw new CliError(`command line: --keep: must be a whole number from 1 (it is ${JSON.stringify(flags.keep)})`);
      if (storeKind(flags) === 'postgres') {
        // A database store: the history no kept snapshot can read is deleted.
        const store = openStore(flags, flags.dir);
        try {
          const result = await store.prune(flags.keep, { dryRun: flags.dryRun });
          for (const id of result.removed) process.stdout.write(`${flags.dryRun ? 'would remove' : 'removed'} ${id}\n`);
          process.stdout.write(`${result.kept.length} snapshot(s) kept in ${store.description}\n`);
        } finally {
          await store.close();
        }
        return;
      }
      const result = await new SnapshotStore(flags.dir).prune(flags.keep, { dryRun: flags.dryRun });
      for (const file of result.removed) process.stdout.write(`${flags.dryRun ? 'would remove' : 'removed'} ${file}\n`);
      process.stdout.write(`${result.kept.length} snapshot(s) kept in ${flags.dir}\n`);
    });
}
