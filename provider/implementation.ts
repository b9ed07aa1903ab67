/**
 * What the GraphSnapshot dynamic provider does. This module is never serialized: the provider text
 * (see ./provider.ts) loads it at run time, in the provider host process, from the program directory.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import type { dynamic } from '@pulumi/pulumi';
import { loadSimulatedWorld } from '../src/sim/load-world';
import type { Logger } from '../src/collectors/types';
import {
  ACCOUNT_ID_SCHEMA,
  checkConfig,
  checkExternalId,
  ConfigError,
  DEFAULT_OUTPUT_DIR,
  ingestConfigSchema,
  REGION_SCHEMA,
  SKIP_TAG_SCHEMA,
  type IngestConfig,
} from '../src/config';
import { ingest, IngestError, type IngestProgress, type IngestSummary } from '../src/ingest';
import { ALERT_STATE_FILE, alertsAfterIngest, loadAlertRules, RuleError, type AlertRule, type AlertsOutcome } from '../src/alerts';
import { serviceModules } from '../src/services';
import { WorldError } from '../src/sim/world';
import type { World } from '../src/sim/types';
import { SnapshotStore } from '../src/snapshot/store';
import { committedGraph, graphInMemory } from '../src/store/committed';
import type { GraphStorage } from '../src/store/types';
import { runCompliance } from '../src/compliance';
import { askSavedQuestions, DefinitionFileError, GraphIndex, loadSavedQuestions, SAVED_QUESTIONS_SCHEMA, SavedQuestionsError } from '../src/query';
import { createS3Client, isS3Uri, parseS3Uri, RemoteStoreError, S3SnapshotStore } from '../src/snapshot/remote';
import { writeSnapshotReport } from './report-hook';
import { connectEngineLog, type EngineLog } from './engine-log';
import { ProgressTally, systemTicker, type Ticker } from '../src/cli/progress';
import {
  CHANGED_KEYS_IN_OUTPUTS,
  MAX_ERRORS_IN_OUTPUTS,
  MAX_KEY_IN_OUTPUTS,
  NEW_ALERTS_IN_OUTPUTS,
  type AccountRef,
  type ComplianceOutput,
  type AlertsOutput,
  type GraphSnapshotInputs,
  type GraphSnapshotOutputs,
  type QuestionsOutput,
  type RunErrorOutput,
} from './types';

// The SDK warns about Node 20 on every client, in the provider's output; the CLI silences it the same way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** How the engine marks a value that is not known yet (during `preview`, before a dependency exists). */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const PROVIDER_KEY = '__provider';
const MAX_MESSAGE = 500;

// ---------------------------------------------------------------------------------------------
// check

const fields = ingestConfigSchema.properties;

/**
 * The resource's inputs. Those that are configuration keys reuse the configuration file's field
 * schemas (src/config.ts), so the CLI and the resource accept and reject the same values; the
 * others are the resource's own (where snapshots go, simulation, deletion, report).
 */
export const inputSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    roleName: fields.roleName,
    rolePath: fields.rolePath,
    // Checked by checkExternalId, whose messages never echo the value.
    externalId: { type: 'string' },
    managementAccountId: ACCOUNT_ID_SCHEMA,
    skipTag: SKIP_TAG_SCHEMA,
    accounts: fields.accounts,
    regions: fields.regions,
    services: fields.services,
    destination: { type: 'string', minLength: 1 },
    // A connection string: checked by hand below, so that no message echoes it.
    storeUrl: { type: 'string' },
    shard: fields.shard,
    snapshotEncryption: {
      type: 'object',
      additionalProperties: false,
      required: ['algorithm'],
      properties: { algorithm: { enum: ['AES256', 'aws:kms'] }, kmsKeyId: { type: 'string', minLength: 1 } },
    },
    snapshotRegion: REGION_SCHEMA,
    tags: fields.tags,
    concurrency: fields.concurrency,
    throttleRetryMinutes: fields.throttleRetryMinutes,
    workers: fields.workers,
    sessionName: fields.sessionName,
    retention: fields.retention,
    simulate: { type: ['boolean', 'string'] },
    removeSnapshotsOnDelete: { type: 'boolean' },
    report: { type: 'boolean' },
    alertRules: fields.alerts,
    questions: SAVED_QUESTIONS_SCHEMA,
  },
} as const;

