import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError, DEFAULT_ROLE_NAME } from '../src/config';
import { CONFIG_NAMESPACE } from './config';
import { awsManagedPolicyArn, buildTrustPolicy, DEFAULT_EXTRA_POLICY_NAME, SECURITY_AUDIT, splitPolicyNames, type PolicyDocument } from '../src/policy';

export const AUDIT_ROLE_TYPE = 'aws-org-graph:onboarding:AuditRole';

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH = /^\/([\x21-\x7E]{1,510}\/)?$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

export interface AuditRoleArgs {
  /** Defaults to `JupiterOne`. */
  roleName?: string;
  /** Defaults to `/`. */
  rolePath?: string;
  /** Name of the customer-managed extra policy; split ones get `-1`, `-2`, ... Defaults to `JupiterOneSecurityAudit`. */
  policyName?: string;
  /** The extra policies (from `buildAuditPolicy()`), in order; may be empty when SecurityAudit covers everything. */
  policyDocuments: readonly PolicyDocument[];
  /** Account ids, account root ARNs or role ARNs allowed to assume the role. */
  trustedPrincipals: pulumi.Input<pulumi.Input<string>[]>;
  /** Required in the trust policy (`StringEquals sts:ExternalId`); kept secret. */
  externalId: pulumi.Input<string>;
  /** Also trust JupiterOne's SaaS account. */
  trustJupiterOne?: boolean;
  /** 3,600 to 43,200 seconds; AWS's default (one hour) when unset. */
  maxSessionDuration?: number;
  /** Tags on the role and its policies. */
  tags?: Record<string, string>;
  /** `aws`, `aws-cn`, `aws-us-gov`, ...: the partition of the ARNs. Defaults to `aws`. */
  partition?: string;
  /** Keep the role and policies in AWS when they leave the program (an account leaving the organization). */
  retainOnDelete?: boolean;
}

/** Checks the plain settings of an audit role; each error starts with the setting's full configuration key. */
export function checkAuditRoleSettings(args: Pick<AuditRoleArgs, 'roleName' | 'rolePath' | 'policyName' | 'maxSessionDuration'>): void {
  if (args.roleName !== undefined && !ROLE_NAME.test(args.roleName)) {
    throw new ConfigError(`${CONFIG_NAMESPACE}:roleName: "${args.roleName}" is not a valid IAM role name (1 to 64 of letters, digits and +=,.@_-)`);
  }
  if (args.rolePath !== undefined && !ROLE_PATH.test(args.rolePath)) {
    throw new ConfigError(`${CONFIG_NAMESPACE}:rolePath: "${args.rolePath}" is not a valid IAM path (/ or /segments/ ending with a slash)`);
  }
  if (args.policyName !== undefined && !POLICY_NAME.test(args.policyName)) {
    throw new ConfigError(`${CONFIG_NAMESPACE}:policyName: "${args.policyName}" is not a valid IAM policy name (1 to 128 of letters, digits and +=,.@_-)`);
  }
  const duration = args.maxSessionDuration;
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 3600 || duration > 43200)) {
    throw new ConfigError(`${CONFIG_NAMESPACE}:maxSessionDuration: must be a whole number of seconds from 3,600 to 43,200 (it is ${duration})`);
  }
}

/**
 * The read-only audit role of one account: AWS-managed SecurityAudit plus the customer-managed
 * extra read policy (split when needed), trusted by the configured principals with the External ID.
 * Pass the account's provider in `opts.provider`; every child resource is created through it.
 */
export class AuditRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly policies: aws.iam.Policy[];
  readonly attachments: aws.iam.RolePolicyAttachment[];
  /** The role's ARN, resolved once the role and all its policy attachments exist. */
  readonly arn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  /** The trust policy JSON; a secret, as it holds the External ID. */
  readonly trustPolicy: pulumi.Output<string>;

  constructor(name: string, args: AuditRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // The args hold the External ID: they are not passed on as the component's recorded inputs.
    super(AUDIT_ROLE_TYPE, name, {}, opts);
    checkAuditRoleSettings(args);
    const partition = args.partition ?? 'aws';
    const policyName = args.policyName ?? DEFAULT_EXTRA_POLICY_NAME;
    const childOpts: pulumi.CustomResourceOptions = { parent: this, provider: opts.provider, retainOnDelete: args.retainOnDelete };
    const tags = args.tags && Object.keys(args.tags).length > 0 ? args.tags : undefined;

    this.trustPolicy = pulumi.secret(
      pulumi
        .all([args.trustedPrincipals, args.externalId])
        .apply(([principals, externalId]) => JSON.stringify(buildTrustPolicy({ principals, externalId, trustJupiterOne: args.trustJupiterOne, partition }))),
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName ?? DEFAULT_ROLE_NAME,
        path: args.rolePath ?? '/',
        description: 'Read-only audit role for the aws-org-graph ingester (SecurityAudit plus collector read actions)',
        assumeRolePolicy: this.trustPolicy,
        maxSessionDuration: args.maxSessionDuration,
        tags,
      },
      { ...childOpts, additionalSecretOutputs: ['assumeRolePolicy'] },
    );

    const names = splitPolicyNames(policyName, args.policyDocuments.length);
    this.policies = args.policyDocuments.map(
      (document, index) =>
        new aws.iam.Policy(
          `${name}-policy-${index + 1}`,
          {
            name: names[index] ?? policyName,
            path: '/',
            description: `Read actions the aws-org-graph collectors call beyond SecurityAudit (${index + 1} of ${names.length})`,
            policy: JSON.stringify(document),
            tags,
          },
          childOpts,
        ),
    );

    this.attachments = [
      new aws.iam.RolePolicyAttachment(
        `${name}-security-audit`,
        { role: this.role.name, policyArn: awsManagedPolicyArn(SECURITY_AUDIT.policyName, partition) },
        childOpts,
      ),
      ...this.policies.map(
        (policy, index) =>
          new aws.iam.RolePolicyAttachment(`${name}-policy-${index + 1}-attachment`, { role: this.role.name, policyArn: policy.arn }, childOpts),
      ),
    ];

    this.roleName = this.role.name;
    this.arn = pulumi.all([this.role.arn, ...this.attachments.map((attachment) => attachment.id)]).apply(([arn]) => arn);
    this.registerOutputs({ arn: this.arn, roleName: this.roleName });
  }
}
