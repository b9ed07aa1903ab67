import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { describeLimited } from '../../collectors/limits';
import type { Logger } from '../../collectors/types';
import { ConfigError, configProblems, InputError, loadConfigFile, type IngestConfig, type InputProblem } from '../../config';
import type { IngestSummary, RunScope } from '../../ingest';
import { WorldError } from '../../sim/world';
import type { AlertRule, AlertsOutcome } from '../../alerts';
import { CliError } from '../errors';
import { BarReporter, JsonLineReporter, LineReporter, type RunReporter } from '../progress';
import { TOOL } from '../../version';
import { maxOf } from '../../util/arrays';
import { openStore, STORE_OPTION_HELP } from '../store';
import { parseShard } from '../../store/shard';

// Loaded when a command needs them: the AWS SDK clients behind them take about a second to load,
// which `orggraph --help`, `--version` or `query` should not pay.
const lazy = {
  ingest: () => require('../../ingest') as typeof import('../../ingest'),
  services: () => require('../../services') as typeof import('../../services'),
  simulatedWorld: () => require('../../sim/load-world') as typeof import('../../sim/load-world'),
  alerts: () => require('../../alerts') as typeof import('../../alerts'),
  compliance: () => require('../../compliance') as typeof import('../../compliance'),
  committed: () => require('../../store/committed') as typeof import('../../store/committed'),
};