/** Inputs that are configuration keys under another name. */
export const INPUT_CONFIG_KEYS: Readonly<Record<string, keyof typeof fields>> = { alertRules: 'alerts' };

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateSchema = ajv.compile(inputSchema);

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Removes values the engine does not know yet, so that only known values are validated. */
function withoutUnknowns(value: unknown): unknown {
  if (value === UNKNOWN) return undefined;
  if (Array.isArray(value)) return value.filter((item) => item !== UNKNOWN).map(withoutUnknowns);
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== UNKNOWN) copy[key] = withoutUnknowns(item);
    return copy;
  }
  return value;
}

function pathText(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

function schemaFailure(error: ErrorObject): CheckFailure {
  const where = pathText(error.instancePath);
  const property = where.split(/[.[]/)[0];
  const known = Object.keys(inputSchema.properties).join(', ');
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return where ? { property, reason: `${where}: unknown property "${extra}"` } : { property: extra, reason: `unknown input "${extra}" (inputs: ${known})` };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { property, reason: `${where}: "${missing}" is required` };
    }
    case 'pattern': {
      const description = (error.parentSchema as { description?: string } | undefined)?.description ?? `match ${String(error.schema)}`;
      return { property, reason: `${where}: ${JSON.stringify(error.data)} is not ${description}` };
    }
    case 'oneOf': {
      const description = (error.parentSchema as { description?: string } | undefined)?.description ?? 'one of the allowed forms';
      return { property, reason: `${where}: ${JSON.stringify(error.data)} is not ${description}` };
    }
    case 'enum':
      return {
        property,
        reason: `${where}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'type':
      return { property, reason: `${where}: must be ${String((error.params as { type: string | string[] }).type).replace(',', ' or ')}` };
    default:
      return { property, reason: `${where}: ${error.message ?? error.keyword}` };
  }
}

/** Accounts may be given as ids or `{ id, name }`; validation and the engine see the object form. */
function normalizeAccounts(accounts: unknown): unknown {
  return Array.isArray(accounts) ? accounts.map((account) => (typeof account === 'string' ? { id: account } : account)) : accounts;
}

/** Every problem of a set of inputs, as check failures (property name and a message naming the fix). */
export function validateInputs(raw: Record<string, unknown>, cwd = process.cwd()): CheckFailure[] {
  const unknownTop = new Set(
    Object.entries(raw)
      .filter(([, value]) => value === UNKNOWN)
      .map(([key]) => key),
  );
  const inputs = withoutUnknowns(raw) as Record<string, unknown>;
  delete inputs[PROVIDER_KEY];
  for (const [key, value] of Object.entries(inputs)) if (value === undefined || value === null) delete inputs[key];
  if ('accounts' in inputs) inputs.accounts = normalizeAccounts(inputs.accounts);

  const failures: CheckFailure[] = [];
  if (!validateSchema(inputs)) {
    const errors = validateSchema.errors ?? [];
    // A value that matches no branch of a oneOf is one problem, not one per branch.
    const oneOfPaths = new Set(errors.filter((error) => error.keyword === 'oneOf').map((error) => error.instancePath));
    failures.push(...errors.filter((error) => error.keyword === 'oneOf' || !oneOfPaths.has(error.instancePath)).map(schemaFailure));
  }
  const failed = new Set(failures.map((f) => f.property));
  const typed = inputs as GraphSnapshotInputs;

  if (typeof typed.externalId === 'string') {
    try {
      checkExternalId(typed.externalId);
    } catch (error) {
      failures.push({ property: 'externalId', reason: `externalId: ${(error as Error).message}` });
    }
  }
  const simulate = typed.simulate !== undefined && typed.simulate !== false;
  const hasAccounts = Boolean(typed.managementAccountId) || Boolean(typed.accounts?.length);
  if (!simulate && !hasAccounts && !['simulate', 'managementAccountId', 'accounts'].some((key) => unknownTop.has(key))) {
    failures.push({
      property: 'managementAccountId',
      reason: 'no accounts to ingest: set managementAccountId (organization mode) or accounts, or simulate: true for the built-in simulated organization',
    });
  }
  if (!failed.has('services')) {
    const services = serviceModules.map((module) => module.service);
    for (const list of ['include', 'exclude'] as const) {
      (typed.services?.[list] ?? []).forEach((service, index) => {
        if (!services.includes(service)) {
          failures.push({ property: 'services', reason: `services.${list}[${index}]: unknown service "${service}" (known: ${services.join(', ')})` });
        }
      });
    }
  }
  if (!unknownTop.has('destination') && !failed.has('destination')) {
    const destination = typed.destination ?? DEFAULT_OUTPUT_DIR;
    if (isS3Uri(destination)) {
      try {
        parseS3Uri(destination);
      } catch (error) {
        failures.push({ property: 'destination', reason: `destination: ${(error as Error).message}` });
      }
      if (typed.retention !== undefined) {
        // The staging directory holds one snapshot; the bucket's history is the bucket's to expire.
        failures.push({
          property: 'retention',
          reason: `retention: applies to local destinations only (for ${destination}, expire old snapshots with an S3 lifecycle rule)`,
        });
      }
    } else {
      for (const key of ['snapshotEncryption', 'snapshotRegion'] as const) {
        if (typed[key] !== undefined)
          failures.push({ property: key, reason: `${key}: applies to s3:// destinations only (destination is the local directory ${destination})` });
      }
    }
  }
  if (typeof typed.storeUrl === 'string') {
    if (!/^postgres(ql)?:\/\/./.test(typed.storeUrl))
      failures.push({ property: 'storeUrl', reason: 'storeUrl: expected a PostgreSQL connection string (postgres://…)' });
    if (typed.destination !== undefined)
      failures.push({ property: 'destination', reason: 'destination: not with storeUrl (the graph goes to the PostgreSQL store)' });
    if (typed.report === true)
      failures.push({ property: 'report', reason: 'report: applies to snapshot files only (with storeUrl, run `orggraph report --store postgres`)' });
    if (typed.retention !== undefined)
      failures.push({ property: 'retention', reason: 'retention: applies to snapshot files only (with storeUrl, use `orggraph prune --store postgres`)' });
  }
  if (typed.shard !== undefined && typeof typed.storeUrl !== 'string' && !unknownTop.has('storeUrl')) {
    failures.push({ property: 'shard', reason: 'shard: sharded runs write to one shared graph: they need a PostgreSQL store (the storeUrl input)' });
  }
  if (typed.shard && typed.shard.index >= typed.shard.count) {
    failures.push({ property: 'shard', reason: `shard: index ${typed.shard.index} is not below count ${typed.shard.count}` });
  }
  if (typed.snapshotEncryption?.algorithm === 'AES256' && typed.snapshotEncryption.kmsKeyId) {
    failures.push({ property: 'snapshotEncryption', reason: 'snapshotEncryption.kmsKeyId: only with algorithm "aws:kms"' });
  }
  if (typed.questions && !failed.has('questions')) {
    try {
      loadSavedQuestions(typed.questions, cwd);
    } catch (error) {
      if (!(error instanceof SavedQuestionsError || error instanceof DefinitionFileError)) throw error;
      failures.push({ property: 'questions', reason: `questions: ${error.message}` });
    }
  }
  if (typeof typed.simulate === 'string' && !failed.has('simulate')) {
    try {
      loadWorld(typed.simulate, cwd);
    } catch (error) {
      const hint = typed.simulate === 'true' ? ' (use the boolean true for the built-in simulated organization)' : '';
      failures.push({ property: 'simulate', reason: `simulate: ${(error as Error).message}${hint}` });
    }
  }
  return failures;
}

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult> {
  return { inputs: news, failures: validateInputs(news) };
}

