import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ALERT_STATUSES, formatAlertCounts, loadAlertRules, RuleError, runAlerts, type AlertRunSummary } from '../../alerts';
import { ConfigError, DEFAULT_OUTPUT_DIR, loadConfigFile, type IngestConfig } from '../../config';
import { GraphIndex } from '../../query';
import { readSnapshot, SnapshotFormatError, SnapshotStore } from '../../snapshot';
import { CliError } from '../errors';
import { openStore, STORE_OPTION_HELP, storeKind, type StoreFlags } from '../store';

interface AlertsFlags extends StoreFlags {
  dir?: string;
  config?: string;
  json?: boolean;
  deliver?: boolean;
}

export function formatAlerts(summary: AlertRunSummary): string {
  const lines = [`Alerts of ${summary.snapshot.name} (${summary.snapshot.endedAt}): ${formatAlertCounts(summary)}`];
  for (const status of ALERT_STATUSES) {
    const alerts = summary.alerts.filter((alert) => alert.status === status);
    if (!alerts.length) continue;
    lines.push('', `${status} (${alerts.length})`);
    for (const alert of alerts) {
      const evidence = alert.evidence.displayName ? `${alert.evidence.displayName} (${alert.evidence.key})` : alert.evidence.key;
      lines.push(`  ${alert.alertLevel.padEnd(8)} ${alert.rule}: ${evidence}${status === 'ONGOING' ? `  since ${alert.firstSeenOn}` : ''}`);
    }
  }
  for (const error of summary.errors) lines.push(`rule ${error.rule} not evaluated: ${error.message}`);
  for (const failure of summary.delivery?.failures ?? []) lines.push(`not delivered to ${failure.target} (${failure.rule}): ${failure.error}`);
  return `${lines.join('\n')}\n`;
}

export function registerAlertsCommand(program: Command): void {
  program
    .command('alerts')
    .description('Evaluate the alert rules (JupiterOne packs, our AWS pack, your own) on the latest snapshot: NEW, ONGOING and RESOLVED alerts.')
    .option('--dir <directory>', `snapshot directory (default: the configuration's outputDir, or ${DEFAULT_OUTPUT_DIR})`)
    .option('-c, --config <file>', 'configuration file (YAML) whose `alerts` section says which rules and actions')
    .option('--store <files|postgres>', STORE_OPTION_HELP.store)
    .option('--store-url-file <file>', STORE_OPTION_HELP.storeUrlFile)
    .option('--json', 'print every alert as JSON')
    .option('--deliver', 'also send the alerts to the configured SNS and SQS actions (ingest does after every run)')
    .action(async (flags: AlertsFlags) => {
      let config: Partial<IngestConfig> = {};
      let rules: ReturnType<typeof loadAlertRules>;
      try {
        if (flags.config) config = loadConfigFile(flags.config);
        rules = loadAlertRules(config.alerts);
      } catch (error) {
        if (error instanceof ConfigError || error instanceof RuleError) throw new CliError(error.message);
        throw error;
      }
      const directory = flags.dir ?? config.outputDir ?? DEFAULT_OUTPUT_DIR;
      if (storeKind(flags, config) === 'postgres') {
        // A database store: the latest committed snapshot, and the alert state kept in the database.
        const store = openStore(flags, directory, config);
        try {
          const ref = await store.latest();
          if (!ref) throw new CliError(`no snapshot in ${store.description} yet: run \`orggraph ingest --store postgres\` first`);
          const snapshot = await store.read(ref);
          const summary = await runAlerts({
            directory: store,
            snapshotPath: ref.id,
            metadata: snapshot.metadata,
            index: GraphIndex.fromSnapshot(snapshot),
            rules,
            config: config.alerts,
            deliver: flags.deliver === true,
          });
          process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : formatAlerts(summary));
        } catch (error) {
          if ((error as Error).name === 'PostgresStoreError') throw new CliError((error as Error).message);
          throw error;
        } finally {
          await store.close();
        }
        return;
      }
      let latest: Awaited<ReturnType<SnapshotStore['latest']>>;
      try {
        latest = await new SnapshotStore(directory).latest();
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      if (!latest || !existsSync(latest.absolutePath))
        throw new CliError(`no snapshot in ${directory} yet: run \`orggraph ingest\` first, or pass --dir <directory>`);
      let snapshot: Awaited<ReturnType<typeof readSnapshot>>;
      try {
        snapshot = await readSnapshot(latest.absolutePath);
      } catch (error) {
        if (error instanceof SnapshotFormatError) throw new CliError(error.message);
        throw error;
      }
      const summary = await runAlerts({
        directory,
        snapshotPath: latest.absolutePath,
        metadata: snapshot.metadata,
        index: GraphIndex.fromSnapshot(snapshot),
        rules,
        config: config.alerts,
        deliver: flags.deliver === true,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : formatAlerts(summary));
    });
}
