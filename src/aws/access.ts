import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { StandardRetryStrategy } from '@smithy/util-retry';
import type { CallChains } from './call-chains';
import { accountingPlugin, pacingPlugin, type CallAccounting } from './call-middleware';
import { CALL_SCOPE, INGESTER, scopeKey, type AccountState, type CallCounters, type CallScope, type ScopedArgs, type ScopeRecord } from './call-scope';
import {
  accountView,
  applyOnce,
  INPUT_DEPENDENT_ENDPOINTS,
  placeholderIdentity,
  settingsOf,
  SILENT_SDK_LOGGER,
  toFastProperties,
  type ClientPlugin,
  type SdkClient,
  type SdkClientClass,
  type SdkClientConfig,
} from './clients';
import { sharedRefreshing, systemCredentialsClock, type CredentialsClock, type RefreshingCredentials } from './credentials';
import { HandlerPool } from './handler-pool';
import { cachedUserAgentPlugin, withoutRecursionDetection } from './sdk-middleware';
import { RateLimiter, type PacerOptions, type PacerStats } from './rate-limits';
import { DEFAULT_THROTTLE_DEADLINE_MS, ThrottleTolerantRetryStrategy, type ThrottleRetryOptions } from './retry';
import { forgetSigningSecret, rememberedSigningSecrets, Sha256 } from './sha256';
import { callAccountSigner, type SigningScheme } from './signing';

// The access layer's parts, for the code that imports them from here.
export { CallChains } from './call-chains';
export type { CallCounters, CallScope } from './call-scope';
export { applyOnce, type ClientPlugin, type SdkClient, type SdkClientClass, type SdkClientConfig } from './clients';
export { systemCredentialsClock, type CredentialsClock, type RefreshingCredentials } from './credentials';
export { DEFAULT_THROTTLE_DEADLINE_MS, ThrottleTolerantRetryStrategy, type ThrottleRetryOptions } from './retry';

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
  /**
   * Extra middleware for every client (the simulated organization answers calls this way). A client
   * serves every account in its region: a call's account is in its signature, as AWS sees it.
   */
  plugins?: (scope: { region: string }) => ClientPlugin[];
  /** Extra middleware for the STS clients used to assume roles. */
  stsPlugins?: (accountId: string) => ClientPlugin[];
  /**
   * Each account's credentials from elsewhere (a worker gets them from its parent process) instead
   * of AssumeRole; the provider is still shared by the account's clients and refreshed before expiry.
   */
  credentialsProvider?: (accountId: string) => AwsCredentialIdentityProvider;
  /** The clock that credentials' expiration is compared with (tests: a virtual one). */
  credentialsClock?: CredentialsClock;
}

/**
 * The single place that talks to AWS: credentials, AssumeRole with the External ID, a client per
 * account x region x service (a view of one SDK client per service x region, each call signed with
 * its own account's credentials), pacing against AWS's buckets, retries, and API call accounting
 * per collector.
 *
 * Calls are attributed to an account and a scope (account, region, collector) through the client
 * they are made with: `client(..., scope)` and `withScope` hand out views of the shared clients that
 * mark every command they send with their account and scope. (No AsyncLocalStorage: while one is
 * active, Node installs promise hooks that cost every promise of the run.)
 */
export class AwsAccess {
  private readonly credentials = new Map<string, RefreshingCredentials>();
  /** The SDK clients, one per service x region, shared by every account. */
  private readonly clients = new Map<string, SdkClient>();
  private readonly accounts = new Map<string, AccountState>();
  private readonly handlerPools = new Map<SdkClient, HandlerPool>();
  private readonly records = new Map<string, ScopeRecord>();
  /** The keys of each account's scope records, so that a released account's can go. */
  private readonly recordKeys = new Map<string, string[]>();
  /** Calls of the scopes of released accounts (the run's totals include them). */
  private readonly releasedCalls: CallCounters = { calls: 0, throttled: 0 };
  private readonly sharedSettings = new Map<string, Record<string, unknown>>();
  /** Scopes of `withScope` calls in progress, per account: the owners of calls made without a scoped client. */
  private readonly ambient = new Map<string, ScopeRecord[]>();
  private readonly base: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  private readonly limiter?: RateLimiter;
  readonly homeRegion: string;
  private readonly credentialsClock: CredentialsClock;
  /** One deadline for the whole run's throttle retries, on the retry clock. */
  private readonly throttleDeadline: number;
  /** What the middleware of every client records calls with. */
  private readonly accounting: CallAccounting;

