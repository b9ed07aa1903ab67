import type { PolicyDocument } from './document';

/** An AWS-managed policy kept as data in the repository (see `data/`). */
export interface ManagedPolicyData {
  policyArn: string;
  policyName: string;
  /** The policy version the document was taken from (`aws iam get-policy-version`). */
  versionId: string;
  createDate: string;
  /** How to refresh the file. */
  refresh: string;
  document: PolicyDocument;
}

/** Errors in the policy derivation, worded for the person who has to fix a declaration or a setting. */
export class PolicyError extends Error {
  constructor(
    message: string,
    /** Collectors whose declarations caused the error, when there are any. */
    readonly collectorIds: string[] = [],
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}
