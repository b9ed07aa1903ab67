import type {
  DescribedServer,
  DescribedUser,
  DescribeServerCommandInput,
  DescribeServerCommandOutput,
  DescribeUserCommandInput,
  DescribeUserCommandOutput,
  ListServersCommandInput,
  ListServersCommandOutput,
  ListUsersCommandInput,
  ListUsersCommandOutput,
} from '@aws-sdk/client-transfer';
import { collection, custom, defineSimulatedService, get, list, ownRandom, type InWorld, type WorldRecord } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';

/** World records: DescribeServer's `DescribedServer`; DescribeUser's `DescribedUser` with the server it belongs to. */
export type WorldTransferServer = Omit<InWorld<DescribedServer>, 'Arn'> & { Arn?: string; ServerId: string };
export type WorldTransferUser = Omit<InWorld<DescribedUser>, 'Arn'> & { Arn?: string; ServerId: string; UserName: string };

const PAGING = { maxResults: 'MaxResults', awsMax: 1000 } as const;
const LISTED_SERVER = ['Arn', 'Domain', 'IdentityProviderType', 'EndpointType', 'LoggingRole', 'ServerId', 'State', 'UserCount'];

const userArn = (user: WorldTransferUser, context: SimCallContext) =>
  `arn:aws:transfer:${context.region}:${context.account.id}:user/${user.ServerId}/${user.UserName}`;
const usersOf = (records: WorldRecord[], serverId: unknown) => (records as unknown as WorldTransferUser[]).filter((u) => u.ServerId === serverId);

export const transferSimulator = defineSimulatedService({
  service: 'transfer',
  clientName: 'TransferClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidNextTokenException' },
  collections: {
    servers: collection<WorldTransferServer>({
      id: 'ServerId',
      required: ['EndpointType', 'IdentityProviderType', 'State'],
      fields: {
        ServerId: { type: 'string', pattern: '^s-([0-9a-f]{17})$' },
        EndpointType: { enum: ['PUBLIC', 'VPC', 'VPC_ENDPOINT'] },
        IdentityProviderType: { enum: ['SERVICE_MANAGED', 'API_GATEWAY', 'AWS_DIRECTORY_SERVICE', 'AWS_LAMBDA'] },
        Protocols: { type: 'array', items: { enum: ['SFTP', 'FTP', 'FTPS', 'AS2'] } },
      },
      arn: (server, context) => `arn:aws:transfer:${context.region}:${context.account.id}:server/${server.ServerId}`,
      arnField: 'Arn',
      // AWS counts the users and creates the VPC endpoint of a VPC server.
      derive: (server, context) => ({
        UserCount: usersOf(context.section<{ users?: WorldRecord[] }>()?.users ?? [], server.ServerId).length,
        Domain: server.Domain ?? 'S3',
        ...(server.EndpointDetails?.VpcId ? { EndpointDetails: { ...server.EndpointDetails, VpcEndpointId: `vpce-${server.ServerId.slice(2)}` } } : {}),
      }),
      notFound: { error: 'ResourceNotFoundException', message: (id) => `Unknown server: ${id}` },
    }),
    users: collection<WorldTransferUser>({
      id: 'UserName',
      required: ['ServerId', 'Role'],
      // Transfer names a user's SSH keys `key-<17 hex>` (nested in SshPublicKeys): they define ids, as EC2 key pairs do.
      idFields: ['SshPublicKeyId' as keyof WorldTransferUser & string],
      fields: { HomeDirectoryType: { enum: ['PATH', 'LOGICAL'] } },
      dates: ['SshPublicKeys.DateImported'],
      arn: userArn,
      arnField: 'Arn',
      notFound: { error: 'ResourceNotFoundException', message: (id) => `Unknown user: ${id}` },
    }),
  },
  operations: {
    ListServers: list<ListServersCommandInput, ListServersCommandOutput, WorldTransferServer>('servers', { items: 'Servers', ...PAGING, item: LISTED_SERVER }),
    DescribeServer: get<DescribeServerCommandInput, DescribeServerCommandOutput>('servers', { id: 'ServerId', output: 'Server' }),
    // An unknown server is ResourceNotFoundException, as AWS answers.
    ListUsers: list<ListUsersCommandInput, ListUsersCommandOutput, WorldTransferUser>('users', {
      items: 'Users',
      ...PAGING,
      source: (users, input, context) => {
        requireServer(context, input.ServerId);
        return users
          .filter((user) => user.ServerId === input.ServerId)
          .map((user) => ({
            Arn: user.Arn ?? userArn(user, context),
            HomeDirectory: user.HomeDirectory,
            HomeDirectoryType: user.HomeDirectoryType ?? 'PATH',
            Role: user.Role,
            SshPublicKeyCount: user.SshPublicKeys?.length ?? 0,
            UserName: user.UserName,
          }));
      },
    }),
    DescribeUser: custom<DescribeUserCommandInput, DescribeUserCommandOutput>((input, context, kit) => {
      kit.find('servers', input.ServerId, context);
      const user = usersOf(kit.records('users', context), input.ServerId).find((u) => u.UserName === input.UserName);
      if (!user) throw kit.error('ResourceNotFoundException', `Unknown user: ${input.UserName}`);
      const { ServerId, ...described } = kit.view('users', user as unknown as WorldRecord, context);
      return { ServerId: String(ServerId), User: described as unknown as DescribedUser };
    }),
  },
  generate: generateTransferSection,
});

function requireServer(context: SimCallContext, serverId: string | undefined): void {
  const servers = context.section<{ servers?: WorldTransferServer[] }>()?.servers ?? [];
  if (!servers.some((server) => server.ServerId === serverId)) context.notFound('ResourceNotFoundException', `Unknown server: ${serverId}`);
}

/**
 * One SFTP server in a generated account's first region (PUBLIC for about half the accounts),
 * logging with the account's first generated role, with two users whose home directories are in
 * the account's first generated bucket (`gen-<account>-us-east-1-0`).
 */
export function generateTransferSection({ accountId, region, size }: { accountId: string; region: string; size: number }): {
  servers?: WorldTransferServer[];
  users?: WorldTransferUser[];
} {
  if (!size || region !== 'us-east-1') return {};
  const random = ownRandom({ accountId, region }, 'transfer');
  const ServerId = `s-${accountId.slice(-12)}0000f`;
  const role = `arn:aws:iam::${accountId}:role/generated-role-0`;
  const bucket = `gen-${accountId}-us-east-1-0`;
  return {
    servers: [
      {
        ServerId,
        EndpointType: random() < 0.5 ? 'PUBLIC' : 'VPC_ENDPOINT',
        IdentityProviderType: 'SERVICE_MANAGED',
        Protocols: ['SFTP'],
        Domain: 'S3',
        LoggingRole: role,
        State: 'ONLINE',
        SecurityPolicyName: 'TransferSecurityPolicy-2024-01',
        Tags: [{ Key: 'Name', Value: `generated-sftp-${accountId}` }],
      },
    ],
    users: ['partner-a', 'partner-b'].map((UserName) => ({
      ServerId,
      UserName,
      Role: role,
      HomeDirectoryType: 'PATH',
      HomeDirectory: `/${bucket}/${UserName}`,
      SshPublicKeys: [
        {
          SshPublicKeyId: `key-${accountId.slice(-12)}${UserName.slice(-1) === 'a' ? '0a' : '0b'}`,
          SshPublicKeyBody: 'ssh-ed25519 AAAAC3Nza',
          DateImported: '2025-01-01T00:00:00Z',
        },
      ],
    })),
  };
}