  constructor(private readonly options: AwsAccessOptions) {
    this.credentialsClock = options.credentialsClock ?? systemCredentialsClock;
    const retryClock = options.throttleRetries?.clock ?? performance;
    this.throttleDeadline = retryClock.now() + (options.throttleRetries?.deadlineMs ?? DEFAULT_THROTTLE_DEADLINE_MS);
    this.base = options.baseCredentials ?? fromNodeProviderChain();
    this.homeRegion = options.homeRegion ?? 'us-east-1';
    if (options.pacing instanceof RateLimiter) this.limiter = options.pacing;
    else if (options.pacing !== false) this.limiter = new RateLimiter(options.pacing ?? {});
    this.accounting = {
      chains: options.callChains,
      limiter: this.limiter,
      credentialsClock: this.credentialsClock,
      callRecord: (args, accountId) => this.callRecord(args, accountId),
    };
  }

  roleArn(accountId: string): string {
    const path = this.options.rolePath ?? '/';
    return `arn:aws:iam::${accountId}:role${path}${this.options.roleName}`;
  }

  /**
   * Credentials for an account: the audit role assumed with the External ID, or the configured
   * `credentialsProvider`'s.
   */
  credentialsFor(accountId: string): RefreshingCredentials {
    let provider = this.credentials.get(accountId);
    if (!provider) {
      const clock = this.options.credentialsClock ?? systemCredentialsClock;
      if (this.options.directAccountIds?.includes(accountId)) {
        const base = this.base;
        provider = sharedRefreshing(typeof base === 'function' ? base : async () => base, clock);
      } else if (this.options.credentialsProvider) {
        provider = sharedRefreshing(this.options.credentialsProvider(accountId), clock);
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
            clientConfig: { region: this.homeRegion, retryStrategy: this.retryStrategy(), logger: SILENT_SDK_LOGGER, sha256: Sha256 },
            // Applied once: the provider re-applies its plugins to the same STS client on every refresh.
            clientPlugins: [pacingPlugin(this.accounting, this.homeRegion, INGESTER), ...(this.options.stsPlugins?.(accountId) ?? [])].map(applyOnce),
          }),
          clock,
        );
      }
      this.credentials.set(accountId, provider);
    }
    return provider;
  }

  /**
   * The client of one service for one account and region, created on first use and then shared.
   * With a scope, a view of it whose calls are attributed to that scope (it is an instance of the
   * client's class, works with paginators, and its `destroy` leaves the shared client alone);
   * without one, the shared client itself, whose calls belong to the account's `withScope` in
   * progress, if any.
   */
  client<C extends SdkClient>(clientClass: SdkClientClass<C>, accountId: string, region: string, scope?: CallScope): C {
    const client = this.sharedClient(clientClass, region);
    const account = this.accountState(accountId);
    const record = scope ? this.recordOf(scope) : undefined;
    let views = account.views.get(client);
    if (!views) account.views.set(client, (views = new Map()));
    let view = views.get(record);
    if (!view) views.set(record, (view = accountView(client, account, record, this.handlerPools.get(client))));
    return view as C;
  }

  private accountState(accountId: string): AccountState {
    let account = this.accounts.get(accountId);
    if (!account) this.accounts.set(accountId, (account = { accountId, credentials: this.credentialsFor(accountId), signers: new Map(), views: new Map() }));
    return account;
  }

  /**
   * The SDK client of one service in one region, created on first use and shared by every account:
   * the SDK then resolves its middleware stack once per command rather than once per account (most
   * account x region x command triples are used only a few times), and a run creates a few hundred
   * clients instead of tens of thousands. Each call is signed with its own account's credentials
   * (see {@link signingAccount}); the client's own credentials are a placeholder never signed with.
   */
  private sharedClient<C extends SdkClient>(clientClass: SdkClientClass<C>, region: string): C {
    const cacheKey = `${clientClass.name}|${region}`;
    const cached = this.clients.get(cacheKey);
    if (cached) return cached as C;
    const shared = this.sharedSettings.get(clientClass.name);
    let resolvedConfig: Record<string, unknown> = {};
    const config: SdkClientConfig = {
      ...shared,
      region,
      credentials: placeholderIdentity,
      signer: (scheme?: SigningScheme) => callAccountSigner(clientClass.name, region, resolvedConfig, scheme),
      maxAttempts: this.options.maxAttempts ?? 10,
      retryStrategy: this.retryStrategy(),
      cacheMiddleware: true, // views of INPUT_DEPENDENT_ENDPOINTS clients send through a HandlerPool instead
      logger: SILENT_SDK_LOGGER,
      sha256: Sha256,
    };
    // S3 Express (directory bucket) sessions would be created with the placeholder identity; without
    // them, calls to such buckets are signed with plain SigV4 and the account's credentials.
    if (clientClass.name === 'S3Client') config.disableS3ExpressSessionAuth = true;
    // SQS would send each queue's calls to its QueueUrl's host instead of the region's resolved
    // endpoint (a custom endpoint or FIPS one included), and warn on the console when they differ.
    if (clientClass.name === 'SQSClient') config.useQueueUrlAsEndpoint = false;
    const client = new clientClass(config);
    if (!shared) this.sharedSettings.set(clientClass.name, settingsOf(client));
    const resolved = (client as { config?: Record<string, unknown> }).config;
    if (resolved) {
      toFastProperties(resolved);
      resolvedConfig = resolved;
    }
    if (INPUT_DEPENDENT_ENDPOINTS.has(clientClass.name)) this.handlerPools.set(client, new HandlerPool(client as C & { config: unknown }));
    // Once per shared client, before its first call: the SDK's per-call work that gives the same answer every time.
    if (resolved) client.middlewareStack.use(cachedUserAgentPlugin(resolved as unknown as Parameters<typeof cachedUserAgentPlugin>[0]));
    withoutRecursionDetection(client.middlewareStack);
    client.middlewareStack.use(accountingPlugin(this.accounting, region));
    for (const plugin of this.options.plugins?.({ region }) ?? []) client.middlewareStack.use(plugin);
    this.clients.set(cacheKey, client);
    return client;
  }

  /** A client's retry strategy: the configured one (or the SDK's standard one) for errors, ours for throttling. */
  private retryStrategy(): RetryStrategyV2 {
    const inner = this.options.retryStrategy?.() ?? new StandardRetryStrategy(this.options.maxAttempts ?? 10);
    return new ThrottleTolerantRetryStrategy(inner, { ...this.options.throttleRetries, deadline: this.throttleDeadline });
  }

  /**
   * This access layer with every client it hands out attributed to `scope`, for code outside the
   * collectors (organization and region discovery) that takes an `AwsAccess`.
   */
  scoped(scope: CallScope): AwsAccess {
    const view = Object.create(this) as AwsAccess;
    view.client = (clientClass, accountId, region, otherScope) => this.client(clientClass, accountId, region, otherScope ?? scope);
    return view;
  }

  /**
   * Runs `work` with its API calls attributed to `scope`: the calls made with the clients of the
   * access layer `work` is given, and, while `work` runs, the calls made with the shared clients of
   * `scope.accountId` (for callers that use the outer access layer; when several `withScope` of the
   * same account overlap, the latest one owns those calls, so prefer the given access layer).
   */
  async withScope<T>(scope: CallScope, work: (access: AwsAccess) => Promise<T>): Promise<T> {
    const record = this.recordOf(scope);
    let active = this.ambient.get(scope.accountId);
    if (!active) this.ambient.set(scope.accountId, (active = []));
    active.push(record);
    try {
      return await work(this.scoped(scope));
    } finally {
      active.splice(active.lastIndexOf(record), 1);
      if (active.length === 0) this.ambient.delete(scope.accountId);
    }
  }

  countersFor(scope: CallScope): CallCounters {
    const counters = this.records.get(scopeKey(scope))?.counters;
    return counters ? { ...counters } : { calls: 0, throttled: 0 };
  }

  totals(): CallCounters {
    const total = { ...this.releasedCalls };
    for (const { counters } of this.records.values()) {
      total.calls += counters.calls;
      total.throttled += counters.throttled;
    }
    return total;
  }

  /** What the pacer did: tokens handed out, calls that waited, throttles reported back. */
  pacerStats(): PacerStats & { buckets: number } {
    return this.limiter?.stats() ?? { granted: 0, waited: 0, throttled: 0, buckets: 0 };
  }

  /**
   * Forgets an account whose collection is over: its credentials, its views of the shared clients
   * its pacing buckets (about 0.3 MB per account) and its scopes' call counters (added to the
   * totals). A later call for it recreates them.
   */
  releaseAccount(accountId: string): void {
    this.accounts.delete(accountId);
    for (const secret of this.credentials.get(accountId)?.issuedSecrets() ?? []) forgetSigningSecret(secret);
    this.credentials.delete(accountId);
    this.limiter?.release(accountId);
    this.options.callChains?.releaseAccount(accountId);
    for (const key of this.recordKeys.get(accountId) ?? []) {
      const record = this.records.get(key);
      if (!record) continue;
      this.releasedCalls.calls += record.counters.calls;
      this.releasedCalls.throttled += record.counters.throttled;
      this.records.delete(key);
    }
    this.recordKeys.delete(accountId);
  }

  /** Accounts whose state (credentials, client views, pacing buckets, scope counters) is held: released ones are not. */
  heldAccounts(): { accountStates: number; credentials: number; pacedAccounts: number; scopeRecords: number; chainScopes: number; signingSecrets: number } {
    return {
      // The thread's, not this access layer's alone (a worker's has no other).
      signingSecrets: rememberedSigningSecrets(),
      chainScopes: this.options.callChains?.heldScopes ?? 0,
      accountStates: this.accounts.size,
      credentials: this.credentials.size,
      pacedAccounts: this.limiter?.heldAccounts().length ?? 0,
      scopeRecords: this.records.size,
    };
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

  private recordOf(scope: CallScope): ScopeRecord {
    const key = scopeKey(scope);
    if (!this.records.has(key)) {
      const keys = this.recordKeys.get(scope.accountId);
      if (keys) keys.push(key);
      else this.recordKeys.set(scope.accountId, [key]);
    }
    return this.recordFor(key, scope.collector);
  }

  private recordFor(key: string, collector?: string): ScopeRecord {
    let record = this.records.get(key);
    if (!record) this.records.set(key, (record = { key, counters: { calls: 0, throttled: 0 }, collector }));
    return record;
  }

  /** The scope of a call: the view's it was sent with, else its account's `withScope` in progress. */
  private callRecord(args: ScopedArgs, accountId: string | undefined): ScopeRecord {
    const marked = args[CALL_SCOPE];
    if (marked) return marked;
    const active = accountId === undefined ? undefined : this.ambient.get(accountId);
    return active ? active[active.length - 1] : this.recordFor('unscoped');
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    this.handlerPools.clear();
  }
}
