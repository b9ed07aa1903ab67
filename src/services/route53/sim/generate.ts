import type { GetDomainDetailCommandOutput, Tag } from '@aws-sdk/client-route-53-domains';
import { ownRandom, type InWorld } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';
import type { WorldHostedZone } from './simulator';

/** A registered domain in the world: GetDomainDetail's answer (dates as ISO strings), with its tags. */
export type WorldDomain = InWorld<Omit<GetDomainDetailCommandOutput, '$metadata'>> & { DomainName: string; Tags?: Tag[] };

const contact = (account: string) => ({
  FirstName: 'Domain',
  LastName: 'Admin',
  ContactType: 'COMPANY' as const,
  OrganizationName: 'Generated Corp',
  CountryCode: 'US' as const,
  Email: `dns@${account}.generated.example`,
});

/** The benchmark worlds' registered domain: one per account. */
export function generateRoute53DomainsSection(input: GenerateInput): { domains: WorldDomain[] } {
  if (input.size === 0) return { domains: [] };
  const created = Date.UTC(2020, 0, 1) + Math.floor(ownRandom(input, 'route53domains')() * 1000) * 86_400_000;
  return {
    domains: [
      {
        DomainName: `a${input.accountId}.generated.example`,
        AutoRenew: true,
        StatusList: ['clientTransferProhibited'],
        AdminPrivacy: true,
        RegistrantPrivacy: true,
        TechPrivacy: true,
        AdminContact: contact(input.accountId),
        RegistrantContact: contact(input.accountId),
        TechContact: contact(input.accountId),
        Nameservers: [{ Name: 'ns-1.awsdns-01.org' }, { Name: 'ns-2.awsdns-02.com' }],
        RegistrarName: 'Amazon Registrar, Inc.',
        CreationDate: new Date(created).toISOString(),
        ExpirationDate: new Date(created + 5 * 365 * 86_400_000).toISOString(),
      },
    ],
  };
}

/**
 * The benchmark worlds' hosted zones: a public zone for the account's domain and, for larger
 * sizes, more zones (one in three private), each with its SOA and NS records and a few hosts.
 */
export function generateRoute53Section(input: GenerateInput): { hostedZones: WorldHostedZone[] } {
  const random = ownRandom(input, 'route53');
  const zones = input.size === 0 ? 0 : Math.max(1, Math.ceil(input.size / 5));
  return {
    hostedZones: Array.from({ length: zones }, (_, index): WorldHostedZone => {
      const name = index === 0 ? `a${input.accountId}.generated.example.` : `zone-${index}.a${input.accountId}.generated.example.`;
      const privateZone = index > 0 && index % 3 === 0;
      const id = `Z${input.accountId}${String(index).padStart(4, '0')}`;
      const hosts = 2 + Math.floor(random() * 4);
      return {
        Id: `/hostedzone/${id}`,
        Name: name,
        CallerReference: `generated-${index}`,
        Config: { PrivateZone: privateZone, Comment: privateZone ? 'internal names' : undefined },
        Tags: [{ Key: 'environment', Value: random() < 0.5 ? 'production' : 'staging' }],
        ResourceRecordSets: [
          { Name: name, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }, { Value: 'ns-2.awsdns-02.com.' }] },
          { Name: name, Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
          // The account's first generated CloudFront distribution (services/cloudfront/sim).
          ...(index === 0
            ? [
                {
                  Name: `www.${name}`,
                  Type: 'A' as const,
                  AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: `d${input.accountId}0.cloudfront.net.`, EvaluateTargetHealth: false },
                },
              ]
            : []),
          ...Array.from({ length: hosts }, (_, host): NonNullable<WorldHostedZone['ResourceRecordSets']>[number] =>
            host % 2 === 0
              ? { Name: `host-${host}.${name}`, Type: 'A', TTL: 300, ResourceRecords: [{ Value: `${privateZone ? 10 : 198}.51.${index % 250}.${host + 1}` }] }
              : { Name: `www-${host}.${name}`, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: `host-${host - 1}.${name}` }] },
          ),
        ],
      };
    }),
  };
}
