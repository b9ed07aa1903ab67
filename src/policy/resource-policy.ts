import { isPublicStatement, parsePolicyDocument } from './document';

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
