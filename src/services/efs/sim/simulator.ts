import type {
  DescribeFileSystemPolicyCommandInput,
  DescribeFileSystemPolicyCommandOutput,
  DescribeFileSystemsCommandInput,
  DescribeFileSystemsCommandOutput,
  DescribeMountTargetSecurityGroupsCommandInput,
  DescribeMountTargetSecurityGroupsCommandOutput,
  DescribeMountTargetsCommandInput,
  DescribeMountTargetsCommandOutput,
  FileSystemDescription,
  MountTargetDescription,
} from '@aws-sdk/client-efs';
import { collection, custom, defineSimulatedService, list, type InWorld } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';
import { ec2Resources } from '../../ec2/sim/records';

/** World records: DescribeFileSystems' description with its resource policy; a mount target with its security groups. */
export type WorldFileSystem = Omit<InWorld<FileSystemDescription>, 'OwnerId' | 'CreationToken'> & {
  OwnerId?: string;
  CreationToken?: string;
  Policy?: Record<string, unknown>;
};
export type WorldMountTarget = MountTargetDescription & { SecurityGroups?: string[] };

const PAGING = { token: { input: 'Marker', output: 'NextMarker' }, maxResults: 'MaxItems', awsMax: 100 } as const;

export const efsSimulator = defineSimulatedService({
  service: 'efs',
  clientName: 'EFSClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'BadRequest' },
  collections: {
    fileSystems: collection<WorldFileSystem>({
      id: 'FileSystemId',
      required: ['LifeCycleState', 'PerformanceMode'],
      fields: { FileSystemId: { type: 'string', pattern: '^fs-[0-9a-f]{8,40}$' }, Encrypted: { type: 'boolean' }, Policy: { type: 'object' } },
      dates: ['CreationTime'],
      arn: (fs, context) => `arn:aws:elasticfilesystem:${context.region}:${context.account.id}:file-system/${fs.FileSystemId}`,
      arnField: 'FileSystemArn',
      derive: (fs, context) => ({ OwnerId: context.account.id, CreationToken: fs.CreationToken ?? fs.FileSystemId }),
      worldOnly: ['Policy'],
      notFound: { error: 'FileSystemNotFound', message: (id) => `File system '${id}' does not exist.` },
    }),
    mountTargets: collection<WorldMountTarget>({
      id: 'MountTargetId',
      required: ['FileSystemId', 'SubnetId', 'NetworkInterfaceId'],
      fields: { MountTargetId: { type: 'string', pattern: '^fsmt-[0-9a-f]{8,40}$' } },
      // EFS creates the mount target's interface: the world's id check counts it as defined here.
      idFields: ['NetworkInterfaceId'],
      derive: (_mountTarget, context) => ({ OwnerId: context.account.id }),
      worldOnly: ['SecurityGroups'],
      notFound: { error: 'MountTargetNotFound', message: (id) => `Mount target '${id}' does not exist.` },
    }),
  },
  operations: {
    DescribeFileSystems: list<DescribeFileSystemsCommandInput, DescribeFileSystemsCommandOutput, WorldFileSystem>('fileSystems', {
      items: 'FileSystems',
      ...PAGING,
      filter: (fs, input) => !input.FileSystemId || fs.FileSystemId === input.FileSystemId,
    }),
    DescribeMountTargets: list<DescribeMountTargetsCommandInput, DescribeMountTargetsCommandOutput, WorldMountTarget>('mountTargets', {
      items: 'MountTargets',
      ...PAGING,
      filter: (mountTarget, input) => mountTarget.FileSystemId === input.FileSystemId,
    }),
    DescribeMountTargetSecurityGroups: custom<DescribeMountTargetSecurityGroupsCommandInput, DescribeMountTargetSecurityGroupsCommandOutput>(
      (input, context, kit) => ({
        SecurityGroups: (kit.find('mountTargets', input.MountTargetId, context) as unknown as WorldMountTarget).SecurityGroups ?? [],
      }),
    ),
    // A file system without a policy answers 404 PolicyNotFound, as EFS does.
    DescribeFileSystemPolicy: custom<DescribeFileSystemPolicyCommandInput, DescribeFileSystemPolicyCommandOutput>((input, context, kit) => {
      const fs = kit.find('fileSystems', input.FileSystemId, context) as unknown as WorldFileSystem;
      if (!fs.Policy) throw kit.error('PolicyNotFound', 'None', 404);
      return { FileSystemId: fs.FileSystemId, Policy: JSON.stringify(fs.Policy) };
    }),
  },
  generate: generateEfsSection,
});

/**
 * One file system per generated region with subnets (encrypted when the region's name has an even
 * length), with a mount target in each of the first two subnets of the region's first VPC. Their
 * interfaces are EFS's own (`idFields`): the generated EC2 section does not list them, so the
 * mount targets' USES edges are dropped at write, as for an interface EC2 did not report.
 */
export function generateEfsSection({ accountId, region, size, sections }: GenerateInput): {
  fileSystems?: WorldFileSystem[];
  mountTargets?: WorldMountTarget[];
} {
  const ec2 = ec2Resources(sections.ec2);
  const subnets = ec2.subnets;
  if (!size || subnets.length === 0) return {};
  const vpcId = subnets[0].VpcId;
  const suffix = `${accountId.slice(-6)}${region.length.toString(16).padStart(2, '0')}`;
  const id = `fs-${suffix}`;
  const mountTargets = subnets
    .filter((s) => s.VpcId === vpcId)
    .slice(0, 2)
    .map((subnet, index): WorldMountTarget => ({
      MountTargetId: `fsmt-${suffix}${index}`,
      FileSystemId: id,
      SubnetId: subnet.SubnetId,
      VpcId: vpcId,
      LifeCycleState: 'available',
      NetworkInterfaceId: `eni-${suffix}0${index}`,
      SecurityGroups: ec2.securityGroups
        .filter((g) => g.VpcId === vpcId)
        .slice(0, 1)
        .map((g) => g.GroupId),
    }));
  return {
    fileSystems: [
      {
        FileSystemId: id,
        Name: `generated-${region}`,
        LifeCycleState: 'available',
        PerformanceMode: 'generalPurpose',
        ThroughputMode: 'bursting',
        Encrypted: region.length % 2 === 0,
        NumberOfMountTargets: mountTargets.length,
        SizeInBytes: { Value: 6144 },
        CreationTime: '2024-04-01T10:00:00.000Z',
        Tags: [{ Key: 'Name', Value: `generated-${region}` }],
      },
    ],
    mountTargets,
  };
}
