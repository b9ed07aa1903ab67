import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import type { IngestionTags } from './collectors/types';
import { ALERTS_CONFIG_SCHEMA, type AlertsConfig } from './alerts/config';

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
const REGION_LIST = { type: 'array', items: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' } };
const SERVICE_LIST = { type: 'array', items: { type: 'string', pattern: '^[a-z0-9_-]+$' } };

export const ingestConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    roleName: { type: 'string', pattern: '^[\\w+=,.@-]{1,64}$' },
    rolePath: { type: 'string', pattern: '^/([\\x21-\\x7E]+/)?$' },
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
    regions: { type: 'object', additionalProperties: false, properties: { include: REGION_LIST, exclude: REGION_LIST } },
    services: { type: 'object', additionalProperties: false, properties: { include: SERVICE_LIST, exclude: SERVICE_LIST } },
    outputDir: { type: 'string', minLength: 1 },
    tags: {
      type: 'object',
      additionalProperties: false,
      properties: { accountName: { type: ['boolean', 'string'] }, production: { type: 'boolean' } },
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 1024 },
    workers: { oneOf: [{ type: 'integer', minimum: 1, maximum: 64 }, { const: 'auto' }] },
    sessionName: { type: 'string', pattern: '^[\\w+=,.@-]{2,64}$' },
    people: { type: 'string', minLength: 1 },
    alerts: ALERTS_CONFIG_SCHEMA,
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateConfig = ajv.compile(ingestConfigSchema);

/** Validates a configuration object; the error names each bad property and the problem. */
export function checkConfig(value: unknown, source: string): Partial<IngestConfig> {
  if (value && typeof value === 'object' && 'externalId' in value) {
    throw new ConfigError(
      `${source}: externalId must not be stored in the configuration; pass it in ORGGRAPH_EXTERNAL_ID or --external-id-file`,
    );
  }
  if (!validateConfig(value)) {
    const problems = (validateConfig.errors ?? []).map((error) => {
      const where = error.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(top level)';
      const detail =
        error.keyword === 'additionalProperties'
          ? `unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`
          : error.message;
      return `${where}: ${detail}`;
    });
    throw new ConfigError(`${source}: invalid configuration: ${problems.join('; ')}`);
  }
  return value as Partial<IngestConfig>;
}

export function loadConfigFile(file: string): Partial<IngestConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the configuration (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const config = checkConfig(data ?? {}, file);
  // Paths in a configuration file are relative to the file.
  if (config.people) config.people = path.resolve(path.dirname(file), config.people);
  if (config.alerts?.rules) config.alerts.rules = config.alerts.rules.map((rules) => path.resolve(path.dirname(file), rules));
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
