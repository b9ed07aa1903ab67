import data from './data/security-audit.json';
import { asList, type PolicyDocument } from './document';
import { PolicyError, type ManagedPolicyData } from './types';

export const SECURITY_AUDIT_POLICY_NAME = 'SecurityAudit';

export const SECURITY_AUDIT_REFRESH_NOTE =
  'Refresh: aws iam get-policy-version --policy-arn arn:aws:iam::aws:policy/SecurityAudit ' +
  '--version-id "$(aws iam get-policy --policy-arn arn:aws:iam::aws:policy/SecurityAudit --query Policy.DefaultVersionId --output text)" ' +
  '> security-audit-version.json && node --import tsx src/policy/refresh-security-audit.ts security-audit-version.json; ' +
  'then run the policy tests and review `orggraph policy` (actions newly granted by SecurityAudit leave the extra policy).';

/** The ARN of an AWS-managed policy in a partition (`aws`, `aws-cn`, `aws-us-gov`). */
export function awsManagedPolicyArn(policyName: string, partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/${policyName}`;
}

/** Checks the shape of a policy document read from data; the error names the source and the problem. */
export function checkPolicyDocument(value: unknown, source: string): PolicyDocument {
  const fail = (problem: string): never => {
    throw new PolicyError(`${source}: not a usable policy document: ${problem}`);
  };
  if (!value || typeof value !== 'object') return fail('not an object');
  const document = value as Partial<PolicyDocument>;
  if (document.Version !== '2012-10-17') fail(`Version is ${JSON.stringify(document.Version)}, expected "2012-10-17"`);
  if (!Array.isArray(document.Statement) || document.Statement.length === 0) return fail('no Statement list');
  document.Statement.forEach((statement, index) => {
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') fail(`statement ${index + 1} has Effect ${JSON.stringify(statement.Effect)}`);
    const actions = [...asList(statement.Action), ...asList(statement.NotAction)];
    if (actions.length === 0 || actions.some((action) => typeof action !== 'string')) fail(`statement ${index + 1} has no action strings`);
  });
  return document as PolicyDocument;
}

/** Checks a managed-policy data file (the shape of `data/security-audit.json`). */
export function checkManagedPolicyData(value: unknown, source: string): ManagedPolicyData {
  if (!value || typeof value !== 'object') throw new PolicyError(`${source}: not an object`);
  const record = value as Record<string, unknown>;
  for (const key of ['policyArn', 'policyName', 'versionId', 'createDate', 'refresh']) {
    if (typeof record[key] !== 'string' || record[key] === '') throw new PolicyError(`${source}: "${key}" must be a non-empty string`);
  }
  checkPolicyDocument(record.document, `${source} (document)`);
  return value as ManagedPolicyData;
}

/**
 * AWS-managed `SecurityAudit`, the baseline the audit role always has. The document is data
 * (`data/security-audit.json`), refreshed by hand from `aws iam get-policy-version` (see
 * {@link SECURITY_AUDIT_REFRESH_NOTE}); the extra policy is whatever the collectors need beyond it.
 */
export const SECURITY_AUDIT: ManagedPolicyData = checkManagedPolicyData(data, 'src/policy/data/security-audit.json');

/**
 * Converts the output of `aws iam get-policy-version` (`{ PolicyVersion: { Document, VersionId,
 * CreateDate } }`; the CLI decodes the URL-encoded document already) into the data file's shape.
 */
export function managedPolicyDataFromPolicyVersion(output: unknown, policyName: string, source: string): ManagedPolicyData {
  const version = (output as { PolicyVersion?: Record<string, unknown> } | undefined)?.PolicyVersion;
  if (!version) throw new PolicyError(`${source}: no PolicyVersion (expected the output of aws iam get-policy-version)`);
  let document = version.Document;
  if (typeof document === 'string') document = JSON.parse(decodeURIComponent(document));
  const data: ManagedPolicyData = {
    policyArn: awsManagedPolicyArn(policyName),
    policyName,
    versionId: String(version.VersionId ?? ''),
    createDate: String(version.CreateDate ?? ''),
    refresh: SECURITY_AUDIT_REFRESH_NOTE,
    document: checkPolicyDocument(document, source),
  };
  return checkManagedPolicyData(data, source);
}
