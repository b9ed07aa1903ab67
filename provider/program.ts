/**
 * The stack the root program (index.ts) builds: optional onboarding of the organization's accounts,
 * then the ingestion resource, which depends on the audit roles.
 */
import type { AlertsConfig } from '../src/alerts/config';
import type { SavedQuestionsConfig } from '../src/query/saved-questions';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../src/config';
import { ONBOARDING_CONFIG_KEYS, unknownConfigKeys } from '../onboarding/config';
import { GraphSnapshot, type GraphSnapshotArgs } from './resource';
import type { AccountRef, IntegrationTags, Selection, SnapshotEncryptionInput } from './types';

export const CONFIG_NAMESPACE = 'aws-org-graph';

/** What onboarding/index.ts's `onboardOrganization` returns (the parts this program uses). */
export interface OnboardingResult {
  /** Audit role ARN per account. */
  roleArns: pulumi.Input<unknown>;
  skippedAccounts: pulumi.Input<unknown>;
  /** The External ID the roles trust (a secret). */
  externalId: pulumi.Input<string>;
  /** With event streaming: the central event bus and the queue `orggraph watch` reads. */
  eventBusArn?: pulumi.Input<string | undefined>;
  eventQueueUrl?: pulumi.Input<string | undefined>;
  /** The audit roles: resources, a record of them, or a promise or output of either. */
  roles: unknown;
  /** The component holding the roles, when the module gives it; `ready` tells the management account. */
  component?: pulumi.Resource & { ready?: Promise<{ view?: { managementAccountId?: string } }> };
}

/** The contract of onboarding/index.ts (loaded only when onboarding runs). */
export interface OnboardingModule {
  onboardingArgsFromConfig(config: pulumi.Config): unknown;
  onboardOrganization(args: unknown, opts?: pulumi.ComponentResourceOptions): OnboardingResult;
}

/** Compile-time check that onboarding/index.ts keeps to the contract (a type import: nothing is loaded). */
export type OnboardingContract = typeof import('../onboarding') extends OnboardingModule ? true : never;
export const onboardingContractHolds: OnboardingContract = true;

export interface ProgramSettings {
  /** `true` for the built-in simulated organization, or a world file. */
  simulate?: true | string;
  onboard: boolean;
  args: GraphSnapshotArgs;
}

/** Every `aws-org-graph:*` key the program reads: its own, and the onboarding's. */
export const PROGRAM_CONFIG_KEYS: readonly string[] = [
  ...new Set([
    'simulate',
    'onboard',
    'roleName',
    'rolePath',
    'externalId',
    'managementAccountId',
    'skipTag',
    'accounts',
    'accountIds',
    'regions',
    'services',
    'destination',
    'storeUrl',
    'shard',
    'snapshotEncryption',
    'snapshotRegion',
    'tags',
    'concurrency',
    'throttleRetryMinutes',
    'workers',
    'sessionName',
    'retention',
    'removeSnapshotsOnDelete',
    'report',
    'alerts',
    'questions',
    ...ONBOARDING_CONFIG_KEYS,
  ]),
];

/** `simulate` as a config value: `true`, `false`/absent, or a world file path. */
function simulateSetting(value: string | undefined): true | string | undefined {
  if (value === undefined || value === '' || value === 'false') return undefined;
  return value === 'true' ? true : value;
}

