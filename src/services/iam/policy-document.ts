/**
 * IAM policy documents as IAM returns them. `GetAccountAuthorizationDetails` (and the other IAM
 * reads) return documents URL-encoded (RFC 3986); the JavaScript SDK does not decode them.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: PolicyStatement | PolicyStatement[];
}

/**
 * The document as compact JSON text. Accepts the URL-encoded form IAM returns and plain JSON (some
 * endpoints and tools return it decoded). Text that is not JSON after decoding is returned as decoded.
 */
export function decodePolicyDocument(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const trimmed = raw.trim();
  let text = trimmed;
  // URL-encoded JSON starts with `%7B`; plain JSON starts with `{` and may contain literal `%`.
  if (!trimmed.startsWith('{')) {
    try {
      text = decodeURIComponent(trimmed);
    } catch {
      text = trimmed;
    }
  }
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

export function parsePolicyDocument(text: string | undefined): PolicyDocument | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as PolicyDocument) : undefined;
  } catch {
    return undefined;
  }
}

export function statementsOf(document: PolicyDocument | undefined): PolicyStatement[] {
  const statement = document?.Statement;
  if (!statement) return [];
  return (Array.isArray(statement) ? statement : [statement]).filter((s): s is PolicyStatement => !!s && typeof s === 'object');
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Whether a statement allows every action on every resource (`*` or `*:*` on `*`). Conditions do not
 * change the answer: an MFA- or IP-conditioned `*` on `*` still makes its holder an administrator.
 */
export function isAdminStatement(statement: PolicyStatement): boolean {
  if (statement.Effect !== 'Allow' || statement.NotAction !== undefined || statement.NotResource !== undefined) return false;
  const actions = asList(statement.Action);
  const resources = asList(statement.Resource);
  return actions.some((action) => action === '*' || action === '*:*') && resources.includes('*');
}

/** `admin` of an AccessPolicy: some statement allows `*` on `*`. */
export function isAdminPolicy(document: PolicyDocument | string | undefined): boolean {
  const parsed = typeof document === 'string' ? parsePolicyDocument(document) : document;
  return statementsOf(parsed).some(isAdminStatement);
}

/** RFC 3986 percent-encoding, as IAM applies it to the documents it returns (also `!'()*`). */
export function encodePolicyDocument(document: PolicyDocument | string): string {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** What a redacted External ID reads as in stored documents. */
export const REDACTED = '<redacted>';

/**
 * A trust policy with the values of its `sts:ExternalId` conditions replaced by {@link REDACTED}.
 * External IDs are shared secrets (the role's and its trusted party's), so they never reach a
 * snapshot; that a condition requires one stays visible.
 */
export function redactTrustDocument(text: string | undefined): string | undefined {
  const document = parsePolicyDocument(text);
  if (!document) return text;
  let changed = false;
  for (const statement of statementsOf(document)) {
    for (const operands of Object.values(statement.Condition ?? {})) {
      if (!operands || typeof operands !== 'object') continue;
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
