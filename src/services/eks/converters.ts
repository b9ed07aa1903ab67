import type { Cluster } from '@aws-sdk/client-eks';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import type { EntityRef } from '../cross-service';
import { EksEntities } from './schema';

export interface EksScope {
  accountId: string;
  region: string;
}

const OPEN_TO_ALL = new Set(['0.0.0.0/0', '::/0']);

/** `aws_eks_cluster` from DescribeCluster. `vpcEndpointPublicAccess` is JupiterOne's name for the API server's public endpoint. */
export function convertEksCluster(cluster: Cluster, scope: EksScope): Entity {
  const arn = cluster.arn ?? '';
  const network = cluster.resourcesVpcConfig;
  const enabledLogTypes = (cluster.logging?.clusterLogging ?? []).filter((setup) => setup.enabled).flatMap((setup) => setup.types ?? []);
  const publicAccessCidrs = network?.publicAccessCidrs ?? [];
  const publicEndpoint = network?.endpointPublicAccess;
  return createEntity({
    _key: arn,
    schema: EksEntities.CLUSTER,
    name: cluster.name ?? arn,
    tags: cluster.tags,
    createdOn: cluster.createdAt,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      status: cluster.status,
      version: cluster.version,
      platformVersion: cluster.platformVersion,
      endpoint: cluster.endpoint,
      roleArn: cluster.roleArn,
      vpcId: network?.vpcId,
      subnetIds: network?.subnetIds?.length ? [...network.subnetIds] : undefined,
      securityGroupIds: network?.securityGroupIds?.length ? [...network.securityGroupIds] : undefined,
      clusterSecurityGroupId: network?.clusterSecurityGroupId,
      vpcEndpointPublicAccess: publicEndpoint,
      vpcEndpointPrivateAccess: network?.endpointPrivateAccess,
      publicAccessCidrs: publicAccessCidrs.length ? [...publicAccessCidrs] : undefined,
      // The API server answers the Internet: a public endpoint open to every address.
      public: publicEndpoint === undefined ? undefined : publicEndpoint && publicAccessCidrs.some((cidr) => OPEN_TO_ALL.has(cidr)),
      loggingEnabled: cluster.logging ? enabledLogTypes.length > 0 : undefined,
      enabledLogTypes: enabledLogTypes.length ? enabledLogTypes : undefined,
      // Kubernetes secrets encrypted with a KMS key (envelope encryption).
      secretsEncrypted: (cluster.encryptionConfig ?? []).some((config) => config.resources?.includes('secrets')),
      kmsKeyArn: cluster.encryptionConfig?.find((config) => config.provider?.keyArn)?.provider?.keyArn,
      authenticationMode: cluster.accessConfig?.authenticationMode,
      webLink: `https://console.aws.amazon.com/eks/home?region=${scope.region}#/clusters/${cluster.name}`,
    },
  });
}

/** The security groups of a cluster: its cluster security group and the additional ones, once each. */
export function clusterSecurityGroupIds(cluster: Cluster): string[] {
  const network = cluster.resourcesVpcConfig;
  return [...new Set([network?.clusterSecurityGroupId, ...(network?.securityGroupIds ?? [])].filter((id): id is string => Boolean(id)))];
}

export function eksServiceHas(accountId: string, cluster: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'eks'), verb: RelationshipVerb.HAS, to: cluster });
}

export function eksClusterHas(cluster: Entity, group: EntityRef): Relationship {
  return createRelationship({ from: cluster, verb: RelationshipVerb.HAS, to: group });
}
