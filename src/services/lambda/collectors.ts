import {
  GetPolicyCommand,
  LambdaClient,
  ListTagsCommand,
  paginateListEventSourceMappings,
  paginateListFunctions,
  type EventSourceMappingConfiguration,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import { RelationshipVerb, type Entity } from '../../graph';
import { edgeTarget, placeholderEntity, type EntityRef } from '../cross-service';
import { securityGroupKey, vpcKey } from '../ec2/schema';
import { kmsKeyKey } from '../kms/schema';
import { KmsEntities } from '../kms/schema';
import { convertLambdaFunction, convertLambdaFunctionPolicy, eventSourceRef, lambdaEdge, lambdaServiceHasFunction, policyEventSources } from './converters';
import { LambdaEntities, LambdaRelationships, LambdaTargets } from './schema';

const FUNCTION = LambdaEntities.FUNCTION._type;

/** Class of a placeholder for an edge end of another service (not collected, or another organization's). */
const PLACEHOLDER_CLASS: Record<string, string[]> = {
  [LambdaTargets.VPC]: ['Network'],
  [LambdaTargets.SECURITY_GROUP]: ['Firewall'],
  [LambdaTargets.KMS_KEY]: [...KmsEntities.KEY._class],
  [LambdaTargets.SQS_QUEUE]: ['Queue'],
  [LambdaTargets.DYNAMODB_TABLE]: ['DataStore', 'Database'],
  [LambdaTargets.KINESIS_STREAM]: ['Queue'],
  [LambdaTargets.SNS_TOPIC]: ['Channel'],
  [LambdaTargets.EVENT_RULE]: ['Task'],
  [LambdaTargets.REST_API]: ['Gateway'],
  [LambdaTargets.S3_BUCKET]: ['DataStore'],
};

function target(context: CollectorContext, ref: EntityRef): Promise<EntityRef> {
  const _class = PLACEHOLDER_CLASS[ref._type];
  return _class ? edgeTarget(context, ref, () => placeholderEntity(ref, _class)) : edgeTarget(context, ref);
}

/** Whether a function's policy could not be found because it has none (GetPolicy answers 404). */
function isNoPolicy(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ResourceNotFoundException';
}

export const lambdaFunctionsCollector: Collector = {
  id: 'lambda-functions',
  service: 'lambda',
  scope: 'regional',
  entities: [LambdaEntities.FUNCTION, LambdaEntities.FUNCTION_POLICY],
  relationships: Object.values(LambdaRelationships),
  permissions: ['lambda:ListFunctions', 'lambda:ListTags', 'lambda:GetPolicy', 'lambda:ListEventSourceMappings'],
  optionalCalls: [
    {
      operation: 'lambda:ListTags',
      properties: [{ _type: FUNCTION, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'functions have no `tag.*` properties',
    },
    {
      operation: 'lambda:GetPolicy',
      cost: 'no `aws_lambda_function_policy`, no ALLOWS edges from it, no TRIGGERS edges from the sources it names',
    },
    { operation: 'lambda:ListEventSourceMappings', per: 'scope', cost: 'no TRIGGERS edges from queues, tables and streams' },
  ],
  // Edge targets are looked up in the graph: roles, networks, keys and buckets are collected first.
  // Only the account: its edges to roles, VPCs, groups, keys and buckets are named by key (see edgeTarget).
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(LambdaClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };

    const functions: FunctionConfiguration[] = [];
    for await (const page of paginateListFunctions({ client }, {})) functions.push(...(page.Functions ?? []));

    const mappings = await context.optional('lambda:ListEventSourceMappings', async () => {
      const all: EventSourceMappingConfiguration[] = [];
      for await (const page of paginateListEventSourceMappings({ client }, {})) all.push(...(page.EventSourceMappings ?? []));
      return all;
    });

    const entities = new Map<string, Entity>();
    await mapConcurrent(functions, 4, async (configuration) => {
      const arn = configuration.FunctionArn;
      if (!arn) return;
      const tags = await context.optional('lambda:ListTags', async () => (await client.send(new ListTagsCommand({ Resource: arn }))).Tags);
      const fn = context.addEntity(convertLambdaFunction(configuration, scope, tags));
      entities.set(arn, fn);
      context.addRelationship(lambdaServiceHasFunction(accountId, fn));

      if (configuration.Role)
        context.addRelationship(lambdaEdge(fn, RelationshipVerb.HAS, await target(context, { _key: configuration.Role, _type: LambdaTargets.ROLE })));
      const vpc = configuration.VpcConfig;
      if (vpc?.VpcId)
        context.addRelationship(
          lambdaEdge(fn, RelationshipVerb.HAS, await target(context, { _key: vpcKey(context.region, accountId, vpc.VpcId), _type: LambdaTargets.VPC })),
        );
      for (const groupId of vpc?.SecurityGroupIds ?? []) {
        const group = await target(context, { _key: securityGroupKey(context.region, accountId, groupId), _type: LambdaTargets.SECURITY_GROUP });
        context.addRelationship(lambdaEdge(fn, RelationshipVerb.HAS, group));
      }
      const keyArn = kmsKeyKey(configuration.KMSKeyArn, accountId, context.region);
      if (keyArn) context.addRelationship(lambdaEdge(fn, RelationshipVerb.USES, await target(context, { _key: keyArn, _type: LambdaTargets.KMS_KEY })));

      const policyText = await context.optional('lambda:GetPolicy', async () => {
        try {
          return (await client.send(new GetPolicyCommand({ FunctionName: arn }))).Policy ?? null;
        } catch (error) {
          if (isNoPolicy(error)) return null;
          throw error;
        }
      });
      if (policyText) {
        const policy = context.addEntity(convertLambdaFunctionPolicy(fn, policyText));
        context.addRelationship(lambdaEdge(fn, RelationshipVerb.HAS, policy));
        for (const source of policyEventSources(policyText)) context.addRelationship(lambdaEdge(await target(context, source), RelationshipVerb.TRIGGERS, fn));
      }
    });

    for (const mapping of mappings ?? []) {
      // Mappings name the function by its unqualified or version/alias-qualified ARN.
      const fn = mapping.FunctionArn ? entities.get(mapping.FunctionArn.replace(/^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+):.*$/, '$1')) : undefined;
      const source = eventSourceRef(mapping);
      if (!fn || !source) continue;
      context.addRelationship(
        lambdaEdge(
          await target(context, source),
          RelationshipVerb.TRIGGERS,
          fn,
          {
            eventSourceMappingId: mapping.UUID,
            state: mapping.State,
            batchSize: mapping.BatchSize,
            eventSourceArn: mapping.EventSourceArn,
          },
          mapping.UUID,
        ),
      );
    }
  },
};
