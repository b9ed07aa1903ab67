import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ConfigError, type IngestConfig } from '../../config';
import { CliError } from '../errors';

// Heavy modules are loaded when the command runs, not when the CLI starts.
const lazy = {
  config: () => require('../../config') as typeof import('../../config'),
  ingest: () => require('../../ingest') as typeof import('../../ingest'),
  services: () => require('../../services') as typeof import('../../services'),
  watch: () => require('../../events/watch') as typeof import('../../events/watch'),
  refresh: () => require('../../events/refresh') as typeof import('../../events/refresh'),
  queue: () => require('../../events/sqs-queue') as typeof import('../../events/sqs-queue'),
  lock: () => require('../../snapshot/lock') as typeof import('../../snapshot/lock'),
  sqs: () => require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs'),
  world: () => require('../../sim/load-world') as typeof import('../../sim/load-world'),
};

interface WatchFlags {
  queue: string;
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
    .requiredOption('--queue <url>', 'SQS queue URL (the onboarding output eventQueueUrl)')
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
    .option('--simulate [world]', 'refresh from a simulated organization (a world file, or the built-in one) instead of AWS; the queue is still read')
    .action(async (flags: WatchFlags) => {
      if (!QUEUE_URL.test(flags.queue))
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
      const { SQSClient } = lazy.sqs();
      const client = new SQSClient({ region: queueRegion(flags.queue) ?? process.env.AWS_REGION ?? 'us-east-1' });
      const queue = new (lazy.queue().SqsEventQueue)(client, flags.queue);
      const collectors = lazy.services().allCollectors();
      const outputDir = config.outputDir ?? '.orggraph';
      let stopping = false;
      const stop = () => (stopping = true);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      write({ event: 'watch-start', queue: flags.queue, outputDir, window: flags.window });
      try {
        for (let batch = 0; !stopping && (flags.batches === undefined || batch < flags.batches); batch++) {
          await lazy.watch().watchBatch({
            queue,
            collectors,
            windowMs: flags.window * 1000,
            log: (event) => write({ ...event }),
            refresh: async (scope) => {
              const narrowed = lazy.refresh().narrowedConfig(config, scope);
              const result = await lazy
                .lock()
                .withStoreLock(outputDir, () => lazy.ingest().ingest({ config: narrowed, secrets: { externalId }, simulate: world }), {
                  waitMs: flags.lockWait * 1000,
                });
              const { summary } = result;
              write({
                event: 'snapshot-written',
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
