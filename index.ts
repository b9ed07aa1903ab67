/**
 * The Pulumi program (Pulumi.yaml `main`): onboarding of the organization's accounts (unless
 * `aws-org-graph:simulate` is set or `aws-org-graph:onboard` is false), then one ingestion per
 * `pulumi up`. Its outputs are the stack outputs: `pulumi stack output entityCounts --json`.
 * Configuration keys: docs/pulumi.md.
 */
import { createStack } from './provider/program';

const { snapshot: graph, onboarding } = createStack();

export const mode = graph.mode;
export const entityCounts = graph.entityCounts;
export const relationshipCounts = graph.relationshipCounts;
export const totals = graph.totals;
export const accountsIngested = graph.accountsIngested;
export const accountsSkipped = graph.accountsSkipped;
export const regions = graph.regions;
export const errorCount = graph.errorCount;
export const errors = graph.errors;
export const typesNotRefreshed = graph.typesNotRefreshed;
export const notRefreshedScopes = graph.notRefreshedScopes;
export const snapshot = graph.snapshot;
export const changes = graph.changes;
export const alerts = graph.alerts;
export const startedAt = graph.startedAt;
export const durationMs = graph.durationMs;
export const apiCalls = graph.apiCalls;
export const throttledCalls = graph.throttledCalls;
export const compliance = graph.compliance;
export const questions = graph.questions;
export const destination = graph.destination;
export const removeSnapshotsOnDelete = graph.removeSnapshotsOnDelete;
export const onboardedRoleArns = onboarding?.roleArns;
/** A secret (`pulumi stack output externalId --show-secrets`): the External ID the roles trust. */
export const externalId = onboarding?.externalId;
export const onboardingSkippedAccounts = onboarding?.skippedAccounts;
/** With `aws-org-graph:eventStreaming`: where the organization's CloudTrail events arrive (`orggraph watch --queue`). */
export const eventBusArn = onboarding?.eventBusArn;
export const eventQueueUrl = onboarding?.eventQueueUrl;