// ---------------------------------------------------------------------------------------------
// create / update

function loadWorld(simulate: true | string, cwd = process.cwd()): World {
  return loadSimulatedWorld(simulate === true ? true : path.resolve(cwd, simulate));
}

export function ingestConfig(inputs: GraphSnapshotInputs, outputDir: string): Partial<IngestConfig> {
  const config: Partial<IngestConfig> = {
    roleName: inputs.roleName,
    rolePath: inputs.rolePath,
    organization: inputs.managementAccountId ? { managementAccountId: inputs.managementAccountId, skipTag: inputs.skipTag } : undefined,
    accounts: normalizeAccounts(inputs.accounts) as AccountRef[] | undefined,
    regions: inputs.regions,
    services: inputs.services,
    outputDir,
    tags: inputs.tags,
    concurrency: inputs.concurrency,
    throttleRetryMinutes: inputs.throttleRetryMinutes,
    workers: inputs.workers,
    sessionName: inputs.sessionName,
    retention: inputs.retention,
    shard: inputs.shard,
    alerts: inputs.alertRules && {
      ...inputs.alertRules,
      ...(inputs.alertRules.rules ? { rules: inputs.alertRules.rules.map((file) => path.resolve(file)) } : {}),
    },
  };
  // The engine's own validation too: a value it rejects is never passed on.
  return checkConfig(JSON.parse(JSON.stringify(config)) as unknown, 'GraphSnapshot inputs');
}

