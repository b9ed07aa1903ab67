import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { COLLECTION_LIMITS_SCHEMA, type CollectionLimits } from './collectors/limits';
import type { IngestionTags } from './collectors/types';
import { ALERTS_CONFIG_SCHEMA, type AlertsConfig } from './alerts/config';
import { closest, positionOf, readablePath, valueAt } from './util/yaml-position';

/** What an ingestion run reads and where it writes. Secrets are not part of it (see {@link IngestSecrets}). */
export interface IngestConfig {
  /** Audit role assumed in every account. */
  roleName: string;
  rolePath?: string;
  /** Organization mode: list the accounts from the management account. */
  organization?: {
    managementAccountId: string;
    skipTag?: { key: string; value: string };
  };
  /** Explicit accounts (without organization mode), or a filter on the organization's accounts. */
  accounts?: Array<{ id: string; name?: string }>;
  regions?: { include?: string[]; exclude?: string[] };
  services?: { include?: string[]; exclude?: string[] };
  /** Snapshot directory. */
  outputDir: string;
  tags?: IngestionTags;
  /** Collector runs in flight at once (per worker). */
  concurrency?: number;
  /** How long after the run's start throttled calls are still retried (default 60 minutes); then the error is recorded. */
  throttleRetryMinutes?: number;
  /**
   * Worker threads that collect accounts in parallel (the AWS SDK's CPU per call makes one thread
   * the limit of a large run). `auto` (default): one per CPU, but only from 8 accounts per worker.
   */
  workers?: number | 'auto';
  sessionName?: string;
  /** People file (YAML list of `{ name, email }`): `aws_iam_user IS Person`. */
  people?: string;
  /** Alert rules evaluated after every ingestion, and where their alerts are sent (docs/alerts.md). */
  alerts?: AlertsConfig;
  /**
   * A run narrowed by `services`, `accounts` (organization mode) or `regions` carries the rest of
   * the previous graph unchanged; `replace: true` writes only what the run read.
   */
  replace?: boolean;
  /** Snapshots kept in the output directory after a run (see `orggraph prune`); all when absent. */
  retention?: { keep: number };
  /** Limits on resources that grow without bound: ECR images per repository, ECS tasks per cluster, Batch jobs per queue (docs/containers.md). */
  collection?: Partial<CollectionLimits>;
  /**
   * Where the graph is kept: `files` (default: `outputDir`), or `postgres` with the connection
   * string in `ORGGRAPH_STORE_URL` or in the file `urlFile` (a secret: never in the configuration).
   */
  store?: { kind: 'files' | 'postgres'; urlFile?: string };
  /** Ingest only a stable share of the accounts (`--shard i/n`, 0-based), into a PostgreSQL store. */
  shard?: { index: number; count: number };
}

