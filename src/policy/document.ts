/**
 * IAM policy documents: the one model of the project, for identity policies (IAM), trust policies
 * and resource policies (S3 bucket policies, and Lambda, SNS, SQS, KMS key, ECR... policies).
 *
 * - {@link PolicyDocument} / {@link PolicyStatement}: the grammar as written, for documents the
 *   project writes (the audit role's policies, world files).
 * - {@link policyDocumentText}: a document as AWS returns it (IAM URL-encodes it) -> compact JSON
 *   text, the `document` property of an `AccessPolicy` entity.
 * - {@link parsePolicyDocument}: untrusted text or JSON -> normalized {@link Statement}s (every
 *   string-or-list field a list, `Principal: "*"` and the principal map as {@link PrincipalEntry}s).
 *   The analysis (ALLOWS and TRUSTS edges), IAM and S3 read documents only through it.
 * - {@link isPublicStatement}: a resource policy's grant to everyone.
 * - {@link policyDocumentSchema}: the JSON schema of a document in a world file (simulators).
 */

export type StringOrList = string | string[];
export type PolicyVersion = '2012-10-17' | '2008-10-17';
export type Effect = 'Allow' | 'Deny';

/** `"*"` or `{ AWS | Service | Federated | CanonicalUser: string | string[] }`. */
export type PolicyPrincipal = '*' | Partial<Record<string, StringOrList>>;

/** `{ operator: { key: value | values } }`. */
export type PolicyCondition = Record<string, Record<string, ConditionValue | ConditionValue[]>>;
export type ConditionValue = string | number | boolean;

/** A statement as written. */
export interface PolicyStatement {
  Sid?: string;
  Effect: Effect;
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: PolicyCondition;
}

/** A document as written. */
export interface PolicyDocument {
  Version?: PolicyVersion;
  Id?: string;
  Statement: PolicyStatement[];
}

// ---------------------------------------------------------------------------------------------
// Untrusted JSON

