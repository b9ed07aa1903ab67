/**
 * Reading S3 bucket policies: which statements make a bucket public, and whether the policy denies
 * requests that do not use TLS (`aws:SecureTransport` false). Pure functions over the policy text.
 */

/** One statement of a policy document, as far as this module needs it (JSON is untrusted input). */
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

export interface BucketPolicyAnalysis {
  /** False when the text is not a JSON policy document. */
  parsed: boolean;
  /** The document as compact JSON (the original text when it does not parse). */
  compact: string;
  statements: PolicyStatement[];
  /** Allow statements that grant access to everyone (wildcard principal without a restricting condition). */
  publicStatements: PolicyStatement[];
  public: boolean;
  /** A Deny of every action to every principal on the bucket's objects when `aws:SecureTransport` is false. */
  secureTransport: boolean;
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function strings(value: unknown): string[] {
  return asList(value).filter((item): item is string => typeof item === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `"*"`, `{"AWS": "*"}` or `{"AWS": ["*", ...]}`: every principal, including anonymous callers. */
export function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!isRecord(principal)) return false;
  return strings(principal.AWS).includes('*') || strings(principal.CanonicalUser).includes('*');
}

/** Matches an IAM pattern with `*` and `?` wildcards. */
export function matchesPattern(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/** The statement's Condition block as operator -> key (lower case) -> values. */
function conditionEntries(condition: unknown): Array<{ operator: string; key: string; values: unknown[] }> {
  if (!isRecord(condition)) return [];
  const entries: Array<{ operator: string; key: string; values: unknown[] }> = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!isRecord(block)) continue;
    for (const [key, values] of Object.entries(block)) entries.push({ operator, key: key.toLowerCase(), values: asList(values) });
  }
  return entries;
}

/**
 * Condition keys that tie a grant to known callers or networks; a wildcard grant limited by one of
 * them (with a fixed value) is not public. Mirrors what S3's own "public" evaluation accepts.
 */
const RESTRICTING_KEYS = new Set([
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceowner',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:userid',
  'aws:principalservicename',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
]);

function restrictsCallers(condition: unknown): boolean {
  return conditionEntries(condition).some(({ operator, key, values }) => {
    if (!RESTRICTING_KEYS.has(key)) return false;
    // Negated operators (StringNotEquals, NotIpAddress, ArnNotLike) exclude some callers and admit the rest.
    if (/^(String|Arn)Not|^NotIpAddress/i.test(operator.replace(/^ForAnyValue:|^ForAllValues:/i, ''))) return false;
    const fixed = values.filter((value) => typeof value === 'string' && value !== '*' && value !== '0.0.0.0/0' && value !== '::/0');
    return fixed.length > 0 && fixed.length === values.length;
  });
}

/** An Allow statement that grants to everyone: wildcard principal (or NotPrincipal) with no restricting condition. */
export function isPublicStatement(statement: PolicyStatement): boolean {
  if (statement.Effect !== 'Allow') return false;
  const everyone = isWildcardPrincipal(statement.Principal) || statement.NotPrincipal !== undefined;
  return everyone && !restrictsCallers(statement.Condition);
}

function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/**
 * A Deny of all actions (`s3:*` or `*`) to every principal on the bucket's objects, conditioned only
 * on `aws:SecureTransport` being false (`Bool` or `BoolIfExists`, value `false`, `"false"` or `["false"]`).
 */
export function isSecureTransportDeny(statement: PolicyStatement, bucketName: string): boolean {
  if (statement.Effect !== 'Deny' || statement.NotPrincipal !== undefined || statement.NotAction !== undefined) return false;
  if (!isWildcardPrincipal(statement.Principal)) return false;
  const actions = strings(statement.Action).map((action) => action.toLowerCase());
  if (!actions.some((action) => action === 's3:*' || action === '*')) return false;
  if (statement.NotResource !== undefined) return false;
  const objectArn = `arn:aws:s3:::${bucketName}/any-object`;
  if (!strings(statement.Resource).some((resource) => matchesPattern(resource, objectArn))) return false;
  const conditions = conditionEntries(statement.Condition);
  if (conditions.length !== 1) return false;
  const [{ operator, key, values }] = conditions;
  return /^Bool(IfExists)?$/i.test(operator) && key === 'aws:securetransport' && values.some(isFalse);
}

/** Reads a bucket policy's text (as GetBucketPolicy returns it). */
export function analyzeBucketPolicy(text: string, bucketName: string): BucketPolicyAnalysis {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { parsed: false, compact: text, statements: [], publicStatements: [], public: false, secureTransport: false };
  }
  if (!isRecord(document)) return { parsed: false, compact: text, statements: [], publicStatements: [], public: false, secureTransport: false };
  const statements = asList(document.Statement).filter(isRecord) as PolicyStatement[];
  const publicStatements = statements.filter(isPublicStatement);
  return {
    parsed: true,
    compact: JSON.stringify(document),
    statements,
    publicStatements,
    public: publicStatements.length > 0,
    secureTransport: statements.some((statement) => isSecureTransportDeny(statement, bucketName)),
  };
}
