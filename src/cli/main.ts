import { Command, CommanderError } from 'commander';
import { registerComplianceCommand } from './commands/compliance';
import { registerAskCommand } from './commands/ask';
import { registerAlertsCommand } from './commands/alerts';
import { registerDiffCommand } from './commands/diff';
import { registerHistoryCommand } from './commands/history';
import { registerIngestCommand } from './commands/ingest';
import { registerPolicyCommand } from './commands/policy';
import { registerQueryCommand } from './commands/query';
import { registerReportCommand } from './commands/report';
import { registerWorldCommand } from './commands/world';
import { CliError } from './errors';

export function buildProgram(): Command {
  const program = new Command('orggraph')
    .description('Security graph of an AWS organization: ingest, query, check.')
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
  return program;
}

/** Runs the CLI and resolves to the process exit code; errors are printed, never thrown. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      process.stderr.write(`orggraph: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`orggraph: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