export function asList<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The strings of a string-or-list field (anything else in it is ignored). */
export function strings(value: unknown): string[] {
  return asList(value).filter((item): item is string => typeof item === 'string');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Text as AWS returns it

/** JSON text, or URL-encoded JSON text (IAM's documents start with `%7B`), as JSON text. */
function decodedText(raw: string): string {
  const trimmed = raw.trim();
  // Plain JSON starts with `{` and may contain a literal `%`.
  if (trimmed.startsWith('{')) return trimmed;
  try {
    return decodeURIComponent(trimmed);
  } catch {
    return trimmed;
  }
}

/**
 * A document as AWS returns it, as compact JSON text: IAM (`GetAccountAuthorizationDetails`,
 * `GetPolicyVersion`...) returns documents URL-encoded (RFC 3986) and the SDK does not decode them;
 * the other services return JSON text. Text that is not JSON is returned as decoded.
 */
export function policyDocumentText(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = decodedText(raw);
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** RFC 3986 percent-encoding, as IAM applies it to the documents it returns (also `!'()*`). */
export function encodePolicyDocument(document: PolicyDocument | string): string {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// ---------------------------------------------------------------------------------------------
// Normalized statements

/** `Action` (include) or `NotAction` (everything except). Patterns as written, trimmed. */
export interface ActionSpec {
  kind: 'include' | 'exclude';
  patterns: string[];
}

/** `Resource` (include) or `NotResource` (everything except). Patterns as written. */
export interface ResourceSpec {
  kind: 'include' | 'exclude';
  patterns: string[];
  /** Neither was written (trust policies): the policy's own resource, read as `*`. */
  implicit?: true;
}

export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | (string & {});

/** One principal of a `Principal` block: `"*"` is `{ type: 'AWS', value: '*' }`, as AWS reads it. */
export interface PrincipalEntry {
  type: PrincipalType;
  value: string;
}

export interface Statement {
  sid?: string;
  effect: Effect;
  actions: ActionSpec;
  resources: ResourceSpec;
  /** The `Principal` block as written (resource and trust policies); see {@link principalEntries}. */
  principal?: unknown;
  notPrincipal?: unknown;
  /** The `Condition` block as written, undefined when it is missing or empty. */
  condition?: Record<string, unknown>;
  /** The `Condition` block as compact JSON, undefined when there is none. */
  conditions?: string;
}

export interface ParsedPolicyDocument {
  statements: Statement[];
  /** Statements that could not be read (not an object, no effect, no action), by position. */
  skipped: number;
}

/**
 * Reads a policy document: JSON text (plain or URL-encoded, as IAM returns it) or a parsed object.
 * Undefined when it is not a policy document at all; statements that cannot be read are counted in
 * `skipped` and left out. `Statement` may be one statement or a list, every string field a string
 * or a list.
 */
export function parsePolicyDocument(document: unknown): ParsedPolicyDocument | undefined {
  let data: unknown = document;
  if (typeof document === 'string') {
    try {
      data = JSON.parse(decodedText(document));
    } catch {
      return undefined;
    }
  }
  if (!isRecord(data)) return undefined;
  const statements: Statement[] = [];
  let skipped = 0;
  for (const raw of asList(data.Statement)) {
    const statement = isRecord(raw) ? parseStatement(raw) : undefined;
    if (statement) statements.push(statement);
    else skipped++;
  }
  return { statements, skipped };
}

/** One statement, normalized; undefined without a valid `Effect` or without `Action`/`NotAction`. */
export function parseStatement(raw: Record<string, unknown>): Statement | undefined {
  const effect = raw.Effect === 'Allow' || raw.Effect === 'Deny' ? raw.Effect : undefined;
  if (!effect) return undefined;
  let actions: ActionSpec;
  if (raw.Action !== undefined) actions = { kind: 'include', patterns: strings(raw.Action).map((a) => a.trim()) };
  else if (raw.NotAction !== undefined) actions = { kind: 'exclude', patterns: strings(raw.NotAction).map((a) => a.trim()) };
  else return undefined;
  let resources: ResourceSpec;
  if (raw.Resource !== undefined) resources = { kind: 'include', patterns: strings(raw.Resource) };
  else if (raw.NotResource !== undefined) resources = { kind: 'exclude', patterns: strings(raw.NotResource) };
  else resources = { kind: 'include', patterns: ['*'], implicit: true };
  const condition = isRecord(raw.Condition) && Object.keys(raw.Condition).length ? raw.Condition : undefined;
  return {
    sid: typeof raw.Sid === 'string' && raw.Sid ? raw.Sid : undefined,
    effect,
    actions,
    resources,
    principal: raw.Principal,
    notPrincipal: raw.NotPrincipal,
    condition,
    conditions: condition ? JSON.stringify(condition) : undefined,
  };
}

/** The principals of a `Principal` (or `NotPrincipal`) block, in the order written. */
export function principalEntries(principal: unknown): PrincipalEntry[] {
  if (principal === '*') return [{ type: 'AWS', value: '*' }];
  if (!isRecord(principal)) return [];
  return Object.entries(principal).flatMap(([type, value]) => strings(value).map((item) => ({ type, value: item })));
}

/** `"*"`, `{"AWS": "*"}` or `{"AWS": [..., "*"]}` (or CanonicalUser `*`): every principal, anonymous callers included. */
export function isWildcardPrincipal(principal: unknown): boolean {
  return principalEntries(principal).some(({ type, value }) => value === '*' && (type === 'AWS' || type === 'CanonicalUser'));
}

/** Condition entries as operator, key (as written) and values. */
export function conditionEntries(condition: unknown): Array<{ operator: string; key: string; values: unknown[] }> {
  const entries: Array<{ operator: string; key: string; values: unknown[] }> = [];
  if (!isRecord(condition)) return entries;
  for (const [operator, block] of Object.entries(condition)) {
    if (!isRecord(block)) continue;
    for (const [key, values] of Object.entries(block)) entries.push({ operator, key, values: asList(values) });
  }
  return entries;
}

/**
 * Condition keys that tie a grant to known callers or networks; a wildcard grant limited by one of
 * them (with a fixed value) is not public. Mirrors what S3's own "public" evaluation accepts, which
 * the other services' access analysis follows too.
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

/** Some condition admits only fixed callers or networks (not negated, no wildcard value). */
export function restrictsCallers(condition: unknown): boolean {
  return conditionEntries(condition).some(({ operator, key, values }) => {
    if (!RESTRICTING_KEYS.has(key.toLowerCase())) return false;
    // Negated operators (StringNotEquals, NotIpAddress, ArnNotLike) exclude some callers and admit the rest.
    if (/^(String|Arn)Not|^NotIpAddress/i.test(operator.replace(/^ForAnyValue:|^ForAllValues:/i, ''))) return false;
    const fixed = values.filter((value) => typeof value === 'string' && value !== '*' && value !== '0.0.0.0/0' && value !== '::/0');
    return fixed.length > 0 && fixed.length === values.length;
  });
}

/** A resource policy's Allow to everyone: wildcard principal (or NotPrincipal) without a restricting condition. */
export function isPublicStatement(statement: Pick<Statement, 'effect' | 'principal' | 'notPrincipal' | 'condition'>): boolean {
  if (statement.effect !== 'Allow') return false;
  const everyone = isWildcardPrincipal(statement.principal) || statement.notPrincipal !== undefined;
  return everyone && !restrictsCallers(statement.condition);
}

/** Matches an IAM pattern with `*` and `?` wildcards. */
export function matchesPattern(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

// ---------------------------------------------------------------------------------------------
// JSON schema (world files)

const STRING_OR_LIST = { type: ['string', 'array'], items: { type: 'string' }, minItems: 1 };
const PRINCIPAL = { anyOf: [{ const: '*' }, { type: 'object', additionalProperties: STRING_OR_LIST }] };

/**
 * The JSON schema of a policy document in a world file: AWS's grammar, with `Statement` a list.
 * `identity`: IAM's rule for identity and trust policies that a `Sid` is letters and digits only
 * (resource policies allow any text).
 */
export function policyDocumentSchema(options: { identity?: boolean } = {}) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['Statement'],
    properties: {
      Version: { enum: ['2012-10-17', '2008-10-17'] },
      Id: { type: 'string' },
      Statement: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['Effect'],
          anyOf: [{ required: ['Action'] }, { required: ['NotAction'] }],
          properties: {
            Sid: options.identity ? { type: 'string', pattern: '^[A-Za-z0-9]*$' } : { type: 'string' },
            Effect: { enum: ['Allow', 'Deny'] },
            Principal: PRINCIPAL,
            NotPrincipal: PRINCIPAL,
            Action: STRING_OR_LIST,
            NotAction: STRING_OR_LIST,
            Resource: STRING_OR_LIST,
            NotResource: STRING_OR_LIST,
            Condition: { type: 'object', additionalProperties: { type: 'object' } },
          },
        },
      },
    },
  };
}
