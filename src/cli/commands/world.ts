import type { Command } from 'commander';
import { builtinWorldText, loadWorldFile, WorldError } from '../../sim/world';
import { CliError } from '../errors';

export function registerWorldCommand(program: Command): void {
  const world = program.command('world').description('The simulated organization.');
  world
    .command('print')
    .description('Print the built-in simulated organization as one YAML file (a starting point for your own).')
    .action(() => {
      process.stdout.write(builtinWorldText((require('../../sim/load-world') as typeof import('../../sim/load-world')).builtinFragments()));
    });
  world
    .command('check <file>')
    .description('Validate a world file.')
    .action((file: string) => {
      try {
        const loaded = loadWorldFile(file, (require('../../services') as typeof import('../../services')).allSimulators());
        process.stdout.write(`${file}: valid (${loaded.accounts.length} accounts, ${loaded.regions.length} regions)\n`);
      } catch (error) {
        if (error instanceof WorldError) throw new CliError(error.message);
        throw error;
      }
    });
}
