/**
 * The calls the engine makes itself, outside any collector: declared here, once. The onboarding
 * policy (`orggraph policy`, `src/policy/audit-policy.ts`) grants the audit role's ones, and the
 * permissions check (test/policy/calls.test.ts) compares them with the calls a run makes, as it
 * does for the collectors' declarations.
 */

export interface EngineCallDeclaration {
  /** The call scope's collector name the engine uses for these calls (`src/ingest.ts`); `credentials` has none. */
  id: string;
  permissions: string[];
  /** Whose permission it is: the audit role's in each account, or the ingester's own identity. */
  principal: 'audit-role' | 'ingester';
  /** What the calls are for (docs, `orggraph policy`). */
  purpose: string;
  /** Made only in this case (the permissions check accepts them uncalled otherwise). */
  when?: string;
}

export const ENGINE_CALLS: readonly EngineCallDeclaration[] = [
  {
    id: 'organization',
    permissions: ['organizations:ListAccounts', 'organizations:ListTagsForResource'],
    principal: 'audit-role',
    purpose: "the organization's accounts and their tags, read with the management account's audit role",
    when: 'organization mode (`organization.managementAccountId`)',
  },
  {
    id: 'regions',
    permissions: ['ec2:DescribeRegions'],
    principal: 'audit-role',
    purpose: "each account's enabled regions",
  },
  {
    id: 'credentials',
    permissions: ['sts:AssumeRole'],
    principal: 'ingester',
    purpose: "the ingester's own credentials assume the audit role (with the External ID) in each account",
  },
];

/** The engine's calls made with the audit role, as permission declarations (`orggraph policy` adds them to the collectors'). */
export function engineAuditRoleDeclarations(): Array<{ id: string; permissions: string[] }> {
  return ENGINE_CALLS.filter((call) => call.principal === 'audit-role').map((call) => ({ id: `engine:${call.id}`, permissions: call.permissions }));
}
