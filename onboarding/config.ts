import * as pulumi from '@pulumi/pulumi';
import type { PermissionDeclarations } from '../src/policy/actions';
import type { AuditPolicy } from '../src/policy/audit-policy';
import type { CollectorDeclaration } from '../src/collectors/types';
import type { EventStreamingArgs } from './event-streaming';
import { checkExternalId, ConfigError } from '../src/config';
import { closest } from '../src/util/yaml-position';

/** The Pulumi configuration namespace of the program (`aws-org-graph:<key>`). */
export const CONFIG_NAMESPACE = 'aws-org-graph';
export const DEFAULT_BOOTSTRAP_ROLE_NAME = 'OrganizationAccountAccessRole';

/** What `onboardOrganization` creates and how; every field is optional. */
export interface OnboardingArgs {
  /** Audit role name; default `JupiterOne`. */
  roleName?: string;
  /** Audit role path; default `/`. */
  rolePath?: string;
  /** Customer-managed extra policy name; default `JupiterOneSecurityAudit` (`-1`, `-2`, ... when split). */
  policyName?: string;
  /**
   * The External ID (a secret). When unset, one is generated on the first `up` and kept in the state
   * (stable across `up`s); read it from the `externalId` stack output.
   */
  externalId?: pulumi.Input<string>;
  /** Bump to rotate a generated External ID (ignored when `externalId` is set). */
  externalIdRotation?: number;
  /** Account ids, account root ARNs or role ARNs trusted to assume the role; default: the account running the program. */
  trustedPrincipals?: string[];
  /** Also trust JupiterOne's SaaS account (`arn:aws:iam::612791702201:root`). */
  trustJupiterOne?: boolean;
  /** Maximum session duration of the role, 3,600 to 43,200 seconds. */
  maxSessionDuration?: number;
  /** Tags on each role and policy. */
  roleTags?: Record<string, string>;
  /** Accounts carrying this tag (value compared case-insensitively) are skipped; default `j1-integration` = `SKIP`. */
  skipTag?: { key: string; value: string };
  /** Role assumed in member accounts to create the audit role; default `OrganizationAccountAccessRole`. */
  bootstrapRoleName?: string;
  /** Per-account bootstrap role (account id -> role name or role ARN), e.g. for invited accounts. */
  bootstrapRoles?: Record<string, string>;
  /** Only these accounts (the others are reported as skipped). */
  accountIds?: string[];
  /** Keep the audit roles in AWS when an account leaves the organization (or the program). */
  retainOnDelete?: boolean;
  /** ARN partition; default `aws`. */
  partition?: string;
  /** Region of the member-account providers; default `aws:region`, then `AWS_REGION`, then `us-east-1`. */
  region?: string;
  /** Collector declarations the extra policy is derived from; default: every collector of the engine. */
  collectors?: PermissionDeclarations;
  /** A policy derivation computed already (overrides `collectors`). */
  auditPolicy?: AuditPolicy;
  /**
   * CloudTrail event streaming (docs/event-streaming.md): `true` or its options. Every onboarded
   * account forwards the declared write calls of its enabled regions to a central bus and queue.
   */
  eventStreaming?: boolean | EventStreamingArgs;
  /** Collector declarations the event patterns are derived from; default: every collector of the engine. */
  eventCollectors?: ReadonlyArray<Pick<CollectorDeclaration, 'id' | 'events'>>;
}

/** The configuration keys onboarding reads (all optional). */
export const ONBOARDING_CONFIG_KEYS = [
  'roleName',
  'rolePath',
  'policyName',
  'externalId',
  'externalIdRotation',
  'trustedPrincipals',
  'trustJupiterOne',
  'maxSessionDuration',
  'roleTags',
  'skipTag',
  'bootstrapRoleName',
  'bootstrapRoles',
  'accountIds',
  'retainOnDelete',
  'partition',
  'region',
  'eventStreaming',
] as const satisfies ReadonlyArray<keyof OnboardingArgs>;

const ACCOUNT_ID = /^\d{12}$/;

function isStringRecord(value: unknown): value is Record<string, string> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((item) => typeof item === 'string');
}

