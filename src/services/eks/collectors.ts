import { DescribeClusterCommand, EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { edgeTarget, placeholderEntity } from '../cross-service';
import { Ec2Entities, securityGroupKey } from '../ec2/schema';
import { clusterSecurityGroupIds, convertEksCluster, eksClusterHas, eksServiceHas } from './converters';
import { EksEntities, EksRelationships } from './schema';

export const eksClustersCollector: Collector = {
  id: 'eks-clusters',
  service: 'eks',
  scope: 'regional',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 'eks.amazonaws.com',
      names: ['CreateCluster', 'DeleteCluster', 'UpdateClusterConfig', 'UpdateClusterVersion', 'AssociateEncryptionConfig', 'TagResource', 'UntagResource'],
      resourceIds: ['requestParameters.name'],
    },
  ],
  entities: [EksEntities.CLUSTER],
  relationships: Object.values(EksRelationships),
  permissions: ['eks:ListClusters', 'eks:DescribeCluster'],
  // Only the account: security groups are named by key (see edgeTarget).
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(EKSClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };
    const names: string[] = [];
    for await (const page of paginateListClusters({ client }, {})) names.push(...(page.clusters ?? []));
    await mapConcurrent(names, 4, async (name) => {
      const { cluster } = await client.send(new DescribeClusterCommand({ name }));
      if (!cluster?.arn) return;
      const entity = context.addEntity(convertEksCluster(cluster, scope));
      context.addRelationship(eksServiceHas(accountId, entity));
      for (const groupId of clusterSecurityGroupIds(cluster)) {
        const ref = { _key: securityGroupKey(context.region, accountId, groupId), _type: Ec2Entities.SECURITY_GROUP._type };
        context.addRelationship(eksClusterHas(entity, await edgeTarget(context, ref, () => placeholderEntity(ref, Ec2Entities.SECURITY_GROUP._class))));
      }
    });
  },
};
