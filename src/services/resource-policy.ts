/**
 * Resource-based policies of the compute services (Lambda function policies, ECR repository
 * policies), read through the shared policy-document model (src/policy/document.ts).
 */
import { isPublicStatement as isPublic, isRecord, type PolicyStatement } from '../policy/document';

function isPublicStatement(statement: PolicyStatement): boolean {
  return isPublic({ effect: statement.Effect, principal: statement.Principal, notPrincipal: statement.NotPrincipal, condition: statement.Condition });
}

export interface ResourcePolicyFacts {
  /** False when the text is not a JSON policy document. */
  parsed: boolean;
  /** The document as compact JSON (the text itself when it does not parse): the policy entity's `document`. */
  compact: string;
  statements: PolicyStatement[];
  /** An Allow statement grants to everyone without a condition that restricts the callers. */
  public: boolean;
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
  const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(isRecord) as unknown as PolicyStatement[];
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