/** Checks the shape of the arguments (the values come from YAML config); the error names the key. */
export function checkOnboardingArgs(args: OnboardingArgs): OnboardingArgs {
  const where = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
  const fail = (key: string, problem: string): never => {
    throw new ConfigError(`${where(key)}: ${problem}`);
  };
  if (args.trustedPrincipals !== undefined && (!Array.isArray(args.trustedPrincipals) || args.trustedPrincipals.some((p) => typeof p !== 'string'))) {
    fail('trustedPrincipals', 'must be a list of account ids or ARNs');
  }
  if (args.accountIds !== undefined) {
    if (!Array.isArray(args.accountIds)) fail('accountIds', 'must be a list of 12-digit account ids');
    for (const id of args.accountIds)
      if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) fail('accountIds', `"${id}" is not a 12-digit account id (quote it in YAML)`);
  }
  if (args.roleTags !== undefined && !isStringRecord(args.roleTags)) fail('roleTags', 'must be a map of tag keys to string values');
  if (args.bootstrapRoles !== undefined) {
    if (!isStringRecord(args.bootstrapRoles)) fail('bootstrapRoles', 'must be a map of account ids to role names or role ARNs');
    for (const id of Object.keys(args.bootstrapRoles ?? {})) if (!ACCOUNT_ID.test(id)) fail('bootstrapRoles', `key "${id}" is not a 12-digit account id`);
  }
  if (args.skipTag !== undefined) {
    const tag = args.skipTag as { key?: unknown; value?: unknown };
    if (!tag || typeof tag.key !== 'string' || tag.key === '' || typeof tag.value !== 'string')
      fail('skipTag', 'must be { key: <tag key>, value: <tag value> }');
  }
  if (args.bootstrapRoleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(args.bootstrapRoleName)) {
    fail('bootstrapRoleName', `"${args.bootstrapRoleName}" is not a valid IAM role name`);
  }
  if (args.eventStreaming !== undefined && typeof args.eventStreaming !== 'boolean') {
    const options = args.eventStreaming as Record<string, unknown> | null;
    if (!options || typeof options !== 'object' || Array.isArray(options))
      fail('eventStreaming', 'must be true, false or { regions, busName, maxReceiveCount }');
    const known = ['regions', 'busName', 'maxReceiveCount'];
    for (const key of Object.keys(options ?? {})) if (!known.includes(key)) fail('eventStreaming', `unknown option "${key}" (options: ${known.join(', ')})`);
    const { regions, busName, maxReceiveCount } = options as EventStreamingArgs;
    if (regions !== undefined && (!Array.isArray(regions) || regions.some((region) => typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)))) {
      fail('eventStreaming', 'regions must be a list of region names such as us-east-1');
    }
    if (busName !== undefined && (typeof busName !== 'string' || !/^[\w.-]{1,64}$/.test(busName)))
      fail('eventStreaming', `busName "${String(busName)}" is not a valid event bus name`);
    if (maxReceiveCount !== undefined && (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000)) {
      fail('eventStreaming', 'maxReceiveCount must be a whole number from 1 to 1000');
    }
  }
  if (args.externalIdRotation !== undefined && (!Number.isInteger(args.externalIdRotation) || args.externalIdRotation < 0)) {
    fail('externalIdRotation', 'must be a whole number from 0');
  }
  return args;
}

/**
 * Reads the onboarding settings from the stack configuration (namespace `aws-org-graph`). Keys:
 * `roleName`, `rolePath`, `policyName`, `externalId` (secret), `externalIdRotation`,
 * `trustedPrincipals` (list), `trustJupiterOne`, `maxSessionDuration`, `roleTags` (map), `skipTag`
 * (`{key, value}`), `bootstrapRoleName`, `bootstrapRoles` (map), `accountIds` (list),
 * `retainOnDelete`, `partition`, `region`. See docs/onboarding.md.
 */
export function onboardingArgsFromConfig(config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): OnboardingArgs {
  const args: OnboardingArgs = {
    roleName: config.get('roleName'),
    rolePath: config.get('rolePath'),
    policyName: config.get('policyName'),
    externalId: config.getSecret('externalId'),
    externalIdRotation: config.getNumber('externalIdRotation'),
    trustedPrincipals: config.getObject<string[]>('trustedPrincipals'),
    trustJupiterOne: config.getBoolean('trustJupiterOne'),
    maxSessionDuration: config.getNumber('maxSessionDuration'),
    roleTags: config.getObject<Record<string, string>>('roleTags'),
    skipTag: config.getObject<{ key: string; value: string }>('skipTag'),
    bootstrapRoleName: config.get('bootstrapRoleName'),
    bootstrapRoles: config.getObject<Record<string, string>>('bootstrapRoles'),
    accountIds: config.getObject<string[]>('accountIds'),
    retainOnDelete: config.getBoolean('retainOnDelete'),
    partition: config.get('partition'),
    region: config.get('region'),
    eventStreaming: config.getObject<boolean | EventStreamingArgs>('eventStreaming'),
  };
  // Validate a configured External ID now, with an error naming the key (never the value).
  const rawExternalId = pulumi.runtime.getConfig(`${config.name}:externalId`);
  if (rawExternalId !== undefined) {
    try {
      checkExternalId(rawExternalId);
    } catch (error) {
      throw new ConfigError(`${config.name}:externalId: ${(error as Error).message}`);
    }
  }
  // Unset keys stay out of the object, so spreading it over defaults keeps the defaults.
  for (const key of Object.keys(args) as Array<keyof OnboardingArgs>) if (args[key] === undefined) delete args[key];
  return checkOnboardingArgs(args);
}

/**
 * Problems with the `aws-org-graph:*` keys of the stack configuration (`pulumi.runtime.allConfig()`):
 * a key the program does not read is a typo until proven otherwise (`roleNmae` would silently leave
 * the default in place). Each message starts with the full key, and suggests the nearest known one.
 */
export function unknownConfigKeys(all: Record<string, string>, known: readonly string[], namespace = CONFIG_NAMESPACE): string[] {
  const problems: string[] = [];
  for (const fullKey of Object.keys(all).sort()) {
    if (!fullKey.startsWith(`${namespace}:`)) continue;
    const key = fullKey.slice(namespace.length + 1);
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    problems.push(`${fullKey}: unknown configuration key${suggestion ? `; did you mean "${namespace}:${suggestion}"?` : ''} (known: ${known.join(', ')})`);
  }
  return problems;
}
