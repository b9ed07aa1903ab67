import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from '@aws-sdk/client-iam';
import { toEpochMs } from '../../graph';

/** The credential report's columns, in AWS's order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** The user name AWS gives the account's root user in the report. */
export const ROOT_ACCOUNT_USER = '<root_account>';

export interface CredentialReportKey {
  active?: boolean;
  lastRotated?: number;
  lastUsedDate?: number;
  lastUsedRegion?: string;
  lastUsedService?: string;
}

/** One row of the report; values AWS writes as `N/A`, `no_information` or `not_supported` are undefined. */
export interface CredentialReportRow {
  user: string;
  arn: string;
  root: boolean;
  userCreationTime?: number;
  passwordEnabled?: boolean;
  passwordLastUsed?: number;
  passwordLastChanged?: number;
  passwordNextRotation?: number;
  mfaActive?: boolean;
  /** access_key_1 and access_key_2. */
  accessKeys: [CredentialReportKey, CredentialReportKey];
  certificatesActive?: boolean;
}

const NO_VALUE = new Set(['', 'N/A', 'n/a', 'no_information', 'not_supported']);

function text(value: string | undefined): string | undefined {
  return value === undefined || NO_VALUE.has(value) ? undefined : value;
}

function flag(value: string | undefined): boolean | undefined {
  const v = text(value)?.toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

function date(value: string | undefined): number | undefined {
  return toEpochMs(text(value));
}

/** Splits CSV text into records (RFC 4180 quoting; AWS does not quote, but tolerate it). */
export function parseCsv(content: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < content.length; index++) {
    const char = content[index];
    if (quoted) {
      if (char === '"' && content[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && content[index + 1] === '\n') index++;
      record.push(field);
      if (record.some((f) => f !== '')) records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  record.push(field);
  if (record.some((f) => f !== '')) records.push(record);
  return records;
}

/** Parses the credential report (CSV text or the SDK's bytes), by column name. */
export function parseCredentialReport(content: string | Uint8Array): CredentialReportRow[] {
  const csv = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  const [header, ...records] = parseCsv(csv.replace(/^\uFEFF/, ''));
  if (!header) return [];
  const column = new Map(header.map((name, index) => [name.trim(), index]));
  if (!column.has('user') || !column.has('arn')) throw new Error('the credential report has no user and arn columns');
  return records.map((record) => {
    const get = (name: string) => {
      const index = column.get(name);
      return index === undefined ? undefined : record[index];
    };
    const key = (n: 1 | 2): CredentialReportKey => ({
      active: flag(get(`access_key_${n}_active`)),
      lastRotated: date(get(`access_key_${n}_last_rotated`)),
      lastUsedDate: date(get(`access_key_${n}_last_used_date`)),
      lastUsedRegion: text(get(`access_key_${n}_last_used_region`)),
      lastUsedService: text(get(`access_key_${n}_last_used_service`)),
    });
    const cert1 = flag(get('cert_1_active'));
    const cert2 = flag(get('cert_2_active'));
    const user = get('user') ?? '';
    return {
      user,
      arn: get('arn') ?? '',
      root: user === ROOT_ACCOUNT_USER,
      userCreationTime: date(get('user_creation_time')),
      passwordEnabled: flag(get('password_enabled')),
      passwordLastUsed: date(get('password_last_used')),
      passwordLastChanged: date(get('password_last_changed')),
      passwordNextRotation: date(get('password_next_rotation')),
      mfaActive: flag(get('mfa_active')),
      accessKeys: [key(1), key(2)],
      certificatesActive: cert1 === undefined && cert2 === undefined ? undefined : cert1 === true || cert2 === true,
    };
  });
}

/** Latest of some epoch-ms values, or undefined. */
export function latest(values: Array<number | undefined>): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? Math.max(...known) : undefined;
}

const NOT_READY = new Set([
  'CredentialReportNotReadyException',
  'CredentialReportNotPresentException',
  'CredentialReportExpiredException',
  'ReportInProgress',
  'ReportNotPresent',
  'ReportExpired',
]);

function isNotReady(error: unknown): boolean {
  return !!error && typeof error === 'object' && NOT_READY.has((error as { name?: string }).name ?? '');
}

export interface CredentialReportOptions {
  /** First wait between polls; doubles up to 5 s. */
  initialDelayMs?: number;
  /** Give up after this long. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock (epoch ms), for the report's age and the timeout. */
  now?: () => number;
}

export interface CredentialReport {
  rows: CredentialReportRow[];
  generatedTime?: Date;
}

/** AWS keeps a credential report this long; GenerateCredentialReport makes a new one after it. */
export const CREDENTIAL_REPORT_LIFETIME_MS = 4 * 60 * 60 * 1000;

async function readReport(client: IAMClient): Promise<CredentialReport> {
  const report = await client.send(new GetCredentialReportCommand({}));
  return { rows: report.Content ? parseCredentialReport(report.Content) : [], generatedTime: report.GeneratedTime };
}

/**
 * The account's credential report. The existing one is read first (GetCredentialReport): a role
 * allowed to read reports but not to generate them still gets one, and no report is generated while
 * a recent one exists. Only when there is none, or it is older than four hours, is one generated
 * (`GenerateCredentialReport`, called again until COMPLETE, as AWS documents) and read.
 */
export async function fetchCredentialReport(client: IAMClient, options: CredentialReportOptions = {}): Promise<CredentialReport> {
  const now = options.now ?? Date.now;
  try {
    const existing = await readReport(client);
    const age = existing.generatedTime ? now() - existing.generatedTime.getTime() : 0;
    if (age <= CREDENTIAL_REPORT_LIFETIME_MS) return existing;
  } catch (error) {
    if (!isNotReady(error)) throw error;
  }
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + (options.timeoutMs ?? 120_000);
  let delay = options.initialDelayMs ?? 100;
  for (;;) {
    const { State } = await client.send(new GenerateCredentialReportCommand({}));
    if (State === 'COMPLETE') {
      try {
        return await readReport(client);
      } catch (error) {
        if (!isNotReady(error)) throw error;
      }
    }
    if (now() + delay > deadline) {
      const error = new Error(`the IAM credential report was not ready after ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s`);
      error.name = 'CredentialReportTimeout';
      throw error;
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 5000);
  }
}
