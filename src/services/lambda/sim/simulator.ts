import type {
  EventSourceMappingConfiguration,
  FunctionConfiguration,
  GetPolicyCommandInput,
  GetPolicyCommandOutput,
  ListEventSourceMappingsCommandInput,
  ListEventSourceMappingsCommandOutput,
  ListFunctionsCommandInput,
  ListFunctionsCommandOutput,
  ListTagsCommandInput,
  ListTagsCommandOutput,
} from '@aws-sdk/client-lambda';
import { pageOf } from '../../../sim/paginate';
import { defineHandler, type GenerateInput, type ServiceSimulator, type SimCallContext } from '../../../sim/types';
import type { WorldEc2 } from '../../ec2/sim-world';

/** A function in the world: its FunctionConfiguration (SDK shape), tags and resource policy. */
export interface WorldLambdaFunction {
  /** ListFunctions' FunctionConfiguration; `FunctionArn` defaults to the function's ARN in the account and region. */
  configuration: FunctionConfiguration;
  tags?: Record<string, string>;
  /** The resource-based policy document (GetPolicy answers it as text); none when absent. */
  policy?: Record<string, unknown>;
}

export interface WorldLambda {
  functions?: WorldLambdaFunction[];
  /** ListEventSourceMappings' items (SDK shape). */
  eventSourceMappings?: EventSourceMappingConfiguration[];
}

const object = { type: 'object' };
export const lambdaWorldSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    functions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['configuration'],
        properties: {
          configuration: { type: 'object', required: ['FunctionName'], properties: { FunctionName: { type: 'string', pattern: '^[\\w-]{1,64}$' } } },
          tags: { type: 'object', additionalProperties: { type: 'string' } },
          policy: object,
        },
      },
    },
    eventSourceMappings: { type: 'array', items: { type: 'object', required: ['UUID', 'FunctionArn', 'EventSourceArn'] } },
  },
};

const section = (context: SimCallContext) => context.section<WorldLambda>() ?? {};
const functionArn = (context: SimCallContext, name: string) => `arn:aws:lambda:${context.region}:${context.account.id}:function:${name}`;

function configurationOf(context: SimCallContext, fn: WorldLambdaFunction): FunctionConfiguration {
  const name = fn.configuration.FunctionName ?? '';
  return { FunctionArn: functionArn(context, name), ...fn.configuration };
}

function findFunction(context: SimCallContext, nameOrArn: string | undefined): WorldLambdaFunction {
  const name = nameOrArn?.replace(/^arn:[^:]+:lambda:[^:]+:\d{12}:function:/, '').split(':')[0];
  const fn = (section(context).functions ?? []).find((f) => f.configuration.FunctionName === name);
  if (!fn) return context.notFound('ResourceNotFoundException', `Function not found: ${functionArn(context, name ?? '')}`);
  return fn;
}

export const lambdaSimulator: ServiceSimulator = {
  service: 'lambda',
  clientName: 'LambdaClient',
  scope: 'regional',
  schema: lambdaWorldSchema,
  accessDeniedName: 'AccessDeniedException',
  throttlingName: 'TooManyRequestsException',
  handlers: {
    ListFunctionsCommand: defineHandler<ListFunctionsCommandInput, ListFunctionsCommandOutput>((input, context) => {
      const page = pageOf(section(context).functions ?? [], input.Marker, context.pageSize(input.MaxItems, 50));
      return { Functions: page.items.map((fn) => configurationOf(context, fn)), NextMarker: page.nextToken };
    }),
    ListTagsCommand: defineHandler<ListTagsCommandInput, ListTagsCommandOutput>((input, context) => ({ Tags: { ...findFunction(context, input.Resource).tags } })),
    GetPolicyCommand: defineHandler<GetPolicyCommandInput, GetPolicyCommandOutput>((input, context) => {
      const fn = findFunction(context, input.FunctionName);
      if (!fn.policy) return context.notFound('ResourceNotFoundException', 'The resource you requested does not exist.');
      return { Policy: JSON.stringify(fn.policy), RevisionId: '00000000-0000-4000-8000-000000000001' };
    }),
    ListEventSourceMappingsCommand: defineHandler<ListEventSourceMappingsCommandInput, ListEventSourceMappingsCommandOutput>((input, context) => {
      const page = pageOf(section(context).eventSourceMappings ?? [], input.Marker, context.pageSize(input.MaxItems, 100));
      return { EventSourceMappings: page.items, NextMarker: page.nextToken };
    }),
  },
  generate: generateLambdaSection,
};

/**
 * `size / 10` functions (none for an empty region): every third in the region's first VPC with its
 * app security group, every fourth with a policy that lets an EventBridge rule invoke it, every
 * fifth fed by an SQS queue. Deterministic from the index (no draw on the shared random stream).
 */
export function generateLambdaSection({ accountId, region, size, sections }: GenerateInput): WorldLambda {
  const count = Math.ceil(size / 10);
  if (!count) return {};
  const ec2 = sections.ec2 as WorldEc2 | undefined;
  const subnet = ec2?.subnets?.find((s) => !s.mapPublicIpOnLaunch);
  const group = ec2?.securityGroups?.find((g) => g.vpc === subnet?.vpc);
  const functions: WorldLambdaFunction[] = [];
  const eventSourceMappings: EventSourceMappingConfiguration[] = [];
  for (let index = 0; index < count; index++) {
    const name = `generated-function-${index}`;
    const arn = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    const inVpc = index % 3 === 0 && subnet && group;
    functions.push({
      configuration: {
        FunctionName: name,
        Runtime: index % 7 === 0 ? 'python3.8' : 'nodejs20.x',
        Role: `arn:aws:iam::${accountId}:role/generated-role-0`,
        Handler: 'index.handler',
        CodeSize: 1024 + index,
        MemorySize: 128,
        Timeout: 30,
        LastModified: '2024-01-15T10:00:00.000+0000',
        PackageType: 'Zip',
        VpcConfig: inVpc ? { VpcId: subnet.vpc, SubnetIds: [subnet.id], SecurityGroupIds: [group.id] } : undefined,
        LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
      },
      tags: { Name: name },
      policy:
        index % 4 === 1
          ? {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'events',
                  Effect: 'Allow',
                  Principal: { Service: 'events.amazonaws.com' },
                  Action: 'lambda:InvokeFunction',
                  Resource: arn,
                  Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:events:${region}:${accountId}:rule/generated-rule-${index}` } },
                },
              ],
            }
          : undefined,
    });
    if (index % 5 === 2) {
      eventSourceMappings.push({
        UUID: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        FunctionArn: arn,
        EventSourceArn: `arn:aws:sqs:${region}:${accountId}:generated-queue-${index}`,
        State: 'Enabled',
        BatchSize: 10,
      });
    }
  }
  return { functions, eventSourceMappings };
}
