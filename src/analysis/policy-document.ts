/**
 * Policy documents as the analysis reads them. Documents are untrusted JSON: every field may be a
 * string, a list, missing or malformed, and is normalized here once.
 */

export type Effect = 'Allow' | 'Deny';

/** `Action` (include) or `NotAction` (everything except). Patterns as written. */
export interface ActionSpec {
  kind: 'include' | 'exclude';
  patterns: string[];
}

/** `Resource` (include) or `NotResource` (everything except). Patterns as written. */
export interface ResourceSpec {
  kind: 'include' | 'exclude';
  patterns: string[];
}

export interface Statement {
  sid?: string;
  effect: Effect;
  actions: ActionSpec;
  resources: ResourceSpec;
  /** The `Principal` block as written (resource and trust policies). */
  principal?: unknown;
  notPrincipal?: unknown;
  /** The `Condition` block as written. */
  condition?: Record<string, unknown>;
  /** The `Condition` block as compact JSON, undefined when there is none. */
  conditions?: string;
}

export interface ParsedDocument {
  statements: Statement[];
  /** Statements that could not be read (no effect, no action), by position. */
  skipped: number;
}

export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function strings(value: unknown): string[] {
  return asList(value).filter((item): item is string => typeof item === 'string');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The document text as JSON: IAM returns documents URL-encoded, collectors usually decode them. */
function parseJson(text: string): unknown {
  const trimmed = text.trim();
  const decoded = trimmed.startsWith('%7B') || trimmed.startsWith('%7b') ? decodeURIComponent(trimmed) : trimmed;
  return JSON.parse(decoded);
}

/**
 * Parses a policy document (text or object). Returns undefined when it is not a policy document at
 * all; statements that cannot be read are counted in `skipped` and left out.
 */
export function parsePolicyDocument(document: unknown): ParsedDocument | undefined {
  let data: unknown = document;
  if (typeof document === 'string') {
    try {
      data = parseJson(document);
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

function parseStatement(raw: Record<string, unknown>): Statement | undefined {
  const effect = raw.Effect === 'Allow' || raw.Effect === 'Deny' ? raw.Effect : undefined;
  if (!effect) return undefined;
  let actions: ActionSpec;
  if (raw.Action !== undefined) actions = { kind: 'include', patterns: strings(raw.Action).map((a) => a.trim()) };
  else if (raw.NotAction !== undefined) actions = { kind: 'exclude', patterns: strings(raw.NotAction).map((a) => a.trim()) };
  else return undefined;
  let resources: ResourceSpec;
  if (raw.Resource !== undefined) resources = { kind: 'include', patterns: strings(raw.Resource) };
  else if (raw.NotResource !== undefined) resources = { kind: 'exclude', patterns: strings(raw.NotResource) };
  // Trust policies have no Resource: the role itself is the resource.
  else resources = { kind: 'include', patterns: ['*'] };
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

/** Condition entries as operator, key (as written) and values. */
export function conditionEntries(condition: Record<string, unknown> | undefined): Array<{ operator: string; key: string; values: unknown[] }> {
  const entries: Array<{ operator: string; key: string; values: unknown[] }> = [];
  if (!condition) return entries;
  for (const [operator, block] of Object.entries(condition)) {
    if (!isRecord(block)) continue;
    for (const [key, values] of Object.entries(block)) entries.push({ operator, key, values: asList(values) });
  }
  return entries;
}