const providerLogger: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (message) => process.stderr.write(`aws-org-graph: warning: ${message}\n`),
};

/** How often `pulumi up` hears where a long run is, besides each change of phase. */
export const ENGINE_PROGRESS_INTERVAL_MS = 10_000;

/**
 * The run's logger and progress: warnings to stderr and, in Pulumi's host, to the engine's log
 * (which `pulumi up` shows), with a progress line at each phase and every ten seconds.
 */
function runReporting(engine: EngineLog | undefined, ticker: Ticker = systemTicker) {
  const tally = new ProgressTally();
  let phase: IngestProgress['phase'] | undefined;
  const say = (text: string) => engine?.info(`aws-org-graph: ${text}`);
  const stopTicking = engine ? ticker.every(ENGINE_PROGRESS_INTERVAL_MS, () => say(tally.line())) : () => undefined;
  const logger: Logger = {
    info: () => undefined,
    debug: () => undefined,
    warn: (message) => {
      providerLogger.warn(message);
      engine?.warn(`aws-org-graph: ${message}`);
    },
  };
  return {
    logger,
    say,
    onProgress(progress: IngestProgress) {
      tally.update(progress);
      if (progress.phase !== phase) {
        phase = progress.phase;
        say(tally.line());
      }
    },
    async stop() {
      stopTicking();
      await engine?.flush();
      engine?.close();
    },
  };
}

function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}

