import type {
  DescribeStacksCommandInput,
  DescribeStacksCommandOutput,
  ListStackResourcesCommandInput,
  ListStackResourcesCommandOutput,
  Stack,
  StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { collection, defineSimulatedService, list, ownRandom, type InWorld, type WorldRecord } from '../../../sim/service-kit';

/** A stack in the world: DescribeStacks' `Stack`, with its resources as ListStackResources returns them. */
type WorldStack = InWorld<Stack> & { StackName: string; Resources?: Array<Partial<InWorld<StackResourceSummary>>> };

const stackArn = (stack: WorldStack, accountId: string, region: string) =>
  stack.StackId ?? `arn:aws:cloudformation:${region}:${accountId}:stack/${stack.StackName}/00000000-0000-4000-8000-000000000000`;

export const cloudFormationSimulator = defineSimulatedService({
  service: 'cloudformation',
  clientName: 'CloudFormationClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDenied', throttling: 'Throttling', invalidToken: 'ValidationError' },
  collections: {
    stacks: collection<WorldStack>({
      id: 'StackName',
      required: ['StackStatus', 'CreationTime'],
      fields: { StackStatus: { type: 'string' }, Resources: { type: 'array' } },
      dates: ['CreationTime', 'LastUpdatedTime', 'DriftInformation.LastCheckTimestamp'],
      arn: (stack, context) => stackArn(stack, context.account.id, context.region),
      arnField: 'StackId',
      worldOnly: ['Resources'],
      notFound: { error: 'ValidationError', message: (name) => `Stack with id ${name} does not exist` },
    }),
  },
  operations: {
    DescribeStacks: list<DescribeStacksCommandInput, DescribeStacksCommandOutput, WorldStack>('stacks', {
      items: 'Stacks',
      filter: (stack, input, context) =>
        !input.StackName || input.StackName === stack.StackName || input.StackName === stackArn(stack, context.account.id, context.region),
    }),
    ListStackResources: list<ListStackResourcesCommandInput, ListStackResourcesCommandOutput, WorldStack>('stacks', {
      items: 'StackResourceSummaries',
      source: (stacks, input, context) => {
        const stack = stacks.find(
          (candidate) => input.StackName === candidate.StackName || input.StackName === stackArn(candidate, context.account.id, context.region),
        );
        if (!stack) return context.notFound('ValidationError', `Stack with id ${input.StackName} does not exist`);
        return (stack.Resources ?? []).map((resource) => ({
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(String(stack.CreationTime)),
          ...(resource as WorldRecord),
        }));
      },
    }),
  },
  // A few stacks per region, their drift checked on most: one managing a generated queue and topic.
  generate: ({ accountId, region, size, sections }) => {
    const random = ownRandom({ accountId, region }, 'cloudformation');
    const queue = (sections.sqs as { queues?: Array<{ QueueUrl: string }> } | undefined)?.queues?.[0]?.QueueUrl;
    const stacks: WorldStack[] = Array.from({ length: Math.max(1, Math.ceil(size / 8)) }, (_, index) => {
      const drift = random();
      return {
        StackName: `app-${index}`,
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: '2025-03-01T00:00:00Z',
        DriftInformation:
          drift < 0.2
            ? { StackDriftStatus: 'NOT_CHECKED' }
            : { StackDriftStatus: drift < 0.4 ? 'DRIFTED' : 'IN_SYNC', LastCheckTimestamp: '2026-11-01T00:00:00Z' },
        Tags: [{ Key: 'team', Value: `team-${index % 5}` }],
        Resources:
          index === 0 && queue
            ? [{ LogicalResourceId: 'Queue', PhysicalResourceId: queue, ResourceType: 'AWS::SQS::Queue', ResourceStatus: 'CREATE_COMPLETE' }]
            : [],
      };
    });
    return { stacks };
  },
});
