import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_SKIP_TAG, filterAccounts, type OrganizationAccount } from '../src/aws/organization';
import { checkExternalId, ConfigError } from '../src/config';
import { buildAuditPolicy, normalizePrincipals, PolicyError, type AuditPolicy } from '../src/policy';
import { AuditRole, checkAuditRoleSettings } from './audit-role';
import { checkOnboardingArgs, CONFIG_NAMESPACE, DEFAULT_BOOTSTRAP_ROLE_NAME, type OnboardingArgs } from './config';
import { GeneratedExternalId } from './external-id';
import { EventForwarding, EventHub, type EventStreamingArgs } from './event-streaming';
import { eventPatterns } from '../src/events/declarations';
import { allCollectors } from '../src/services';

export const ORGANIZATION_TYPE = 'aws-org-graph:onboarding:Organization';
export const BOOTSTRAP_SESSION_NAME = 'aws-org-graph-onboarding';

export interface SkippedAccountOutput {
  id: string;
  name?: string;
  reason: string;
}

/** What the organization's data sources said, after the skip rules. */
export interface OrganizationView {
  /** The account the program's credentials belong to (its role uses the default provider). */
  callerAccountId: string;
  /** `o-...`: the event bus policy admits the organization by it. */
  organizationId: string;
  managementAccountId: string;
  accounts: OrganizationAccount[];
  skipped: SkippedAccountOutput[];
}

export interface OnboardingData {
  view: OrganizationView;
  policy: AuditPolicy;
  roles: Record<string, AuditRole>;
  providers: Record<string, aws.Provider>;
  /** With `eventStreaming`: the hub in the ingesting account and each account's forwarding. */
  events?: { hub: EventHub; forwarding: Record<string, EventForwarding> };
}

/** The role a member account's provider assumes: a configured name or ARN, or the default name. */
export function bootstrapRoleArn(accountId: string, args: Pick<OnboardingArgs, 'bootstrapRoleName' | 'bootstrapRoles' | 'partition'>): string {
  const configured = args.bootstrapRoles?.[accountId] ?? args.bootstrapRoleName ?? DEFAULT_BOOTSTRAP_ROLE_NAME;
  if (configured.startsWith('arn:')) return configured;
  return `arn:${args.partition ?? 'aws'}:iam::${accountId}:role/${configured}`;
}

/**
 * Lists the organization's accounts through the AWS provider's data sources (so the same
 * credentials and configuration as the rest of the program apply, and tests can mock them), reads
 * the tags of ACTIVE accounts, and applies the skip rules of the ingestion (`filterAccounts`).
 */
