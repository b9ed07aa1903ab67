import type { AlertsConfig } from '../src/alerts/config';
import type { SavedQuestionsConfig } from '../src/query/saved-questions';
import * as pulumi from '@pulumi/pulumi';
import { DYNAMIC_RESOURCE_MODULE } from '../onboarding/external-id';
import { graphSnapshotProvider } from './provider';
import {
  OUTPUT_NAMES,
  type GraphSnapshotOutputs,
  type IntegrationTags,
  type RunErrorOutput,
  type Selection,
  type SnapshotEncryptionInput,
  type AccountRef,
} from './types';

/** Inputs of {@link GraphSnapshot}; see docs/pulumi.md. */
export interface GraphSnapshotArgs {
  roleName?: pulumi.Input<string>;
  rolePath?: pulumi.Input<string>;
  /** Always stored as a secret, whether or not it is given as one. */
  externalId?: pulumi.Input<string>;
  managementAccountId?: pulumi.Input<string>;
  skipTag?: pulumi.Input<{ key: pulumi.Input<string>; value: pulumi.Input<string> }>;
  accounts?: pulumi.Input<Array<pulumi.Input<string | AccountRef>>>;
  regions?: pulumi.Input<Selection>;
  services?: pulumi.Input<Selection>;
  /** Local directory (default `.orggraph`, relative to the program directory) or `s3://bucket/prefix`. */
  destination?: pulumi.Input<string>;
  /** PostgreSQL connection string: the graph goes to that database (docs/postgres.md). Always stored as a secret. */
  storeUrl?: pulumi.Input<string>;
  /** Ingest only shard `index` of `count` of the accounts into `storeUrl` (one stack per shard). */
  shard?: pulumi.Input<{ index: pulumi.Input<number>; count: pulumi.Input<number> }>;
  snapshotEncryption?: pulumi.Input<SnapshotEncryptionInput>;
  snapshotRegion?: pulumi.Input<string>;
  tags?: pulumi.Input<IntegrationTags>;
  concurrency?: pulumi.Input<number>;
  /** How long after the run's start throttled calls are still retried (default 60 minutes). */
  throttleRetryMinutes?: pulumi.Input<number>;
  /** Snapshots kept in a local destination after each run; all when absent (docs/pulumi.md). */
  retention?: pulumi.Input<{ keep: pulumi.Input<number> }>;
  /** Worker threads collecting accounts in parallel (default `auto`: one per CPU from 8 accounts per worker). */
  workers?: pulumi.Input<number | 'auto'>;
  sessionName?: pulumi.Input<string>;
  /** A world file, or `true` for the built-in simulated organization: no AWS account needed. */
  simulate?: pulumi.Input<boolean | string>;
  removeSnapshotsOnDelete?: pulumi.Input<boolean>;
  /** Write the HTML report of each snapshot next to it (`snapshots/<name>.html`, locally or in S3). */
  report?: pulumi.Input<boolean>;
  /** Alert rules and actions (the configuration file's `alerts` section): see docs/alerts.md. */
  alertRules?: pulumi.Input<AlertsConfig>;
  /**
   * Saved questions asked of every new snapshot (the shipped AWS questions and/or your question
   * files), with values for their `${ param.x }`: the `questions` output lists those that found something.
   */
  questions?: pulumi.Input<SavedQuestionsConfig>;
}

/**
 * One ingestion of the organization's graph, re-run on every `pulumi up`. The state keeps the run's
 * summary (counts, errors, snapshot location and hash), never the graph; the graph is in the snapshot.
 */
export class GraphSnapshot extends pulumi.dynamic.Resource {
  // `declare`: the values come from the engine; a class field would overwrite them with undefined.
  declare readonly destination: pulumi.Output<string>;
  declare readonly removeSnapshotsOnDelete: pulumi.Output<boolean>;
  declare readonly mode: pulumi.Output<GraphSnapshotOutputs['mode']>;
  declare readonly entityCounts: pulumi.Output<Record<string, number>>;
  declare readonly relationshipCounts: pulumi.Output<Record<string, number>>;
  declare readonly totals: pulumi.Output<GraphSnapshotOutputs['totals']>;
  declare readonly accountsIngested: pulumi.Output<GraphSnapshotOutputs['accountsIngested']>;
  declare readonly accountsSkipped: pulumi.Output<GraphSnapshotOutputs['accountsSkipped']>;
  declare readonly regions: pulumi.Output<string[]>;
  declare readonly errorCount: pulumi.Output<number>;
  declare readonly errors: pulumi.Output<RunErrorOutput[]>;
  declare readonly typesNotRefreshed: pulumi.Output<string[]>;
  declare readonly notRefreshedScopes: pulumi.Output<number>;
  declare readonly snapshot: pulumi.Output<GraphSnapshotOutputs['snapshot']>;
  declare readonly changes: pulumi.Output<GraphSnapshotOutputs['changes']>;
  declare readonly alerts: pulumi.Output<GraphSnapshotOutputs['alerts']>;
  declare readonly startedAt: pulumi.Output<string>;
  declare readonly durationMs: pulumi.Output<number>;
  declare readonly apiCalls: pulumi.Output<number>;
  declare readonly throttledCalls: pulumi.Output<number>;
  declare readonly compliance: pulumi.Output<GraphSnapshotOutputs['compliance']>;
  declare readonly questions: pulumi.Output<GraphSnapshotOutputs['questions']>;

  constructor(name: string, args: GraphSnapshotArgs, opts: pulumi.CustomResourceOptions = {}) {
    const { externalId, storeUrl, ...rest } = args;
    const props: pulumi.Inputs = {
      ...Object.fromEntries([...OUTPUT_NAMES, 'destination', 'removeSnapshotsOnDelete'].map((output) => [output, undefined])),
      ...rest,
      ...(externalId === undefined ? {} : { externalId: pulumi.secret(externalId) }),
      ...(storeUrl === undefined ? {} : { storeUrl: pulumi.secret(storeUrl) }),
    };
    super(
      graphSnapshotProvider,
      name,
      props,
      { ...opts, additionalSecretOutputs: [...new Set([...(opts.additionalSecretOutputs ?? []), 'externalId', 'storeUrl'])] },
      DYNAMIC_RESOURCE_MODULE,
      'GraphSnapshot',
    );
  }
}
