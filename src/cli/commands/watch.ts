import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ConfigError, type IngestConfig } from '../../config';
import { CliError } from '../errors';

// Heavy modules are loaded when the command runs, not when the CLI starts.
const lazy = {
  config: () => require('../../config') as typeof import('../../config'),
  services: () => require('../../services') as typeof import('../../services'),
  watch: () => require('../../events/watch') as typeof import('../../events/watch'),
  apply: () => require('../../events/apply') as typeof import('../../events/apply'),
  queue: () => require('../../events/sqs-queue') as typeof import('../../events/sqs-queue'),
  lock: () => require('../../snapshot/lock') as typeof import('../../snapshot/lock'),
  sqs: () => require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs'),
  world: () => require('../../sim/load-world') as typeof import('../../sim/load-world'),
  simulatedWatch: () => require('../../events/simulated-watch') as typeof import('../../events/simulated-watch'),
  ingest: () => require('../../ingest') as typeof import('../../ingest'),
  trails: () => require('../../events/trail-check') as typeof import('../../events/trail-check'),
  store: () => require('../../snapshot/store') as typeof import('../../snapshot/store'),
};

interface WatchFlags {
  trailCheck: boolean;
  queue?: string;
  changes?: number;
  changesPerBatch: number;
  seed: number;
  config?: string;
  organization?: string;
  roleName?: string;
  externalIdFile?: string;
  out?: string;
  window: number;
  batches?: number;
  lockWait: number;
  logFormat: 'text' | 'json';
  simulate?: string | true;
}

const QUEUE_URL = /^https?:\/\/[^/]+\/\d{12}\/[\w-]{1,80}$/;

/** The region of an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`), if it says. */
export function queueRegion(url: string): string | undefined {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(url)?.[1];
}

function positive(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new CliError(`${name}: "${value}" is not a positive number`);
    return number;
  };
}

