import type {
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  DescribeWorkspaceBundlesCommandInput,
  DescribeWorkspaceBundlesCommandOutput,
  DescribeWorkspacesCommandInput,
  DescribeWorkspacesCommandOutput,
  Workspace,
  WorkspaceBundle,
} from '@aws-sdk/client-workspaces';
import { collection, custom, defineSimulatedService, list, tagMapOf, type InWorld } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';
import { ec2Resources } from '../../ec2/sim/records';

/** World records: DescribeWorkspaces' Workspace with the tags DescribeTags serves; DescribeWorkspaceBundles' bundle. */
export type WorldWorkspace = Workspace & { Tags?: Array<{ Key: string; Value?: string }> };
export type WorldBundle = InWorld<WorkspaceBundle>;

export const workspacesSimulator = defineSimulatedService({
  service: 'workspaces',
  clientName: 'WorkSpacesClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidParameterValuesException' },
  collections: {
    workspaces: collection<WorldWorkspace>({
      id: 'WorkspaceId',
      required: ['DirectoryId', 'BundleId', 'State'],
      fields: { WorkspaceId: { type: 'string', pattern: '^ws-[0-9a-z]{8,63}$' } },
      worldOnly: ['Tags'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `The specified WorkSpace ${id} could not be found.` },
    }),
    bundles: collection<WorldBundle>({
      id: 'BundleId',
      required: ['Owner'],
      fields: { BundleId: { type: 'string', pattern: '^wsb-[0-9a-z]{8,63}$' } },
      dates: ['CreationTime', 'LastUpdatedTime'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `The specified bundle ${id} could not be found.` },
    }),
  },
  operations: {
    DescribeWorkspaces: list<DescribeWorkspacesCommandInput, DescribeWorkspacesCommandOutput>('workspaces', {
      items: 'Workspaces',
      maxResults: 'Limit',
      awsMax: 25,
      ids: 'WorkspaceIds',
    }),
    // By ids (any owner), else the bundles of an owner: the caller's own by default, or AMAZON's.
    DescribeWorkspaceBundles: list<DescribeWorkspaceBundlesCommandInput, DescribeWorkspaceBundlesCommandOutput, WorldBundle>('bundles', {
      items: 'Bundles',
      filter: (bundle, input, context) =>
        input.BundleIds?.length ? input.BundleIds.includes(bundle.BundleId ?? '') : bundle.Owner === (input.Owner ?? context.account.id),
    }),
    DescribeTags: custom<DescribeTagsCommandInput, DescribeTagsCommandOutput>((input, context, kit) => ({
      TagList: Object.entries(tagMapOf((kit.find('workspaces', input.ResourceId, context) as WorldWorkspace).Tags)).map(([Key, Value]) => ({ Key, Value })),
    })),
  },
  generate: generateWorkspacesSection,
});

/** Two workspaces per generated region with a private subnet, on an Amazon bundle; the first one unencrypted. */
export function generateWorkspacesSection({ accountId, region, size, sections }: GenerateInput): { workspaces?: WorldWorkspace[]; bundles?: WorldBundle[] } {
  const subnet = ec2Resources(sections.ec2).subnets.find((s) => !s.MapPublicIpOnLaunch);
  if (!size || !subnet) return {};
  const bundleId = 'wsb-bh8rsxt14';
  return {
    bundles: [
      {
        BundleId: bundleId,
        Name: 'Standard with Windows 10',
        Owner: 'AMAZON',
        ComputeType: { Name: 'STANDARD' },
        RootStorage: { Capacity: '80' },
        UserStorage: { Capacity: '50' },
      },
    ],
    workspaces: [0, 1].map((index) => ({
      WorkspaceId: `ws-${accountId.slice(-6)}${region.length}${index}abc`,
      DirectoryId: `d-${accountId.slice(-6)}0000`,
      UserName: `user-${index}`,
      State: 'AVAILABLE',
      BundleId: bundleId,
      SubnetId: subnet.SubnetId,
      ComputerName: `WSAMZN-${accountId.slice(-4)}${index}`,
      UserVolumeEncryptionEnabled: index === 1,
      RootVolumeEncryptionEnabled: index === 1,
      WorkspaceProperties: { RunningMode: 'AUTO_STOP', ComputeTypeName: 'STANDARD', RootVolumeSizeGib: 80, UserVolumeSizeGib: 50 },
    })),
  };
}
