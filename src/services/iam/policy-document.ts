import { asList, isRecord, parsePolicyDocument, type Statement } from '../../policy/document';

/**
 * Whether a statement allows every action on every resource (`*` or `*:*` on `*`). Conditions do not
 * change the answer: an MFA- or IP-conditioned `*` on `*` still makes its holder an administrator.
 */
export function isAdminStatement(statement: Statement): boolean {
  if (statement.effect !== 'Allow' || statement.actions.kind !== 'include' || statement.resources.kind !== 'include' || statement.resources.implicit)
    return false;
  return statement.actions.patterns.some((action) => action === '*' || action === '*:*') && statement.resources.patterns.includes('*');
}

/** `admin` of an AccessPolicy (its document as text or JSON): some statement allows `*` on `*`. */
export function isAdminPolicy(document: unknown): boolean {
  return (parsePolicyDocument(document)?.statements ?? []).some(isAdminStatement);
}

/** What a redacted External ID reads as in stored documents. */
export const REDACTED = '<redacted>';

/**
 * A trust policy (compact JSON text) with the values of its `sts:ExternalId` conditions replaced by
 * {@link REDACTED}. External IDs are shared secrets (the role's and its trusted party's), so they
 * never reach a snapshot; that a condition requires one stays visible.
 */
export function redactTrustDocument(text: string | undefined): string | undefined {
  if (!text) return text;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return text;
  }
  if (!isRecord(document)) return text;
  let changed = false;
  for (const statement of asList(document.Statement)) {
    if (!isRecord(statement) || !isRecord(statement.Condition)) continue;
    for (const operands of Object.values(statement.Condition)) {
      if (!isRecord(operands)) continue;
      for (const key of Object.keys(operands)) {
        if (key.toLowerCase() !== 'sts:externalid') continue;
        const value = operands[key];
        operands[key] = Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
        changed = true;
      }
    }
  }
  return changed ? JSON.stringify(document) : text;
}