/** The configuration (file, then flags), checked before the queue is read. */
function watchConfig(flags: WatchFlags): Partial<IngestConfig> {
  const { loadConfigFile, completeConfig } = lazy.config();
  const known = lazy.services().serviceModules.map((module) => module.service);
  const config: Partial<IngestConfig> = flags.config ? loadConfigFile(flags.config, known) : {};
  if (flags.organization) config.organization = { ...config.organization, managementAccountId: flags.organization };
  if (flags.roleName) config.roleName = flags.roleName;
  if (flags.out) config.outputDir = flags.out;
  completeConfig(config);
  return config;
}

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description(
      'Follow the organization between full runs: read CloudTrail events from the event-streaming queue and refresh what they change (docs/event-streaming.md).',
    )
    .option('--queue <url>', 'SQS queue URL (the onboarding output eventQueueUrl); with --simulate and no queue, a simulated one')
    .option('-c, --config <file>', 'configuration file (YAML), as for ingest')
    .option('--organization <managementAccountId>', 'organization mode: the management account')
    .option('--role-name <name>', 'audit role to assume in every account (default JupiterOne)')
    .option('--external-id-file <file>', 'file holding the External ID (default: $ORGGRAPH_EXTERNAL_ID); never echoed')
    .option('-o, --out <dir>', 'snapshot directory (default .orggraph)')
    .addOption(new Option('--window <seconds>', 'how long a batch gathers events').default(10).argParser(positive('--window')))
    .addOption(new Option('--batches <n>', 'stop after this many batches (default: until interrupted)').argParser(positive('--batches')))
    .addOption(
      new Option('--lock-wait <seconds>', 'how long to wait for a full run that holds the snapshot directory').default(900).argParser(positive('--lock-wait')),
    )
    .addOption(new Option('--log-format <format>', 'stderr: text or json (one event per line)').choices(['text', 'json']).default('text'))
    .option(
      '--simulate [world]',
      'refresh from a simulated organization (a world file, or the built-in one) instead of AWS; without --queue, its changes (--changes) reach a simulated queue as CloudTrail events',
    )
    .addOption(
      new Option('--changes <n>', 'with --simulate and no --queue: changes to make to the simulated organization (default 100)').argParser(
        positive('--changes'),
      ),
    )
    .addOption(new Option('--changes-per-batch <n>', 'changes whose events each batch reads').default(10).argParser(positive('--changes-per-batch')))
    .option('--no-trail-check', 'do not check, at start, that a logging CloudTrail trail records every watched account and region')
    .addOption(new Option('--seed <n>', 'seed of the simulated changes').default(1).argParser(positive('--seed')))
    .action(async (flags: WatchFlags) => {
      if (flags.queue === undefined && !flags.simulate) throw new CliError('--queue: required (or --simulate, to watch a simulated organization change)');
      if (flags.queue !== undefined && flags.changes !== undefined) throw new CliError('--changes: only with --simulate and no --queue');
      if (flags.queue !== undefined && !QUEUE_URL.test(flags.queue))
        throw new CliError(`--queue: "${flags.queue}" is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)`);
      let config: Partial<IngestConfig>;
      // Loaded once: the simulated organization does not change under a running watch.
      let world: ReturnType<ReturnType<typeof lazy.world>['loadSimulatedWorld']> | undefined;
      try {
        world = flags.simulate ? lazy.world().loadSimulatedWorld(flags.simulate) : undefined;
        if (world) {
          flags.organization ??= world.organization.managementAccountId;
          flags.roleName ??= world.organization.roleName;
        }
        config = watchConfig(flags);
      } catch (error) {
        if (error instanceof ConfigError || ['InputError', 'WorldError'].includes((error as Error).name)) throw new CliError((error as Error).message);
        throw error;
      }
      let externalId: string | undefined;
      if (flags.externalIdFile) {
        try {
          externalId = readFileSync(flags.externalIdFile, 'utf8').trim();
        } catch (error) {
          throw new CliError(`--external-id-file ${flags.externalIdFile}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
        }
      } else externalId = process.env.ORGGRAPH_EXTERNAL_ID || undefined;
      const write = (event: Record<string, unknown>) => {
        if (flags.logFormat === 'json') process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
        else
          process.stderr.write(
            `${Object.entries(event)
              .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
              .join(' ')}\n`,
          );
      };
      if (flags.queue === undefined && world) {
        await watchSimulated(flags, config, world, write, () => reportTrails(flags, config, externalId, world, write));
        return;
      }
      const queueUrl = flags.queue!;
      const { SQSClient } = lazy.sqs();
      const client = new SQSClient({ region: queueRegion(queueUrl) ?? process.env.AWS_REGION ?? 'us-east-1' });
      const queue = new (lazy.queue().SqsEventQueue)(client, queueUrl);
      const collectors = lazy.services().allCollectors();
      const outputDir = config.outputDir ?? '.orggraph';
      let stopping = false;
      const stop = () => (stopping = true);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      write({ event: 'watch-start', queue: queueUrl, outputDir, window: flags.window });
      await reportTrails(flags, config, externalId, world, write);
      try {
        for (let batch = 0; !stopping && (flags.batches === undefined || batch < flags.batches); batch++) {
          await lazy.watch().watchBatch({
            queue,
            collectors,
            windowMs: flags.window * 1000,
            log: (event) => write({ ...event }),
            refresh: async (scope) => {
              // The resources the events name, read alone where their collectors can; else a narrowed run.
              const { result, mode, fallback } = await lazy
                .lock()
                .withStoreLock(outputDir, () => lazy.apply().applyRefresh({ config, secrets: { externalId }, simulate: world }, scope), {
                  waitMs: flags.lockWait * 1000,
                });
              const { summary } = result;
              write({
                event: 'snapshot-written',
                refresh: mode,
                ...(fallback ? { fallback } : {}),
                apiCalls: summary.apiCalls,
                path: summary.snapshot.path,
                graphSha256: summary.snapshot.sha256,
                changes: summary.changes,
                errors: summary.errors.length,
              });
            },
          });
        }
      } finally {
        client.destroy();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

/**
 * `watch --simulate` without a queue: the simulated organization changes, its CloudTrail events
 * reach a simulated queue (out of order, a few twice), and each batch refreshes the snapshot
 * directory; a first full run is made when it holds no snapshot.
 */
async function watchSimulated(
  flags: WatchFlags,
  config: Partial<IngestConfig>,
  world: import('../../sim/types').World,
  write: (event: Record<string, unknown>) => void,
  checkTrails: () => Promise<void>,
): Promise<void> {
  const outputDir = config.outputDir ?? '.orggraph';
  if (!(await new (lazy.store().SnapshotStore)(outputDir).latest())) {
    const first = await lazy.lock().withStoreLock(outputDir, () => lazy.ingest().ingest({ config, simulate: world }), { waitMs: flags.lockWait * 1000 });
    write({ event: 'snapshot-written', refresh: 'full', path: first.summary.snapshot.path, graphSha256: first.summary.snapshot.sha256 });
  }
  write({ event: 'watch-start', queue: 'simulated', outputDir, changes: flags.changes ?? 100 });
  await checkTrails();
  const result = await lazy.simulatedWatch().runSimulatedWatch({
    world,
    config,
    mutations: flags.changes ?? 100,
    perBatch: flags.changesPerBatch,
    seed: flags.seed,
    duplicates: 0.05,
    delayed: 0.05,
    log: (event) => write({ ...event }),
  });
  write({
    event: 'watch-end',
    changes: result.changes,
    events: result.events,
    batches: result.batches,
    refreshes: result.refreshes,
    apiCalls: result.apiCalls,
    graphSha256: result.graphSha256,
  });
}

/**
 * Says which watched accounts and regions send no events: no trail, a trail not logging, or one
 * that records no management write events (docs/event-streaming.md). A failed check is said, not fatal.
 */
async function reportTrails(
  flags: WatchFlags,
  config: Partial<IngestConfig>,
  externalId: string | undefined,
  world: import('../../sim/types').World | undefined,
  write: (event: Record<string, unknown>) => void,
): Promise<void> {
  if (!flags.trailCheck) return;
  try {
    const checks = await lazy.trails().checkWatchedTrails({ config, secrets: { externalId }, simulate: world });
    if (!checks) {
      write({ event: 'trail-check', skipped: 'no snapshot yet: the accounts and regions to check are not known' });
      return;
    }
    const uncovered = checks.filter((check) => check.coverage !== 'covered');
    for (const check of uncovered) write({ event: 'trail-missing', ...check });
    write({ event: 'trail-check', checked: checks.length, covered: checks.length - uncovered.length, uncovered: uncovered.length });
  } catch (error) {
    write({ event: 'trail-check', failed: (error as Error).message });
  }
}
