import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  FinalizeHandler,
  FinalizeHandlerArguments,
  FinalizeRequestMiddleware,
  InitializeMiddleware,
  Logger,
  Pluggable,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken,
} from '@smithy/types';
import { SignatureV4 } from '@smithy/signature-v4';
import { StandardRetryStrategy } from '@smithy/util-retry';
import { tagCollector } from './collector-user-agent';
import { isExpiredCredentialsError, isThrottlingError } from './errors';
import { RateLimiter, serviceOfClient, type PacedBucket, type PacerOptions, type PacerStats } from './rate-limits';
import { Sha256 } from './sha256';

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
  /** Throttled attempts retried per call before the throttle is reported (default: no limit but the deadline). */
  maxRetries?: number;
  /** Base of the exponential backoff with full jitter, in ms (default 20). */
  baseDelayMs?: number;
  /** Ceiling of one backoff, in ms (default 2000). */
  maxDelayMs?: number;
  /**
   * How long after the run started throttled calls are still retried, in ms (default one hour): a
   * throttle never loses a call while the run has time; past it, the throttle is reported.
   */
  deadlineMs?: number;
  /** Monotonic milliseconds the deadline is measured in (tests: a virtual clock). */
  clock?: { now(): number };
}

/** Throttled calls are retried for this long after the run started (see {@link ThrottleRetryOptions.deadlineMs}). */
export const DEFAULT_THROTTLE_DEADLINE_MS = 60 * 60 * 1000;

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

/** Refresh credentials this long before they expire (at most half their lifetime: see {@link refreshMarginMs}). */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Calls that AWS rejected because their credentials had expired, retried with fresh ones. */
const EXPIRED_CREDENTIALS_RETRIES = 4;

/** Wall-clock time of the credentials' world (epoch ms), injectable so tests can expire credentials at will. */
export interface CredentialsClock {
  now(): number;
}

export const systemCredentialsClock: CredentialsClock = { now: () => Date.now() };

/**
 * How long before expiry credentials are refreshed: 5 minutes, or half their lifetime when they
 * live less than 10 minutes (AssumeRole may return credentials that live only seconds: with a fixed
 * 5-minute margin every call would assume the role again).
 */
function refreshMarginMs(identity: AwsCredentialIdentity, obtainedAt: number): number {
  if (!identity.expiration) return 0;
  return Math.min(REFRESH_MARGIN_MS, Math.max(0, identity.expiration.getTime() - obtainedAt) / 2);
}

/** An account's shared credentials provider, which can be told that AWS found its credentials expired. */
export interface RefreshingCredentials extends AwsCredentialIdentityProvider {
  /** Drops the cached credentials if they were obtained before `since` (epoch ms): the next call fetches new ones. */
  expire(since: number): void;
  /** Drops the cached credentials if they are those of `accessKeyId` (another holder of them found them stale). */
  replace(accessKeyId: string): void;
}

/**
 * One provider per account shared by all of that account's clients, so a role is assumed once and
 * refreshed once, shortly before it expires, rather than once per client. Concurrent callers during
 * a refresh share it.
 */
