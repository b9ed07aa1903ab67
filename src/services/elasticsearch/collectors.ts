import { DescribeDomainsCommand, ListDomainNamesCommand, ListTagsCommand, OpenSearchClient, type DomainStatus } from '@aws-sdk/client-opensearch';
import { mappedAccount } from '../../analysis/mapped-entities';
import type { Collector } from '../../collectors/types';
import { createRelationship, everyoneEntity, RelationshipVerb, type Entity } from '../../graph';
import { addMappedEntities, kmsKeyEdge, securityGroupEdges, vpcHasResource, type ResourceScope } from '../resource-edges';
import { accountEntityKey } from '../../graph';
import { convertDomain, elasticsearchServiceHasDomain } from './converters';
// A domain's access policy is read as every resource policy is.
import { resourcePolicyGrants } from '../../policy/resource-policy';
import { ElasticsearchEntities, ElasticsearchRelationships } from './schema';

const DOMAIN = ElasticsearchEntities.DOMAIN;
const R = ElasticsearchRelationships;
/** DescribeDomains takes at most five names a call. */
const DESCRIBE_BATCH = 5;

/** OpenSearch and Elasticsearch domains, through the OpenSearch Service configuration API. */
export const elasticsearchDomainsCollector: Collector = {
  id: 'elasticsearch-domains',
  service: 'elasticsearch',
  scope: 'regional',
  entities: [DOMAIN],
  relationships: [R.SERVICE_HAS_DOMAIN, R.DOMAIN_HAS_SECURITY_GROUP, R.SECURITY_GROUP_PROTECTS, R.VPC_HAS_DOMAIN, R.DOMAIN_USES_KEY, R.DOMAIN_ALLOWS],
  permissions: ['es:ListDomainNames', 'es:DescribeDomains', 'es:ListTags'],
  optionalCalls: [
    {
      operation: 'es:ListTags',
      properties: [{ _type: DOMAIN._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'domains have no `tag.*` properties',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(OpenSearchClient);
    const scope: ResourceScope = { accountId: context.account.accountId, region: context.region };
    // ListDomainNames is not paginated: it returns every domain of the region.
    const names = ((await client.send(new ListDomainNamesCommand({}))).DomainNames ?? []).map((d) => d.DomainName ?? '').filter(Boolean);
    const domains: DomainStatus[] = [];
    for (let start = 0; start < names.length; start += DESCRIBE_BATCH) {
      const output = await client.send(new DescribeDomainsCommand({ DomainNames: names.slice(start, start + DESCRIBE_BATCH) }));
      domains.push(...(output.DomainStatusList ?? []));
    }
    const ingested = await context.ingestedAccounts();
    for (const domain of domains) {
      if (domain.Deleted) continue;
      const arn = domain.ARN;
      const tags = arn ? await context.optional('es:ListTags', async () => (await client.send(new ListTagsCommand({ ARN: arn }))).TagList) : undefined;
      const grants = resourcePolicyGrants(domain.AccessPolicies, scope.accountId);
      const entity = context.addEntity(convertDomain(domain, scope, { grants, tags }));
      context.addRelationship(elasticsearchServiceHasDomain(scope.accountId, entity));
      context.addRelationships(securityGroupEdges(entity, domain.VPCOptions?.SecurityGroupIds ?? [], scope));
      const inVpc = vpcHasResource(domain.VPCOptions?.VPCId, entity, scope);
      if (inVpc) context.addRelationship(inVpc);
      const key = kmsKeyEdge(entity, domain.EncryptionAtRestOptions?.Enabled ? domain.EncryptionAtRestOptions.KmsKeyId : undefined, scope, ingested);
      addMappedEntities(context.graph, key.mappedEntities);
      context.addRelationships(key.relationships);
      const mapped: Entity[] = [];
      if (grants.allowsEveryone) {
        const everyone = everyoneEntity();
        mapped.push(everyone);
        context.addRelationship(
          createRelationship({
            from: entity,
            verb: RelationshipVerb.ALLOWS,
            to: everyone,
            properties: { actions: grants.everyoneActions, source: 'access-policy', vpc: Boolean(domain.VPCOptions?.VPCId) },
          }),
        );
      }
      for (const grant of grants.accounts) {
        if (!ingested.has(grant.accountId)) mapped.push(mappedAccount(grant.accountId, false));
        context.addRelationship(
          createRelationship({
            from: entity,
            verb: RelationshipVerb.ALLOWS,
            to: { _type: 'aws_account', _key: accountEntityKey(grant.accountId) },
            properties: { actions: grant.actions, source: 'access-policy', crossAccount: true },
          }),
        );
      }
      addMappedEntities(context.graph, mapped);
    }
  },
};
