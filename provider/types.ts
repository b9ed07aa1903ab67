/**
 * Plain shapes of the ingestion resource, as the dynamic provider sees them (every Pulumi input
 * resolved). Types only: the serialized provider imports nothing at run time.
 */
import type { AlertsConfig } from '../src/alerts/config';
import type { ComplianceSummary } from '../src/compliance/summary';
import type { SavedQuestionsConfig, SavedQuestionsOutcome } from '../src/query/saved-questions';

export interface AccountRef {
  id: string;
  name?: string;
}

export interface Selection {
  include?: string[];
  exclude?: string[];
}

export interface SnapshotEncryptionInput {
  /** `AES256` (SSE-S3, the default) or `aws:kms` (SSE-KMS). */
  algorithm: 'AES256' | 'aws:kms';
  /** KMS key id, ARN or alias for `aws:kms` (the account's `aws/s3` key when absent). */
  kmsKeyId?: string;
}

export interface IntegrationTags {
  /** `tag.AccountName` on every entity: `true` for the account's name, or a fixed value. */
  accountName?: boolean | string;
  /** `tag.Production` on every entity. */
  production?: boolean;
}

export interface GraphSnapshotInputs {
  /** Audit role assumed in every account (default `JupiterOne`, or the simulated world's). */
  roleName?: string;
  rolePath?: string;
  /** External ID the audit role requires. A secret: never in outputs or in the provider text. */
  externalId?: string;
  /** Organization mode: list the accounts from this management account. */
  managementAccountId?: string;
  /** Organization mode: skip accounts with this Organizations tag (default `j1-integration: SKIP`). */
  skipTag?: { key: string; value: string };
  /** Explicit accounts (without organization mode), or a filter on the organization's accounts. */
  accounts?: Array<string | AccountRef>;
  regions?: Selection;
  services?: Selection;
  /** Snapshot store: a local directory (relative to the program directory) or `s3://bucket/prefix`. */
  destination?: string;
  /**
   * PostgreSQL connection string (`postgres://user:password@host:5432/db`): the graph is kept in
   * that database instead of `destination`'s snapshot files. A secret: stored encrypted in the
   * stack's state, never in outputs or messages.
   */
  storeUrl?: string;
  /** Ingest only shard `index` of `count` (0-based) of the accounts into the PostgreSQL `storeUrl`; one stack per shard. */
  shard?: { index: number; count: number };
  /** Server-side encryption of `s3://` destinations (default `AES256`). */
  snapshotEncryption?: SnapshotEncryptionInput;
  /** Region of the snapshot bucket (default: the AWS region of the environment). */
  snapshotRegion?: string;
  tags?: IntegrationTags;
  /** Collector runs in flight at once. */
  concurrency?: number;
  /** How long after the run's start throttled calls are still retried (default 60 minutes). */
  throttleRetryMinutes?: number;
  /** Snapshots kept after each run (the newest intact one and the one `latest.json` names always are); all when absent. */
  retention?: { keep: number };
  /** Worker threads collecting accounts in parallel, or `auto`. */
  workers?: number | 'auto';
  sessionName?: string;
  /** Ingest a simulated organization instead of AWS: a world file, or `true` for the built-in one. */
  simulate?: boolean | string;
  /** Delete the snapshots (and the pointer) when the resource is deleted. Default false. */
  removeSnapshotsOnDelete?: boolean;
  /** Write the HTML report of each snapshot next to it (`snapshots/<name>.html`). Default false. */
  report?: boolean;
  /** Alert rules and actions (the configuration file's `alerts` section; rule files relative to the program directory). */
  alertRules?: AlertsConfig;
  /** Saved questions asked of each new snapshot, with values for their parameters (docs/pulumi.md). */
  questions?: SavedQuestionsConfig;
}

export interface RunErrorOutput {
  account: string;
  region: string;
  service: string;
  operation?: string;
  code: string;
  message: string;
}

/** What the resource keeps in the state: small, never the graph. */
export interface GraphSnapshotOutputs {
  /** Echo of the inputs `delete` needs (it only receives the outputs). */
  destination: string;
  snapshotRegion?: string;
  removeSnapshotsOnDelete: boolean;
  mode: 'aws' | 'simulated';
  entityCounts: Record<string, number>;
  relationshipCounts: Record<string, number>;
  totals: { entities: number; relationships: number; staleEntities: number };
  accountsIngested: Array<{ accountId: string; name?: string }>;
  accountsSkipped: Array<{ accountId: string; name?: string; reason: string }>;
  regions: string[];
  errorCount: number;
  /** The first errors (at most {@link MAX_ERRORS_IN_OUTPUTS}); the snapshot's metadata has all of them. */
  errors: RunErrorOutput[];
  /** Entity types of (account, region, collector) scopes that could not be refreshed this run. */
  typesNotRefreshed: string[];
  notRefreshedScopes: number;
  snapshot: { uri: string; sha256: string };
  /**
   * Entities created, updated and deleted since the previous snapshot in the same destination,
   * the same for relationships, and the first changed entity keys of each kind (`orggraph diff`
   * lists every change).
   */
  changes: ChangesOutput;
  /** The alert rules on this snapshot: counts by status and level, the first new alerts, delivery. Absent when disabled. */
  alerts?: AlertsOutput;
  startedAt: string;
  durationMs: number;
  apiCalls: number;
  throttledCalls: number;
  /** Compliance of the new snapshot per framework (docs/compliance.md). */
  compliance?: ComplianceOutput[];
  /** The saved questions asked of the new snapshot (the `questions` input): counts and those that found something. */
  questions?: QuestionsOutput;
}

export type QuestionsOutput = SavedQuestionsOutcome;

/** One framework's result in the outputs: the run summary's, less its line of text. */
export type ComplianceOutput = Omit<ComplianceSummary, 'line'>;

export interface ChangesOutput {
  created: number;
  updated: number;
  deleted: number;
  relationships: { created: number; updated: number; deleted: number };
  keys: { created: string[]; updated: string[]; deleted: string[] };
}

export interface AlertsOutput {
  rules: number;
  counts: { NEW: number; ONGOING: number; RESOLVED: number };
  newByLevel: Record<string, number>;
  openByLevel: Record<string, number>;
  new: Array<{ rule: string; alertLevel: string; key: string; displayName?: string }>;
  ruleErrors: number;
  delivery?: { messages: number; delivered: number; failed: number };
  /** The evaluation failed as a whole (the snapshot is written all the same). */
  error?: string;
}

/** Changed keys of each kind in the `changes` output, and new alerts in the `alerts` output (outputs stay small). */
export const CHANGED_KEYS_IN_OUTPUTS = 5;
export const NEW_ALERTS_IN_OUTPUTS = 5;
/** Longest key in these lists (longer ones are cut, ending with …). */
export const MAX_KEY_IN_OUTPUTS = 120;

export const MAX_ERRORS_IN_OUTPUTS = 20;

/** Output property names, in the order they are declared on the resource. */
export const OUTPUT_NAMES = [
  'mode',
  'entityCounts',
  'relationshipCounts',
  'totals',
  'accountsIngested',
  'accountsSkipped',
  'regions',
  'errorCount',
  'errors',
  'typesNotRefreshed',
  'notRefreshedScopes',
  'snapshot',
  'changes',
  'alerts',
  'startedAt',
  'durationMs',
  'apiCalls',
  'throttledCalls',
  'compliance',
  'questions',
] as const satisfies ReadonlyArray<keyof GraphSnapshotOutputs>;
