import { Command, CommanderError } from 'commander';
import { registerComplianceCommand } from './commands/compliance';
import { registerAskCommand } from './commands/ask';
import { registerAlertsCommand } from './commands/alerts';
import { registerDiffCommand } from './commands/diff';
import { registerHistoryCommand } from './commands/history';
import { registerIngestCommand } from './commands/ingest';
import { registerPolicyCommand } from './commands/policy';
import { registerPruneCommand } from './commands/prune';
import { registerQueryCommand } from './commands/query';
import { registerReportCommand } from './commands/report';
import { registerWatchCommand } from './commands/watch';
import { registerWorldCommand } from './commands/world';
import { CliError } from './errors';
import { TOOL } from '../version';

export function buildProgram(): Command {
  const program = new Command('orggraph')
    .description('Security graph of an AWS organization: ingest, query, check.')
    .version(TOOL.version, '-V, --version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  registerIngestCommand(program);
  registerQueryCommand(program);
  registerAskCommand(program);
  registerPolicyCommand(program);
  registerWorldCommand(program);
  registerComplianceCommand(program);
  registerReportCommand(program);
  registerAlertsCommand(program);
  registerDiffCommand(program);
  registerHistoryCommand(program);
  registerPruneCommand(program);
  registerWatchCommand(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code; errors are printed, never thrown. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Bare `orggraph` is a question, not a mistake: the help, on stdout, and success.
  if (argv.length <= 2) {
    process.stdout.write(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // A usage mistake (unknown option, missing or bad argument) is bad input: exit 2, like the others.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      process.stderr.write(`orggraph: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`orggraph: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
