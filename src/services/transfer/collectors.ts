import {
  DescribeServerCommand,
  DescribeUserCommand,
  paginateListServers,
  paginateListUsers,
  TransferClient,
  type ListedServer,
  type ListedUser,
} from '@aws-sdk/client-transfer';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import { RelationshipVerb } from '../../graph';
import { edgeTarget, type EntityRef } from '../cross-service';
import { IamEntities } from '../iam/schema';
import { S3Entities } from '../s3/schema';
import { bucketAllowsUser, convertTransferServer, convertTransferUser, homeBuckets, transferEdge, transferServiceHasServer } from './converters';
import { TransferEntities, TransferRelationships } from './schema';

const SERVER = TransferEntities.SERVER._type;
const USER = TransferEntities.USER._type;

function roleTarget(context: CollectorContext, arn: string): Promise<EntityRef> {
  return edgeTarget(context, { _key: arn, _type: IamEntities.ROLE._type });
}

/** A bucket is named without its account: the graph's bucket, or a mapped stand-in (another organization's). */
function bucketTarget(context: CollectorContext, bucket: string): Promise<EntityRef> {
  return edgeTarget(context, { _key: `arn:aws:s3:::${bucket}`, _type: S3Entities.BUCKET._type });
}

/**
 * Transfer Family servers and their service-managed users. Users are listed only for servers whose
 * identity provider is SERVICE_MANAGED: the others authenticate against a directory, an API Gateway
 * or a Lambda function and keep no users in Transfer Family.
 */
export const transferServersCollector: Collector = {
  id: 'transfer-servers',
  service: 'transfer',
  scope: 'regional',
  entities: [TransferEntities.SERVER, TransferEntities.USER],
  relationships: Object.values(TransferRelationships),
  permissions: ['transfer:ListServers', 'transfer:DescribeServer', 'transfer:ListUsers', 'transfer:DescribeUser'],
  optionalCalls: [
    {
      operation: 'transfer:DescribeServer',
      properties: [
        {
          _type: SERVER,
          properties: [
            'protocols',
            'securityPolicyName',
            'vpcId',
            'subnetIds',
            'securityGroupIds',
            'addressAllocationIds',
            'hostKeyFingerprint',
            'certificate',
            'tag.*',
          ],
        },
      ],
      cost: 'servers have no protocols, endpoint details or tags, and a VPC server with Elastic IPs is not known to be `public`',
    },
    { operation: 'transfer:ListUsers', cost: 'no `aws_transfer_user`, so no user, role or bucket edges' },
    {
      operation: 'transfer:DescribeUser',
      properties: [{ _type: USER, properties: ['homeDirectoryMappings', 'hasSessionPolicy', 'posixUid', 'tag.*'] }],
      cost: 'users have no home directory mappings (a LOGICAL user gets no bucket edge), session policy or tags',
    },
  ],
  events: [
    {
      source: 'transfer.amazonaws.com',
      names: [
        'CreateServer',
        'UpdateServer',
        'DeleteServer',
        'StartServer',
        'StopServer',
        'CreateUser',
        'UpdateUser',
        'DeleteUser',
        'ImportSshPublicKey',
        'DeleteSshPublicKey',
        'TagResource',
        'UntagResource',
      ],
    },
  ],
  // Buckets of the account are in the graph before users point at them (roles are named by ARN).
  dependsOn: ['account', 's3-buckets'],
  async run(context) {
    const client = context.client(TransferClient);
    const { accountId } = context.account;
    const scope = { accountId, region: context.region };
    const servers: ListedServer[] = [];
    for await (const page of paginateListServers({ client }, {})) servers.push(...(page.Servers ?? []));

    await mapConcurrent(servers, 4, async (listed) => {
      const ServerId = listed.ServerId;
      if (!ServerId) return;
      const detail = await context.optional('transfer:DescribeServer', async () => (await client.send(new DescribeServerCommand({ ServerId }))).Server);
      const server = context.addEntity(convertTransferServer(listed, scope, detail));
      context.addRelationship(transferServiceHasServer(accountId, server));
      const loggingRole = listed.LoggingRole ?? detail?.LoggingRole;
      if (loggingRole) context.addRelationship(transferEdge(await roleTarget(context, loggingRole), RelationshipVerb.ASSIGNED, server));

      if ((listed.IdentityProviderType ?? detail?.IdentityProviderType) !== 'SERVICE_MANAGED') return;
      const users = await context.optional('transfer:ListUsers', async () => {
        const all: ListedUser[] = [];
        for await (const page of paginateListUsers({ client }, { ServerId })) all.push(...(page.Users ?? []));
        return all;
      });
      const domain = listed.Domain ?? detail?.Domain;
      for (const listedUser of users ?? []) {
        const UserName = listedUser.UserName;
        if (!UserName) continue;
        const userDetail = await context.optional(
          'transfer:DescribeUser',
          async () => (await client.send(new DescribeUserCommand({ ServerId, UserName }))).User,
        );
        const user = context.addEntity(convertTransferUser(listedUser, ServerId, scope, userDetail));
        context.addRelationship(transferEdge(server, RelationshipVerb.HAS, user));
        const role = listedUser.Role ?? userDetail?.Role;
        if (role) context.addRelationship(transferEdge(await roleTarget(context, role), RelationshipVerb.ASSIGNED, user));
        for (const home of homeBuckets({ ...listedUser, HomeDirectoryMappings: userDetail?.HomeDirectoryMappings }, domain))
          context.addRelationship(bucketAllowsUser(await bucketTarget(context, home.bucket), user, home));
      }
    });
  },
};
