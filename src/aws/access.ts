import { AsyncLocalStorage } from 'node:async_hooks';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  FinalizeRequestMiddleware,
  Logger,
  Pluggable,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken,
} from '@smithy/types';
import { StandardRetryStrategy } from '@smithy/util-retry';
import { isThrottlingError } from './errors';
import { RateLimiter, serviceOfClient, type PacedBucket, type PacerOptions, type PacerStats } from './rate-limits';

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
  /** Resolve the middleware stack once per command class instead of once per call. */
  cacheMiddleware?: boolean;
  /** Settings resolved once per process and shared by every client (see `sharedSettings`). */
  [setting: string]: unknown;
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

export interface ThrottleRetryOptions {
  /** Throttled attempts retried per call before the throttle is reported (default 60). */
  maxRetries?: number;
  /** Base of the exponential backoff with full jitter, in ms (default 20). */
  baseDelayMs?: number;
  /** Ceiling of one backoff, in ms (default 2000). */
  maxDelayMs?: number;
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
  /** Attempts per call for errors other than throttling, default 10. */
  maxAttempts?: number;
  /**
   * A retry strategy to use instead of the SDK's standard one (tests give short delays). Throttling
   * is retried around it (see `throttleRetries`), so it only decides about the other errors.
   */
  retryStrategy?: () => RetryStrategyV2;
  /** How throttled attempts are retried. */
  throttleRetries?: ThrottleRetryOptions;
  /**
   * Client-side pacing against AWS's buckets (`rate-limits.ts`): its options, a limiter to share
   * (benchmarks read its counters), or `false` to turn it off.
   */
  pacing?: PacerOptions | RateLimiter | false;
  /** Records causal chains of calls (benchmarks); see {@link CallChains}. */
  callChains?: CallChains;
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

class ThrottleAwareToken implements RetryToken {
  constructor(
    readonly inner: RetryToken,
    private readonly count: number,
    private readonly delay: number,
    readonly throttles: number,
  ) {}

  getRetryCount(): number {
    return this.count;
  }

  getRetryDelay(): number {
    return this.delay;
  }
}

/**
 * Retries throttled attempts itself, with exponential backoff and full jitter, and leaves every
 * other error to the wrapped strategy. Throttling therefore never spends the wrapped strategy's
 * attempts nor its retry quota (the SDK's standard strategy allows 100 throttled retries per client
 * without a success in between, then gives up on every call of that client): a throttled call is
 * retried until it succeeds, up to `maxRetries` throttles of that one call. The pace itself comes
 * from the bucket pacer, which slows down on throttling.
 */
export class ThrottleTolerantRetryStrategy implements RetryStrategyV2 {
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly inner: RetryStrategyV2,
    options: ThrottleRetryOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.maxRetries = options.maxRetries ?? 60;
    this.baseDelayMs = options.baseDelayMs ?? 20;
    this.maxDelayMs = options.maxDelayMs ?? 2000;
  }

  async acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return new ThrottleAwareToken(await this.inner.acquireInitialRetryToken(retryTokenScope), 0, 0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const current = token as ThrottleAwareToken;
    if (errorInfo.errorType === 'THROTTLING' || isThrottlingError(errorInfo.error)) {
      if (current.throttles >= this.maxRetries) throw new Error('No retry token available: still throttled');
      const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** current.throttles);
      return new ThrottleAwareToken(current.inner, current.getRetryCount() + 1, Math.floor(this.random() * ceiling), current.throttles + 1);
    }
    const next = await this.inner.refreshRetryTokenForRetry(current.inner, errorInfo);
    return new ThrottleAwareToken(next, current.getRetryCount() + 1, next.getRetryDelay(), current.throttles);
  }

  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess((token as ThrottleAwareToken).inner);
  }
}

interface ChainState {
  base?: number;
  lastCompleted?: number;
  max: number;
}

/**
 * Causal chains of API calls, for the benchmark's lower bound. A call's depth is one more than the
 * depth of the call whose completion let it start: the last call of the same scope to complete
 * before it was issued (a page after the previous page, a worker's next item after its previous
 * one), or for a scope's first call the base the runner gave it (the end of the tasks it depends
 * on), or else the call completed last anywhere. When a call waits for several (`Promise.all`) only
 * the last one to complete counts, so depths never exceed the true dependency chain.
 */
export class CallChains {
  private readonly scopes = new Map<string, ChainState>();
  private lastCompleted = 0;
  /** Longest chain so far, in calls. */
  maxDepth = 0;
  /** Scope of the call that ended the longest chain. */
  deepestScope?: string;

  private state(key: string): ChainState {
    let state = this.scopes.get(key);
    if (!state) this.scopes.set(key, (state = { max: 0 }));
    return state;
  }

