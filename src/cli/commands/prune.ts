import { Option, type Command } from 'commander';
import { DEFAULT_OUTPUT_DIR } from '../../config';
import { SnapshotStore } from '../../snapshot/store';
import { CliError } from '../errors';

interface PruneFlags {
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
    .action(async (flags: PruneFlags) => {
      if (typeof flags.keep !== 'number' || flags.keep < 1)
        throw new CliError(`command line: --keep: must be a whole number from 1 (it is ${JSON.stringify(flags.keep)})`);
      const result = await new SnapshotStore(flags.dir).prune(flags.keep, { dryRun: flags.dryRun });
      for (const file of result.removed) process.stdout.write(`${flags.dryRun ? 'would remove' : 'removed'} ${file}\n`);
      process.stdout.write(`${result.kept.length} snapshot(s) kept in ${flags.dir}\n`);
    });
}
