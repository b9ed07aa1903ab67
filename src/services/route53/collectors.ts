import {
  ListResourceRecordSetsCommand,
  ListTagsForResourcesCommand,
  paginateListHostedZones,
  Route53Client,
  type HostedZone,
  type ResourceRecordSet,
  type Tag,
} from '@aws-sdk/client-route-53';
import {
  GetDomainDetailCommand,
  ListTagsForDomainCommand,
  paginateListDomains,
  Route53DomainsClient,
  type DomainSummary,
} from '@aws-sdk/client-route-53-domains';
import { domainZoneMappings } from '../../analysis/domains';
import { addMappedEntity } from '../../analysis/mappings';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { convertRoute53Domain, convertRoute53Record, convertRoute53Zone, route53Has, route53ServiceHas } from './converters';
import { Route53Entities, Route53Relationships, route53DomainKey } from './schema';
import { AnalysisEntities } from '../../analysis/schema';

/** Route 53 Domains has one endpoint, in us-east-1, whatever the account's regions. */
export const ROUTE53_DOMAINS_REGION = 'us-east-1';
/** ListTagsForResources takes at most 10 zone ids per call. */
const TAG_BATCH = 10;
/** ListResourceRecordSets' largest page. */
const RECORD_PAGE = 300;

export const route53DomainsCollector: Collector = {
  id: 'route53-domains',
  service: 'route53',
  scope: 'global',
  events: [
    {
      source: 'route53domains.amazonaws.com',
      names: [
        'RegisterDomain',
        'TransferDomain',
        'RenewDomain',
        'DeleteDomain',
        'EnableDomainAutoRenew',
        'DisableDomainAutoRenew',
        'EnableDomainTransferLock',
        'DisableDomainTransferLock',
        'UpdateDomainNameservers',
        'UpdateDomainContactPrivacy',
        'UpdateTagsForDomain',
        'DeleteTagsForDomain',
      ],
    },
  ],
  entities: [Route53Entities.DOMAIN],
  relationships: [Route53Relationships.SERVICE_HAS_DOMAIN],
  permissions: ['route53domains:ListDomains', 'route53domains:GetDomainDetail', 'route53domains:ListTagsForDomain'],
  optionalCalls: [
    {
      operation: 'route53domains:GetDomainDetail',
      properties: [
        {
          _type: Route53Entities.DOMAIN._type,
          properties: ['registrar', 'registrarUrl', 'whoIsServer', 'nameservers', 'privacyProtected', 'statusList', 'dnssecEnabled', 'updatedOn', 'createdOn'],
        },
      ],
      cost: 'domains have no registrar, name servers, WHOIS privacy or DNSSEC facts; the list still gives expiry, auto-renew and transfer lock',
    },
    {
      operation: 'route53domains:ListTagsForDomain',
      properties: [{ _type: Route53Entities.DOMAIN._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'domains have no `tag.*` properties',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(Route53DomainsClient, ROUTE53_DOMAINS_REGION);
    const { accountId } = context.account;
    const summaries: DomainSummary[] = [];
    for await (const page of paginateListDomains({ client }, {})) for (const summary of page.Domains ?? []) if (summary.DomainName) summaries.push(summary);
    await mapConcurrent(summaries, 2, async (summary) => {
      const DomainName = summary.DomainName;
      const detail = await context.optional('route53domains:GetDomainDetail', async () => {
        const { $metadata: _metadata, ...output } = await client.send(new GetDomainDetailCommand({ DomainName }));
        return output;
      });
      const tags = await context.optional(
        'route53domains:ListTagsForDomain',
        async () => (await client.send(new ListTagsForDomainCommand({ DomainName }))).TagList,
      );
      const domain = context.addEntity(convertRoute53Domain(accountId, summary, detail, tags));
      context.addRelationship(route53ServiceHas(accountId, domain));
    });
  },
};

export const route53ZonesCollector: Collector = {
  id: 'route53-zones',
  service: 'route53',
  scope: 'global',
  events: [
    {
      source: 'route53.amazonaws.com',
      names: [
        'CreateHostedZone',
        'DeleteHostedZone',
        'UpdateHostedZoneComment',
        'ChangeResourceRecordSets',
        'ChangeTagsForResource',
        'AssociateVPCWithHostedZone',
      ],
    },
  ],
  entities: [Route53Entities.ZONE, Route53Entities.RECORD, { ...AnalysisEntities.DOMAIN, resourceName: 'Domain of a public hosted zone (mapped)' }],
  relationships: [
    Route53Relationships.SERVICE_HAS_ZONE,
    Route53Relationships.DOMAIN_HAS_ZONE,
    Route53Relationships.MAPPED_DOMAIN_HAS_ZONE,
    Route53Relationships.ZONE_HAS_RECORD,
  ],
  permissions: ['route53:ListHostedZones', 'route53:ListResourceRecordSets', 'route53:ListTagsForResources'],
  optionalCalls: [
    {
      operation: 'route53:ListTagsForResources',
      properties: [{ _type: Route53Entities.ZONE._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'hosted zones have no `tag.*` properties',
    },
  ],
  // The registered domains of the account, for `aws_route53_domain HAS aws_route53_zone`.
  dependsOn: ['account', route53DomainsCollector.id],
  async run(context) {
    const client = context.client(Route53Client);
    const { accountId } = context.account;
    const zones: HostedZone[] = [];
    for await (const page of paginateListHostedZones({ client }, {})) for (const zone of page.HostedZones ?? []) if (zone.Id) zones.push(zone);

    const tagsById = new Map<string, Tag[]>();
    const ids = zones.map((zone) => (zone.Id ?? '').replace(/^\/hostedzone\//, ''));
    for (let start = 0; start < ids.length; start += TAG_BATCH) {
      const sets = await context.optional(
        'route53:ListTagsForResources',
        async () =>
          (await client.send(new ListTagsForResourcesCommand({ ResourceType: 'hostedzone', ResourceIds: ids.slice(start, start + TAG_BATCH) })))
            .ResourceTagSets,
      );
      for (const set of sets ?? []) if (set.ResourceId) tagsById.set(set.ResourceId, set.Tags ?? []);
    }

    const publicZonesWithoutDomain = [];
    for (const hostedZone of zones) {
      const zone = context.addEntity(
        convertRoute53Zone({ accountId, zone: hostedZone, tags: tagsById.get(String(hostedZone.Id).replace(/^\/hostedzone\//, '')) }),
      );
      context.addRelationship(route53ServiceHas(accountId, zone));
      const registered = zone.privateZone ? undefined : context.graph.getEntity(route53DomainKey(accountId, String(zone.domainName)));
      if (registered) context.addRelationship(route53Has(registered, zone));
      else publicZonesWithoutDomain.push(zone);
    }
    const mapped = domainZoneMappings(publicZonesWithoutDomain);
    for (const domain of mapped.entities) addMappedEntity(context, domain);
    context.addRelationships(mapped.relationships);

    // Record sets are listed zone by zone (no paginator: the next page starts at a name, type and identifier).
    await mapConcurrent(zones, 2, async (hostedZone) => {
      const zone = context.graph.getEntity(`arn:aws:route53:::hostedzone/${String(hostedZone.Id).replace(/^\/hostedzone\//, '')}`);
      if (!zone) return;
      const records: ResourceRecordSet[] = [];
      try {
        let next: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } = {};
        for (;;) {
          const page = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZone.Id, MaxItems: RECORD_PAGE, ...next }));
          records.push(...(page.ResourceRecordSets ?? []));
          if (!page.IsTruncated || !page.NextRecordName) break;
          next = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier };
        }
      } catch (error) {
        // One zone's records failing keeps the other zones' (and this zone's entity).
        context.recordError('route53:ListResourceRecordSets', error);
        return;
      }
      for (const record of records) context.addRelationship(route53Has(zone, context.addEntity(convertRoute53Record(zone, record))));
    });
  },
};