export async function discoverOrganization(parent: pulumi.Resource, args: OnboardingArgs): Promise<OrganizationView> {
  const invokeOpts: pulumi.InvokeOptions = { parent };
  const [caller, organization] = await Promise.all([aws.getCallerIdentity({}, invokeOpts), aws.organizations.getOrganization({}, invokeOpts)]);
  const accounts: OrganizationAccount[] = (organization.accounts ?? []).map((account) => ({
    id: account.id,
    name: account.name || undefined,
    arn: account.arn || undefined,
    email: account.email || undefined,
    // `state` replaces the deprecated `status`; both say ACTIVE for a usable account.
    status: account.state || account.status || undefined,
    joinedMethod: account.joinedMethod || undefined,
    tags: {},
  }));
  // Accounts that `accountIds` leaves out are skipped before any call about them; only ACTIVE
  // accounts can be onboarded, and the others are skipped for their status without a tag lookup.
  const wanted = args.accountIds?.length ? new Set(args.accountIds) : undefined;
  const unreadable: SkippedAccountOutput[] = [];
  await Promise.all(
    accounts
      .filter((account) => (!wanted || wanted.has(account.id)) && (account.status ?? 'ACTIVE') === 'ACTIVE')
      .map(async (account) => {
        try {
          const result = await aws.organizations.getResourceTags({ resourceId: account.id }, invokeOpts);
          account.tags = result.tags ?? {};
        } catch (error) {
          // Its tags may say to skip it: it is not onboarded, and the rest of the organization is.
          unreadable.push({
            id: account.id,
            ...(account.name ? { name: account.name } : {}),
            reason: `its tags cannot be read, so whether it is tagged to be skipped is unknown${detailOf(error)}`,
          });
        }
      }),
  );
  const readable = accounts.filter((account) => !unreadable.some((skipped) => skipped.id === account.id));
  const filtered = filterAccounts(readable, { skipTag: args.skipTag ?? DEFAULT_SKIP_TAG, only: args.accountIds });
  return {
    callerAccountId: caller.accountId,
    organizationId: organization.id,
    managementAccountId: organization.masterAccountId,
    accounts: filtered.accounts,
    skipped: [
      ...filtered.skipped.map((skipped) => ({ id: skipped.accountId, ...(skipped.name ? { name: skipped.name } : {}), reason: skipped.reason })),
      ...unreadable,
    ].sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/**
 * Onboards every eligible account of the organization: the audit role in the account running the
 * program (default provider) and, through an `aws.Provider` assuming the bootstrap role, in every
 * other ACTIVE account that is not tagged to be skipped.
 */
export class OrganizationOnboarding extends pulumi.ComponentResource {
  /** Account id -> audit role ARN (resolved once each role's policies are attached). */
  readonly roleArns: pulumi.Output<Record<string, string>>;
  readonly skippedAccounts: pulumi.Output<SkippedAccountOutput[]>;
  /** With `eventStreaming`: the central event bus and the queue `orggraph watch` reads (else undefined). */
  readonly eventBusArn: pulumi.Output<string | undefined>;
  readonly eventQueueUrl: pulumi.Output<string | undefined>;
  /** Always a secret. */
  readonly externalId: pulumi.Output<string>;
  /** Account id -> audit role component. */
  readonly roles: Promise<Record<string, AuditRole>>;
  /** Everything the component found and created; rejects with the first error. */
  readonly ready: Promise<OnboardingData>;

  constructor(name: string, args: OnboardingArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // The args may hold the External ID: they are not recorded as the component's inputs.
    super(ORGANIZATION_TYPE, name, {}, opts);
    checkOnboardingArgs(args);
    checkAuditRoleSettings(args);
    const partition = args.partition ?? 'aws';
    // Fail early, at construction, on settings known now.
    if (args.trustedPrincipals) {
      try {
        normalizePrincipals(args.trustedPrincipals, partition);
      } catch (error) {
        // Every configuration error starts with its full key.
        throw new ConfigError(`${CONFIG_NAMESPACE}:trustedPrincipals: ${(error as Error).message}`);
      }
    }
    if (typeof args.externalId === 'string') checkExternalId(args.externalId);

    this.externalId = pulumi.secret(this.externalIdSource(name, args).apply((value) => checkExternalId(value)));

    const region = args.region ?? aws.config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const policy = args.auditPolicy ? Promise.resolve(args.auditPolicy) : buildAuditPolicy({ collectors: args.collectors, policyName: args.policyName });

    this.ready = Promise.all([policy, discoverOrganization(this, args)]).then(
      ([auditPolicy, view]) => {
        const principals = args.trustedPrincipals?.length ? args.trustedPrincipals : [`arn:${partition}:iam::${view.callerAccountId}:root`];
        const roles: Record<string, AuditRole> = {};
        const providers: Record<string, aws.Provider> = {};
        for (const account of view.accounts) {
          let provider: aws.Provider | undefined;
          if (account.id !== view.callerAccountId) {
            provider = new aws.Provider(
              `${name}-${account.id}`,
              {
                region,
                profile: aws.config.profile,
                assumeRoles: [{ roleArn: bootstrapRoleArn(account.id, args), sessionName: BOOTSTRAP_SESSION_NAME }],
                // The provider refuses to act if the assumed credentials are not in this account.
                allowedAccountIds: [account.id],
              },
              { parent: this },
            );
            providers[account.id] = provider;
          }
          roles[account.id] = new AuditRole(
            `${name}-${account.id}`,
            {
              roleName: args.roleName,
              rolePath: args.rolePath,
              policyName: args.policyName,
              policyDocuments: auditPolicy.policies.map((extra) => extra.document),
              trustedPrincipals: principals,
              externalId: this.externalId,
              trustJupiterOne: args.trustJupiterOne,
              maxSessionDuration: args.maxSessionDuration,
              tags: args.roleTags,
              partition,
              retainOnDelete: args.retainOnDelete,
            },
            { parent: this, provider },
          );
        }
        const events = args.eventStreaming ? this.eventStreaming(name, args, view, providers, region, partition) : undefined;
        return { view, policy: auditPolicy, roles, providers, events };
      },
      (error: unknown) => {
        // Errors in the declarations or settings are for the user to fix: reported on this
        // component, without a stack trace.
        if (error instanceof PolicyError || error instanceof ConfigError) throw new pulumi.ResourceError(error.message, this, true);
        throw error;
      },
    );
    this.roles = this.ready.then((data) => data.roles);
    // Errors surface through the outputs below (and to whoever awaits these promises); this only
    // keeps Node from also reporting them as unhandled rejections.
    this.ready.catch(() => undefined);
    this.roles.catch(() => undefined);

    this.roleArns = pulumi.output(this.ready.then((data) => Object.fromEntries(Object.entries(data.roles).map(([accountId, role]) => [accountId, role.arn]))));
    this.skippedAccounts = pulumi.output(this.ready.then((data) => data.view.skipped));
    this.eventBusArn = pulumi.output(this.ready.then((data) => data.events?.hub.busArn));
    this.eventQueueUrl = pulumi.output(this.ready.then((data) => data.events?.hub.queueUrl));
    this.registerOutputs({ roleArns: this.roleArns, skippedAccounts: this.skippedAccounts, externalId: this.externalId });
  }

  /** The event hub in the ingesting account, and the forwarding rules of every onboarded account. */
  private eventStreaming(
    name: string,
    args: OnboardingArgs,
    view: OrganizationView,
    providers: Record<string, aws.Provider>,
    homeRegion: string,
    partition: string,
  ): { hub: EventHub; forwarding: Record<string, EventForwarding> } {
    const options = args.eventStreaming === true ? {} : (args.eventStreaming as EventStreamingArgs);
    const hub = new EventHub(`${name}-events`, { ...options, organizationId: view.organizationId, partition }, { parent: this });
    const patterns = eventPatterns(args.eventCollectors ?? allCollectors());
    const forwarding: Record<string, EventForwarding> = {};
    for (const account of view.accounts) {
      const home = providers[account.id];
      const providerFor = (region: string): aws.Provider | undefined => {
        if (region === homeRegion) return home;
        return new aws.Provider(
          `${name}-${account.id}-${region}`,
          home
            ? {
                region,
                profile: aws.config.profile,
                assumeRoles: [{ roleArn: bootstrapRoleArn(account.id, args), sessionName: BOOTSTRAP_SESSION_NAME }],
                allowedAccountIds: [account.id],
              }
            : { region, profile: aws.config.profile, allowedAccountIds: [account.id] },
          { parent: this },
        );
      };
      forwarding[account.id] = new EventForwarding(
        `${name}-${account.id}-events`,
        { accountId: account.id, busArn: hub.busArn, patterns, regions: options.regions, partition, provider: home, providerFor },
        { parent: this },
      );
    }
    return { hub, forwarding };
  }

  private externalIdSource(name: string, args: OnboardingArgs): pulumi.Output<string> {
    if (args.externalId !== undefined) return pulumi.output(args.externalId);
    const generated = new GeneratedExternalId(`${name}-external-id`, { rotation: args.externalIdRotation }, { parent: this });
    return generated.value;
  }
}

/** `: <the first line that says something>` of an error, or nothing (the engine's errors may have no message). */
function detailOf(error: unknown): string {
  const line = String((error as Error | undefined)?.message ?? '')
    .split('\n')
    .map((text) => text.trim())
    .find(Boolean);
  return line ? `: ${line}` : '';
}
