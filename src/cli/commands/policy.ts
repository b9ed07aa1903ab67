import { Option, type Command } from 'commander';
import { DEFAULT_ROLE_NAME } from '../../config';
// The policy module loads IAM's action catalog (about a second): loaded when the command runs.
import type { AuditPolicy } from '../../policy';

// The same as src/policy/audit-policy.ts's DEFAULT_EXTRA_POLICY_NAME (test/cli-start.test.ts checks it).
const DEFAULT_EXTRA_POLICY_NAME = 'JupiterOneSecurityAudit';
const policyModule = () => require('../../policy') as typeof import('../../policy');
import { CliError } from '../errors';

interface PolicyOptions {
  json?: boolean;
  cloudformation?: boolean;
  policyName: string;
  roleName: string;
}

/** Human-readable output: a summary on comment lines, then each policy document. */
export function formatPolicyText(policy: AuditPolicy): string {
  const lines = [
    `# Baseline: ${policy.baseline.policyArn} (${policy.baseline.versionId}, ${policy.baseline.createDate})`,
    `# Declared actions (the engine's and the collectors'): ${policy.declared.length}; granted by ${policy.baseline.policyName}: ${policy.grantedByBaseline.length}; extra: ${policy.extraActions.length}`,
    `# The ingester's own identity (not this role) needs: ${policy.ingesterActions.join(', ')} on this role in every account`,
  ];
  if (policy.policies.length === 0) {
    lines.push(`# ${policy.baseline.policyName} grants every declared action: no extra policy is needed.`);
  }
  for (const extra of policy.policies) {
    lines.push('', `# ${extra.name} (${extra.size} of ${policy.maxPolicySize} characters)`, JSON.stringify(extra.document, null, 2));
  }
  return `${lines.join('\n')}\n`;
}

/** `--json`: the derivation as one machine-readable object. */
export function policyJson(policy: AuditPolicy): unknown {
  return {
    baseline: policy.baseline,
    declaredActions: policy.declared.map((entry) => ({ action: entry.action, accessLevel: entry.accessLevel, collectors: entry.collectors })),
    grantedByBaseline: policy.grantedByBaseline,
    extraActions: policy.extraActions,
    maxPolicySize: policy.maxPolicySize,
    policies: policy.policies,
    ingesterActions: policy.ingesterActions,
  };
}

export function registerPolicyCommand(program: Command): void {
  program
    .command('policy')
    .description(
      "Print the IAM policy the audit role needs beyond AWS-managed SecurityAudit, derived from the collectors' declared actions " +
        '(split into several policies when over the 6,144-character limit), or the whole role as a CloudFormation template.',
    )
    .addOption(new Option('--json', 'print the derivation and the policy documents as JSON').conflicts('cloudformation'))
    .addOption(new Option('--cloudformation', 'print a CloudFormation template (YAML) that creates the audit role'))
    .option('--policy-name <name>', 'name of the extra policy (split ones get -1, -2, ...)', DEFAULT_EXTRA_POLICY_NAME)
    .option('--role-name <name>', 'default role name in the CloudFormation template', DEFAULT_ROLE_NAME)
    .action(async (options: PolicyOptions) => {
      let policy: AuditPolicy;
      try {
        policy = await policyModule().buildAuditPolicy({ policyName: options.policyName });
      } catch (error) {
        if (error instanceof policyModule().PolicyError) throw new CliError(error.message, 1);
        throw error;
      }
      if (options.cloudformation) {
        process.stdout.write(policyModule().cloudFormationYaml(policy, { roleName: options.roleName, policyName: options.policyName }));
      } else if (options.json) {
        process.stdout.write(`${JSON.stringify(policyJson(policy), null, 2)}\n`);
      } else {
        process.stdout.write(formatPolicyText(policy));
      }
    });
}