interface IngestFlags {
  config?: string;
  roleName?: string;
  externalIdFile?: string;
  organization?: string;
  accounts?: string[];
  regions?: string[];
  excludeRegions?: string[];
  services?: string[];
  excludeServices?: string[];
  out?: string;
  simulate?: string | boolean;
  concurrency?: number | string;
  workers?: number | string;
  accountNameTag?: string | boolean;
  production?: boolean;
  json?: boolean;
  quiet?: boolean;
  progress?: boolean;
  people?: string;
  alerts?: boolean;
  replace?: boolean;
  logFormat?: 'text' | 'json';
  store?: string;
  storeUrlFile?: string;
  shard?: string;
}

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function readExternalId(flags: IngestFlags): string | undefined {
  if (flags.externalIdFile) {
    try {
      return readFileSync(flags.externalIdFile, 'utf8').trim();
    } catch (error) {
      throw new CliError(`--external-id-file ${flags.externalIdFile}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  return process.env.ORGGRAPH_EXTERNAL_ID || undefined;
}

/** How each configuration field is spelled on the command line, for messages about flags. */
const FLAG_OF_FIELD: Array<[RegExp, string]> = [
  [/^\/roleName/, '--role-name'],
  [/^\/organization/, '--organization'],
  [/^\/accounts/, '--accounts'],
  [/^\/regions\/include/, '--regions'],
  [/^\/regions\/exclude/, '--exclude-regions'],
  [/^\/services\/include/, '--services'],
  [/^\/services\/exclude/, '--exclude-services'],
  [/^\/outputDir/, '--out'],
  [/^\/people/, '--people'],
  [/^\/concurrency/, '--concurrency'],
  [/^\/workers/, '--workers'],
  [/^\/tags\/accountName/, '--account-name-tag'],
  [/^\/tags\/production/, '--production'],
  [/^\/replace/, '--replace'],
  [/^\/shard/, '--shard'],
];

function flagOf(pointer: string): string | undefined {
  const flag = FLAG_OF_FIELD.find(([pattern]) => pattern.test(pointer))?.[1];
  const index = /\/(\d+)(?:\/|$)/.exec(pointer)?.[1];
  return flag && index !== undefined ? `${flag} (item ${Number(index) + 1})` : flag;
}

/** Service names a configuration may select. */
export function knownServiceNames(): string[] {
  return lazy.services().serviceModules.map((module) => module.service);
}

/** The flags as a configuration of their own (only the fields they set). */
function flagsAsConfig(flags: IngestFlags): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (flags.roleName) config.roleName = flags.roleName;
  if (flags.organization) config.organization = { managementAccountId: flags.organization };
  if (flags.accounts?.length) config.accounts = flags.accounts.map((id) => ({ id }));
  if (flags.regions?.length || flags.excludeRegions?.length) config.regions = { include: flags.regions, exclude: flags.excludeRegions };
  if (flags.services?.length || flags.excludeServices?.length) config.services = { include: flags.services, exclude: flags.excludeServices };
  if (flags.out) config.outputDir = flags.out;
  if (flags.people) config.people = flags.people;
  if (flags.replace) config.replace = true;
  if (flags.shard !== undefined) config.shard = parseShard(flags.shard) ?? flags.shard;
  if (flags.concurrency !== undefined) config.concurrency = flags.concurrency;
  if (flags.workers !== undefined) config.workers = flags.workers;
  if (flags.accountNameTag !== undefined || flags.production !== undefined) {
    config.tags = { accountName: flags.accountNameTag, production: flags.production };
  }
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

/**
 * The configuration file with the flags over it. Each is checked on its own, so that every problem
 * names its file and line, or its flag; all problems are reported at once.
 */
function configFromFlags(flags: IngestFlags): Partial<IngestConfig> {
  const knownServices = knownServiceNames();
  const problems: InputProblem[] = [];
  let config: Partial<IngestConfig> = {};
  if (flags.config) {
    try {
      config = loadConfigFile(flags.config, knownServices);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  const fromFlags = flagsAsConfig(flags);
  problems.push(...configProblems(fromFlags, { name: 'command line', field: flagOf, knownServices }));
  if (problems.length) throw new InputError(problems);
  const overrides = fromFlags as Partial<IngestConfig>;
  return {
    ...config,
    ...overrides,
    ...(overrides.organization ? { organization: { ...config.organization, ...overrides.organization } } : {}),
    ...(overrides.regions ? { regions: { ...config.regions, ...overrides.regions } } : {}),
    ...(overrides.services ? { services: { ...config.services, ...overrides.services } } : {}),
    ...(overrides.tags ? { tags: { ...config.tags, ...overrides.tags } } : {}),
  };
}

/** An integer flag: kept as typed when it is not one, so the check can say what was given. */
function integerFlag(value: string): number | string {
  return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

/** Where this run's progress and messages go: a bar on a terminal, plain lines without one, or JSON lines. */
export function chooseReporter(
  flags: Pick<IngestFlags, 'logFormat' | 'quiet' | 'json' | 'progress'>,
  stderr: NodeJS.WriteStream = process.stderr,
): RunReporter {
  const write = (text: string) => void stderr.write(text);
  if (flags.logFormat === 'json') return new JsonLineReporter(write);
  const quiet = Boolean(flags.quiet || flags.json);
  const progress = flags.progress !== false && !flags.quiet;
  if (stderr.isTTY && progress) return new BarReporter(stderr, quiet);
  return new LineReporter(write, { quiet, progress });
}

function reporterLogger(reporter: RunReporter): Logger {
  return {
    info: (message) => reporter.message('info', message),
    warn: (message) => reporter.message('warn', message),
    debug: (message) => (process.env.ORGGRAPH_DEBUG ? reporter.message('debug', message) : undefined),
  };
}

/** A narrowed run's scope in one line: what it refreshed, and what it carried unchanged. */
export function describeScope(scope: RunScope): string {
  const selection = (name: string, value?: { include?: string[]; exclude?: string[] }) =>
    value
      ? [value.include?.length ? `${name} ${value.include.join(',')}` : '', value.exclude?.length ? `${name} except ${value.exclude.join(',')}` : ''].filter(
          Boolean,
        )
      : [];
  const parts = [
    ...selection('services', scope.services),
    ...(scope.accounts ? [`accounts ${scope.accounts.join(',')}`] : []),
    ...selection('regions', scope.regions),
  ];
  return `${parts.join('; ')} only. Outside it, ${scope.carried.entities} entities and ${scope.carried.relationships} relationships were carried unchanged from the previous snapshot (--replace drops them)`;
}

/** The run summary as printed for people. */
export function formatSummary(summary: IngestSummary): string {
  const lines: string[] = [];
  lines.push(`Snapshot ${summary.snapshot.path}`);
  lines.push(`  sha256 ${summary.snapshot.sha256}`);
  lines.push(`Accounts ${summary.accounts.map((a) => `${a.accountId}${a.name ? ` (${a.name})` : ''}`).join(', ') || 'none'}`);
  for (const skipped of summary.skippedAccounts) lines.push(`  skipped ${skipped.accountId}${skipped.name ? ` (${skipped.name})` : ''}: ${skipped.reason}`);
  lines.push(`Regions  ${summary.regions.join(', ') || 'none'}`);
  for (const skipped of summary.skippedRegions) lines.push(`  skipped ${skipped.region} in ${skipped.accountId}: ${skipped.reason}`);
  if (summary.scope) lines.push(`Scope    ${describeScope(summary.scope)}`);
  lines.push(
    `Graph    ${summary.totals.entities} entities, ${summary.totals.relationships} relationships` +
      (summary.totals.staleEntities ? ` (${summary.totals.staleEntities} carried forward, not refreshed)` : ''),
  );
  lines.push(...formatChanges(summary));
  lines.push(`API      ${summary.apiCalls} calls, ${summary.throttledCalls} throttled and retried, ${summary.durationMs} ms`);
  if (summary.limited?.length) lines.push('Limited  collection limits left out:', ...describeLimited(summary.limited));
  lines.push('');
  const width = Math.max(
    maxOf(
      Object.keys(summary.counts.entities).map((t) => t.length),
      0,
    ),
    10,
  );
  lines.push('Entities by type');
  for (const [type, count] of Object.entries(summary.counts.entities)) lines.push(`  ${type.padEnd(width)} ${String(count).padStart(6)}`);
  lines.push(`Relationship types: ${Object.keys(summary.counts.relationships).length}`);
  if (summary.errors.length) {
    lines.push('');
    lines.push(`Errors (${summary.errors.length}): the run went on; affected types were carried forward`);
    for (const error of summary.errors.slice(0, 20)) {
      lines.push(`  ${error.account} ${error.region} ${error.service}${error.operation ? ` ${error.operation}` : ''}: ${error.code}: ${error.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Change counts, and the first changed keys (`orggraph diff` lists them all). */
export function formatChanges(summary: IngestSummary): string[] {
  const { changes, relationshipChanges, changedKeys } = summary;
  const lines = [
    `Changes  entities +${changes.created} created, ~${changes.updated} updated, -${changes.deleted} deleted; ` +
      `relationships +${relationshipChanges.created} ~${relationshipChanges.updated} -${relationshipChanges.deleted}`,
  ];
  const shown = 5;
  for (const kind of ['created', 'updated', 'deleted'] as const) {
    const keys = changedKeys?.entities[kind] ?? [];
    if (!keys.length || changes[kind] === 0) continue;
    const more = changes[kind] > Math.min(keys.length, shown) ? ` (and ${changes[kind] - Math.min(keys.length, shown)} more: orggraph diff)` : '';
    lines.push(`  ${kind}: ${keys.slice(0, shown).join(', ')}${more}`);
  }
  return lines;
}

/** The alerts of the run, as printed for people. */
export function formatAlertsOutcome(outcome: AlertsOutcome): string[] {
  if ('error' in outcome) return [`Alerts   ${outcome.error}`];
  const lines = [`Alerts   ${lazy.alerts().formatAlertCounts({ ...outcome, alerts: [] })}`];
  for (const alert of outcome.new.slice(0, 10)) lines.push(`  NEW ${alert.alertLevel.padEnd(8)} ${alert.rule}: ${alert.displayName ?? alert.key}`);
  for (const failure of outcome.delivery?.failures.slice(0, 5) ?? [])
    lines.push(`  not delivered to ${failure.target} (${failure.rule}, ${failure.attempts} attempts): ${failure.error}`);
  for (const error of outcome.errors.slice(0, 5)) lines.push(`  rule ${error.rule} not evaluated: ${error.message}`);
  return lines;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Read the organization (or the simulated one) and write a snapshot of its graph.')
    .option('-c, --config <file>', 'configuration file (YAML)')
    .option('--role-name <name>', 'audit role to assume in every account (default JupiterOne)')
    .option('--external-id-file <file>', 'file holding the External ID (default: $ORGGRAPH_EXTERNAL_ID); never echoed')
    .option('--organization <managementAccountId>', 'organization mode: list accounts from this management account')
    .option('--accounts <ids>', 'accounts to ingest (comma-separated; filters the organization in organization mode)', list)
    .option('--regions <regions>', 'only these regions (comma-separated)', list)
    .option('--exclude-regions <regions>', 'never these regions', list)
    .option('--services <services>', 'only these services (comma-separated, e.g. iam,ec2)', list)
    .option('--exclude-services <services>', 'never these services', list)
    .option('-o, --out <dir>', 'snapshot directory (default .orggraph)')
    .option('--simulate [world]', 'run against a simulated organization: a world file, or the built-in one')
    .addOption(new Option('--concurrency <n>', 'collector runs in flight at once (per worker)').argParser(integerFlag))
    .addOption(
      new Option('--workers <n|auto>', 'worker threads collecting accounts in parallel (default auto: one per CPU, from 8 accounts per worker)').argParser(
        (v) => (v === 'auto' ? 'auto' : integerFlag(v)),
      ),
    )
    .option('--account-name-tag [name]', 'add tag.AccountName to every entity (the account name, or this value)')
    .option('--production', 'add tag.Production=true to every entity')
    .option('--people <file>', 'people file (YAML list of { name, email }): maps IAM users to people')
    .option('--store <files|postgres>', STORE_OPTION_HELP.store)
    .option('--store-url-file <file>', STORE_OPTION_HELP.storeUrlFile)
    .option('--shard <i/n>', 'ingest only shard i of n (0-based) of the accounts, a stable share by account id; the shards write one PostgreSQL store')
    .option(
      '--replace',
      'with --services, --accounts or --regions: write only what this run read (by default the rest of the previous graph is carried unchanged)',
    )
    .option('--json', 'print the run summary as JSON on stdout')
    .addOption(
      new Option('--log-format <format>', 'stderr: text (a bar on a terminal, a progress line every 10 s without one) or json (one event per line)')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option('--no-alerts', 'do not evaluate the alert rules after the run')
    .option('-q, --quiet', 'no progress or informational messages')
    .option('--no-progress', 'no progress display')
    .action(async (flags: IngestFlags) => {
      // Every input is checked before the first AWS call, and all problems are reported together.
      const problems: string[] = [];
      const attempt = <T>(read: () => T): T | undefined => {
        try {
          return read();
        } catch (error) {
          if (!(error instanceof WorldError || error instanceof ConfigError || error instanceof lazy.alerts().RuleError)) throw error;
          problems.push(error.message);
          return undefined;
        }
      };
      const world = flags.simulate
        ? attempt(() => lazy.simulatedWorld().loadSimulatedWorld(flags.simulate === true ? true : (flags.simulate as string)))
        : undefined;
      const config = attempt(() => configFromFlags(flags));
      // Alert rules are read and checked before any AWS call too: a bad rule file fails the run at once.
      const alertRules: AlertRule[] =
        config && flags.alerts !== false && config.alerts?.enabled !== false ? (attempt(() => lazy.alerts().loadAlertRules(config.alerts)) ?? []) : [];
      if (problems.length || !config) throw new CliError(problems.join('\n'));
      const externalId = readExternalId(flags);
      const store = openStore(flags, config.outputDir ?? '.orggraph', config);
      const reporter = chooseReporter(flags);
      reporter.onEvent({ event: 'start', tool: TOOL, mode: world ? 'simulated' : 'aws', outputDir: config.outputDir ?? '.orggraph' });
      try {
        const { ingest } = lazy.ingest();
        const sharded = (config.shard?.count ?? 1) > 1;
        // The graph is kept on disk while the run builds it (the files store writes from a stream),
        // then read back for compliance and alerts: a large organization's peak is the larger of
        // the two phases, not their sum (docs/benchmarks.md). A shard reads the committed graph instead.
        const run = async () => {
          const ran = await ingest({
            config,
            secrets: { externalId },
            simulate: world,
            logger: reporterLogger(reporter),
            onProgress: (progress) => reporter.onProgress(progress),
            onEvent: (event) => reporter.onEvent(event),
            store,
            spill: !sharded,
          });
          return sharded ? ran : lazy.committed().graphInMemory(ran, store);
        };
        // One writer per snapshot directory: a running `orggraph watch` finishes its batch first. A
        // PostgreSQL store takes concurrent writers (shards) itself.
        const { withStoreLock } = require('../../snapshot/lock') as typeof import('../../snapshot/lock');
        let result = store.kind === 'files' ? await withStoreLock(config.outputDir ?? '.orggraph', run, { waitMs: 15 * 60_000 }) : await run();
        const summary = result.summary;
        reporter.onEvent({
          event: 'snapshot-written',
          path: summary.snapshot.path,
          graphSha256: summary.snapshot.sha256,
          entities: summary.totals.entities,
          relationships: summary.totals.relationships,
          changes: summary.changes,
          errors: summary.errors.length,
          ...(summary.scope ? { scope: summary.scope } : {}),
        });
        // After the snapshot is written: compliance of the new snapshot (src/compliance), then alerts
        // and their delivery with this process's own credentials.
        // A shard saw only its accounts: the shard that commits the snapshot evaluates the whole
        // committed graph, read back from the store; the others evaluate nothing.
        const committed = summary.snapshot.sha256 !== '';
        if (sharded && committed) result = { ...result, ...(await lazy.committed().committedGraph(store)) };
        const { runCompliance, formatComplianceLines } = lazy.compliance();
        const compliance = committed ? runCompliance(result) : [];
        const alertState = store.kind === 'files' ? undefined : store;
        const alerts: AlertsOutcome | undefined = committed
          ? await lazy.alerts().alertsAfterIngest(result, alertRules, config.alerts, undefined, alertState)
          : undefined;
        if (!committed) reporter.onEvent({ event: 'shard-written', message: 'this shard is written; the snapshot is committed when every shard has finished' });
        reporter.stop();
        if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, compliance, ...(alerts ? { alerts } : {}) }, null, 2)}\n`);
        else process.stdout.write(formatSummary(summary) + formatComplianceLines(compliance) + (alerts ? `${formatAlertsOutcome(alerts).join('\n')}\n` : ''));
      } catch (error) {
        reporter.onEvent({ event: 'failed', message: (error as Error).message });
        reporter.stop();
        if (error instanceof lazy.ingest().IngestError) throw new CliError(error.message, 1);
        if (error instanceof ConfigError) throw new CliError(error.message);
        if ((error as Error).name === 'PostgresStoreError') throw new CliError((error as Error).message, 1);
        throw error;
      } finally {
        await store.close();
      }
    });
}
