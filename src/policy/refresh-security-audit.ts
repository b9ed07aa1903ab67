/**
 * Rewrites `data/security-audit.json` from a saved `aws iam get-policy-version` output:
 *   node --import tsx src/policy/refresh-security-audit.ts security-audit-version.json
 * See SECURITY_AUDIT_REFRESH_NOTE for the whole procedure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { managedPolicyDataFromPolicyVersion, SECURITY_AUDIT_POLICY_NAME } from './security-audit';

export const SECURITY_AUDIT_DATA_FILE = path.join(__dirname, 'data', 'security-audit.json');

export function refreshSecurityAudit(inputFile: string, outputFile = SECURITY_AUDIT_DATA_FILE): string {
  const output: unknown = JSON.parse(readFileSync(inputFile, 'utf8'));
  const data = managedPolicyDataFromPolicyVersion(output, SECURITY_AUDIT_POLICY_NAME, inputFile);
  writeFileSync(outputFile, `${JSON.stringify(data, null, 2)}\n`);
  return `${outputFile}: SecurityAudit ${data.versionId} (${data.createDate})`;
}

if (require.main === module) {
  const [inputFile] = process.argv.slice(2);
  if (!inputFile) {
    process.stderr.write('usage: node --import tsx src/policy/refresh-security-audit.ts <get-policy-version output.json>\n');
    process.exit(2);
  }
  process.stdout.write(`${refreshSecurityAudit(inputFile)}\n`);
}
