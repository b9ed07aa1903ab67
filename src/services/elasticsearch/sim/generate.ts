import type { GenerateInput } from '../../../sim/types';
import { generatedChoices, placementOf } from '../../../sim/placement';
import type { WorldOpenSearch } from './simulator';

/** A generated OpenSearch section: one domain from ten resources of the region, in EC2's VPC or public with an IP-restricted policy. */
export function generateOpenSearchSection({ accountId, region, size, sections }: GenerateInput): WorldOpenSearch {
  if (size < 10) return {};
  const { chance, pick } = generatedChoices(accountId, region, 'opensearch');
  const place = placementOf(sections, accountId, region);
  const inVpc = Boolean(place.vpcId) && chance('vpc', 0, 0.7);
  const key = pick('key', 0, place.keyArns);
  const name = 'generated-search';
  const resource = `arn:aws:es:${region}:${accountId}:domain/${name}/*`;
  return {
    domains: [
      {
        DomainName: name,
        EngineVersion: 'OpenSearch_2.11',
        ClusterConfig: { InstanceType: 'r6g.large.search', InstanceCount: 2, ZoneAwarenessEnabled: true, DedicatedMasterEnabled: false },
        EBSOptions: { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: 100 },
        VPCOptions: inVpc
          ? { VPCId: place.vpcId, SubnetIds: place.subnets.slice(0, 2).map((s) => s.id), SecurityGroupIds: place.securityGroupIds.slice(0, 1) }
          : undefined,
        EncryptionAtRestOptions: key ? { Enabled: true, KmsKeyId: key } : { Enabled: false },
        NodeToNodeEncryptionOptions: { Enabled: true },
        DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
        AccessPolicies: {
          Version: '2012-10-17',
          Statement: [
            inVpc
              ? { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'es:ESHttp*', Resource: resource }
              : {
                  Effect: 'Allow',
                  Principal: { AWS: '*' },
                  Action: 'es:ESHttp*',
                  Resource: resource,
                  Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } },
                },
          ],
        },
        Tags: [{ Key: 'Name', Value: name }],
      },
    ],
  };
}
