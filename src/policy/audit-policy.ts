import { ENGINE_CALLS, engineAuditRoleDeclarations } from '../aws/engine-permissions';
import { allCollectors } from '../services';
import { READ_ACCESS_LEVELS, resolveDeclaredActions, type DeclaredAction, type PermissionDeclarations } from './actions';
import { grantsAction } from './granted-actions';
import { SECURITY_AUDIT } from './security-audit';
import { DEFAULT_MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_MAX_SIZE, policySize, splitIntoDocuments, splitPolicyNames } from './split';
import type { PolicyDocument } from './document';
import { PolicyError, type ManagedPolicyData } from './types';

export const DEFAULT_EXTRA_POLICY_NAME = 'JupiterOneSecurityAudit';

export interface AuditPolicyOptions {
  /** Defaults to the engine's own calls with the audit role (`src/aws/engine-permissions.ts`) and every collector (`allCollectors()`). */
  collectors?: PermissionDeclarations;
  /** The AWS-managed baseline; defaults to SecurityAudit from `data/`. */
  baseline?: ManagedPolicyData;
  /** Name of the customer-managed policy (split ones get `-1`, `-2`, ...). */
  policyName?: string;
  /** Size limit of one policy; defaults to AWS's 6,144 characters for managed policies. */
  maxPolicySize?: number;
  /** Managed policies the role may carry, the baseline included (AWS's default quota: 10). */
  maxManagedPolicies?: number;
}

export interface ExtraPolicy {
  name: string;
  /** Characters AWS counts (no whitespace). */
  size: number;
  document: PolicyDocument;
}

export interface AuditPolicy {
  baseline: { policyArn: string; policyName: string; versionId: string; createDate: string };
  /** Every declared action, resolved and sorted. */
  declared: DeclaredAction[];
  /** Declared actions that the baseline already grants. */
  grantedByBaseline: string[];
  /** Declared actions beyond the baseline: the content of the extra policies, sorted by service. */
  extraActions: string[];
  /** The extra policies, split to fit the size limit. */
  policies: ExtraPolicy[];
  /** Size limit the policies were split for. */
  maxPolicySize: number;
  /** What the ingester's own identity needs (not the audit role): AssumeRole of the role in every account. */
  ingesterActions: string[];
}

/**
 * Derives the audit role's extra read policy from the collectors' declared actions: every declared
 * action that the baseline (SecurityAudit) does not grant, provided IAM classes it as List or Read.
 * A declared action of another access level that the baseline lacks is an error naming the
 * collectors: the role is read-only by construction, and such a collector would fail at run time.
 */
export async function buildAuditPolicy(options: AuditPolicyOptions = {}): Promise<AuditPolicy> {
  const baseline = options.baseline ?? SECURITY_AUDIT;
  const maxPolicySize = options.maxPolicySize ?? MANAGED_POLICY_MAX_SIZE;
  const maxManagedPolicies = options.maxManagedPolicies ?? DEFAULT_MANAGED_POLICIES_PER_ROLE;
  const policyName = options.policyName ?? DEFAULT_EXTRA_POLICY_NAME;
  const declared = await resolveDeclaredActions(options.collectors ?? [...engineAuditRoleDeclarations(), ...allCollectors()]);

  const grantedByBaseline: string[] = [];
  const extra: DeclaredAction[] = [];
  for (const entry of declared) {
    if (grantsAction([baseline.document], entry.action)) grantedByBaseline.push(entry.action);
    else extra.push(entry);
  }
  const notRead = extra.filter((entry) => !READ_ACCESS_LEVELS.includes(entry.accessLevel));
  if (notRead.length > 0) {
    const list = notRead.map((entry) => `${entry.action} (access level "${entry.accessLevel}", declared by ${entry.collectors.join(', ')})`);
    throw new PolicyError(
      `the audit role grants only List and Read actions beyond ${baseline.policyName}, but collectors declare: ${list.join('; ')}`,
      [...new Set(notRead.flatMap((entry) => entry.collectors))].sort(),
    );
  }

  const extraActions = extra.map((entry) => entry.action);
  const documents = splitIntoDocuments(extraActions, { maxSize: maxPolicySize });
  if (documents.length + 1 > maxManagedPolicies) {
    throw new PolicyError(
      `the extra actions need ${documents.length} policies; with ${baseline.policyName} that is over ${maxManagedPolicies} managed policies per role ` +
        '(raise the IAM quota "Managed policies per role" and maxManagedPolicies, or declare fewer actions)',
    );
  }
  const names = splitPolicyNames(policyName, documents.length);
  return {
    baseline: { policyArn: baseline.policyArn, policyName: baseline.policyName, versionId: baseline.versionId, createDate: baseline.createDate },
    declared,
    grantedByBaseline,
    extraActions,
    policies: documents.map((document, index) => ({ name: names[index] ?? policyName, size: policySize(document), document })),
    maxPolicySize,
    ingesterActions: ENGINE_CALLS.filter((call) => call.principal === 'ingester').flatMap((call) => call.permissions),
  };
}
