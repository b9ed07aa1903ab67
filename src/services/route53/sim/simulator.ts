import type {
  HostedZone,
  ListHostedZonesCommandInput,
  ListHostedZonesCommandOutput,
  ListResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommandOutput,
  ListTagsForResourcesCommandInput,
  ListTagsForResourcesCommandOutput,
  ResourceRecordSet,
  Tag,
} from '@aws-sdk/client-route-53';
import type {
  GetDomainDetailCommandInput,
  GetDomainDetailCommandOutput,
  ListDomainsCommandInput,
  ListDomainsCommandOutput,
  ListTagsForDomainCommandInput,
  ListTagsForDomainCommandOutput,
} from '@aws-sdk/client-route-53-domains';
import { collection, custom, defineSimulatedService, get, list, tags } from '../../../sim/service-kit';
import { generateRoute53Section, generateRoute53DomainsSection, type WorldDomain } from './generate';

/** A hosted zone in the world: ListHostedZones' `HostedZone`, with its tags and record sets. */
export type WorldHostedZone = HostedZone & { Id: string; Tags?: Tag[]; ResourceRecordSets?: ResourceRecordSet[] };

/** The API takes `/hostedzone/Z123` or `Z123` (the SDK strips the prefix); the world writes the API's `Id`. */
const zoneId = (id: unknown) => `/hostedzone/${String(id ?? '').replace(/^\/hostedzone\//, '')}`;

export const route53Simulator = defineSimulatedService({
  service: 'route53',
  clientName: 'Route53Client',
  scope: 'global',
  errors: { accessDenied: 'AccessDenied', throttling: 'Throttling', invalidToken: 'InvalidInput' },
  collections: {
    hostedZones: collection<WorldHostedZone>({
      id: 'Id',
      required: ['Name', 'CallerReference'],
      fields: { Id: { type: 'string', pattern: '^/hostedzone/[A-Z0-9]+$' }, Name: { type: 'string', pattern: '\\.$' } },
      worldOnly: ['Tags', 'ResourceRecordSets'],
      derive: (zone) => ({ ResourceRecordSetCount: zone.ResourceRecordSets?.length ?? 0 }),
      notFound: { error: 'NoSuchHostedZone', message: (id) => `No hosted zone found with ID: ${id.replace(/^\/hostedzone\//, '')}` },
    }),
  },
  operations: {
    ListHostedZones: list<ListHostedZonesCommandInput, ListHostedZonesCommandOutput>('hostedZones', {
      items: 'HostedZones',
      token: { input: 'Marker', output: 'NextMarker' },
      maxResults: 'MaxItems',
      awsMax: 100,
      truncated: 'IsTruncated',
    }),
    // Pages start at a record's name, type and set identifier (the previous page's Next* values).
    ListResourceRecordSets: custom<ListResourceRecordSetsCommandInput, ListResourceRecordSetsCommandOutput>((input, context, kit) => {
      const zone = kit.find('hostedZones', zoneId(input.HostedZoneId), context) as unknown as WorldHostedZone;
      const records = zone.ResourceRecordSets ?? [];
      const start = input.StartRecordName
        ? records.findIndex(
            (r) =>
              r.Name === input.StartRecordName &&
              (!input.StartRecordType || r.Type === input.StartRecordType) &&
              (!input.StartRecordIdentifier || r.SetIdentifier === input.StartRecordIdentifier),
          )
        : 0;
      if (start < 0) throw kit.error('InvalidInput', `StartRecordName ${input.StartRecordName} is not a record of the zone`);
      const size = context.pageSize(input.MaxItems, 300);
      const page = records.slice(start, start + size);
      const next = records[start + size];
      return {
        ResourceRecordSets: page,
        IsTruncated: next !== undefined,
        NextRecordName: next?.Name,
        NextRecordType: next?.Type,
        NextRecordIdentifier: next?.SetIdentifier,
        MaxItems: size,
      };
    }),
    ListTagsForResources: custom<ListTagsForResourcesCommandInput, ListTagsForResourcesCommandOutput>((input, context, kit) => {
      if ((input.ResourceIds?.length ?? 0) > 10) throw kit.error('InvalidInput', 'ResourceIds has more than 10 items');
      return {
        ResourceTagSets: (input.ResourceIds ?? []).map((id) => {
          const zone = kit.find('hostedZones', zoneId(id), context);
          const tagMap = kit.tagsOf('hostedZones', zone, context);
          return { ResourceType: input.ResourceType, ResourceId: id, Tags: Object.entries(tagMap).map(([Key, Value]) => ({ Key, Value })) };
        }),
      };
    }),
  },
  generate: generateRoute53Section,
});

const DOMAIN_DATES = ['CreationDate', 'UpdatedDate', 'ExpirationDate'];

export const route53DomainsSimulator = defineSimulatedService({
  service: 'route53domains',
  clientName: 'Route53DomainsClient',
  scope: 'global',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidInput' },
  collections: {
    domains: collection<WorldDomain>({
      id: 'DomainName',
      dates: DOMAIN_DATES,
      worldOnly: ['Tags'], // served by ListTagsForDomain only
      notFound: { error: 'InvalidInput', message: (id) => `Domain ${id} not found in account` },
    }),
  },
  operations: {
    ListDomains: list<ListDomainsCommandInput, ListDomainsCommandOutput, WorldDomain>('domains', {
      items: 'Domains',
      token: { input: 'Marker', output: 'NextPageMarker' },
      maxResults: 'MaxItems',
      awsMax: 100,
      item: (view, domain) => ({
        DomainName: domain.DomainName,
        AutoRenew: domain.AutoRenew,
        // The lock is the registry's clientTransferProhibited status.
        TransferLock: (domain.StatusList ?? []).includes('clientTransferProhibited'),
        Expiry: view.ExpirationDate,
      }),
    }),
    GetDomainDetail: get<GetDomainDetailCommandInput, GetDomainDetailCommandOutput>('domains', { id: 'DomainName' }),
    ListTagsForDomain: tags<ListTagsForDomainCommandInput, ListTagsForDomainCommandOutput>('domains', { id: 'DomainName', output: 'TagList' }),
  },
  generate: generateRoute53DomainsSection,
});