export function toOutputs(
  summary: IngestSummary,
  inputs: GraphSnapshotInputs,
  extra: {
    destination: string;
    uri: string;
    mode: 'aws' | 'simulated';
    durationMs: number;
    compliance?: ComplianceOutput[];
    alerts?: AlertsOutcome;
    questions?: QuestionsOutput;
  },
): GraphSnapshotOutputs {
  const errors: RunErrorOutput[] = summary.errors.slice(0, MAX_ERRORS_IN_OUTPUTS).map((e) => ({
    account: e.account,
    region: e.region,
    service: e.service,
    ...(e.operation ? { operation: e.operation } : {}),
    code: e.code,
    message: clip(e.message),
  }));
  const outputs: GraphSnapshotOutputs = {
    destination: extra.destination,
    ...(inputs.snapshotRegion ? { snapshotRegion: inputs.snapshotRegion } : {}),
    removeSnapshotsOnDelete: inputs.removeSnapshotsOnDelete === true,
    mode: extra.mode,
    entityCounts: summary.counts.entities,
    relationshipCounts: summary.counts.relationships,
    totals: summary.totals,
    accountsIngested: summary.accounts.map((a) => ({ accountId: a.accountId, ...(a.name ? { name: a.name } : {}) })),
    accountsSkipped: summary.skippedAccounts.map((a) => ({ accountId: a.accountId, ...(a.name ? { name: a.name } : {}), reason: a.reason })),
    regions: summary.regions,
    errorCount: summary.errors.length,
    errors,
    typesNotRefreshed: [...new Set(summary.notRefreshed.flatMap((scope) => scope.types))].sort(),
    notRefreshedScopes: summary.notRefreshed.length,
    snapshot: { uri: extra.uri, sha256: summary.snapshot.sha256 },
    changes: {
      ...summary.changes,
      relationships: summary.relationshipChanges,
      keys: {
        created: (summary.changedKeys?.entities.created ?? []).slice(0, CHANGED_KEYS_IN_OUTPUTS).map(shortKey),
        updated: (summary.changedKeys?.entities.updated ?? []).slice(0, CHANGED_KEYS_IN_OUTPUTS).map(shortKey),
        deleted: (summary.changedKeys?.entities.deleted ?? []).slice(0, CHANGED_KEYS_IN_OUTPUTS).map(shortKey),
      },
    },
    ...(extra.alerts ? { alerts: alertsOutput(extra.alerts) } : {}),
    startedAt: summary.startedAt,
    durationMs: extra.durationMs,
    apiCalls: summary.apiCalls,
    throttledCalls: summary.throttledCalls,
    ...(extra.compliance ? { compliance: extra.compliance } : {}),
    ...(extra.questions ? { questions: { ...extra.questions, answers: extra.questions.answers.map((a) => ({ ...a, title: clip(a.title) })) } } : {}),
  };
  // Plain JSON (no undefined) so that it converts to a protobuf Struct as is.
  return JSON.parse(JSON.stringify(outputs)) as GraphSnapshotOutputs;
}

/** The `compliance` output: CIS (src/compliance) on the new snapshot; a failure to evaluate is a warning, not a failed update. */
function complianceOutputs(result: Parameters<typeof runCompliance>[0], logger: Logger): ComplianceOutput[] {
  const compliance = runCompliance(result);
  if (!Array.isArray(compliance)) {
    logger.warn(`compliance not evaluated: ${compliance.error}`);
    return [];
  }
  return compliance.map(({ framework, score, coverage, pass, fail, notEvaluated, failing }) => ({
    framework,
    score,
    coverage,
    pass,
    fail,
    notEvaluated,
    failing,
  }));
}

const shortKey = (key: string) => (key.length > MAX_KEY_IN_OUTPUTS ? `${key.slice(0, MAX_KEY_IN_OUTPUTS - 1)}…` : key);

/** The `alerts` output: counts and the first new alerts (the state file beside the snapshots has all). */
function alertsOutput(outcome: AlertsOutcome): AlertsOutput {
  if ('error' in outcome) {
    return { rules: 0, counts: { NEW: 0, ONGOING: 0, RESOLVED: 0 }, newByLevel: {}, openByLevel: {}, new: [], ruleErrors: 0, error: clip(outcome.error) };
  }
  return {
    rules: outcome.rules,
    counts: outcome.counts,
    newByLevel: outcome.newByLevel,
    openByLevel: outcome.openByLevel,
    new: outcome.new.slice(0, NEW_ALERTS_IN_OUTPUTS).map((alert) => ({ ...alert, key: shortKey(alert.key) })),
    ruleErrors: outcome.errors.length,
    ...(outcome.delivery ? { delivery: { messages: outcome.delivery.messages, delivered: outcome.delivery.delivered, failed: outcome.delivery.failed } } : {}),
  };
}

