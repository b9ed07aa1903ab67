import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger, Pluggable, RetryStrategyV2 } from '@smithy/types';
import { CALL_ACCOUNT, CALL_SCOPE, type AccountState, type ScopedArgs, type ScopeRecord } from './call-scope';
import type { HandlerPool } from './handler-pool';

/**
 * Middleware for any SDK client. `any` because one plugin serves every client, and each client's
 * stack is typed with that service's own input and output unions.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ClientPlugin = Pluggable<any, any>;

/** The part of an SDK v3 client the access layer relies on. */
export interface SdkClient {
  middlewareStack: { use: (plugin: ClientPlugin) => void; remove: (toRemove: string) => boolean };
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
export const INPUT_DEPENDENT_ENDPOINTS = new Set(['S3Client', 'S3ControlClient']);

/**
 * The SDK's logger for our clients: it logs nothing, like the SDK's default, and has no `info` or
 * `error`, so the SDK's logging middleware skips building its log record (a copy of every call's
 * input and output with sensitive fields filtered out) that its default logger then discards. The
 * cast: the SDK's Logger type requires `info` and `error`, and leaving them out is the point.
 */
export const SILENT_SDK_LOGGER = { debug: () => undefined, trace: () => undefined, warn: () => undefined } as unknown as Logger;

/**
 * The identity the SDK resolves per call for a shared client. The SigV4 signers ignore it (they sign
 * with their own credentials, the account's); it only stands where the SDK expects one.
 */
const PLACEHOLDER_IDENTITY: AwsCredentialIdentity = Object.freeze({ accessKeyId: 'ORGGRAPH-SIGNS-PER-ACCOUNT', secretAccessKey: '' });
// A fresh copy per call: older SDK cores (WAF Classic Regional's last client) mark the identity they get (`$source`).
export const placeholderIdentity: AwsCredentialIdentityProvider = () => Promise.resolve({ ...PLACEHOLDER_IDENTITY });

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
export function toFastProperties(object: object): void {
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
 * A view of a shared client for one account (and scope): an instance of the client's class
 * (paginators check it) whose `send` marks each command with its account and scope and sends it with
 * the shared client, so the client's cache of resolved middleware serves every account.
 */
export function accountView<C extends SdkClient>(client: C, account: AccountState, record: ScopeRecord | undefined, pool: HandlerPool | undefined): C {
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
 * The shareable settings of a constructed client (providers that memoize what they resolved). The
 * endpoint configured for the service (`AWS_ENDPOINT_URL_<SERVICE>`, the shared config files) is
 * looked up once per client, on its first call, at the cost of two misses that build errors: when
 * the first client of a class finds none, the clients created after it skip the lookup.
 */
export function settingsOf(client: SdkClient): Record<string, unknown> {
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
