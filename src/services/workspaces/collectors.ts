import {
  DescribeTagsCommand,
  DescribeWorkspaceBundlesCommand,
  paginateDescribeWorkspaceBundles,
  paginateDescribeWorkspaces,
  WorkSpacesClient,
  type Workspace,
  type WorkspaceBundle,
} from '@aws-sdk/client-workspaces';
import { addMappedEntity } from '../../analysis/mappings';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { mappedEntity, RelationshipVerb } from '../../graph';
import { kmsKeyEdge, subnetHasResource } from '../resource-edges';
import { bundleArn, convertBundle, convertWorkspace, workspacesEdge, workspacesServiceHas } from './converters';
import { WorkSpacesEntities, WorkSpacesRelationships } from './schema';

/** DescribeWorkspaceBundles takes at most 25 bundle ids. */
const BUNDLES_PER_CALL = 25;

export const workspacesCollector: Collector = {
  id: 'workspaces-workspaces',
  service: 'workspaces',
  scope: 'regional',
  entities: [WorkSpacesEntities.WORKSPACE, WorkSpacesEntities.BUNDLE],
  relationships: Object.values(WorkSpacesRelationships),
  permissions: ['workspaces:DescribeWorkspaces', 'workspaces:DescribeWorkspaceBundles', 'workspaces:DescribeTags'],
  optionalCalls: [
    {
      operation: 'workspaces:DescribeTags',
      properties: [{ _type: WorkSpacesEntities.WORKSPACE._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'workspaces have no `tag.*` properties',
    },
  ],
  events: [
    {
      source: 'workspaces.amazonaws.com',
      names: [
        'CreateWorkspaces',
        'TerminateWorkspaces',
        'ModifyWorkspaceProperties',
        'ModifyWorkspaceState',
        'MigrateWorkspace',
        'RebuildWorkspaces',
        'CreateWorkspaceBundle',
        'UpdateWorkspaceBundle',
        'DeleteWorkspaceBundle',
        'CreateTags',
        'DeleteTags',
      ],
    },
  ],
  // Subnets and keys of the same account are named by key.
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(WorkSpacesClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };
    const workspaces: Workspace[] = [];
    for await (const page of paginateDescribeWorkspaces({ client }, {})) workspaces.push(...(page.Workspaces ?? []));
    // The account's own bundles, then the (Amazon-owned) ones its workspaces use besides.
    const bundles = new Map<string, WorkspaceBundle>();
    for await (const page of paginateDescribeWorkspaceBundles({ client }, {}))
      for (const bundle of page.Bundles ?? []) if (bundle.BundleId) bundles.set(bundle.BundleId, bundle);
    const others = [...new Set(workspaces.map((w) => w.BundleId).filter((id): id is string => Boolean(id) && !bundles.has(id as string)))];
    for (let index = 0; index < others.length; index += BUNDLES_PER_CALL) {
      const output = await client.send(new DescribeWorkspaceBundlesCommand({ BundleIds: others.slice(index, index + BUNDLES_PER_CALL) }));
      for (const bundle of output.Bundles ?? []) if (bundle.BundleId) bundles.set(bundle.BundleId, bundle);
    }
    const bundleKeys = new Map<string, string>();
    for (const data of bundles.values()) {
      const bundle = convertBundle(data, scope);
      // Amazon's public bundles are no account's: one key for every account that uses them. As mapped
      // entities they lose the provenance of whichever account wrote them last (normalizeMappedEntities),
      // so the graph does not depend on which finished first, with or without worker threads.
      context.addEntity(/^\d{12}$/.test(data.Owner ?? accountId) ? bundle : mappedEntity(bundle));
      bundleKeys.set(data.BundleId as string, bundle._key);
      context.addRelationship(workspacesServiceHas(accountId, bundle));
    }
    const ingested = workspaces.some((w) => w.VolumeEncryptionKey) ? await context.ingestedAccounts() : new Set<string>();
    await mapConcurrent(workspaces, 4, async (data) => {
      const ResourceId = data.WorkspaceId;
      if (!ResourceId) return;
      const tags = await context.optional('workspaces:DescribeTags', async () => (await client.send(new DescribeTagsCommand({ ResourceId }))).TagList);
      const workspace = context.addEntity(convertWorkspace(data, scope, tags));
      context.addRelationship(workspacesServiceHas(accountId, workspace));
      if (data.SubnetId) context.addRelationship(subnetHasResource(data.SubnetId, workspace, scope));
      if (data.BundleId)
        context.addRelationship(
          workspacesEdge(workspace, RelationshipVerb.USES, {
            _key: bundleKeys.get(data.BundleId) ?? bundleArn(scope, data.BundleId),
            _type: WorkSpacesEntities.BUNDLE._type,
          }),
        );
      const key = kmsKeyEdge(workspace, data.VolumeEncryptionKey, scope, ingested);
      for (const mapped of key.mappedEntities) addMappedEntity(context, mapped);
      context.addRelationships(key.relationships);
    });
  },
};
