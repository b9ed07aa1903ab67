import type { DomainStatus, Tag } from '@aws-sdk/client-opensearch';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import type { ResourceScope } from '../resource-edges';
import { serviceEntityRef } from '../../graph';
import type { ResourcePolicyGrants } from '../../policy/resource-policy';
import { ElasticsearchEntities } from './schema';

const listOrUndefined = <T>(values: T[]): T[] | undefined => (values.length ? values : undefined);

export function domainArn(scope: ResourceScope, name: string): string {
  return `arn:aws:es:${scope.region}:${scope.accountId}:domain/${name}`;
}

/**
 * `aws_elasticsearch_domain` from DescribeDomains (OpenSearch Service API; Elasticsearch domains
 * are served by it too, their `EngineVersion` starting `Elasticsearch_`). A domain outside a VPC is
 * reachable from the Internet; it is `public` when its access policy also lets everyone in.
 */
export function convertDomain(domain: DomainStatus, scope: ResourceScope, facts: { grants: ResourcePolicyGrants; tags?: Tag[] }): Entity {
  const name = domain.DomainName ?? '';
  const arn = domain.ARN ?? domainArn(scope, name);
  const vpc = domain.VPCOptions;
  const inVpc = Boolean(vpc?.VPCId);
  const [engine, engineVersion] = (domain.EngineVersion ?? '').split('_');
  return createEntity({
    _key: arn,
    schema: ElasticsearchEntities.DOMAIN,
    name,
    tags: facts.tags,
    createdOn: undefined,
    properties: {
      id: domain.DomainId ?? name,
      domainId: domain.DomainId,
      domainName: name,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      engine: engine || undefined,
      engineVersion: engineVersion || domain.EngineVersion,
      created: domain.Created,
      deleted: domain.Deleted,
      processing: domain.Processing,
      active: domain.Created === true && domain.Deleted !== true,
      endpoint: domain.Endpoint ?? domain.Endpoints?.vpc,
      instanceType: domain.ClusterConfig?.InstanceType,
      instanceCount: domain.ClusterConfig?.InstanceCount,
      dedicatedMasterEnabled: domain.ClusterConfig?.DedicatedMasterEnabled,
      zoneAwarenessEnabled: domain.ClusterConfig?.ZoneAwarenessEnabled,
      multiAZ: domain.ClusterConfig?.ZoneAwarenessEnabled ?? false,
      vpcId: vpc?.VPCId,
      subnetIds: listOrUndefined([...(vpc?.SubnetIds ?? [])].sort()),
      securityGroupIds: listOrUndefined([...(vpc?.SecurityGroupIds ?? [])].sort()),
      encrypted: domain.EncryptionAtRestOptions?.Enabled ?? false,
      kmsKeyId: domain.EncryptionAtRestOptions?.KmsKeyId,
      nodeToNodeEncryptionEnabled: domain.NodeToNodeEncryptionOptions?.Enabled ?? false,
      enforceHTTPS: domain.DomainEndpointOptions?.EnforceHTTPS ?? false,
      tlsSecurityPolicy: domain.DomainEndpointOptions?.TLSSecurityPolicy,
      fineGrainedAccessControlEnabled: domain.AdvancedSecurityOptions?.Enabled ?? false,
      loggingEnabled: Object.values(domain.LogPublishingOptions ?? {}).some((option) => option.Enabled),
      classification: null,
      accessPolicyAllowsEveryone: facts.grants.parsed ? facts.grants.allowsEveryone : undefined,
      crossAccountAccess: facts.grants.parsed ? facts.grants.accounts.length > 0 : undefined,
      public: facts.grants.parsed ? facts.grants.allowsEveryone && !inVpc : undefined,
      webLink: `https://console.aws.amazon.com/aos/home?region=${scope.region}#opensearch/domains/${encodeURIComponent(name)}`,
    },
  });
}

export function elasticsearchServiceHasDomain(accountId: string, domain: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'elasticsearch'), verb: RelationshipVerb.HAS, to: domain });
}
