/**
 * Reading S3 bucket policies: which statements make a bucket public, and whether the policy denies
 * requests that do not use TLS (`aws:SecureTransport` false). Pure functions over the policy text,
 * through the project's policy-document model (`src/policy/document.ts`).
 */
import {
  conditionEntries,
  isPublicStatement,
  isWildcardPrincipal,
  matchesPattern,
  parsePolicyDocument,
  policyDocumentText,
  type Statement,
} from '../../policy/document';

export interface BucketPolicyAnalysis {
  /** False when the text is not a JSON policy document. */
  parsed: boolean;
  /** The document as compact JSON (the original text when it does not parse). */
  compact: string;
  /** Statements, readable or not. */
  statementCount: number;
  /** Allow statements that grant access to everyone (wildcard principal without a restricting condition). */
  publicStatements: Statement[];
  public: boolean;
  /** A Deny of every action to every principal on the bucket's objects when `aws:SecureTransport` is false. */
  secureTransport: boolean;
}

function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/**
 * A Deny of all actions (`s3:*` or `*`) to every principal on the bucket's objects, conditioned only
 * on `aws:SecureTransport` being false (`Bool` or `BoolIfExists`, value `false`, `"false"` or `["false"]`).
 */
export function isSecureTransportDeny(statement: Statement, bucketName: string): boolean {
  if (statement.effect !== 'Deny' || statement.notPrincipal !== undefined || statement.actions.kind !== 'include') return false;
  if (!isWildcardPrincipal(statement.principal)) return false;
  if (!statement.actions.patterns.some((action) => action.toLowerCase() === 's3:*' || action === '*')) return false;
  if (statement.resources.kind !== 'include' || statement.resources.implicit) return false;
  const objectArn = `arn:aws:s3:::${bucketName}/any-object`;
  if (!statement.resources.patterns.some((resource) => matchesPattern(resource, objectArn))) return false;
  const conditions = conditionEntries(statement.condition);
  if (conditions.length !== 1) return false;
  const [{ operator, key, values }] = conditions;
  return /^Bool(IfExists)?$/i.test(operator) && key.toLowerCase() === 'aws:securetransport' && values.some(isFalse);
}

/** Reads a bucket policy's text (as GetBucketPolicy returns it). */
export function analyzeBucketPolicy(text: string, bucketName: string): BucketPolicyAnalysis {
  const document = parsePolicyDocument(text);
  if (!document) return { parsed: false, compact: text, statementCount: 0, publicStatements: [], public: false, secureTransport: false };
  const publicStatements = document.statements.filter(isPublicStatement);
  return {
    parsed: true,
    compact: policyDocumentText(text) ?? text,
    statementCount: document.statements.length + document.skipped,
    publicStatements,
    public: publicStatements.length > 0,
    secureTransport: document.statements.some((statement) => isSecureTransportDeny(statement, bucketName)),
  };
}