/** Reads the `aws-org-graph:*` configuration; validation is the provider's `check` (clear messages at preview). */
export function settingsFromConfig(config: pulumi.Config): ProgramSettings {
  const simulate = simulateSetting(config.get('simulate'));
  const onboard = simulate ? false : (config.getBoolean('onboard') ?? true);
  if (simulate && config.getBoolean('onboard')) {
    void pulumi.log.warn('aws-org-graph:onboard is ignored with aws-org-graph:simulate: the simulated organization needs no roles');
  }
  const args: GraphSnapshotArgs = {
    roleName: config.get('roleName'),
    rolePath: config.get('rolePath'),
    externalId: config.getSecret('externalId'),
    managementAccountId: config.get('managementAccountId'),
    skipTag: config.getObject<{ key: string; value: string }>('skipTag'),
    // `accountIds` is onboarding's key for the same filter.
    accounts: config.getObject<Array<string | AccountRef>>('accounts') ?? config.getObject<string[]>('accountIds'),
    regions: config.getObject<Selection>('regions'),
    services: config.getObject<Selection>('services'),
    destination: config.get('destination'),
    // A connection string: a secret (`pulumi config set --secret aws-org-graph:storeUrl postgres://…`).
    storeUrl: config.getSecret('storeUrl'),
    shard: config.getObject<{ index: number; count: number }>('shard'),
    snapshotEncryption: config.getObject<SnapshotEncryptionInput>('snapshotEncryption'),
    snapshotRegion: config.get('snapshotRegion'),
    tags: config.getObject<IntegrationTags>('tags'),
    concurrency: config.getNumber('concurrency'),
    throttleRetryMinutes: config.getNumber('throttleRetryMinutes'),
    retention: config.getObject<{ keep: number }>('retention'),
    workers: config.get('workers') === 'auto' ? 'auto' : config.getNumber('workers'),
    sessionName: config.get('sessionName'),
    simulate,
    removeSnapshotsOnDelete: config.getBoolean('removeSnapshotsOnDelete'),
    report: config.getBoolean('report'),
    alertRules: config.getObject<AlertsConfig>('alerts'),
    questions: config.getObject<SavedQuestionsConfig>('questions'),
  };
  // Unset keys are left out rather than passed as undefined inputs.
  for (const key of Object.keys(args) as Array<keyof GraphSnapshotArgs>) if (args[key] === undefined) delete args[key];
  return { simulate, onboard, args };
}

/** The roles (and the onboarding component), in a form `dependsOn` takes. */
export function onboardingDependencies(onboarding: OnboardingResult): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
  const list = (value: unknown): pulumi.Resource[] => {
    if (pulumi.Resource.isInstance(value)) return [value];
    const items = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [];
    return items.filter((item): item is pulumi.Resource => pulumi.Resource.isInstance(item));
  };
  const component = onboarding.component ? [onboarding.component] : [];
  const roles = onboarding.roles;
  if (pulumi.Output.isInstance(roles)) return roles.apply((value) => [...component, ...list(value)]);
  if (roles instanceof Promise) return roles.then((value) => [...component, ...list(value)]);
  return [...component, ...list(roles)];
}

export interface StackResources {
  settings: ProgramSettings;
  onboarding?: OnboardingResult;
  snapshot: GraphSnapshot;
}

export function createStack(options: { config?: pulumi.Config; loadOnboarding?: () => OnboardingModule; name?: string } = {}): StackResources {
  const config = options.config ?? new pulumi.Config(CONFIG_NAMESPACE);
  if (!options.config) {
    // A misspelled key would otherwise be ignored: every aws-org-graph:* key must be one the program reads.
    const problems = unknownConfigKeys(pulumi.runtime.allConfig(), PROGRAM_CONFIG_KEYS);
    if (problems.length) throw new ConfigError(problems.join('\n'));
  }
  const settings = settingsFromConfig(config);
  let onboarding: OnboardingResult | undefined;
  const opts: pulumi.CustomResourceOptions = {};
  const args = { ...settings.args };
  if (settings.onboard) {
    // Loaded only when used: the simulated stack needs neither onboarding nor @pulumi/aws.
    const module = options.loadOnboarding ? options.loadOnboarding() : (require('../onboarding') as OnboardingModule);
    onboarding = module.onboardOrganization(module.onboardingArgsFromConfig(config), {});
    args.externalId = onboarding.externalId ?? args.externalId;
    opts.dependsOn = onboardingDependencies(onboarding);
    // Organization mode from the organization onboarding found, unless configured otherwise.
    const ready = onboarding.component?.ready;
    if (args.managementAccountId === undefined && args.accounts === undefined && ready) {
      args.managementAccountId = pulumi.output(ready.then((data) => data.view?.managementAccountId)) as pulumi.Output<string>;
    }
  }
  const snapshot = new GraphSnapshot(options.name ?? 'graph', args, opts);
  return { settings, onboarding, snapshot };
}
