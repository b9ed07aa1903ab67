import { actionMatchesPattern } from '@cloud-copilot/iam-expand';
import { asList, type PolicyDocument, type PolicyStatement } from './document';

function matchesAny(action: string, patterns: string[]): boolean {
  return patterns.some((pattern) => actionMatchesPattern(action, pattern));
}

function actionInStatement(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return matchesAny(action, asList(statement.Action));
  if (statement.NotAction !== undefined) return !matchesAny(action, asList(statement.NotAction));
  return false;
}

function onAllResources(statement: PolicyStatement): boolean {
  return statement.NotResource === undefined && asList(statement.Resource).includes('*');
}

/**
 * Whether a set of identity policies grants an exact action on every resource without conditions:
 * an Allow statement on `*` whose Action (or NotAction) matches, and no Deny statement that matches
 * the action. Statements scoped to some resources or with conditions do not count as coverage (the
 * collectors call their actions on all resources), so the answer errs towards "not covered".
 */
export function grantsAction(documents: readonly PolicyDocument[], action: string): boolean {
  const statements = documents.flatMap((document) => document.Statement);
  const denied = statements.some((statement) => statement.Effect === 'Deny' && actionInStatement(statement, action));
  if (denied) return false;
  return statements.some(
    (statement) => statement.Effect === 'Allow' && statement.Condition === undefined && onAllResources(statement) && actionInStatement(statement, action),
  );
}

/** The actions of `actions` that the documents do not grant, in their original order. */
export function notGrantedActions(documents: readonly PolicyDocument[], actions: readonly string[]): string[] {
  return actions.filter((action) => !grantsAction(documents, action));
}
