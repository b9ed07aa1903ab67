/**
 * Pulumi mocks of an organization of five accounts: the management account (which runs the
 * program), two ACTIVE members, one member tagged `j1-integration:SKIP` and one SUSPENDED member.
 * Import this module before anything that creates resources: it calls `setMocks` on load.
 */
import * as pulumi from '@pulumi/pulumi';
import { externalIdProvider } from '../../onboarding/external-id';

export const MANAGEMENT = '111111111111';
export const MEMBER_A = '222222222222';
export const MEMBER_B = '333333333333';
export const SKIPPED = '444444444444';
export const SUSPENDED = '555555555555';

export const ORGANIZATION_ACCOUNTS = [
  { id: MANAGEMENT, name: 'management', state: 'ACTIVE', status: 'ACTIVE' },
  { id: MEMBER_A, name: 'production', state: 'ACTIVE', status: 'ACTIVE' },
  { id: MEMBER_B, name: 'staging', state: 'ACTIVE', status: 'ACTIVE' },
  { id: SKIPPED, name: 'sandbox', state: 'ACTIVE', status: 'ACTIVE' },
  { id: SUSPENDED, name: 'closed-project', state: 'SUSPENDED', status: 'SUSPENDED' },
].map((account) => ({
  ...account,
  arn: `arn:aws:organizations::${MANAGEMENT}:account/o-example/${account.id}`,
  email: `${account.name}@example.com`,
  joinedMethod: account.id === MANAGEMENT ? 'CREATED' : 'INVITED',
  joinedTimestamp: '2024-01-01T00:00:00Z',
}));

export const ACCOUNT_TAGS: Record<string, Record<string, string>> = {
  [MANAGEMENT]: { owner: 'platform' },
  [MEMBER_A]: { env: 'prod' },
  [MEMBER_B]: {},
  [SKIPPED]: { 'j1-integration': 'SKIP' },
  [SUSPENDED]: {},
};

/** The region of the default provider in these tests (`aws:region` is not set: the program's default). */
export const REGION_OF_DEFAULT = 'us-east-1';

/** Regions each account has enabled (what `aws.getRegions` answers through its provider). */
export const ENABLED_REGIONS: Record<string, string[]> = {
  [MANAGEMENT]: ['us-east-1', 'eu-west-1'],
  [MEMBER_A]: ['us-east-1', 'us-west-2', 'eu-west-1'],
  [MEMBER_B]: ['us-east-1'],
};

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The provider reference (`<urn>::<id>`) the SDK sent, or undefined for the default provider. */
  provider?: string;
  id: string;
  state: Record<string, unknown>;
}

export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
  provider?: string;
}

export const resources: RecordedResource[] = [];
export const calls: RecordedCall[] = [];
/** Accounts whose tags the mocked Organizations refuses to return. */
export const UNREADABLE_TAGS = new Set<string>();

/** Pulumi's marker for a secret value in serialized properties. */
export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return !!value && typeof value === 'object' && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

export function unwrapSecret(value: unknown): unknown {
  return isSecretWrapper(value) ? value.value : value;
}

/** Provider inputs of nested values arrive JSON-encoded. */
export function providerInput<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** The account a provider reference points at (the mock gives providers the id `provider-<account>`). */
export function accountOfProvider(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  return /::provider-(\d{12})$/.exec(reference)?.[1];
}

function accountOf(args: pulumi.runtime.MockResourceArgs): string {
  return accountOfProvider(args.provider) ?? MANAGEMENT;
}

