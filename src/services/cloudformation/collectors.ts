import {
  CloudFormationClient,
  paginateDescribeStacks,
  paginateListStackResources,
  type Stack,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { IamEntities } from '../iam/schema';
import { cloudFormationServiceHasStack, convertStack, managedResourceKey, stackHasResource } from './converters';
import { CloudFormationEntities, CloudFormationRelationships } from './schema';

/**
 * Stacks with their drift status (DescribeStacks' `DriftInformation`: the last drift detection's
 * result; DetectStackDrift is not read-only and is never called) and HAS edges to the resources
 * they manage, named by the keys their own converters compute from ListStackResources' physical
 * ids (edges to resources not in the graph are dropped at write). Per region: DescribeStacks'
 * pages; per live stack: ListStackResources' pages (100 resources each).
 */
export const cloudFormationStacksCollector: Collector = {
  id: 'cloudformation-stacks',
  service: 'cloudformation',
  scope: 'regional',
  events: [
    {
      source: 'cloudformation.amazonaws.com',
      names: ['CreateStack', 'UpdateStack', 'DeleteStack', 'ExecuteChangeSet', 'DetectStackDrift', 'UpdateTerminationProtection'],
      resourceIds: ['requestParameters.stackName', 'responseElements.stackId'],
    },
  ],
  entities: [CloudFormationEntities.STACK],
  relationships: Object.values(CloudFormationRelationships),
  permissions: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
  optionalCalls: [{ operation: 'cloudformation:ListStackResources', cost: 'no HAS edges from stacks to the resources they manage' }],
  // Roles are named by name in a stack: their ARNs (with paths) come from the account's roles.
  dependsOn: ['account', 'iam-roles'],
  async run(context) {
    const client = context.client(CloudFormationClient);
    const scope = { accountId: context.account.accountId, region: context.region };
    const roleArns = new Map<string, string>();
    for (const role of context.graph.entitiesOfType(IamEntities.ROLE._type))
      if (role.accountId === scope.accountId && typeof role.roleName === 'string') roleArns.set(role.roleName, role._key);
    const stacks: Stack[] = [];
    for await (const page of paginateDescribeStacks({ client }, {})) stacks.push(...(page.Stacks ?? []));
    const live = stacks.filter((stack) => stack.StackStatus !== 'DELETE_COMPLETE');
    const read = await mapConcurrent(live, 4, async (stack) => {
      const resources = await context.optional('cloudformation:ListStackResources', async () => {
        const found: StackResourceSummary[] = [];
        for await (const page of paginateListStackResources({ client }, { StackName: stack.StackId ?? stack.StackName }))
          found.push(...(page.StackResourceSummaries ?? []));
        return found;
      });
      return { stack, resources };
    });
    for (const { stack, resources } of read) {
      const entity = context.addEntity(convertStack(stack, scope));
      context.addRelationship(cloudFormationServiceHasStack(scope.accountId, entity));
      for (const resource of resources ?? []) {
        if (resource.ResourceStatus === 'DELETE_COMPLETE') continue;
        const target = managedResourceKey(resource, scope, roleArns);
        if (target) context.addRelationship(stackHasResource(entity, target, resource));
      }
    }
  },
};
