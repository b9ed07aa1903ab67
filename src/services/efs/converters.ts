import type { FileSystemDescription, MountTargetDescription } from '@aws-sdk/client-efs';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { isPublicStatement, parsePolicyDocument, policyDocumentText } from '../../policy/document';
import { EfsEntities } from './schema';

export interface EfsScope {
  accountId: string;
  region: string;
}

export function fileSystemArn(scope: EfsScope, fileSystemId: string): string {
  return `arn:aws:elasticfilesystem:${scope.region}:${scope.accountId}:file-system/${fileSystemId}`;
}

/** Mount targets have no ARN: keyed under their file system's. */
export function mountTargetKey(scope: EfsScope, fileSystemId: string, mountTargetId: string): string {
  return `${fileSystemArn(scope, fileSystemId)}/mount-target/${mountTargetId}`;
}

/** `aws_efs_file_system` from DescribeFileSystems (tags included in the answer). */
export function convertFileSystem(fs: FileSystemDescription, scope: EfsScope): Entity {
  const id = fs.FileSystemId ?? '';
  const arn = fs.FileSystemArn ?? fileSystemArn(scope, id);
  return createEntity({
    _key: arn,
    schema: EfsEntities.FILE_SYSTEM,
    name: fs.Name || id,
    tags: fs.Tags,
    createdOn: fs.CreationTime,
    properties: {
      id,
      fileSystemId: id,
      arn,
      accountId: fs.OwnerId ?? scope.accountId,
      region: scope.region,
      creationToken: fs.CreationToken,
      lifeCycleState: fs.LifeCycleState,
      numberOfMountTargets: fs.NumberOfMountTargets,
      sizeInBytes: fs.SizeInBytes?.Value,
      performanceMode: fs.PerformanceMode,
      throughputMode: fs.ThroughputMode,
      provisionedThroughputInMibps: fs.ProvisionedThroughputInMibps,
      classification: null,
      encrypted: fs.Encrypted === true,
      kmsKeyId: fs.KmsKeyId,
      // One Zone file systems live in a single Availability Zone.
      availabilityZoneName: fs.AvailabilityZoneName,
      oneZone: fs.AvailabilityZoneName !== undefined,
      replicationOverwriteProtection: fs.FileSystemProtection?.ReplicationOverwriteProtection,
      webLink: `https://console.aws.amazon.com/efs/home?region=${scope.region}#/file-systems/${id}`,
    },
  });
}

/** `aws_efs_mount_target` from DescribeMountTargets and its security groups (DescribeMountTargetSecurityGroups). */
export function convertMountTarget(mountTarget: MountTargetDescription, scope: EfsScope, securityGroupIds?: string[]): Entity {
  const id = mountTarget.MountTargetId ?? '';
  const fileSystemId = mountTarget.FileSystemId ?? '';
  return createEntity({
    _key: mountTargetKey(scope, fileSystemId, id),
    schema: EfsEntities.MOUNT_TARGET,
    name: id,
    properties: {
      id,
      mountTargetId: id,
      fileSystemId,
      accountId: mountTarget.OwnerId ?? scope.accountId,
      region: scope.region,
      lifeCycleState: mountTarget.LifeCycleState,
      subnetId: mountTarget.SubnetId,
      vpcId: mountTarget.VpcId,
      ipAddress: mountTarget.IpAddress,
      ipv6Address: mountTarget.Ipv6Address,
      networkInterfaceId: mountTarget.NetworkInterfaceId,
      availabilityZoneName: mountTarget.AvailabilityZoneName,
      securityGroupIds: securityGroupIds?.length ? [...securityGroupIds].sort() : undefined,
    },
  });
}

/**
 * `aws_efs_file_system_policy` from DescribeFileSystemPolicy's `Policy` text, read with the shared
 * policy-document model: `document` is what the ALLOWS analysis reads; `public` when an Allow
 * reaches everyone without a condition that pins the callers.
 */
export function convertFileSystemPolicy(fileSystem: Entity, policyText: string): Entity {
  const parsed = parsePolicyDocument(policyText);
  return createEntity({
    _key: `${fileSystem._key}|policy`,
    schema: EfsEntities.FILE_SYSTEM_POLICY,
    name: `${String(fileSystem.fileSystemId)}-policy`,
    properties: {
      fileSystemArn: fileSystem._key,
      accountId: fileSystem.accountId as string,
      region: fileSystem.region as string,
      document: policyDocumentText(policyText),
      statementCount: parsed?.statements.length,
      public: parsed ? parsed.statements.some(isPublicStatement) : undefined,
    },
  });
}

export function efsServiceHasFileSystem(accountId: string, fileSystem: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'efs'), verb: RelationshipVerb.HAS, to: fileSystem });
}

export function efsEdge(from: { _key: string; _type: string }, verb: RelationshipVerb, to: { _key: string; _type: string }): Relationship {
  return createRelationship({ from, verb, to });
}
