import { AsyncLocalStorage } from 'node:async_hooks';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable, RetryStrategyV2 } from '@smithy/types';
import { isThrottlingError } from './errors';

/**
 * Middleware for any SDK client. `any` because one plugin serves every client, and each client's
 * stack is typed with that service's own input and output unions.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ClientPlugin = Pluggable<any, any>;

/** The part of an SDK v3 client the access layer relies on. */
export interface SdkClient {
  middlewareStack: { use: (plugin: ClientPlugin) => void };
  destroy(): void;
}

/** Constructor of an SDK v3 client, e.g. `EC2Client`. */
export type SdkClientClass<C extends SdkClient> = new (config: SdkClientConfig) => C;

export interface SdkClientConfig {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  maxAttempts?: number;
  retryMode?: string;
  retryStrategy?: RetryStrategyV2;
  followRegionRedirects?: boolean;
}

/** Where an API call is made from: which account, region and collector. */
export interface CallScope {
  accountId: string;
  region: string;
  collector: string;
}

export interface CallCounters {
  /** Operations started (a paginated list counts once per page). */
  calls: number;
  /** Attempts that came back throttled; the SDK's retry strategy retried them. */
  throttled: number;
}

export interface AwsAccessOptions {
  /** Name of the audit role assumed in every account. */
  roleName: string;
  /** Path of the role, default `/`. */
  rolePath?: string;
  /** The External ID the role's trust policy requires. Never logged. */
  externalId?: string;
  /** RoleSessionName, visible in CloudTrail of the audited accounts. */
  sessionName?: string;
  sessionDurationSeconds?: number;
  /** Credentials of the ingester; default: the SDK's credential chain (env, profiles, SSO, IMDS). */
  baseCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Accounts reached with the base credentials as they are, without AssumeRole. */
  directAccountIds?: string[];
  /** Region for global services and STS. */
  homeRegion?: string;
  /** Attempts per call, default 10: throttling is expected at organization scale. */
  maxAttempts?: number;
  /** A retry strategy to use instead of the SDK's adaptive mode (tests give short delays). */
  retryStrategy?: () => RetryStrategyV2;
  /** Extra middleware for every client (the simulated organization answers calls this way). */
  plugins?: (scope: { accountId: string; region: string }) => ClientPlugin[];
  /** Extra middleware for the STS clients used to assume roles. */
  stsPlugins?: (accountId: string) => ClientPlugin[];
}

const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * One provider per account shared by all of that account's clients, so a role is assumed once and
 * refreshed once, shortly before it expires, rather than once per client.
 */
function sharedRefreshing(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const fresh = current && (!current.expiration || current.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS);
    if (fresh && current) return current;
    pending ??= provider().then(
      (identity) => {
        current = identity;
        pending = undefined;
        return identity;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

/**
 * The single place that talks to AWS: credentials, AssumeRole with the External ID, one client per
 * account x region x service, retries, and API call accounting per collector.
 */
export class AwsAccess {
  private readonly credentials = new Map<string, AwsCredentialIdentityProvider>();
  private readonly clients = new Map<string, SdkClient>();
  private readonly counters = new Map<string, CallCounters>();
  private readonly scopeStore = new AsyncLocalStorage<CallScope>();
  private readonly base: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly homeRegion: string;

  constructor(private readonly options: AwsAccessOptions) {
    this.base = options.baseCredentials ?? fromNodeProviderChain();
    this.homeRegion = options.homeRegion ?? 'us-east-1';
  }

  roleArn(accountId: string): string {
    const path = this.options.rolePath ?? '/';
    return `arn:aws:iam::${accountId}:role${path}${this.options.roleName}`;
  }

  /** Credentials for an account: the audit role assumed with the External ID. */
  credentialsFor(accountId: string): AwsCredentialIdentityProvider {
    let provider = this.credentials.get(accountId);
    if (!provider) {
      if (this.options.directAccountIds?.includes(accountId)) {
        const base = this.base;
        provider = typeof base === 'function' ? sharedRefreshing(base) : async () => base;
      } else {
        provider = sharedRefreshing(
          fromTemporaryCredentials({
            masterCredentials: this.base,
            params: {
              RoleArn: this.roleArn(accountId),
              RoleSessionName: this.options.sessionName ?? 'aws-org-graph-ingestion',
              ExternalId: this.options.externalId,
              DurationSeconds: this.options.sessionDurationSeconds ?? 3600,
            },
            clientConfig: { region: this.homeRegion },
            clientPlugins: this.options.stsPlugins?.(accountId),
          }),
        );
      }
      this.credentials.set(accountId, provider);
    }
    return provider;
  }

  /** The client of one service for one account and region, created on first use and then reused. */
  client<C extends SdkClient>(clientClass: SdkClientClass<C>, accountId: string, region: string): C {
    const cacheKey = `${clientClass.name}|${accountId}|${region}`;
    const cached = this.clients.get(cacheKey);
    if (cached) return cached as C;
    const config: SdkClientConfig = {
      region,
      credentials: this.credentialsFor(accountId),
      maxAttempts: this.options.maxAttempts ?? 10,
    };
    if (this.options.retryStrategy) config.retryStrategy = this.options.retryStrategy();
    else config.retryMode = 'adaptive';
    const client = new clientClass(config);
    client.middlewareStack.use(this.accountingPlugin());
    for (const plugin of this.options.plugins?.({ accountId, region }) ?? []) client.middlewareStack.use(plugin);
    this.clients.set(cacheKey, client);
    return client;
  }

  /** Runs `work` with its API calls attributed to `scope`. */
  withScope<T>(scope: CallScope, work: () => Promise<T>): Promise<T> {
    return this.scopeStore.run(scope, work);
  }

  countersFor(scope: CallScope): CallCounters {
    return this.counters.get(`${scope.accountId}|${scope.region}|${scope.collector}`) ?? { calls: 0, throttled: 0 };
  }

  totals(): CallCounters {
    const total = { calls: 0, throttled: 0 };
    for (const counter of this.counters.values()) {
      total.calls += counter.calls;
      total.throttled += counter.throttled;
    }
    return total;
  }

  private counterForCurrentScope(): CallCounters {
    const scope = this.scopeStore.getStore();
    const key = scope ? `${scope.accountId}|${scope.region}|${scope.collector}` : 'unscoped';
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = { calls: 0, throttled: 0 }));
    return counter;
  }

  private accountingPlugin(): ClientPlugin {
    return {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => async (args) => {
            this.counterForCurrentScope().calls++;
            try {
              return await next(args);
            } catch (error) {
              // Name the failed call (`ec2:DescribeInstances`) for the run's error list.
              if (error && typeof error === 'object' && !('$operation' in error)) {
                const service = (context.clientName ?? '').replace(/Client$/, '').toLowerCase();
                const operation = (context.commandName ?? '').replace(/Command$/, '');
                Object.defineProperty(error, '$operation', { value: `${service}:${operation}`, enumerable: false });
              }
              throw error;
            }
          },
          { step: 'initialize', name: 'orggraphCallCounter', priority: 'high' },
        );
        // Inside the retry loop: sees every attempt, so throttled attempts are counted even when a retry succeeds.
        stack.add(
          (next) => async (args) => {
            try {
              return await next(args);
            } catch (error) {
              if (isThrottlingError(error)) this.counterForCurrentScope().throttled++;
              throw error;
            }
          },
          { step: 'finalizeRequest', name: 'orggraphThrottleCounter', priority: 'high' },
        );
      },
    };
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
