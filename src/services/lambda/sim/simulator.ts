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
import { collection, custom, defineSimulatedService, list, tags } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';
import { ec2Resources } from '../../ec2/sim/records';

/** A function of the world: its FunctionConfiguration, with the tags ListTags serves and the resource policy GetPolicy serves. */
export type WorldFunction = FunctionConfiguration & { Tags?: Record<string, string>; Policy?: Record<string, unknown> };

const functionArn = (region: string, accountId: string, name: string) => `arn:aws:lambda:${region}:${accountId}:function:${name}`;

export const lambdaSimulator = defineSimulatedService({
  service: 'lambda',
  clientName: 'LambdaClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'TooManyRequestsException', invalidToken: 'InvalidParameterValueException' },
  collections: {
    functions: collection<WorldFunction>({
      id: 'FunctionName',
      fields: {
        FunctionName: { type: 'string', pattern: '^[\\w-]{1,64}$' },
        Runtime: { type: 'string' },
        MemorySize: { type: 'integer', minimum: 128 },
        Policy: { type: 'object' },
      },
      arn: (fn, context) => functionArn(context.region, context.account.id, fn.FunctionName ?? ''),
      arnField: 'FunctionArn',
      worldOnly: ['Tags', 'Policy'],
      notFound: { error: 'ResourceNotFoundException', message: (id, context) => `Function not found: ${functionArn(context.region, context.account.id, id)}` },
    }),
    eventSourceMappings: collection<EventSourceMappingConfiguration>({
      id: 'UUID',
      required: ['FunctionArn', 'EventSourceArn'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `The resource you requested does not exist. (Service: Lambda, UUID: ${id})` },
    }),
  },
  operations: {
    ListFunctions: list<ListFunctionsCommandInput, ListFunctionsCommandOutput>('functions', {
      items: 'Functions',
      token: { input: 'Marker', output: 'NextMarker' },
      maxResults: 'MaxItems',
      awsMax: 50,
    }),
    ListTags: tags<ListTagsCommandInput, ListTagsCommandOutput>('functions', { id: 'Resource', shape: 'map' }),
    // A function without a resource policy answers 404, as Lambda does.
    GetPolicy: custom<GetPolicyCommandInput, GetPolicyCommandOutput>((input, context, kit) => {
      const fn = kit.find('functions', input.FunctionName, context) as WorldFunction;
      if (!fn.Policy) throw kit.error('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
      return { Policy: JSON.stringify(fn.Policy), RevisionId: '00000000-0000-4000-8000-000000000001' };
    }),
    ListEventSourceMappings: list<ListEventSourceMappingsCommandInput, ListEventSourceMappingsCommandOutput>('eventSourceMappings', {
      items: 'EventSourceMappings',
      token: { input: 'Marker', output: 'NextMarker' },
      maxResults: 'MaxItems',
      awsMax: 100,
    }),
  },
  generate: generateLambdaSection,
});

/**
 * `size / 10` functions (none for an empty region): every third in the region's first VPC with its
 * app security group, every fourth with a policy that lets an EventBridge rule invoke it, every
 * fifth fed by an SQS queue. Deterministic from the index (no draw on the shared random stream).
 */
export function generateLambdaSection({ accountId, region, size, sections }: GenerateInput): {
  functions?: WorldFunction[];
  eventSourceMappings?: EventSourceMappingConfiguration[];
} {
  const count = Math.ceil(size / 10);
  if (!count) return {};
  const ec2 = ec2Resources(sections.ec2);
  const subnet = ec2.subnets.find((s) => !s.MapPublicIpOnLaunch);
  const group = ec2.securityGroups.find((g) => g.VpcId === subnet?.VpcId);
  const functions: WorldFunction[] = [];
  const eventSourceMappings: EventSourceMappingConfiguration[] = [];
  for (let index = 0; index < count; index++) {
    const name = `generated-function-${index}`;
    const arn = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    const inVpc = index % 3 === 0 && subnet && group;
    functions.push({
      FunctionName: name,
      Runtime: index % 7 === 0 ? 'python3.8' : 'nodejs20.x',
      Role: `arn:aws:iam::${accountId}:role/generated-role-0`,
      Handler: 'index.handler',
      CodeSize: 1024 + index,
      MemorySize: 128,
      Timeout: 30,
      LastModified: '2024-01-15T10:00:00.000+0000',
      PackageType: 'Zip',
      VpcConfig: inVpc ? { VpcId: subnet.VpcId, SubnetIds: [subnet.SubnetId], SecurityGroupIds: [group.GroupId] } : undefined,
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
      Tags: { Name: name },
      Policy:
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
