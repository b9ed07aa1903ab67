import { parseArn } from '../../analysis/arn';
import { isPublicStatement, isRecord, parsePolicyDocument, strings } from '../../policy/document';

/** Reading a domain's access policy through the shared policy-document model (src/policy/document.ts). */
export interface DomainPolicyGrants {
  /** False when the text is not a policy document. */
  parsed: boolean;
  /** An Allow to every principal without a condition that restricts the callers. */
  allowsEveryone: boolean;
  /** Other accounts named as principals of Allow statements, with the actions granted them. */
  accounts: Array<{ accountId: string; actions: string[] }>;
  /** Actions of the statements that allow everyone. */
  everyoneActions: string[];
}

/** Account id of an `AWS` principal: an account id, `arn:aws:iam::<id>:root`, or a user/role ARN. */
function principalAccount(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const account = parseArn(principal)?.account;
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

export function domainPolicyGrants(text: string | undefined, ownAccountId: string): DomainPolicyGrants {
  const none: DomainPolicyGrants = { parsed: false, allowsEveryone: false, accounts: [], everyoneActions: [] };
  if (!text) return { ...none, parsed: true };
  const document = parsePolicyDocument(text);
  if (!document) return none;
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
