import type { Command } from 'commander';
import {
  builtinFrameworkIds,
  complianceGraph,
  DEFAULT_FRAMEWORK,
  evaluateCompliance,
  formatComplianceReport,
  formatComplianceTable,
  FrameworkError,
  loadFrameworkFile,
  requireFramework,
  type ComplianceReport,
  type ControlResult,
  type Framework,
} from '../../compliance';
import { DEFAULT_OUTPUT_DIR } from '../../config';
import { readSnapshot, SnapshotFormatError } from '../../snapshot/reader';
import { CliError } from '../errors';
import { snapshotPath } from './query';
import { STORE_OPTION_HELP } from '../store';

interface ComplianceFlags {
  snapshot?: string;
  dir?: string;
  store?: string;
  storeUrlFile?: string;
  framework: string[];
  frameworkFile: string[];
  account: string[];
  json?: boolean;
  table?: boolean;
  failOn?: string;
  maxEvidence?: string;
}

/** Exit code when the `--fail-on` gate trips (2 stays for bad input). */
export const COMPLIANCE_GATE_EXIT = 1;

const FAIL_ON = ['FAIL', 'NOT_EVALUATED'] as const;
type FailOn = (typeof FAIL_ON)[number];

const collect = (value: string, previous: string[]) => [...previous, value];

/** Frameworks named on the command line, all loaded (and checked) before the snapshot is read. */
function frameworksOf(flags: ComplianceFlags): Framework[] {
  try {
    const named = flags.framework.length || flags.frameworkFile.length ? flags.framework : [DEFAULT_FRAMEWORK];
    const loaded = named.map((id) => requireFramework(id));
    // A user's file may map onto a built-in framework, or onto one of the other files given.
    for (const file of flags.frameworkFile) {
      loaded.push(
        loadFrameworkFile(
          file,
          (id) => loaded.find((framework) => framework.id === id) ?? (builtinFrameworkIds().includes(id) ? requireFramework(id) : undefined),
        ),
      );
    }
    return loaded;
  } catch (error) {
    if (error instanceof FrameworkError) throw new CliError(error.message);
    throw error;
  }
}

/** `cis-aws-7.0 2.5, 2.14` for the controls that trip the gate, or undefined. */
function gateTrips(reports: readonly ComplianceReport[], failOn: FailOn | undefined): string | undefined {
  if (!failOn) return undefined;
  const tripping = new Set<ControlResult['status']>(failOn === 'FAIL' ? ['FAIL'] : ['FAIL', 'NOT_EVALUATED']);
  const hits = reports
    .map((report) => ({ id: report.framework.id, controls: report.controls.filter((control) => tripping.has(control.status)).map((control) => control.id) }))
    .filter((hit) => hit.controls.length > 0);
  return hits.length ? hits.map((hit) => `${hit.id} ${hit.controls.join(', ')}`).join('; ') : undefined;
}

export function registerComplianceCommand(program: Command): void {
  program
    .command('compliance')
    .description('Evaluate a compliance framework (by default CIS AWS Foundations v7.0) on a snapshot.')
    .option('--snapshot <file>', 'snapshot file to evaluate')
    .option('--dir <directory>', `snapshot directory whose latest snapshot is evaluated (default ${DEFAULT_OUTPUT_DIR})`)
    .option('--store <files|postgres>', STORE_OPTION_HELP.store)
    .option('--store-url-file <file>', STORE_OPTION_HELP.storeUrlFile)
    .option('--framework <id>', `built-in framework (repeatable; default ${DEFAULT_FRAMEWORK})`, collect, [])
    .option('--framework-file <file>', 'your own framework file, same format (repeatable)', collect, [])
    .option('--account <id>', 'only this account (repeatable)', collect, [])
    .option('--json', 'print the report as JSON')
    .option('--table', 'print only the table of controls')
    .option('--fail-on <status>', `exit ${COMPLIANCE_GATE_EXIT} when a control has this status: FAIL, or NOT_EVALUATED (which includes FAIL)`)
    .option('--max-evidence <n>', 'evidence entities listed per control (default 50; counts are always complete)')
    .addHelpText('after', `\nBuilt-in frameworks: ${builtinFrameworkIds().join(', ')}. Format and semantics: docs/compliance.md`)
    .action(async (flags: ComplianceFlags) => {
      if (flags.json && flags.table) throw new CliError('--json and --table cannot be combined');
      if (flags.snapshot && flags.dir) throw new CliError('--snapshot and --dir cannot be combined');
      const failOn = flags.failOn?.toUpperCase() as FailOn | undefined;
      if (failOn !== undefined && !FAIL_ON.includes(failOn)) throw new CliError(`--fail-on ${flags.failOn}: expected one of ${FAIL_ON.join(', ')}`);
      const maxEvidence = flags.maxEvidence === undefined ? 50 : Number(flags.maxEvidence);
      if (!Number.isInteger(maxEvidence) || maxEvidence < 0) throw new CliError(`--max-evidence ${flags.maxEvidence}: expected a whole number`);
      for (const account of flags.account) if (!/^\d{12}$/.test(account)) throw new CliError(`--account ${account}: expected a 12-digit account id`);
      // Frameworks first: a typo in a framework name or file should not wait for a large snapshot.
      const frameworks = frameworksOf(flags);

      const file = await snapshotPath(flags);
      let snapshot: Awaited<ReturnType<typeof readSnapshot>>;
      try {
        snapshot = await readSnapshot(file);
      } catch (error) {
        if (error instanceof SnapshotFormatError) throw new CliError(error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code) throw new CliError(`${file}: cannot read it (${code})`);
        throw error;
      }
      const known = new Set(snapshot.metadata.accounts.map((account) => account.accountId));
      const unknown = flags.account.filter((account) => !known.has(account));
      if (unknown.length) throw new CliError(`--account ${unknown.join(', ')}: not in the snapshot (it has ${[...known].sort().join(', ')})`);

      const graph = complianceGraph(snapshot.entities, snapshot.relationships, snapshot.metadata);
      const cache = new Map<string, ControlResult>();
      const reports = frameworks.map((framework) => evaluateCompliance(graph, framework, { accounts: flags.account, maxEvidence, cache }));
      if (flags.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
      else process.stdout.write(reports.map((report) => (flags.table ? formatComplianceTable(report) : formatComplianceReport(report))).join('\n'));
      const tripped = gateTrips(reports, failOn);
      if (tripped) throw new CliError(`--fail-on ${failOn}: ${tripped}`, COMPLIANCE_GATE_EXIT);
    });
}
