import type { DescribedServer, DescribedUser, ListedServer, ListedUser, Tag } from '@aws-sdk/client-transfer';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type RawValue, type Relationship } from '../../graph';
import { managedHostProperties } from '../resource-edges';
import { TransferEntities } from './schema';

export interface TransferScope {
  accountId: string;
  region: string;
}

export function transferServerArn(scope: TransferScope, serverId: string): string {
  return `arn:aws:transfer:${scope.region}:${scope.accountId}:server/${serverId}`;
}

export function transferUserArn(scope: TransferScope, serverId: string, userName: string): string {
  return `arn:aws:transfer:${scope.region}:${scope.accountId}:user/${serverId}/${userName}`;
}

/**
 * Reachable from the Internet: a PUBLIC endpoint, or a VPC endpoint with Elastic IPs attached
 * (`AddressAllocationIds`). Without DescribeServer a VPC server's addresses are unknown: false.
 */
export function transferServerIsPublic(endpointType: string | undefined, detail?: DescribedServer): boolean {
  if (endpointType === 'PUBLIC') return true;
  return endpointType === 'VPC' && (detail?.EndpointDetails?.AddressAllocationIds?.length ?? 0) > 0;
}

/** `aws_transfer_server` from ListServers, enriched by DescribeServer (protocols, endpoint details, tags). */
export function convertTransferServer(listed: ListedServer, scope: TransferScope, detail?: DescribedServer): Entity {
  const serverId = listed.ServerId ?? detail?.ServerId ?? '';
  const arn = listed.Arn ?? detail?.Arn ?? transferServerArn(scope, serverId);
  const endpointType = listed.EndpointType ?? detail?.EndpointType;
  const state = listed.State ?? detail?.State;
  const endpoint = detail?.EndpointDetails;
  const tags: Tag[] | undefined = detail?.Tags;
  // The server's own DNS name (PUBLIC and VPC with Elastic IPs resolve it publicly).
  const hostname = `${serverId}.server.transfer.${scope.region}.amazonaws.com`;
  return createEntity({
    _key: arn,
    schema: TransferEntities.SERVER,
    name: serverId,
    tags,
    properties: {
      ...managedHostProperties({ model: 'AWS Transfer Family', fqdn: hostname }),
      // Gateway's array category and function (src/graph/validate.ts: Gateway decides `category`).
      category: ['application'],
      function: ['remote-access-gateway'],
      id: serverId,
      serverId,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      endpointType,
      protocols: detail?.Protocols?.length ? [...detail.Protocols] : undefined,
      identityProviderType: listed.IdentityProviderType ?? detail?.IdentityProviderType,
      public: transferServerIsPublic(endpointType, detail),
      loggingRole: listed.LoggingRole ?? detail?.LoggingRole,
      state,
      active: state === 'ONLINE',
      domain: listed.Domain ?? detail?.Domain,
      userCount: listed.UserCount ?? detail?.UserCount,
      securityPolicyName: detail?.SecurityPolicyName,
      certificate: detail?.Certificate,
      hostKeyFingerprint: detail?.HostKeyFingerprint,
      vpcId: endpoint?.VpcId,
      vpcEndpointId: endpoint?.VpcEndpointId,
      subnetIds: endpoint?.SubnetIds?.length ? [...endpoint.SubnetIds].sort() : undefined,
      securityGroupIds: endpoint?.SecurityGroupIds?.length ? [...endpoint.SecurityGroupIds].sort() : undefined,
      addressAllocationIds: endpoint?.AddressAllocationIds?.length ? [...endpoint.AddressAllocationIds].sort() : undefined,
      webLink: `https://console.aws.amazon.com/transfer/home?region=${scope.region}#/servers/${serverId}`,
    },
  });
}

/** `aws_transfer_user` from ListUsers, enriched by DescribeUser (mappings, session policy, keys, tags). */
export function convertTransferUser(listed: ListedUser, serverId: string, scope: TransferScope, detail?: DescribedUser): Entity {
  const userName = listed.UserName ?? detail?.UserName ?? '';
  const arn = listed.Arn ?? detail?.Arn ?? transferUserArn(scope, serverId, userName);
  const mappings = detail?.HomeDirectoryMappings;
  return createEntity({
    _key: arn,
    schema: TransferEntities.USER,
    name: userName,
    tags: detail?.Tags,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      serverId,
      userName,
      // The User schema wants these as arrays (or null); Transfer users have no e-mail or person name.
      username: [userName],
      shortLoginId: [userName],
      email: null,
      firstName: null,
      lastName: null,
      homeDirectory: listed.HomeDirectory ?? detail?.HomeDirectory,
      homeDirectoryType: listed.HomeDirectoryType ?? detail?.HomeDirectoryType,
      homeDirectoryMappings: mappings?.length ? mappings.map((m) => `${m.Entry ?? ''} -> ${m.Target ?? ''}`) : undefined,
      role: listed.Role ?? detail?.Role,
      sshPublicKeyCount: listed.SshPublicKeyCount ?? detail?.SshPublicKeys?.length,
      // A session (scope-down) policy narrows what the role grants.
      hasSessionPolicy: detail ? Boolean(detail.Policy) : undefined,
      posixUid: detail?.PosixProfile?.Uid,
    },
  });
}

/** An S3 location of a home directory or mapping target: `/bucket/prefix`. */
export interface HomeBucket {
  bucket: string;
  paths: string[];
}

/**
 * The S3 buckets a user's home directory reaches: the `HomeDirectory` path (`/bucket/prefix`) of
 * a PATH user, the mapping targets of a LOGICAL one. Only for S3-domain servers (EFS paths name
 * file systems).
 */
export function homeBuckets(
  user: { HomeDirectory?: string; HomeDirectoryType?: string; HomeDirectoryMappings?: Array<{ Target?: string }> },
  domain: string | undefined,
): HomeBucket[] {
  if (domain && domain !== 'S3') return [];
  const targets =
    user.HomeDirectoryType === 'LOGICAL' && user.HomeDirectoryMappings?.length
      ? user.HomeDirectoryMappings.map((m) => m.Target).filter((t): t is string => Boolean(t))
      : user.HomeDirectory
        ? [user.HomeDirectory]
        : [];
  const byBucket = new Map<string, string[]>();
  for (const target of targets) {
    const [, bucket] = /^\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/|$)/.exec(target) ?? [];
    if (bucket) byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), target]);
  }
  return [...byBucket].map(([bucket, paths]) => ({ bucket, paths: [...new Set(paths)].sort() }));
}

export function transferServiceHasServer(accountId: string, server: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'transfer'), verb: RelationshipVerb.HAS, to: server });
}

export function transferEdge(
  from: { _key: string; _type: string },
  verb: RelationshipVerb,
  to: { _key: string; _type: string },
  properties?: Record<string, RawValue>,
): Relationship {
  return createRelationship({ from, verb, to, properties });
}

/** The bucket ALLOWS the user what its home directory paths reach, through the user's role (and session policy). */
export function bucketAllowsUser(bucket: { _key: string; _type: string }, user: Entity, home: HomeBucket): Relationship {
  return transferEdge(bucket, RelationshipVerb.ALLOWS, user, {
    paths: home.paths,
    roleArn: typeof user.role === 'string' ? user.role : undefined,
    sessionPolicy: typeof user.hasSessionPolicy === 'boolean' ? user.hasSessionPolicy : undefined,
  });
}
