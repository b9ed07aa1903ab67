import type {
  DescribeDomainsCommandInput,
  DescribeDomainsCommandOutput,
  DomainStatus,
  ListDomainNamesCommandInput,
  ListDomainNamesCommandOutput,
  ListTagsCommandInput,
  ListTagsCommandOutput,
  Tag,
} from '@aws-sdk/client-opensearch';
import { collection, custom, defineSimulatedService, tags } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';
import { generateOpenSearchSection } from './generate';

/** A domain in the world: DescribeDomains' `DomainStatus`, with the access policy as a document (served as JSON text) and its tags. */
export type WorldDomain = Omit<DomainStatus, 'AccessPolicies' | 'DomainId' | 'ARN' | 'ClusterConfig'> & {
  DomainName: string;
  DomainId?: string;
  ARN?: string;
  ClusterConfig?: DomainStatus['ClusterConfig'];
  AccessPolicies?: Record<string, unknown>;
  Tags?: Tag[];
};

export interface WorldOpenSearch {
  domains?: WorldDomain[];
}

const arnOf = (domain: WorldDomain, context: SimCallContext) => `arn:aws:es:${context.region}:${context.account.id}:domain/${domain.DomainName}`;

const domains = collection<WorldDomain>({
  id: 'DomainName',
  worldOnly: ['Tags'],
  arn: arnOf,
  arnField: 'ARN',
  derive: (domain, context) => ({
    DomainId: domain.DomainId ?? `${context.account.id}/${domain.DomainName}`,
    Created: domain.Created ?? true,
    Deleted: domain.Deleted ?? false,
    Processing: domain.Processing ?? false,
    ClusterConfig: domain.ClusterConfig ?? { InstanceType: 'r6g.large.search', InstanceCount: 2 },
    AccessPolicies: domain.AccessPolicies ? JSON.stringify(domain.AccessPolicies) : '',
    Endpoint: domain.VPCOptions ? undefined : `search-${domain.DomainName}-abcdefghijklmnop.${context.region}.es.amazonaws.com`,
    Endpoints: domain.VPCOptions ? { vpc: `vpc-${domain.DomainName}-abcdefghijklmnop.${context.region}.es.amazonaws.com` } : undefined,
  }),
  notFound: { error: 'ResourceNotFoundException', message: (id) => `Domain not found: ${id}` },
});

export const openSearchSimulator = defineSimulatedService({
  // The fault and world-section id is the IAM prefix (`es`), as the optional-call declarations name it.
  service: 'es',
  clientName: 'OpenSearchClient',
  scope: 'regional',
  collections: { domains },
  errors: { accessDenied: 'AccessDeniedException', throttling: 'LimitExceededException' },
  operations: {
    ListDomainNames: custom<ListDomainNamesCommandInput, ListDomainNamesCommandOutput>((_input, context, kit) => ({
      DomainNames: kit.records('domains', context).map((d) => ({
        DomainName: String(d.DomainName),
        EngineType: String(d.EngineVersion ?? '').startsWith('Elasticsearch') ? 'Elasticsearch' : 'OpenSearch',
      })),
    })),
    // At most five names a call, as AWS enforces; unknown names are left out, not an error.
    DescribeDomains: custom<DescribeDomainsCommandInput, DescribeDomainsCommandOutput>((input, context, kit) => {
      const names = input.DomainNames ?? [];
      if (names.length > 5) throw kit.error('ValidationException', 'Please provide a maximum of 5 domain names to describe.');
      const records = kit.records('domains', context);
      const found = names.map((name) => records.find((d) => d.DomainName === name)).filter((d): d is NonNullable<typeof d> => Boolean(d));
      return { DomainStatusList: found.map((d) => kit.view('domains', d, context) as unknown as DomainStatus) };
    }),
    ListTags: tags<ListTagsCommandInput, ListTagsCommandOutput>('domains', { id: 'ARN', output: 'TagList' }),
  },
  generate: generateOpenSearchSection,
});
