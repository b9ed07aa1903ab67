import type { JSONSchemaType } from 'ajv';

export type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';
export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

/** A service's part of the world: its own shape, validated by the service's simulator schema. */
export type ServiceSections = Record<string, unknown>;

export interface WorldAccount {
  id: string;
  name: string;
  email: string;
  status?: AccountStatus;
  joinedMethod?: 'CREATED' | 'INVITED';
  joinedAt?: string;
  /** Organizations tags of the account (e.g. `j1-integration: SKIP`). */
  tags?: Record<string, string>;
  /** Whether the audit role exists in the account (default true). */
  auditRole?: boolean;
  /** Regions the account has opted in to, beyond the world's defaults. */
  optedInRegions?: string[];
  /** Global services' data, keyed by service (`iam`, `s3`, ...). */
  global?: ServiceSections;
  /** Regional services' data: region -> service -> data. */
  regions?: Record<string, ServiceSections>;
}

export type FaultError = 'AccessDenied' | 'ScpDenied' | 'OptInRequired' | 'Throttling' | 'InternalError';

/** An error the simulated AWS returns for matching calls. */
export interface Fault {
  account?: string;
  region?: string;
  /** Simulated service id (`ec2`, `iam`, `s3`, `kms`, `organizations`, `sts`). */
  service?: string;
  /** Operation name without the `Command` suffix, e.g. `DescribeInstances`. */
  operation?: string;
  error: FaultError;
  /** Fraction of matching calls that fail, default 1. */
  probability?: number;
}

export interface Behaviour {
  /** Items per page for every list call (AWS's own maximum when larger). */
  pageSize?: number;
  /** Latency added to every call, in milliseconds. */
  latencyMs?: number;
  /** AWS-like token buckets per account x region x action. */
  throttling?: boolean;
  /** Fraction of calls answered with a throttling error at random (seeded). */
  throttleRate?: number;
  /** Seed for the random choices (throttling, probabilistic faults). */
  seed?: number;
  /**
   * Lifetime of the role credentials STS issues, in seconds, whatever the caller asked for (AWS's
   * own minimum is 900 s; shorter ones test refreshes). Calls signed with expired credentials are
   * answered `ExpiredToken`, as AWS does.
   */
  credentialLifetimeSeconds?: number;
}

export interface World {
  organization: {
    id: string;
    managementAccountId: string;
    /** Name of the audit role that exists in every account with `auditRole` true. */
    roleName: string;
    /** External ID the simulated roles require. */
    externalId: string;
  };
  regions: Array<{ name: string; optInStatus?: OptInStatus }>;
  accounts: WorldAccount[];
  behaviour?: Behaviour;
  faults?: Fault[];
}

/** Context of one simulated call, given to a service's handlers. */
export interface SimCallContext {
  readonly world: World;
  /** The simulated organization's wall clock (epoch ms). */
  now(): number;
  readonly account: WorldAccount;
  readonly region: string;
  /** This service's section for the call's account and region (global section for global services). */
  section<T>(): T | undefined;
  /** Another service's section for this account (regional: this region unless given). */
  sectionOf<T>(service: string, region?: string): T | undefined;
  /** Items per page configured for the world, bounded by the call's own maximum. */
  pageSize(requestedMax?: number, awsMax?: number): number;
  /** Throws the service's error for a missing resource. */
  notFound(errorName: string, message: string): never;
}

/**
 * A handler answers one SDK command with its typed output. The registry stores handlers with
 * erased types because each service's inputs and outputs differ; `defineHandler` keeps them typed.
 */
export type SimHandler = (input: never, context: SimCallContext) => unknown;

export interface TokenBucketSpec {
  capacity: number;
  refillPerSecond: number;
}

export interface ServiceSimulator {
  /** World section key and fault `service` id, e.g. `ec2`. */
  service: string;
  /** SDK client name as seen in the middleware context, e.g. `EC2Client`. */
  clientName: string;
  /** Where the service's data lives in the world. */
  scope: 'global' | 'regional';
  /** JSON schema of the service's section, checked when the world is loaded. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sections differ per service
  schema: JSONSchemaType<any> | Record<string, unknown>;
  /** Handlers by command name, e.g. `DescribeInstancesCommand`. */
  handlers: Record<string, SimHandler>;
  /** Error name for access denied (`UnauthorizedOperation` for EC2, `AccessDenied` for IAM). */
  accessDeniedName?: string;
  /** Error name for throttling (`RequestLimitExceeded` for EC2, `Throttling` for IAM). */
  throttlingName?: string;
  /** Token bucket of an operation, following AWS's published limits. */
  bucket?: (operation: string) => TokenBucketSpec;
  /** Builds a section of the given size for generated benchmark worlds. */
  generate?: (input: GenerateInput) => unknown;
  /** Record fields whose value defines a resource id (`VpcId`), for the world's reference check. */
  idFields?: readonly string[];
  /**
   * Other accounts whose data this account's calls read, from its section in one region (EC2: the
   * accepters of its VPC peering connections). Workers keep such accounts whole (`splitWorld`).
   */
  readsAccounts?: (section: unknown, accountId: string) => string[];
}

export interface GenerateInput {
  accountId: string;
  region: string;
  /** Resources of each kind to generate. */
  size: number;
  random: () => number;
  /** Other sections already generated for this account and region (e.g. EC2 reads KMS keys). */
  sections: ServiceSections;
}

export function defineHandler<Input, Output>(
  handler: (input: Input, context: SimCallContext) => Omit<Output, '$metadata'> | Promise<Omit<Output, '$metadata'>>,
): SimHandler {
  return handler as unknown as SimHandler;
}