/** Secrets kept apart from the configuration so that it can be logged, stored and diffed. */
export interface IngestSecrets {
  externalId?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_ROLE_NAME = 'JupiterOne';
export const DEFAULT_OUTPUT_DIR = '.orggraph';
export const ACCOUNT_ID_SCHEMA = { type: 'string', pattern: '^\\d{12}$', description: 'a 12-digit AWS account id' } as const;
const ACCOUNT_ID = ACCOUNT_ID_SCHEMA;
/** `{ key, value }` of the tag that excludes an organization account. */
export const SKIP_TAG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'value'],
  properties: { key: { type: 'string', minLength: 1 }, value: { type: 'string' } },
} as const;
/** Explicit accounts, or a filter on the organization's. */
export const ACCOUNTS_SCHEMA = {
  type: 'array',
  items: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: ACCOUNT_ID_SCHEMA, name: { type: 'string' } } },
} as const;
export const REGION_SCHEMA = { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$', description: 'a region name such as us-east-1' } as const;
const REGION = REGION_SCHEMA;
const SERVICE = { type: 'string', pattern: '^[a-z0-9_-]+$', description: 'a service id such as ec2 or iam' } as const;
const selectionOf = <T extends object>(item: T) =>
  ({ type: 'object', additionalProperties: false, properties: { include: { type: 'array', items: item }, exclude: { type: 'array', items: item } } }) as const;

/**
 * The configuration file's schema. The Pulumi resource's inputs reuse its field schemas
 * (provider/implementation.ts), so a value means and is checked the same in both.
 */
export const ingestConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    roleName: { type: 'string', pattern: '^[\\w+=,.@-]{1,64}$', description: 'an IAM role name (1 to 64 letters, digits and +=,.@_-)' },
    rolePath: { type: 'string', pattern: '^/([\\x21-\\x7E]+/)?$', description: 'an IAM path such as / or /audit/' },
    organization: {
      type: 'object',
      additionalProperties: false,
      required: ['managementAccountId'],
      properties: {
        managementAccountId: ACCOUNT_ID,
        skipTag: SKIP_TAG_SCHEMA,
      },
    },
    accounts: ACCOUNTS_SCHEMA,
    regions: selectionOf(REGION),
    services: selectionOf(SERVICE),
    outputDir: { type: 'string', minLength: 1 },
    tags: {
      type: 'object',
      additionalProperties: false,
      properties: { accountName: { type: ['boolean', 'string'] }, production: { type: 'boolean' } },
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 1024 },
    throttleRetryMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
    workers: { oneOf: [{ type: 'integer', minimum: 1, maximum: 64 }, { const: 'auto' }], description: 'a number of threads from 1 to 64, or auto' },
    sessionName: { type: 'string', pattern: '^[\\w+=,.@-]{2,64}$', description: 'an STS session name (2 to 64 letters, digits and +=,.@_-)' },
    people: { type: 'string', minLength: 1 },
    alerts: ALERTS_CONFIG_SCHEMA,
    replace: { type: 'boolean' },
    retention: { type: 'object', additionalProperties: false, required: ['keep'], properties: { keep: { type: 'integer', minimum: 1 } } },
    collection: COLLECTION_LIMITS_SCHEMA,
    store: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { enum: ['files', 'postgres'] }, urlFile: { type: 'string', minLength: 1 } },
    },
    shard: {
      type: 'object',
      additionalProperties: false,
      required: ['index', 'count'],
      properties: { index: { type: 'integer', minimum: 0, maximum: 1023 }, count: { type: 'integer', minimum: 1, maximum: 1024 } },
    },
  },
} as const;

// verbose: errors carry their schema, for the names an unknown property could have meant.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateConfig = ajv.compile(ingestConfigSchema);

/** Where a configuration came from and how to name its fields, so each problem points at its line or flag. */
export interface ConfigSource {
  /** A file name, `command line`, or the resource whose inputs these are. */
  name: string;
  /** `line:column` of a field (a JSON pointer) in the source, when it is a file. */
  position?: (pointer: string) => string;
  /** How the user spells a field (a JSON pointer): its flag on the command line. */
  field?: (pointer: string) => string | undefined;
  /** Service names that `services` may list (default: not checked). */
  knownServices?: readonly string[];
}

/** One problem with an input: where it is (file and line, or flag) and what is wrong. */
export interface InputProblem {
  source: string;
  position?: string;
  /** The field, or undefined when the problem is with the whole file. */
  field?: string;
  message: string;
}

export function formatProblem(problem: InputProblem): string {
  return `${problem.source}${problem.position ? `:${problem.position}` : ''}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

/** Bad input, one line per problem: the run stops before its first AWS call (CLI exit code 2). */
export class InputError extends ConfigError {
  constructor(readonly problems: readonly InputProblem[]) {
    super(problems.length === 1 ? formatProblem(problems[0]) : `${problems.length} problems with the input:\n  ${problems.map(formatProblem).join('\n  ')}`);
    this.name = 'InputError';
  }
}

function describeSchemaError(error: ErrorObject, data: unknown): string {
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closest(name, known);
      return `unknown property${suggestion ? `; did you mean "${suggestion}"?` : ` (known: ${known.join(', ')})`}`;
    }
    case 'required':
      return `missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
    default: {
      const value = valueAt(data, error.instancePath);
      return `${error.message ?? 'is not valid'}${value === undefined || typeof value === 'object' ? '' : ` (it is ${JSON.stringify(value)})`}`;
    }
  }
}

/** Problems with the service names of a selection: unknown ones, each with the nearest known name. */
export function serviceNameProblems(
  services: { include?: string[]; exclude?: string[] } | undefined,
  known: readonly string[],
): Array<{ pointer: string; message: string }> {
  const problems: Array<{ pointer: string; message: string }> = [];
  for (const list of ['include', 'exclude'] as const) {
    (services?.[list] ?? []).forEach((service, index) => {
      if (known.includes(service)) return;
      const suggestion = closest(service, known);
      problems.push({
        pointer: `/services/${list}/${index}`,
        message: `unknown service "${service}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (known: ${known.join(', ')})`,
      });
    });
  }
  return problems;
}

