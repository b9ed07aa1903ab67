import type {
  DescribeHubCommandInput,
  DescribeHubCommandOutput,
  GetEnabledStandardsCommandInput,
  GetEnabledStandardsCommandOutput,
  StandardsSubscription,
} from '@aws-sdk/client-securityhub';
import { collection, custom, defineSimulatedService, list, ownRandom, type InWorld } from '../../../sim/service-kit';

/** The hub as DescribeHub returns it; absent where Security Hub is not enabled. */
type WorldHub = InWorld<Omit<DescribeHubCommandOutput, '$metadata'>>;

interface SecurityHubSection {
  hub?: WorldHub;
  standards?: Array<InWorld<StandardsSubscription>>;
}

const CIS_1_2 = 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0';
const FOUNDATIONAL = (region: string) => `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`;

/** Security Hub per region: DescribeHub, or InvalidAccessException where the account has not enabled it. */
export const securityHubSimulator = defineSimulatedService({
  service: 'securityhub',
  clientName: 'SecurityHubClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'TooManyRequestsException', invalidToken: 'InvalidInputException' },
  sectionFields: {
    hub: {
      type: 'object',
      required: ['SubscribedAt'],
      properties: {
        HubArn: { type: 'string', pattern: '^arn:aws:securityhub:[a-z0-9-]+:\\d{12}:hub/default$' },
        SubscribedAt: { type: 'string', format: 'date-time' },
        AutoEnableControls: { type: 'boolean' },
        ControlFindingGenerator: { enum: ['STANDARD_CONTROL', 'SECURITY_CONTROL'] },
      },
    },
  },
  collections: {
    standards: collection<InWorld<StandardsSubscription>>({
      id: 'StandardsSubscriptionArn',
      required: ['StandardsArn', 'StandardsStatus'],
      fields: { StandardsStatus: { enum: ['PENDING', 'READY', 'FAILED', 'DELETING', 'INCOMPLETE'] } },
      notFound: { error: 'ResourceNotFoundException', message: (arn) => `Standards subscription ${arn} not found` },
    }),
  },
  operations: {
    DescribeHub: custom<DescribeHubCommandInput, DescribeHubCommandOutput>((_input, context, kit) => {
      const hub = context.section<SecurityHubSection>()?.hub;
      if (!hub) throw kit.error('InvalidAccessException', `Account ${context.account.id} is not subscribed to AWS Security Hub`, 401);
      return {
        ...hub,
        HubArn: hub.HubArn ?? `arn:aws:securityhub:${context.region}:${context.account.id}:hub/default`,
        SubscribedAt: hub.SubscribedAt,
      };
    }),
    GetEnabledStandards: list<GetEnabledStandardsCommandInput, GetEnabledStandardsCommandOutput>('standards', {
      items: 'StandardsSubscriptions',
      maxResults: 'MaxResults',
      awsMax: 100,
    }),
  },
  // Security Hub is on in most generated accounts' regions, with the CIS standard in about half.
  generate: ({ accountId, region }) => {
    const random = ownRandom({ accountId, region }, 'securityhub');
    if (random() < 0.3) return {};
    const subscription = (standardsArn: string, name: string) => ({
      StandardsArn: standardsArn,
      StandardsSubscriptionArn: `arn:aws:securityhub:${region}:${accountId}:subscription/${name}`,
      StandardsInput: {},
      StandardsStatus: 'READY' as const,
    });
    return {
      hub: { SubscribedAt: '2023-03-01T00:00:00.000Z', AutoEnableControls: true, ControlFindingGenerator: 'SECURITY_CONTROL' },
      standards: [
        subscription(FOUNDATIONAL(region), 'aws-foundational-security-best-practices/v/1.0.0'),
        ...(random() < 0.5 ? [subscription(CIS_1_2, 'cis-aws-foundations-benchmark/v/1.2.0')] : []),
      ],
    };
  },
});