  setBase(key: string, depth: number): void {
    const state = this.state(key);
    state.base = depth;
    state.max = Math.max(state.max, depth);
  }

  /** Depth at which a scope ended: its deepest call, or its base when it made none. */
  depthOf(key: string): number {
    return this.scopes.get(key)?.max ?? 0;
  }

  issue(key: string): number {
    const state = this.state(key);
    const depth = (state.lastCompleted ?? state.base ?? this.lastCompleted) + 1;
    if (depth > state.max) state.max = depth;
    if (depth > this.maxDepth) {
      this.maxDepth = depth;
      this.deepestScope = key;
    }
    return depth;
  }

  complete(key: string, depth: number): void {
    this.state(key).lastCompleted = depth;
    this.lastCompleted = depth;
  }
}

/**
 * Client settings that the SDK otherwise resolves per client from the environment and the shared
 * config files (each miss builds an error with a stack trace): resolved once for the first client of
 * a class and handed to the others.
 */
const SHARED_SETTINGS = [
  'defaultsMode',
  'useFipsEndpoint',
  'useDualstackEndpoint',
  'authSchemePreference',
  'userAgentAppId',
  'requestChecksumCalculation',
  'responseChecksumValidation',
  'disableS3ExpressSessionAuth',
  'sigv4aSigningRegionSet',
  'useArnRegion',
] as const;

/**
 * Clients whose endpoint depends on a call's input (S3: the bucket), so concurrent calls must not
 * share one resolved middleware context.
 */
const INPUT_DEPENDENT_ENDPOINTS = new Set(['S3Client', 'S3ControlClient']);

/**
 * The SDK's logger for our clients: it logs nothing, like the SDK's default, and has no `info` or
 * `error`, so the SDK's logging middleware skips building its log record (a copy of every call's
 * input and output with sensitive fields filtered out) that its default logger then discards. The
 * cast: the SDK's Logger type requires `info` and `error`, and leaving them out is the point.
 */
const SILENT_SDK_LOGGER = { debug: () => undefined, trace: () => undefined, warn: () => undefined } as unknown as Logger;

interface MiddlewareContext {
  clientName?: string;
  commandName?: string;
}

/** Bucket owner of the calls made with the ingester's own credentials (AssumeRole). */
const INGESTER = 'ingester';

function scopeKey(scope: CallScope): string {
  return `${scope.accountId}|${scope.region}|${scope.collector}`;
}

/**
 * The single place that talks to AWS: credentials, AssumeRole with the External ID, one client per
 * account x region x service, pacing against AWS's buckets, retries, and API call accounting per
 * collector.
 */
export class AwsAccess {
  private readonly credentials = new Map<string, AwsCredentialIdentityProvider>();
  private readonly clients = new Map<string, SdkClient>();
  private readonly counters = new Map<string, CallCounters>();
  private readonly sharedSettings = new Map<string, Record<string, unknown>>();
  private readonly scopeStore = new AsyncLocalStorage<CallScope>();
  private readonly base: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  private readonly limiter?: RateLimiter;
  readonly homeRegion: string;

  constructor(private readonly options: AwsAccessOptions) {
    this.base = options.baseCredentials ?? fromNodeProviderChain();
    this.homeRegion = options.homeRegion ?? 'us-east-1';
    if (options.pacing instanceof RateLimiter) this.limiter = options.pacing;
    else if (options.pacing !== false) this.limiter = new RateLimiter(options.pacing ?? {});
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
            // AssumeRole for every account goes through the ingester's own STS bucket: paced, and
            // retried through throttling like every other call (at organization scale the SDK's
            // three attempts run out and the account would be lost for the run).
            clientConfig: { region: this.homeRegion, retryStrategy: this.retryStrategy(), logger: SILENT_SDK_LOGGER },
            clientPlugins: [this.pacingPlugin(INGESTER, this.homeRegion), ...(this.options.stsPlugins?.(accountId) ?? [])],
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
    const shared = this.sharedSettings.get(clientClass.name);
    const config: SdkClientConfig = {
      ...shared,
      region,
      credentials: this.credentialsFor(accountId),
      maxAttempts: this.options.maxAttempts ?? 10,
      retryStrategy: this.retryStrategy(),
      cacheMiddleware: !INPUT_DEPENDENT_ENDPOINTS.has(clientClass.name),
      logger: SILENT_SDK_LOGGER,
    };
    const client = new clientClass(config);
    if (!shared) this.sharedSettings.set(clientClass.name, settingsOf(client));
    client.middlewareStack.use(this.accountingPlugin(accountId, region));
    for (const plugin of this.options.plugins?.({ accountId, region }) ?? []) client.middlewareStack.use(plugin);
    this.clients.set(cacheKey, client);
    return client;
  }

