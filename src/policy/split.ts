import { compareActions } from './actions';
import type { PolicyDocument } from './document';
import { PolicyError } from './types';

/** AWS's limit for a customer-managed policy document, in characters not counting whitespace. */
export const MANAGED_POLICY_MAX_SIZE = 6144;
/** AWS's limit for the inline policies of a role, together, in characters not counting whitespace. */
export const INLINE_ROLE_POLICY_MAX_SIZE = 10240;
/** Managed policies attachable to one role by default (a quota AWS can raise to 20). */
export const DEFAULT_MANAGED_POLICIES_PER_ROLE = 10;

export const EXTRA_POLICY_SID = 'OrgGraphCollectorReadActions';

/** The size AWS counts for a policy: its JSON without whitespace. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/** One Allow statement of exact actions on all resources. */
export function readActionsDocument(actions: readonly string[], sid = EXTRA_POLICY_SID): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: [...actions], Resource: '*' }] };
}

export interface SplitOptions {
  /** Defaults to {@link MANAGED_POLICY_MAX_SIZE}. */
  maxSize?: number;
  sid?: string;
}

/**
 * Packs exact actions, sorted by service and then by name, into as few documents as fit the size
 * limit, in order (so a service's actions stay together unless one service alone is too large).
 * Duplicates (case-insensitive) are dropped.
 */
export function splitIntoDocuments(actions: readonly string[], options: SplitOptions = {}): PolicyDocument[] {
  const maxSize = options.maxSize ?? MANAGED_POLICY_MAX_SIZE;
  const sid = options.sid ?? EXTRA_POLICY_SID;
  const seen = new Set<string>();
  const sorted = [...actions].sort(compareActions).filter((action) => {
    const key = action.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (sorted.length === 0) return [];
  const emptySize = policySize(readActionsDocument([], sid));
  const groups: string[][] = [];
  let current: string[] = [];
  let currentSize = emptySize;
  for (const action of sorted) {
    // Each action adds its quoted text, plus a comma when it is not the first one.
    const quoted = JSON.stringify(action).length;
    if (current.length > 0 && currentSize + quoted + 1 > maxSize) {
      groups.push(current);
      current = [];
      currentSize = emptySize;
    }
    const added = quoted + (current.length > 0 ? 1 : 0);
    if (emptySize + added > maxSize) throw new PolicyError(`the action ${action} alone does not fit a policy of ${maxSize} characters`);
    current.push(action);
    currentSize += added;
  }
  groups.push(current);
  const documents = groups.map((group) => readActionsDocument(group, sid));
  for (const document of documents) {
    const size = policySize(document);
    if (size > maxSize) throw new PolicyError(`internal error: a split policy has ${size} characters, over ${maxSize}`);
  }
  return documents;
}

/** The names of the split policies: `name` alone, or `name-1`, `name-2`, ... when there are several. */
export function splitPolicyNames(baseName: string, count: number): string[] {
  if (count <= 1) return count === 1 ? [baseName] : [];
  return Array.from({ length: count }, (_, index) => `${baseName}-${index + 1}`);
}
