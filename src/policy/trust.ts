import { checkExternalId } from '../config';
import type { PolicyDocument } from './document';
import { PolicyError } from './types';

/** JupiterOne's SaaS account, trusted when the organization is also onboarded to JupiterOne itself. */
export const JUPITERONE_ACCOUNT_ID = '612791702201';
export const JUPITERONE_PRINCIPAL = `arn:aws:iam::${JUPITERONE_ACCOUNT_ID}:root`;

const ACCOUNT_ID = /^\d{12}$/;
const PARTITION = /^aws(-[a-z]+)*$/;
const ROOT_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):root$/;
/** Role paths are `/` or `/a/b/`; role names are 1 to 64 of `[\w+=,.@-]`. */
const ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/(?:[\x21-\x7E]+\/)?[\w+=,.@-]{1,64}$/;

/**
 * Normalizes a trusted principal: a 12-digit account id becomes the account's root ARN; account
 * root ARNs and role ARNs are kept. Anything else is an error saying what is accepted.
 */
export function normalizePrincipal(principal: string, partition = 'aws'): string {
  const value = principal.trim();
  if (!PARTITION.test(partition)) throw new PolicyError(`"${partition}" is not an AWS partition (aws, aws-cn, aws-us-gov, ...)`);
  if (ACCOUNT_ID.test(value)) return `arn:${partition}:iam::${value}:root`;
  if (ROOT_ARN.test(value) || ROLE_ARN.test(value)) return value;
  throw new PolicyError(
    `trusted principal "${principal}" is neither a 12-digit account id, an account root ARN (arn:aws:iam::123456789012:root) nor a role ARN (arn:aws:iam::123456789012:role/name)`,
  );
}

/** Sorted, de-duplicated, normalized principals; at least one. */
export function normalizePrincipals(principals: readonly string[], partition = 'aws'): string[] {
  const normalized = [...new Set(principals.map((principal) => normalizePrincipal(principal, partition)))].sort();
  if (normalized.length === 0) throw new PolicyError('the audit role needs at least one trusted principal');
  return normalized;
}

/**
 * The statement shape of the trust policy, with the principal list and External ID left to the
 * caller (plain values here, CloudFormation references in the template).
 */
export function trustStatement<P, E>(principals: P, externalId: E) {
  return {
    Effect: 'Allow' as const,
    Principal: { AWS: principals },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'sts:ExternalId': externalId } },
  };
}

export interface TrustPolicyOptions {
  /** Account ids, account root ARNs or role ARNs. */
  principals: readonly string[];
  externalId: string;
  /** Also trust JupiterOne's SaaS account. */
  trustJupiterOne?: boolean;
  partition?: string;
}

/**
 * The audit role's trust policy: the principals may call `sts:AssumeRole` only with the External
 * ID (`StringEquals sts:ExternalId`). The External ID is validated (2 to 1,224 of `[\w+=,.@:/-]`).
 */
export function buildTrustPolicy(options: TrustPolicyOptions): PolicyDocument {
  const externalId = checkExternalId(options.externalId);
  const principals = normalizePrincipals(options.trustJupiterOne ? [...options.principals, JUPITERONE_PRINCIPAL] : options.principals, options.partition);
  return { Version: '2012-10-17', Statement: [trustStatement(principals, externalId)] };
}
