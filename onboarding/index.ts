/**
 * Onboarding: the read-only audit role in every eligible account of the organization. The root
 * program (`index.ts`) calls {@link onboardOrganization} with {@link onboardingArgsFromConfig}.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { AuditRole } from './audit-role';
import type { OnboardingArgs } from './config';
import { OrganizationOnboarding, type SkippedAccountOutput } from './organization';

export { AuditRole, AUDIT_ROLE_TYPE, checkAuditRoleSettings, type AuditRoleArgs } from './audit-role';
export {
  CONFIG_NAMESPACE,
  DEFAULT_BOOTSTRAP_ROLE_NAME,
  ONBOARDING_CONFIG_KEYS,
  checkOnboardingArgs,
  onboardingArgsFromConfig,
  type OnboardingArgs,
} from './config';
export { EventForwarding, EventHub, DEFAULT_EVENT_BUS_NAME, DEFAULT_MAX_RECEIVE_COUNT, type EventStreamingArgs } from './event-streaming';
export { GeneratedExternalId, externalIdProvider, DEFAULT_EXTERNAL_ID_BYTES } from './external-id';
export {
  OrganizationOnboarding,
  ORGANIZATION_TYPE,
  BOOTSTRAP_SESSION_NAME,
  bootstrapRoleArn,
  discoverOrganization,
  type OnboardingData,
  type OrganizationView,
  type SkippedAccountOutput,
} from './organization';

export interface OnboardingResult {
  /** Account id -> audit role ARN; each resolves once the role's policies are attached. */
  roleArns: pulumi.Output<Record<string, string>>;
  /** Accounts left out, with the reason (skip tag, not ACTIVE, not in `accountIds`). */
  skippedAccounts: pulumi.Output<SkippedAccountOutput[]>;
  /** The External ID, always a secret. */
  externalId: pulumi.Output<string>;
  /** With `eventStreaming`: the central event bus ARN and the queue URL for `orggraph watch`. */
  eventBusArn: pulumi.Output<string | undefined>;
  eventQueueUrl: pulumi.Output<string | undefined>;
  /** Account id -> audit role component. */
  roles: Promise<Record<string, AuditRole>>;
  /** The component holding everything (for `dependsOn`, or to inspect `ready`). */
  component: OrganizationOnboarding;
}

/** Creates the audit roles of the organization (see {@link OrganizationOnboarding}). */
export function onboardOrganization(args: OnboardingArgs, opts?: pulumi.ComponentResourceOptions): OnboardingResult {
  const component = new OrganizationOnboarding('aws-org-graph', args, opts);
  return {
    roleArns: component.roleArns,
    skippedAccounts: component.skippedAccounts,
    externalId: component.externalId,
    eventBusArn: component.eventBusArn,
    eventQueueUrl: component.eventQueueUrl,
    roles: component.roles,
    component,
  };
}
