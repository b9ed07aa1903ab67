import { parseArn } from '../analysis/arn';
import { isPublicStatement, isRecord, parsePolicyDocument, strings } from './document';

/**
 * Whether a resource policy (SNS topic, SQS queue...) grants everyone: some Allow statement to `*`
 * without a condition that restricts callers. `false` without a policy, `undefined` when unreadable.
 */
export function resourcePolicyIsPublic(documentText: string | undefined): boolean | undefined {
  if (!documentText) return false;
  const parsed = parsePolicyDocument(documentText);
  if (!parsed) return undefined;
  return parsed.statements.some((statement) => isPublicStatement(statement));
}

/** Who a resource policy lets in, read through the shared policy-document model. */
export interface ResourcePolicyGrants {
  /** False when the text is not a policy document. */
  parsed: boolean;
  /** An Allow to every principal without a condition that restricts the callers. */
  allowsEveryone: boolean;
  /** Actions of the statements that allow everyone. */
  everyoneActions: string[];
  /** Other accounts named as `AWS` principals of Allow statements, with the actions granted them. */
  accounts: Array<{ accountId: string; actions: string[] }>;
}

/** Account id of an `AWS` principal: an account id, `arn:aws:iam::<id>:root`, or a user/role ARN. */
function principalAccount(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const account = parseArn(principal)?.account;
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * The grants of a resource policy (SNS topic policy, SQS queue policy...) to everyone and to other
 * accounts, from its Allow statements with `Action` (service principals and this account's own
 * principals are not grants to outsiders). No text: parsed, no grants.
 */
export function resourcePolicyGrants(text: string | undefined, ownAccountId: string): ResourcePolicyGrants {
  if (!text) return { parsed: true, allowsEveryone: false, everyoneActions: [], accounts: [] };
  const document = parsePolicyDocument(text);
  if (!document) return { parsed: false, allowsEveryone: false, everyoneActions: [], accounts: [] };
  const everyoneActions = new Set<string>();
  const byAccount = new Map<string, Set<string>>();
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow' || statement.actions.kind !== 'include') continue;
    if (isPublicStatement(statement)) {
      for (const action of statement.actions.patterns) everyoneActions.add(action);
      continue;
    }
    const awsPrincipals = isRecord(statement.principal) ? strings(statement.principal.AWS) : [];
    for (const principal of awsPrincipals) {
      const account = principalAccount(principal);
      if (!account || account === ownAccountId) continue;
      const actions = byAccount.get(account) ?? new Set<string>();
      for (const action of statement.actions.patterns) actions.add(action);
      byAccount.set(account, actions);
    }
  }
  return {
    parsed: true,
    allowsEveryone: everyoneActions.size > 0,
    everyoneActions: [...everyoneActions].sort(),
    accounts: [...byAccount].sort(([a], [b]) => a.localeCompare(b)).map(([accountId, actions]) => ({ accountId, actions: [...actions].sort() })),
  };
}
