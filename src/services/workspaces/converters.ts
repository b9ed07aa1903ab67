import type { Tag, Workspace, WorkspaceBundle } from '@aws-sdk/client-workspaces';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { WorkSpacesEntities } from './schema';

export interface WorkSpacesScope {
  accountId: string;
  region: string;
}

export function workspaceArn(scope: WorkSpacesScope, workspaceId: string): string {
  return `arn:aws:workspaces:${scope.region}:${scope.accountId}:workspace/${workspaceId}`;
}

/** A bundle's ARN: Amazon's public bundles carry no account. */
export function bundleArn(scope: WorkSpacesScope, bundleId: string, owner?: string): string {
  const account = owner === undefined || /^\d{12}$/.test(owner) ? (owner ?? scope.accountId) : '';
  return `arn:aws:workspaces:${scope.region}:${account}:workspacebundle/${bundleId}`;
}

const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** `aws_workspace` from DescribeWorkspaces (a virtual desktop: a Host whose hardware AWS does not expose) and its tags. */
export function convertWorkspace(workspace: Workspace, scope: WorkSpacesScope, tags?: Tag[]): Entity {
  const id = workspace.WorkspaceId ?? '';
  const arn = workspaceArn(scope, id);
  const properties = workspace.WorkspaceProperties;
  const ip = workspace.IpAddress;
  return createEntity({
    _key: arn,
    schema: WorkSpacesEntities.WORKSPACE,
    name: workspace.ComputerName || id,
    tags,
    properties: {
      id,
      workspaceId: id,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      directoryId: workspace.DirectoryId,
      userName: workspace.UserName,
      state: workspace.State,
      bundleId: workspace.BundleId,
      subnetId: workspace.SubnetId,
      computerName: workspace.ComputerName,
      runningMode: properties?.RunningMode,
      computeTypeName: properties?.ComputeTypeName,
      rootVolumeSizeGib: properties?.RootVolumeSizeGib,
      userVolumeSizeGib: properties?.UserVolumeSizeGib,
      protocols: properties?.Protocols?.length ? [...properties.Protocols] : undefined,
      userVolumeEncryptionEnabled: workspace.UserVolumeEncryptionEnabled === true,
      rootVolumeEncryptionEnabled: workspace.RootVolumeEncryptionEnabled === true,
      encrypted: workspace.UserVolumeEncryptionEnabled === true && workspace.RootVolumeEncryptionEnabled === true,
      volumeEncryptionKey: workspace.VolumeEncryptionKey,
      // Host class (device) properties: a virtual desktop, its hardware not exposed (null: unknown).
      category: 'endpoint',
      hostname: workspace.ComputerName && HOSTNAME.test(workspace.ComputerName) ? workspace.ComputerName : null,
      fqdn: null,
      ipv4Addresses: ip ? [ip] : null,
      ipv6Addresses: null,
      macAddresses: null,
      publicIpAddresses: null,
      privateIpAddresses: ip ? [ip] : null,
      serial: null,
      deviceId: null,
      lastSeenOn: null,
      make: null,
      model: properties?.ComputeTypeName ?? null,
      osName: properties?.OperatingSystemName ?? null,
      osType: null,
      osDetails: null,
      osVersion: null,
      webLink: `https://console.aws.amazon.com/workspaces/home?region=${scope.region}#listworkspaces:search=${id}`,
    },
  });
}

/** `aws_workspaces_bundle` from DescribeWorkspaceBundles. */
export function convertBundle(bundle: WorkspaceBundle, scope: WorkSpacesScope): Entity {
  const id = bundle.BundleId ?? '';
  const arn = bundleArn(scope, id, bundle.Owner);
  return createEntity({
    _key: arn,
    schema: WorkSpacesEntities.BUNDLE,
    name: bundle.Name ?? id,
    createdOn: bundle.CreationTime,
    properties: {
      id,
      bundleId: id,
      arn,
      accountId: /^\d{12}$/.test(bundle.Owner ?? '') ? bundle.Owner : undefined,
      region: scope.region,
      owner: bundle.Owner,
      description: bundle.Description || undefined,
      imageId: bundle.ImageId,
      computeTypeName: bundle.ComputeType?.Name,
      rootStorageCapacity: bundle.RootStorage?.Capacity,
      userStorageCapacity: bundle.UserStorage?.Capacity,
      state: bundle.State,
      bundleType: bundle.BundleType,
      updatedOn: bundle.LastUpdatedTime,
    },
  });
}

export function workspacesServiceHas(accountId: string, entity: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'workspaces'), verb: RelationshipVerb.HAS, to: entity });
}

export function workspacesEdge(from: { _key: string; _type: string }, verb: RelationshipVerb, to: { _key: string; _type: string }): Relationship {
  return createRelationship({ from, verb, to });
}