  /** A client's retry strategy: the configured one (or the SDK's standard one) for errors, ours for throttling. */
  private retryStrategy(): RetryStrategyV2 {
    const inner = this.options.retryStrategy?.() ?? new StandardRetryStrategy(this.options.maxAttempts ?? 10);
    return new ThrottleTolerantRetryStrategy(inner, this.options.throttleRetries);
  }

  /** Runs `work` with its API calls attributed to `scope`. */
  withScope<T>(scope: CallScope, work: () => Promise<T>): Promise<T> {
    return this.scopeStore.run(scope, work);
  }

  countersFor(scope: CallScope): CallCounters {
    return this.counters.get(scopeKey(scope)) ?? { calls: 0, throttled: 0 };
  }

  totals(): CallCounters {
    const total = { calls: 0, throttled: 0 };
    for (const counter of this.counters.values()) {
      total.calls += counter.calls;
      total.throttled += counter.throttled;
    }
    return total;
  }

  /** What the pacer did: tokens handed out, calls that waited, throttles reported back. */
  pacerStats(): PacerStats & { buckets: number } {
    return this.limiter?.stats() ?? { granted: 0, waited: 0, throttled: 0, buckets: 0 };
  }

  /** Where a scope's chain of calls ended (0 without `callChains`); with no scope, the longest chain. */
  chainDepth(scope?: CallScope): number {
    const chains = this.options.callChains;
    if (!chains) return 0;
    return scope ? chains.depthOf(scopeKey(scope)) : chains.maxDepth;
  }

  /** The chain a scope's first call continues (the end of what it waited for). */
  setChainBase(scope: CallScope, depth: number): void {
    this.options.callChains?.setBase(scopeKey(scope), depth);
  }

  private counterFor(key: string): CallCounters {
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = { calls: 0, throttled: 0 }));
    return counter;
  }

  private accountingPlugin(accountId: string, region: string): ClientPlugin {
    const chains = this.options.callChains;
    const pacing = this.pacingPlugin(accountId, region);
    return {
      applyToStack: (stack) => {
        stack.add(
          (next, context: MiddlewareContext) => async (args) => {
            const scope = this.scopeStore.getStore();
            const key = scope ? scopeKey(scope) : 'unscoped';
            this.counterFor(key).calls++;
            const depth = chains?.issue(key) ?? 0;
            try {
              return await next(args);
            } catch (error) {
              // Name the failed call (`ec2:DescribeInstances`) for the run's error list.
              if (error && typeof error === 'object' && !('$operation' in error)) {
                const service = serviceOfClient(context.clientName);
                const operation = (context.commandName ?? '').replace(/Command$/, '');
                Object.defineProperty(error, '$operation', { value: `${service}:${operation}`, enumerable: false });
              }
              throw error;
            } finally {
              chains?.complete(key, depth);
            }
          },
          { step: 'initialize', name: 'orggraphCallCounter', priority: 'high' },
        );
        pacing.applyToStack(stack);
      },
    };
  }

  /**
   * Inside the retry loop and before signing: every attempt waits for a token of its bucket (so the
   * signature is fresh when it leaves); throttled attempts are counted, even when a retry succeeds,
   * and slow the bucket down.
   */
  private pacingPlugin(accountId: string, region: string): ClientPlugin {
    const limiter = this.limiter;
    const buckets = new Map<string, PacedBucket>();
    const bucketOf = (context: MiddlewareContext): PacedBucket | undefined => {
      if (!limiter) return undefined;
      const commandName = context.commandName ?? '';
      let bucket = buckets.get(commandName);
      if (!bucket) {
        bucket = limiter.bucketFor(accountId, region, serviceOfClient(context.clientName), commandName.replace(/Command$/, ''));
        buckets.set(commandName, bucket);
      }
      return bucket;
    };
    const pacer: FinalizeRequestMiddleware<object, object> = (next, context: MiddlewareContext) => async (args) => {
      const bucket = bucketOf(context);
      const wait = bucket?.acquire();
      if (wait) await wait;
      try {
        const result = await next(args);
        bucket?.onSuccess();
        return result;
      } catch (error) {
        if (isThrottlingError(error)) {
          bucket?.onThrottled();
          const scope = this.scopeStore.getStore();
          this.counterFor(scope ? scopeKey(scope) : 'unscoped').throttled++;
        }
        throw error;
      }
    };
    return {
      applyToStack: (stack) => stack.addRelativeTo(pacer, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'orggraphPacer' }),
    };
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

/** The shareable settings of a constructed client (providers that memoize what they resolved). */
function settingsOf(client: SdkClient): Record<string, unknown> {
  const config = (client as { config?: Record<string, unknown> }).config ?? {};
  const settings: Record<string, unknown> = {};
  for (const name of SHARED_SETTINGS) if (config[name] !== undefined) settings[name] = config[name];
  return settings;
}
