import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { IngestSummary } from '../../src/ingest';
import type { Snapshot } from '../../src/snapshot';
import { WireServer, type WireScenario } from '../wire/server';

const REPO = path.join(__dirname, '..', '..');
const CLI = path.join(REPO, 'bin', 'orggraph.js');
const LOCALHOST_DNS = path.join(REPO, 'test', 'wire', 'localhost-dns.cjs');

/** The ingester's own keys, as they would be in its environment (they belong to a security tooling account). */
export const BASE_CREDENTIALS = {
  accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
  secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  accountId: '999999999999',
  userName: 'orggraph-ingester',
};
export const EXTERNAL_ID = 'e2e-Ext1d-7Qz4+kP9=wN2@example';
export const ROLE_NAME = 'JupiterOne';
export const MANAGEMENT = '111111111111';
export const PRODUCTION = '222222222222';
export const SANDBOX_SKIPPED = '333333333333';
export const LEGACY_SUSPENDED = '444444444444';

/** A scenario of the test organization: the audit role exists in all four accounts. */
export function scenario(overrides: Partial<WireScenario> = {}): WireScenario {
  return {
    baseCredentials: BASE_CREDENTIALS,
    externalId: EXTERNAL_ID,
    roleName: ROLE_NAME,
    accounts: [MANAGEMENT, PRODUCTION, SANDBOX_SKIPPED, LEGACY_SUSPENDED],
    managementAccountId: MANAGEMENT,
    ...overrides,
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary?: IngestSummary;
  snapshot?: Snapshot;
  /** Every file the run wrote, by path relative to the output directory, with its content. */
  files: Map<string, string>;
  server: WireServer;
  /** The output directory, when the caller keeps it (see {@link IngestOptions.keepOutput}). */
  outDir?: string;
}

export interface IngestOptions {
  /** Start from a copy of this directory (a previous run's output: its snapshots are the previous ones). */
  previousOutput?: string;
  /** Keep the output directory for a later run; the caller removes it. */
  keepOutput?: boolean;
}

async function readTree(dir: string, prefix = ''): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) for (const [name, content] of await readTree(path.join(dir, entry.name), relative)) files.set(name, content);
    else if (entry.isFile()) files.set(relative, await readFile(path.join(dir, entry.name), 'utf8'));
  }
  return files;
}

/**
 * Runs `orggraph ingest --json` as a child process against a wire server of `wireScenario`, as a
 * user would: the endpoint in AWS_ENDPOINT_URL, the ingester's keys in the environment, the External
 * ID in ORGGRAPH_EXTERNAL_ID (never on the command line).
 */
export async function runIngest(wireScenario: WireScenario, args: string[], options: IngestOptions = {}): Promise<CliRun> {
  const server = await new WireServer(wireScenario).start();
  const out = await mkdtemp(path.join(tmpdir(), 'orggraph-e2e-'));
  if (options.previousOutput) await cp(options.previousOutput, out, { recursive: true });
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: out,
      AWS_ENDPOINT_URL: server.url,
      // S3 Control puts the account id in front of the host (`111111111111.localhost`), which an IP
      // address cannot take: a host name, resolved to the loopback by the preloaded lookup.
      AWS_ENDPOINT_URL_S3_CONTROL: server.url.replace('127.0.0.1', 'localhost'),
      AWS_ACCESS_KEY_ID: BASE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: BASE_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      // No shared config files of the machine running the tests.
      AWS_CONFIG_FILE: path.join(out, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(out, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ORGGRAPH_EXTERNAL_ID: wireScenario.externalId,
      NODE_OPTIONS: `--require ${LOCALHOST_DNS}`,
    };
    const child = spawn(process.execPath, [CLI, 'ingest', '--out', path.join(out, 'snapshots'), '--json', '--no-progress', ...args], { cwd: REPO, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const files = await readTree(out);
    let summary: IngestSummary | undefined;
    try {
      summary = JSON.parse(stdout) as IngestSummary;
    } catch {
      summary = undefined;
    }
    const snapshotText = summary ? files.get(path.relative(out, summary.snapshot.path)) : undefined;
    const snapshot = snapshotText ? (JSON.parse(snapshotText) as Snapshot) : undefined;
    return { code, stdout, stderr, summary, snapshot, files, server, outDir: options.keepOutput ? out : undefined };
  } finally {
    await server.stop();
    if (!options.keepOutput) await rm(out, { recursive: true, force: true });
  }
}

/** Where any of `secrets` appears in the run's output or files (empty when none does). */
export function secretLeaks(run: CliRun, secrets: readonly string[]): string[] {
  const places: Array<[string, string]> = [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
    ...[...run.files].map(([name, content]): [string, string] => [name, content]),
  ];
  const leaks: string[] = [];
  for (const secret of secrets) {
    for (const [where, text] of places) if (text.includes(secret)) leaks.push(`${where} contains a secret of ${secret.length} characters`);
  }
  return leaks;
}