pulumi.runtime.setMocks(
  {
    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
      const inputs = args.inputs as Record<string, unknown>;
      let id = `${args.name}-id`;
      let state: Record<string, unknown> = { ...inputs };
      if (args.type === 'pulumi:providers:aws') {
        const allowed = providerInput<string[]>(inputs.allowedAccountIds);
        id = `provider-${allowed?.[0] ?? 'unknown'}`;
      } else if (args.type === 'aws:iam/role:Role') {
        state = { ...inputs, arn: `arn:aws:iam::${accountOf(args)}:role${String(inputs.path ?? '/')}${String(inputs.name)}`, uniqueId: `AROA${args.name}` };
      } else if (args.type === 'aws:iam/policy:Policy') {
        state = { ...inputs, arn: `arn:aws:iam::${accountOf(args)}:policy${String(inputs.path ?? '/')}${String(inputs.name)}` };
      } else if (args.type === 'aws:cloudwatch/eventBus:EventBus') {
        state = { ...inputs, arn: `arn:aws:events:${REGION_OF_DEFAULT}:${accountOf(args)}:event-bus/${String(inputs.name)}` };
      } else if (args.type === 'aws:cloudwatch/eventRule:EventRule') {
        const bus = inputs.eventBusName ? `${String(inputs.eventBusName)}/` : '';
        state = {
          ...inputs,
          name: inputs.name ?? `${args.name}-generated`,
          arn: `arn:aws:events:${REGION_OF_DEFAULT}:${accountOf(args)}:rule/${bus}${String(inputs.name ?? args.name)}`,
        };
      } else if (args.type === 'aws:sqs/queue:Queue') {
        state = {
          ...inputs,
          arn: `arn:aws:sqs:${REGION_OF_DEFAULT}:${accountOf(args)}:${String(inputs.name)}`,
          url: `https://sqs.${REGION_OF_DEFAULT}.amazonaws.com/${accountOf(args)}/${String(inputs.name)}`,
        };
      } else if (args.type.startsWith('pulumi-nodejs:dynamic')) {
        // Run the real provider's create, as the dynamic-provider host would.
        const { __provider: _serialized, ...providerInputs } = inputs;
        const created = await externalIdProvider.create(providerInputs);
        id = created.id;
        state = { ...inputs, ...created.outs };
      }
      resources.push({ type: args.type, name: args.name, inputs, provider: args.provider || undefined, id, state });
      return { id, state };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown>, provider: args.provider || undefined });
      switch (args.token) {
        case 'aws:index/getCallerIdentity:getCallerIdentity':
          return { id: MANAGEMENT, accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/deployer`, userId: 'AIDAEXAMPLE' };
        case 'aws:organizations/getOrganization:getOrganization':
          return {
            id: 'o-example',
            arn: `arn:aws:organizations::${MANAGEMENT}:organization/o-example`,
            featureSet: 'ALL',
            masterAccountId: MANAGEMENT,
            masterAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/o-example/${MANAGEMENT}`,
            masterAccountEmail: 'management@example.com',
            masterAccountName: 'management',
            accounts: ORGANIZATION_ACCOUNTS,
            nonMasterAccounts: ORGANIZATION_ACCOUNTS.filter((account) => account.id !== MANAGEMENT),
            awsServiceAccessPrincipals: [],
            enabledPolicyTypes: ['SERVICE_CONTROL_POLICY'],
            roots: [],
          };
        case 'aws:index/getRegions:getRegions': {
          const account = accountOfProvider(args.provider) ?? MANAGEMENT;
          return { id: 'aws', names: ENABLED_REGIONS[account] ?? ['us-east-1'] };
        }
        case 'aws:organizations/getResourceTags:getResourceTags': {
          const resourceId = String((args.inputs as { resourceId?: unknown }).resourceId);
          if (UNREADABLE_TAGS.has(resourceId)) {
            throw new Error(`AccessDeniedException: User is not authorized to perform: organizations:ListTagsForResource on resource: ${resourceId}`);
          }
          return { id: resourceId, resourceId, tags: ACCOUNT_TAGS[resourceId] ?? {} };
        }
        default:
          throw new Error(`unexpected invoke ${args.token}`);
      }
    },
  },
  'aws-org-graph',
  'test',
);

/** The value of an output (secret or not); rejects when the output failed. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  // `promise()` is the SDK's own accessor (marked internal); unlike `apply`, it also reports failures.
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Resources recorded whose name starts with a prefix (each test uses its own component name). */
export function recorded(prefix: string, type?: string): RecordedResource[] {
  return resources.filter((resource) => resource.name.startsWith(prefix) && (type === undefined || resource.type === type));
}

/**
 * Paths at which `needle` appears in `value` outside secret wrappers (a plain, non-secret copy).
 */
export function plainOccurrences(value: unknown, needle: string, path = '$'): string[] {
  if (isSecretWrapper(value)) return [];
  if (typeof value === 'string') return value.includes(needle) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => plainOccurrences(item, needle, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      ...(key.includes(needle) ? [`${path} (key)`] : []),
      ...plainOccurrences(item, needle, `${path}.${key}`),
    ]);
  }
  return [];
}
