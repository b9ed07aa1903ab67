import type {
  ComplianceType,
  ConfigRule,
  ConfigurationRecorder,
  ConfigurationRecorderStatus,
  DeliveryChannel,
  DescribeComplianceByConfigRuleCommandInput,
  DescribeComplianceByConfigRuleCommandOutput,
  DescribeConfigRulesCommandInput,
  DescribeConfigRulesCommandOutput,
  DescribeConfigurationRecordersCommandInput,
  DescribeConfigurationRecordersCommandOutput,
  DescribeConfigurationRecorderStatusCommandInput,
  DescribeConfigurationRecorderStatusCommandOutput,
  DescribeDeliveryChannelsCommandInput,
  DescribeDeliveryChannelsCommandOutput,
  EvaluationResult,
  GetComplianceDetailsByConfigRuleCommandInput,
  GetComplianceDetailsByConfigRuleCommandOutput,
} from '@aws-sdk/client-config-service';
import { collection, defineSimulatedService, list, ownRandom } from '../../../sim/service-kit';
import { ec2Resources } from '../../ec2/sim/records';

/** A recorder and, world-only, its status (DescribeConfigurationRecorderStatus less the name). */
type WorldRecorder = ConfigurationRecorder & { Status?: Omit<ConfigurationRecorderStatus, 'name'> };
/** A rule and, world-only, its evaluations (GetComplianceDetailsByConfigRule's results, flattened). */
type WorldRule = ConfigRule & { Evaluations?: Array<{ ResourceType: string; ResourceId: string; ComplianceType: ComplianceType; Annotation?: string }> };

const notFound = (error: string) => ({ error, message: (id: string) => `Cannot find ${id}.` });

/** The compliance of a rule from its evaluations, as Config summarizes it. */
function complianceOf(rule: WorldRule): ComplianceType {
  const evaluations = rule.Evaluations ?? [];
  if (evaluations.some((e) => e.ComplianceType === 'NON_COMPLIANT')) return 'NON_COMPLIANT';
  if (evaluations.some((e) => e.ComplianceType === 'COMPLIANT')) return 'COMPLIANT';
  return 'INSUFFICIENT_DATA';
}

