/**
 * Resource-based policies of the compute services (Lambda function policies, ECR repository
 * policies), read with the policy helpers that exist today (S3's). Each service calls this behind
 * one small function of its own, so the unified policy model can replace it in one place.
 */
import { isPublicStatement, type PolicyStatement } from './s3/policy';

export interface ResourcePolicyFacts {
  /** False when the text is not a JSON policy document. */
  parsed: boolean;
  /** The document as compact JSON (the text itself when it does not parse): the policy entity's `document`. */
  compact: string;
  statements: PolicyStatement[];
  /** An Allow statement grants to everyone without a condition that restricts the callers. */
  public: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readResourcePolicy(text: string): ResourcePolicyFacts {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { parsed: false, compact: text, statements: [], public: false };
  }
  if (!isRecord(document)) return { parsed: false, compact: text, statements: [], public: false };
  const raw = document.Statement;
  const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(isRecord) as PolicyStatement[];
  return { parsed: true, compact: JSON.stringify(document), statements, public: statements.some(isPublicStatement) };
}

/** The service principals of an Allow statement (`{"Service": "s3.amazonaws.com"}`). */
export function servicePrincipals(statement: PolicyStatement): string[] {
  if (statement.Effect !== 'Allow' || !isRecord(statement.Principal)) return [];
  const value = statement.Principal.Service;
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

/** `aws:SourceArn` values of a statement's conditions (any operator), as written. */
export function sourceArns(statement: PolicyStatement): string[] {
  if (!isRecord(statement.Condition)) return [];
  const arns: string[] = [];
  for (const block of Object.values(statement.Condition)) {
    if (!isRecord(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      if (key.toLowerCase() !== 'aws:sourcearn') continue;
      for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') arns.push(item);
    }
  }
  return arns;
}