/** Every problem of a configuration object, each naming its place (file and line, or flag) and field. */
export function configProblems(value: unknown, source: ConfigSource): InputProblem[] {
  const problem = (pointer: string, message: string): InputProblem => ({
    source: source.name,
    position: source.position?.(pointer) || undefined,
    field: source.field?.(pointer) ?? readablePath(pointer),
    message,
  });
  if (value && typeof value === 'object' && 'externalId' in value) {
    return [problem('/externalId', 'must not be stored in the configuration; pass it in ORGGRAPH_EXTERNAL_ID or --external-id-file')];
  }
  const problems: InputProblem[] = [];
  if (!validateConfig(value)) {
    for (const error of validateConfig.errors ?? []) {
      // A oneOf reports each branch's failure, then its own: the branches say it better.
      if (error.keyword === 'oneOf') continue;
      if (error.instancePath === '/workers') {
        const workers = valueAt(value, '/workers');
        problems.push(problem('/workers', `must be a whole number from 1 to 64, or "auto" (it is ${JSON.stringify(workers)})`));
        continue;
      }
      // An unknown property is pointed at by its own name (its line, not its parent's).
      const pointer =
        error.keyword === 'additionalProperties'
          ? `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}`
          : error.instancePath;
      problems.push(problem(pointer, describeSchemaError(error, value)));
    }
  }
  if (source.knownServices && value && typeof value === 'object') {
    const services = (value as Partial<IngestConfig>).services;
    if (services && typeof services === 'object') {
      const lists = { include: Array.isArray(services.include) ? services.include : [], exclude: Array.isArray(services.exclude) ? services.exclude : [] };
      for (const bad of serviceNameProblems(lists, source.knownServices)) problems.push(problem(bad.pointer, bad.message));
    }
  }
  // The same problem twice (a oneOf's branches on one value) is said once.
  return problems.filter((item, index) => problems.findIndex((other) => formatProblem(other) === formatProblem(item)) === index);
}

/** Validates a configuration object; the error names each bad property and the problem. */
export function checkConfig(value: unknown, source: string | ConfigSource): Partial<IngestConfig> {
  const problems = configProblems(value, typeof source === 'string' ? { name: source } : source);
  if (problems.length) throw new InputError(problems);
  return value as Partial<IngestConfig>;
}

export function loadConfigFile(file: string, knownServices?: readonly string[]): Partial<IngestConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the configuration (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length) {
    const position = document.errors[0].linePos?.[0];
    throw new ConfigError(`${file}${position ? `:${position.line}:${position.col}` : ''}: not valid YAML: ${document.errors[0].message.split('\n')[0]}`);
  }
  const data: unknown = document.toJS() ?? {};
  const config = checkConfig(data, { name: file, position: (pointer) => positionOf(document.contents, pointer, lineCounter), knownServices });
  // Paths in a configuration file are relative to the file.
  if (config.people) config.people = path.resolve(path.dirname(file), config.people);
  if (config.alerts?.rules) config.alerts.rules = config.alerts.rules.map((rules) => path.resolve(path.dirname(file), rules));
  if (config.store?.urlFile) config.store.urlFile = path.resolve(path.dirname(file), config.store.urlFile);
  return config;
}

/** The External ID: AWS accepts 2 to 1,224 characters of `[\w+=,.@:/-]`. */
export function checkExternalId(externalId: string): string {
  if (externalId.length < 2 || externalId.length > 1224) {
    throw new ConfigError(`External ID must be 2 to 1,224 characters long (it has ${externalId.length})`);
  }
  const bad = /[^\w+=,.@:/-]/.exec(externalId);
  if (bad) throw new ConfigError(`External ID contains a character AWS does not allow at position ${bad.index + 1} (allowed: letters, digits and +=,.@:/-_)`);
  return externalId;
}

export function completeConfig(partial: Partial<IngestConfig>): IngestConfig {
  const config: IngestConfig = { roleName: DEFAULT_ROLE_NAME, outputDir: DEFAULT_OUTPUT_DIR, ...partial };
  if (!config.organization && !config.accounts?.length) {
    throw new ConfigError('no accounts to ingest: set organization.managementAccountId (organization mode) or list accounts');
  }
  return config;
}