export const configSimulator = defineSimulatedService({
  service: 'config',
  clientName: 'ConfigServiceClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidNextTokenException' },
  collections: {
    recorders: collection<WorldRecorder>({ id: 'name', worldOnly: ['Status'], notFound: notFound('NoSuchConfigurationRecorderException') }),
    deliveryChannels: collection<DeliveryChannel>({ id: 'name', notFound: notFound('NoSuchDeliveryChannelException') }),
    rules: collection<WorldRule>({
      id: 'ConfigRuleName',
      required: ['Source'],
      worldOnly: ['Evaluations'],
      derive: (rule, context) => ({
        ConfigRuleId:
          rule.ConfigRuleId ??
          `config-rule-${(rule.ConfigRuleName ?? '')
            .replace(/[^a-z0-9]/gi, '')
            .slice(0, 6)
            .toLowerCase()}`,
        ConfigRuleArn: `arn:aws:config:${context.region}:${context.account.id}:config-rule/${rule.ConfigRuleName}`,
        ConfigRuleState: rule.ConfigRuleState ?? 'ACTIVE',
      }),
      notFound: notFound('NoSuchConfigRuleException'),
    }),
  },
  operations: {
    DescribeConfigurationRecorders: list<DescribeConfigurationRecordersCommandInput, DescribeConfigurationRecordersCommandOutput>('recorders', {
      items: 'ConfigurationRecorders',
      token: false,
    }),
    DescribeConfigurationRecorderStatus: list<DescribeConfigurationRecorderStatusCommandInput, DescribeConfigurationRecorderStatusCommandOutput, WorldRecorder>(
      'recorders',
      {
        items: 'ConfigurationRecordersStatus',
        token: false,
        source: (recorders) =>
          recorders.map((recorder) => ({
            name: recorder.name,
            ...recorder.Status,
            lastStartTime: recorder.Status?.lastStartTime ? new Date(recorder.Status.lastStartTime) : undefined,
            lastStopTime: recorder.Status?.lastStopTime ? new Date(recorder.Status.lastStopTime) : undefined,
            lastStatusChangeTime: recorder.Status?.lastStatusChangeTime ? new Date(recorder.Status.lastStatusChangeTime) : undefined,
          })),
      },
    ),
    DescribeDeliveryChannels: list<DescribeDeliveryChannelsCommandInput, DescribeDeliveryChannelsCommandOutput>('deliveryChannels', {
      items: 'DeliveryChannels',
      token: false,
    }),
    DescribeConfigRules: list<DescribeConfigRulesCommandInput, DescribeConfigRulesCommandOutput>('rules', { items: 'ConfigRules' }),
    DescribeComplianceByConfigRule: list<DescribeComplianceByConfigRuleCommandInput, DescribeComplianceByConfigRuleCommandOutput, WorldRule>('rules', {
      items: 'ComplianceByConfigRules',
      source: (rules) =>
        rules.map((rule) => {
          const failing = (rule.Evaluations ?? []).filter((e) => e.ComplianceType === 'NON_COMPLIANT').length;
          const ComplianceType = complianceOf(rule);
          return {
            ConfigRuleName: rule.ConfigRuleName,
            Compliance: { ComplianceType, ComplianceContributorCount: failing ? { CappedCount: failing, CapExceeded: false } : undefined },
          };
        }),
    }),
    GetComplianceDetailsByConfigRule: list<GetComplianceDetailsByConfigRuleCommandInput, GetComplianceDetailsByConfigRuleCommandOutput, WorldRule>('rules', {
      items: 'EvaluationResults',
      maxResults: 'Limit',
      awsMax: 100,
      source: (rules, input) =>
        (rules.find((rule) => rule.ConfigRuleName === input.ConfigRuleName)?.Evaluations ?? []).map((evaluation): EvaluationResult => ({
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ConfigRuleName: input.ConfigRuleName, ResourceType: evaluation.ResourceType, ResourceId: evaluation.ResourceId },
            OrderingTimestamp: new Date('2026-01-01T00:00:00Z'),
          },
          ComplianceType: evaluation.ComplianceType,
          ResultRecordedTime: new Date('2026-01-01T00:05:00Z'),
          ConfigRuleInvokedTime: new Date('2026-01-01T00:04:00Z'),
          Annotation: evaluation.Annotation,
        })),
    }),
  },
  // Every generated region records (a landing zone's baseline), with a rule on the account and
  // one on a tenth of the region's instances (one in five of them without IMDSv2).
  generate: ({ accountId, region, size, sections }) => {
    if (!size) return {};
    const random = ownRandom({ accountId, region }, 'config');
    const instances = ec2Resources(sections.ec2).instances.filter((_, index) => index % 10 === 0);
    return {
      recorders: [
        {
          name: 'default',
          roleARN: `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: region === 'us-east-1' },
          Status: { recording: random() < 0.9, lastStatus: 'Success' },
        },
      ],
      deliveryChannels: [{ name: 'default', s3BucketName: `generated-config-${accountId}` }],
      rules: [
        {
          ConfigRuleName: 'root-account-mfa-enabled',
          Source: { Owner: 'AWS', SourceIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED' },
          Evaluations: [{ ResourceType: 'AWS::::Account', ResourceId: accountId, ComplianceType: 'COMPLIANT' }],
        },
        {
          ConfigRuleName: 'ec2-imdsv2-check',
          Source: { Owner: 'AWS', SourceIdentifier: 'EC2_IMDSV2_CHECK' },
          Evaluations: instances.map((instance) => ({
            ResourceType: 'AWS::EC2::Instance',
            ResourceId: instance.InstanceId,
            ComplianceType: random() < 0.2 ? 'NON_COMPLIANT' : 'COMPLIANT',
          })),
        },
      ],
    };
  },
});