/** One ingestion: the engine against AWS or the simulated organization, into the destination. */
export interface RunOptions {
  /** Where `pulumi up` messages go (default: the engine, when running in Pulumi's host; `null`: nowhere). */
  engineLog?: EngineLog | null;
  ticker?: Ticker;
}

export async function run(raw: GraphSnapshotInputs, options: RunOptions = {}): Promise<GraphSnapshotOutputs> {
  const started = performance.now();
  const failures = validateInputs(raw as Record<string, unknown>);
  if (failures.length) throw new Error(`aws-org-graph: invalid GraphSnapshot inputs: ${failures.map((f) => f.reason).join('; ')}`);
  const reporting = runReporting(options.engineLog === undefined ? connectEngineLog() : (options.engineLog ?? undefined), options.ticker);
  const inputs = { ...raw };
  delete (inputs as Record<string, unknown>)[PROVIDER_KEY];
  const destination = inputs.destination ?? DEFAULT_OUTPUT_DIR;
  let staging: string | undefined;
  let client: ReturnType<typeof createS3Client> | undefined;
  let store: GraphStorage | undefined;
  try {
    const world = inputs.simulate === undefined || inputs.simulate === false ? undefined : loadWorld(inputs.simulate);
    const config = ingestConfig(inputs, destination);
    // Rules are read and checked before any AWS call.
    const alertRules: AlertRule[] = config.alerts?.enabled === false ? [] : loadAlertRules(config.alerts);
    const questions = inputs.questions ? loadSavedQuestions(inputs.questions) : undefined;
    let remote: S3SnapshotStore | undefined;
    let outputDir = destination;
    if (inputs.storeUrl) {
      // Loaded only when used: a stack writing snapshot files never loads the PostgreSQL client.
      const { PostgresStorage } = require('../src/store/postgres/store') as typeof import('../src/store/postgres/store');
      store = new PostgresStorage(inputs.storeUrl);
    } else if (isS3Uri(destination)) {
      client = createS3Client({ region: inputs.snapshotRegion });
      remote = new S3SnapshotStore(parseS3Uri(destination), client, inputs.snapshotEncryption);
      staging = await fs.mkdtemp(path.join(tmpdir(), 'orggraph-s3-'));
      await remote.pull(staging);
      // The alert state travels with the snapshots (NEW, ONGOING, RESOLVED across runs).
      await remote.pullSidecar(staging, ALERT_STATE_FILE);
      outputDir = staging;
    }
    const sharded = (inputs.shard?.count ?? 1) > 1;
    let result = await ingest({
      config: ingestConfig(inputs, outputDir),
      secrets: inputs.externalId ? { externalId: inputs.externalId } : undefined,
      simulate: world,
      logger: reporting.logger,
      onProgress: reporting.onProgress,
      store,
      // On disk while the run builds it, read back for compliance, alerts and questions (as the CLI).
      spill: !sharded,
    });
    if (!sharded) result = await graphInMemory(result, store);
    // A shard saw only its accounts: the shard that commits the snapshot answers for the whole
    // committed graph, read back from the store; the others leave compliance, alerts and questions out.
    const committed = result.summary.snapshot.sha256 !== '';
    if (store && committed && sharded) result = { ...result, ...(await committedGraph(store)) };
    // After the snapshot is written (and before it is pushed, so that the state goes with it).
    const alerts = committed ? await alertsAfterIngest(result, alertRules, config.alerts, undefined, store) : undefined;
    let uri: string;
    if (store) {
      uri = result.summary.snapshot.path;
      if (!committed) reporting.say(`shard ${inputs.shard?.index}/${inputs.shard?.count} written; the snapshot is committed when every shard has finished`);
    } else if (remote && staging) {
      const pointer = await new SnapshotStore(staging).latest();
      if (!pointer) throw new Error(`the snapshot pointer was not written in ${staging}`);
      uri = (await remote.push(result.summary.snapshot.path, pointer)).uri;
      if (alerts && !('error' in alerts)) await remote.pushSidecar(staging, ALERT_STATE_FILE);
    } else {
      uri = path.join(destination, 'snapshots', path.basename(result.summary.snapshot.path));
    }
    // --- report option: the HTML report next to the snapshot (provider/report-hook.ts) ---
    if (inputs.report === true) await writeSnapshotReport(result.summary.snapshot.path, outputDir, reporting.logger, remote);
    const { totals, errors } = result.summary;
    reporting.say(`snapshot ${uri}: ${totals.entities} entities, ${totals.relationships} relationships, ${errors.length} errors`);
    return toOutputs(result.summary, inputs, {
      // Where the store is stays in the secret input: the output only says which kind.
      destination: store ? 'postgres' : destination,
      uri,
      mode: world ? 'simulated' : 'aws',
      durationMs: Math.round(performance.now() - started),
      compliance: committed ? complianceOutputs(result, reporting.logger) : undefined,
      alerts,
      questions: (committed || undefined) && questions && askSavedQuestions(GraphIndex.ofGraph(result.graph), questions, inputs.questions?.params),
    });
  } catch (error) {
    if (error instanceof IngestError) throw new Error(`aws-org-graph: ingestion failed, no snapshot written: ${error.message}`);
    if (
      error instanceof ConfigError ||
      error instanceof WorldError ||
      error instanceof RemoteStoreError ||
      error instanceof RuleError ||
      error instanceof SavedQuestionsError ||
      error instanceof DefinitionFileError
    ) {
      throw new Error(`aws-org-graph: ${error.message}`);
    }
    if ((error as Error).name === 'PostgresStoreError') throw new Error(`aws-org-graph: ${(error as Error).message}`);
    throw error;
  } finally {
    await store?.close();
    client?.destroy();
    if (staging) await fs.rm(staging, { recursive: true, force: true });
    await reporting.stop();
  }
}