function sharedRefreshing(provider: AwsCredentialIdentityProvider, clock: CredentialsClock): RefreshingCredentials {
  let current: { identity: AwsCredentialIdentity; obtainedAt: number; refreshAt: number } | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const get = async (): Promise<AwsCredentialIdentity> => {
    if (current && clock.now() < current.refreshAt) return current.identity;
    pending ??= provider().then(
      (identity) => {
        const obtainedAt = clock.now();
        const expiresAt = identity.expiration?.getTime() ?? Infinity;
        current = { identity, obtainedAt, refreshAt: expiresAt - refreshMarginMs(identity, obtainedAt) };
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
  return Object.assign(get, {
    expire(since: number) {
      if (current && current.obtainedAt <= since) current = undefined;
    },
    replace(accessKeyId: string) {
      if (current?.identity.accessKeyId === accessKeyId) current = undefined;
    },
  });
}

/**
 * A plugin applied at most once per middleware stack. `fromTemporaryCredentials` applies its
 * `clientPlugins` to its cached STS client on every refresh, and a second `add` of a named
 * middleware throws ("Duplicate middleware name").
 */
export function applyOnce(plugin: ClientPlugin): ClientPlugin {
  const applied = new WeakSet<object>();
  return {
    applyToStack: (stack) => {
      if (applied.has(stack)) return;
      applied.add(stack);
      plugin.applyToStack(stack);
    },
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
 * retried, with capped exponential backoff, until it succeeds or the run's deadline passes. The pace
 * itself comes from the bucket pacer, which slows down on throttling.
 */
export class ThrottleTolerantRetryStrategy implements RetryStrategyV2 {
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: { now(): number };
  /** When throttled calls stop being retried (the clock's milliseconds). */
  private readonly deadline: number;

  constructor(
    private readonly inner: RetryStrategyV2,
    options: ThrottleRetryOptions & { deadline?: number } = {},
    private readonly random: () => number = Math.random,
  ) {
    this.maxRetries = options.maxRetries ?? Infinity;
    this.baseDelayMs = options.baseDelayMs ?? 20;
    this.maxDelayMs = options.maxDelayMs ?? 2000;
    this.clock = options.clock ?? performance;
    this.deadline = options.deadline ?? this.clock.now() + (options.deadlineMs ?? DEFAULT_THROTTLE_DEADLINE_MS);
  }

  async acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return new ThrottleAwareToken(await this.inner.acquireInitialRetryToken(retryTokenScope), 0, 0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const current = token as ThrottleAwareToken;
    if (errorInfo.errorType === 'THROTTLING' || isThrottlingError(errorInfo.error)) {
      if (current.throttles >= this.maxRetries) throw new Error('No retry token available: still throttled');
      const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(current.throttles, 30));
      const delay = Math.floor(this.random() * ceiling);
      // Past the run's deadline the throttle is reported (the SDK then throws the throttling error).
      if (this.clock.now() + delay > this.deadline) throw new Error('No retry token available: still throttled at the run deadline');
      return new ThrottleAwareToken(current.inner, current.getRetryCount() + 1, delay, current.throttles + 1);
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

  /** Per account (the first part of a scope's key), the deepest chain of its scopes. */
  maxDepthByAccount(): Map<string, number> {
    const depths = new Map<string, number>();
    for (const [key, state] of this.scopes) {
      const accountId = key.slice(0, key.indexOf('|'));
      depths.set(accountId, Math.max(depths.get(accountId) ?? 0, state.max));
    }
    return depths;
  }

  /** The base a scope's chain was given ({@link setBase}), if any. */
  baseOf(key: string): number | undefined {
    return this.scopes.get(key)?.base;
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
 * share one resolved middleware context: their views send through a {@link HandlerPool}.
 */
const INPUT_DEPENDENT_ENDPOINTS = new Set(['S3Client', 'S3ControlClient']);

/** A command's middleware stack resolved against a client: what `Client.send` calls. */
type ResolvedHandler = (command: object) => Promise<{ output: unknown }>;

interface ResolvableCommand {
  resolveMiddleware(stack: unknown, config: unknown, options: undefined): ResolvedHandler;
}

/**
 * Resolved handlers of one client, per command class, each used by one call at a time. The SDK's
 * own cache (`cacheMiddleware`) shares one handler, and with it one mutable middleware context
 * (endpoint, auth scheme), between concurrent calls, which is only right when the endpoint does not
 * depend on the input; resolving the stack for every call instead adds about half to the call's
 * CPU. A handler is reused only once its call has settled, so each call has the context to
 * itself, as with `cacheMiddleware` and calls in sequence. (The S3 middleware that keeps state in the
 * context between calls, region redirects, is off: `followRegionRedirects` is never set.)
 */
class HandlerPool {
  // Keyed by command class.
  private readonly free = new Map<unknown, ResolvedHandler[]>();

  constructor(private readonly client: { middlewareStack: unknown; config: unknown }) {}

  send(command: object): Promise<unknown> {
    let handlers = this.free.get(command.constructor);
    if (!handlers) this.free.set(command.constructor, (handlers = []));
    const handler = handlers.pop() ?? (command as ResolvableCommand).resolveMiddleware(this.client.middlewareStack, this.client.config, undefined);
    const pool = handlers;
    return handler(command).then(
      (result) => {
        pool.push(handler);
        return result.output;
      },
      (error: unknown) => {
        pool.push(handler);
        throw error;
      },
    );
  }
}

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

/** What the accounting keeps per scope: its key (call chains) and its counters. */
interface ScopeRecord {
  readonly key: string;
  readonly counters: CallCounters;
  /** The collector of the scope, named in its calls' `User-Agent` (see `collector-user-agent.ts`). */
  readonly collector?: string;
}

/**
 * Own property of a command sent through a scoped client view: the scope's record. The SDK calls the
 * middleware stack with the command itself as the first `args`, and every step passes its args on
 * as they are or spread into a new object, so the pacer, inside the retry loop, reads it too.
 */
const CALL_SCOPE = Symbol('orggraph.callScope');

/** Own property of a command sent through an account's client view: the account (see {@link AccountState}). */
const CALL_ACCOUNT = Symbol('orggraph.callAccount');

type ScopedArgs = { [CALL_SCOPE]?: ScopeRecord; [CALL_ACCOUNT]?: AccountState };

/** What a request signer is to the SDK's SigV4 auth scheme. */
interface RequestSigner {
  sign(request: unknown, options?: unknown): Promise<unknown>;
}

type RequestSignerClass = new (options: Record<string, unknown>) => RequestSigner;

/** The SDK's description of how a call is signed (from the endpoint's `authSchemes`). */
interface SigningScheme {
  signingName?: string;
  signingRegion?: string;
}

/** What the access layer keeps per account: its credentials, the signers made with them, its client views. */
interface AccountState {
  readonly accountId: string;
  readonly credentials: RefreshingCredentials;
  /** Signers with the account's credentials, per client class x signing region x signing name. */
  readonly signers: Map<string, RequestSigner>;
  /** Its views of the shared clients, per client and scope (none: unscoped). */
  readonly views: Map<SdkClient, Map<ScopeRecord | undefined, SdkClient>>;
}

/**
 * The account of the call being signed. One SDK client serves every account of a region (so the
 * SDK resolves its middleware once per region and command, not once per account), and a call's
 * credentials are those of the account whose view sent it: the access layer's middleware sets this
 * right before the SDK's signing middleware and clears it when that middleware's synchronous part
 * has run, in which the SDK asks the client's `signer` factory for a signer. Anything else that
 * asks for a signer finds no account and fails: a call is never signed with another account's keys.
 */
let signingAccount: AccountState | undefined;

/**
 * The identity the SDK resolves per call for a shared client. The SigV4 signers ignore it (they sign
 * with their own credentials, the account's); it only stands where the SDK expects one.
 */
const PLACEHOLDER_IDENTITY: AwsCredentialIdentity = Object.freeze({ accessKeyId: 'ORGGRAPH-SIGNS-PER-ACCOUNT', secretAccessKey: '' });
const placeholderIdentity: AwsCredentialIdentityProvider = () => Promise.resolve(PLACEHOLDER_IDENTITY);

/** The part of an SDK client that a scoped view overrides. */
interface SendingClient {
  send(command: object, ...rest: unknown[]): unknown;
}

/**
 * Makes a dictionary-mode object fast again, in place. An SDK client's resolved config ends up in
 * V8's dictionary mode (its `credentials` data property is redefined as an accessor), and the SDK
 * copies the whole config with a spread twice per call (endpoint resolution, signer); a spread of a
 * fast object is about ten times cheaper. V8 turns an object back into fast mode when it is used as
 * a prototype and a property is looked up through it; nothing else about the object changes.
 */
function toFastProperties(object: object): void {
  function Receiver(): void {}
  Receiver.prototype = object;
  // `new` on a plain function declaration: the cast gives TypeScript a constructor type.
  const receiver = new (Receiver as unknown as new () => { missing?: unknown })();
  for (let i = 0; i < 2; i++) void receiver.missing;
}
// V8 gives a function its inline caches only after a few calls, and only a lookup through an inline
// cache makes the prototype fast: warmed up here, it works from the first client on.
for (let i = 0; i < 16; i++) toFastProperties({});

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
  private readonly sharedSettings = new Map<string, Record<string, unknown>>();
  /** Scopes of `withScope` calls in progress, per account: the owners of calls made without a scoped client. */
  private readonly ambient = new Map<string, ScopeRecord[]>();
  private readonly base: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  private readonly limiter?: RateLimiter;
  readonly homeRegion: string;
  private readonly credentialsClock: CredentialsClock;
  /** One deadline for the whole run's throttle retries, on the retry clock. */
  private readonly throttleDeadline: number;

  constructor(private readonly options: AwsAccessOptions) {
    this.credentialsClock = options.credentialsClock ?? systemCredentialsClock;
    const retryClock = options.throttleRetries?.clock ?? performance;
    this.throttleDeadline = retryClock.now() + (options.throttleRetries?.deadlineMs ?? DEFAULT_THROTTLE_DEADLINE_MS);
    this.base = options.baseCredentials ?? fromNodeProviderChain();
    this.homeRegion = options.homeRegion ?? 'us-east-1';
    if (options.pacing instanceof RateLimiter) this.limiter = options.pacing;
    else if (options.pacing !== false) this.limiter = new RateLimiter(options.pacing ?? {});
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
            clientPlugins: [this.pacingPlugin(this.homeRegion, INGESTER), ...(this.options.stsPlugins?.(accountId) ?? [])].map(applyOnce),
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
      signer: (scheme?: SigningScheme) => signerFor(signingAccount, clientClass.name, region, resolvedConfig, scheme),
      maxAttempts: this.options.maxAttempts ?? 10,
      retryStrategy: this.retryStrategy(),
      cacheMiddleware: true, // views of INPUT_DEPENDENT_ENDPOINTS clients send through a HandlerPool instead
      logger: SILENT_SDK_LOGGER,
      sha256: Sha256,
    };
    // S3 Express (directory bucket) sessions would be created with the placeholder identity; without
    // them, calls to such buckets are signed with plain SigV4 and the account's credentials.
    if (clientClass.name === 'S3Client') config.disableS3ExpressSessionAuth = true;
    const client = new clientClass(config);
    if (!shared) this.sharedSettings.set(clientClass.name, settingsOf(client));
    const resolved = (client as { config?: Record<string, unknown> }).config;
    if (resolved) {
      toFastProperties(resolved);
      resolvedConfig = resolved;
    }
    if (INPUT_DEPENDENT_ENDPOINTS.has(clientClass.name)) this.handlerPools.set(client, new HandlerPool(client as C & { config: unknown }));
    client.middlewareStack.use(this.accountingPlugin(region));
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
    const total = { calls: 0, throttled: 0 };
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
    return this.recordFor(scopeKey(scope), scope.collector);
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

  private accountingPlugin(region: string): ClientPlugin {
    const chains = this.options.callChains;
    const pacing = this.pacingPlugin(region);
    const counter: InitializeMiddleware<object, object> = (next, context: MiddlewareContext) => (args) => {
      const account = (args as ScopedArgs)[CALL_ACCOUNT];
      if (!account) {
        return Promise.reject(new Error(`${context.commandName ?? 'a command'} was sent without an account: send it with a client from AwsAccess.client()`));
      }
      let record = (args as ScopedArgs)[CALL_SCOPE];
      if (!record) {
        // Marked here for the pacer when the call was made without a scope.
        record = this.callRecord(args as ScopedArgs, account.accountId);
        (args as ScopedArgs)[CALL_SCOPE] = record;
      }
      record.counters.calls++;
      const key = record.key;
      const depth = chains ? chains.issue(key) : 0;
      // The account's credentials before the first attempt, as the SDK resolves a client's identity:
      // a failed AssumeRole fails the call once, outside the retry loop and the pacer. Credentials
      // that AWS found expired (they lived less than the call took, or clocks differ) are dropped
      // and the call is sent again: every attempt is signed with the account's current credentials.
      // Per attempt: credentials obtained before it began are those it was signed with (or older),
      // so a retry refused again drops the credentials it got after the call began.
      const send = (retriesLeft: number): ReturnType<typeof next> => {
        const attemptedAt = this.credentialsClock.now();
        return next(args).catch((error: unknown) => {
          if (retriesLeft <= 0 || !isExpiredCredentialsError(error)) throw error;
          account.credentials.expire(attemptedAt);
          return account.credentials().then(() => send(retriesLeft - 1));
        });
      };
      return account.credentials().then(() => send(EXPIRED_CREDENTIALS_RETRIES)).then(
        (result) => {
          chains?.complete(key, depth);
          return result;
        },
        (error: unknown) => {
          // Name the failed call (`ec2:DescribeInstances`) for the run's error list.
          if (error && typeof error === 'object' && !('$operation' in error)) {
            const service = serviceOfClient(context.clientName);
            const operation = (context.commandName ?? '').replace(/Command$/, '');
            Object.defineProperty(error, '$operation', { value: `${service}:${operation}`, enumerable: false });
          }
          chains?.complete(key, depth);
          throw error;
        },
      );
    };
    return {
      applyToStack: (stack) => {
        stack.add(counter, { step: 'initialize', name: 'orggraphCallCounter', priority: 'high' });
        pacing.applyToStack(stack);
        stack.addRelativeTo(markSigningAccount, { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'orggraphSigningAccount' });
      },
    };
  }

  /**
   * Inside the retry loop and before signing: every attempt waits for a token of its bucket (so the
   * signature is fresh when it leaves); throttled attempts are counted, even when a retry succeeds,
   * and slow the bucket down.
   */
  private pacingPlugin(region: string, bucketOwner?: string): ClientPlugin {
    const limiter = this.limiter;
    // Per account (the bucket owner), per command.
    const buckets = new Map<string, Map<string, PacedBucket>>();
    const bucketOf = (context: MiddlewareContext, owner: string): PacedBucket | undefined => {
      if (!limiter) return undefined;
      let owned = buckets.get(owner);
      if (!owned) buckets.set(owner, (owned = new Map()));
      const commandName = context.commandName ?? '';
      let bucket = owned.get(commandName);
      if (!bucket) {
        bucket = limiter.bucketFor(owner, region, serviceOfClient(context.clientName), commandName.replace(/Command$/, ''));
        owned.set(commandName, bucket);
      }
      return bucket;
    };
    const attempt = (next: FinalizeHandler<object, object>, args: FinalizeHandlerArguments<object>, bucket: PacedBucket | undefined, owner: string) =>
      next(args).then(
        (result) => {
          bucket?.onSuccess();
          return result;
        },
        (error: unknown) => {
          if (isThrottlingError(error)) {
            bucket?.onThrottled();
            // The STS clients that assume roles have no accounting: their throttles count as unscoped.
            this.callRecord(args as ScopedArgs, owner).counters.throttled++;
          }
          throw error;
        },
      );
    const pacer: FinalizeRequestMiddleware<object, object> = (next, context: MiddlewareContext) => (args) => {
      const owner = bucketOwner ?? (args as ScopedArgs)[CALL_ACCOUNT]?.accountId ?? INGESTER;
      const bucket = bucketOf(context, owner);
      const wait = bucket?.acquire();
      return wait ? wait.then(() => attempt(next, args, bucket, owner)) : attempt(next, args, bucket, owner);
    };
    return {
      applyToStack: (stack) => stack.addRelativeTo(pacer, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'orggraphPacer' }),
    };
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    this.handlerPools.clear();
  }
}

/**
 * A view of a shared client for one account (and scope): an instance of the client's class
 * (paginators check it) whose `send` marks each command with its account and scope and sends it with
 * the shared client, so the client's cache of resolved middleware serves every account.
 */
function accountView<C extends SdkClient>(client: C, account: AccountState, record: ScopeRecord | undefined, pool: HandlerPool | undefined): C {
  const shared = client as unknown as SendingClient;
  return Object.create(client, {
    send: {
      value: (command: object, ...rest: unknown[]) => {
        const marked = command as ScopedArgs;
        marked[CALL_ACCOUNT] = account;
        marked[CALL_SCOPE] = record;
        return pool && rest.length === 0 ? pool.send(command) : shared.send(command, ...rest);
      },
    },
    // The shared client belongs to the access layer, which destroys it.
    destroy: { value: () => undefined },
  }) as C;
}

/**
 * Right before the SDK's signing middleware: the call's account, for the `signer` factory (see
 * {@link signingAccount}), and its collector in the (unsigned) `User-Agent`.
 */
const markSigningAccount: FinalizeRequestMiddleware<object, object> = (next) => (args) => {
  signingAccount = (args as ScopedArgs)[CALL_ACCOUNT];
  const collector = (args as ScopedArgs)[CALL_SCOPE]?.collector;
  if (collector) tagCollector(args.request, collector);
  try {
    return next(args);
  } finally {
    signingAccount = undefined;
  }
};

/**
 * A client's `signer` factory: a signer with the credentials of the account whose call is being
 * signed, made as the SDK makes one (its signer class, the client's settings; signing name and region
 * from the endpoint's auth scheme), and kept per account.
 */
function signerFor(
  account: AccountState | undefined,
  clientName: string,
  region: string,
  config: Record<string, unknown>,
  scheme: SigningScheme | undefined,
): Promise<RequestSigner> {
  if (!account) {
    return Promise.reject(new Error(`${clientName}: a request was about to be signed outside of an account's call; refusing to sign it`));
  }
  const signingRegion = scheme?.signingRegion ?? (config.signingRegion as string | undefined) ?? region;
  const signingName = scheme?.signingName ?? (config.signingName as string | undefined) ?? (config.defaultSigningName as string | undefined) ?? '';
  const key = `${clientName}|${signingRegion}|${signingName}`;
  let signer = account.signers.get(key);
  if (!signer) {
    const Signer = (config.signerConstructor as RequestSignerClass | undefined) ?? (SignatureV4 as unknown as RequestSignerClass);
    signer = new Signer({
      ...config,
      credentials: account.credentials,
      region: signingRegion,
      service: signingName,
      sha256: config.sha256,
      uriEscapePath: config.signingEscapePath,
    });
    account.signers.set(key, signer);
  }
  return Promise.resolve(signer);
}

/**
 * The shareable settings of a constructed client (providers that memoize what they resolved). The
 * endpoint configured for the service (`AWS_ENDPOINT_URL_<SERVICE>`, the shared config files) is
 * looked up once per client, on its first call, at the cost of two misses that build errors: when
 * the first client of a class finds none, the clients created after it skip the lookup.
 */
function settingsOf(client: SdkClient): Record<string, unknown> {
  const config = (client as { config?: Record<string, unknown> }).config ?? {};
  const settings: Record<string, unknown> = {};
  for (const name of SHARED_SETTINGS) if (config[name] !== undefined) settings[name] = config[name];
  const configuredEndpoint = config.serviceConfiguredEndpoint;
  if (typeof configuredEndpoint === 'function' && !config.ignoreConfiguredEndpointUrls) {
    // The client memoizes the answer, so its own first call does not look it up again.
    void Promise.resolve((configuredEndpoint as () => Promise<unknown>)()).then(
      (endpoint) => {
        if (endpoint === undefined) settings.ignoreConfiguredEndpointUrls = true;
      },
      () => undefined, // the client's own first call reports the error
    );
  }
  return settings;
}
