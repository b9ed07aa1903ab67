import {
  DescribeFileSystemPolicyCommand,
  DescribeMountTargetSecurityGroupsCommand,
  EFSClient,
  paginateDescribeFileSystems,
  paginateDescribeMountTargets,
  type FileSystemDescription,
  type MountTargetDescription,
} from '@aws-sdk/client-efs';
import { addMappedEntity } from '../../analysis/mappings';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { RelationshipVerb } from '../../graph';
import { Ec2Entities, eniKey } from '../ec2/schema';
import { kmsKeyEdge, securityGroupEdges, subnetHasResource } from '../resource-edges';
import { convertFileSystem, convertFileSystemPolicy, convertMountTarget, efsEdge, efsServiceHasFileSystem } from './converters';
import { EfsEntities, EfsRelationships } from './schema';

const MOUNT_TARGET = EfsEntities.MOUNT_TARGET._type;

/** A file system without a resource policy answers `PolicyNotFound`. */
function isNoPolicy(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'PolicyNotFound';
}

export const efsFileSystemsCollector: Collector = {
  id: 'efs-file-systems',
  service: 'efs',
  scope: 'regional',
  entities: [EfsEntities.FILE_SYSTEM, EfsEntities.MOUNT_TARGET, EfsEntities.FILE_SYSTEM_POLICY],
  relationships: Object.values(EfsRelationships),
  permissions: [
    'elasticfilesystem:DescribeFileSystems',
    'elasticfilesystem:DescribeMountTargets',
    'elasticfilesystem:DescribeMountTargetSecurityGroups',
    'elasticfilesystem:DescribeFileSystemPolicy',
  ],
  optionalCalls: [
    { operation: 'elasticfilesystem:DescribeMountTargets', cost: 'no `aws_efs_mount_target`, so no subnet, interface or security-group edges' },
    {
      operation: 'elasticfilesystem:DescribeMountTargetSecurityGroups',
      properties: [{ _type: MOUNT_TARGET, properties: ['securityGroupIds'] }],
      cost: 'mount targets have no security groups (no HAS/PROTECTS edges)',
    },
    {
      operation: 'elasticfilesystem:DescribeFileSystemPolicy',
      cost: 'no `aws_efs_file_system_policy`, so no ALLOWS edges from it',
    },
  ],
  events: [
    {
      source: 'elasticfilesystem.amazonaws.com',
      names: [
        'CreateFileSystem',
        'UpdateFileSystem',
        'DeleteFileSystem',
        'CreateMountTarget',
        'DeleteMountTarget',
        'ModifyMountTargetSecurityGroups',
        'PutFileSystemPolicy',
        'DeleteFileSystemPolicy',
        'TagResource',
        'UntagResource',
      ],
    },
  ],
  // Subnets, interfaces, groups and keys of the same account are named by key.
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(EFSClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };
    const fileSystems: FileSystemDescription[] = [];
    for await (const page of paginateDescribeFileSystems({ client }, {})) fileSystems.push(...(page.FileSystems ?? []));
    const ingested = fileSystems.some((fs) => fs.KmsKeyId) ? await context.ingestedAccounts() : new Set<string>();

    await mapConcurrent(fileSystems, 4, async (data) => {
      const FileSystemId = data.FileSystemId;
      if (!FileSystemId) return;
      const fileSystem = context.addEntity(convertFileSystem(data, scope));
      context.addRelationship(efsServiceHasFileSystem(accountId, fileSystem));
      const key = kmsKeyEdge(fileSystem, data.KmsKeyId, scope, ingested);
      for (const mapped of key.mappedEntities) addMappedEntity(context, mapped);
      context.addRelationships(key.relationships);

      const policyText = await context.optional('elasticfilesystem:DescribeFileSystemPolicy', async () => {
        try {
          return (await client.send(new DescribeFileSystemPolicyCommand({ FileSystemId }))).Policy ?? null;
        } catch (error) {
          if (isNoPolicy(error)) return null;
          throw error;
        }
      });
      if (policyText) {
        const policy = context.addEntity(convertFileSystemPolicy(fileSystem, policyText));
        context.addRelationship(efsEdge(fileSystem, RelationshipVerb.HAS, policy));
      }

      const mountTargets = await context.optional('elasticfilesystem:DescribeMountTargets', async () => {
        const all: MountTargetDescription[] = [];
        for await (const page of paginateDescribeMountTargets({ client }, { FileSystemId })) all.push(...(page.MountTargets ?? []));
        return all;
      });
      for (const mountTargetData of mountTargets ?? []) {
        const MountTargetId = mountTargetData.MountTargetId;
        if (!MountTargetId) continue;
        const groups = await context.optional(
          'elasticfilesystem:DescribeMountTargetSecurityGroups',
          async () => (await client.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId }))).SecurityGroups,
        );
        const mountTarget = context.addEntity(convertMountTarget(mountTargetData, scope, groups));
        context.addRelationship(efsEdge(fileSystem, RelationshipVerb.HAS, mountTarget));
        if (mountTargetData.SubnetId) context.addRelationship(subnetHasResource(mountTargetData.SubnetId, mountTarget, scope));
        if (mountTargetData.NetworkInterfaceId)
          context.addRelationship(
            efsEdge(mountTarget, RelationshipVerb.USES, {
              _key: eniKey(context.region, accountId, mountTargetData.NetworkInterfaceId),
              _type: Ec2Entities.ENI._type,
            }),
          );
        context.addRelationships(securityGroupEdges(mountTarget, groups ?? [], scope));
      }
    });
  },
};