export async function create(inputs: GraphSnapshotInputs): Promise<dynamic.CreateResult<GraphSnapshotOutputs>> {
  return { id: `graph-snapshot-${randomUUID()}`, outs: await run(inputs) };
}

export async function update(_id: string, _olds: GraphSnapshotOutputs, news: GraphSnapshotInputs): Promise<dynamic.UpdateResult<GraphSnapshotOutputs>> {
  return { outs: await run(news) };
}

// ---------------------------------------------------------------------------------------------
// read / delete

export async function read(id: string, props?: GraphSnapshotOutputs): Promise<dynamic.ReadResult<GraphSnapshotOutputs>> {
  return { id, props };
}

/** Names SnapshotStore gives snapshots: `<endedAt without separators>-<sha prefix>.json` (and their reports, `.html`). */
const SNAPSHOT_NAME = /^\d{8}T\d{6,}Z(-[0-9a-f]{12,64})?\.(json|html)$/;

/** Removes the snapshots and the pointer of a local store; anything else in the directory stays. */
export async function removeLocalStore(directory: string): Promise<number> {
  const snapshots = path.join(directory, 'snapshots');
  const names = await fs.readdir(snapshots).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names.filter((n) => SNAPSHOT_NAME.test(n))) {
    await fs.rm(path.join(snapshots, name), { force: true });
    removed++;
  }
  await fs.rm(path.join(directory, 'latest.json'), { force: true });
  for (const empty of [snapshots, directory]) await fs.rmdir(empty).catch(() => undefined);
  return removed;
}

export async function remove(_id: string, props: Partial<GraphSnapshotOutputs>): Promise<void> {
  if (props.removeSnapshotsOnDelete !== true) return;
  const destination = props.destination ?? DEFAULT_OUTPUT_DIR;
  if (!isS3Uri(destination)) {
    await removeLocalStore(destination);
    return;
  }
  const client = createS3Client({ region: props.snapshotRegion });
  try {
    await new S3SnapshotStore(parseS3Uri(destination), client).remove();
  } finally {
    client.destroy();
  }
}
