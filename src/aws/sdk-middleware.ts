import { getUserAgentMiddlewareOptions, userAgentMiddleware } from '@aws-sdk/core/client';
import type { BuildHandler, BuildHandlerArguments, BuildMiddleware } from '@smithy/types';
import type { ClientPlugin } from './clients';

/**
 * Per-call work of the SDK's own middleware that the access layer's clients need not redo on
 * every call (issue 22: CPU per call). Applied once, to each shared client when it is created
 * (`AwsAccess.sharedClient`); the STS clients that assume roles keep the SDK's stack as it is.
 */

/** The headers the SDK's user-agent middleware writes. */
const USER_AGENT = 'user-agent';
const X_AMZ_USER_AGENT = 'x-amz-user-agent';
/** Distinct user agents kept per client; past it, each call builds its own again. */
const MAX_CACHED_USER_AGENTS = 256;

interface RequestLike {
  headers: Record<string, string | undefined>;
}

/** The parts of the middleware context that the SDK's user-agent middleware reads. */
interface UserAgentContext {
  userAgent?: unknown;
  endpointV2?: { url?: { hostname?: string } };
  __smithy_context?: { features?: unknown; selectedHttpAuthScheme?: { identity?: { $source?: unknown; accountId?: unknown } } };
  __aws_sdk_context?: { features?: unknown };
}

/** What `userAgentMiddleware` reads of the resolved client config. */
type UserAgentConfig = Parameters<typeof userAgentMiddleware>[0] & { accountIdEndpointMode?: unknown };

/**
 * The SDK's user-agent middleware, with its result remembered. The SDK rebuilds the `User-Agent`
 * header on every call (escaping each of a dozen sections with regular expressions, reading four
 * providers, encoding the feature flags): about an eighth of a simulated call's CPU. The header
 * depends only on the client's configuration and on what the middleware reads of the call (the
 * context's feature flags and user-agent sections, the credentials' source, the protocol header,
 * and for clients with account-based endpoints the endpoint's host): the SDK's own middleware
 * builds it the first time those are seen, and later calls with the same get the same headers. It
 * replaces the SDK's middleware under its own name, so it runs where that one ran. (The feature
 * flags the SDK's middleware records in the context are read by nothing after it but itself.)
 */
export function cachedUserAgentPlugin(config: UserAgentConfig): ClientPlugin {
  const build = userAgentMiddleware(config);
  const byEndpointHost = typeof config.accountIdEndpointMode === 'function';
  const built = new Map<string, { userAgent?: string; amzUserAgent?: string }>();
  // The fingerprint of a request whose headers the SDK's middleware is building.
  const pending = new WeakMap<object, string>();
  const middleware: BuildMiddleware<object, object> = (next, context) => {
    const remember: BuildHandler<object, object> = (args) => {
      const request = args.request as RequestLike | undefined;
      const key = request ? pending.get(request) : undefined;
      if (request && key !== undefined) {
        pending.delete(request);
        if (built.size < MAX_CACHED_USER_AGENTS) built.set(key, { userAgent: request.headers[USER_AGENT], amzUserAgent: request.headers[X_AMZ_USER_AGENT] });
      }
      return next(args);
    };
    const slow = build(remember, context);
    return (args: BuildHandlerArguments<object>) => {
      const request = args.request as RequestLike | undefined;
      if (!request || typeof request.headers !== 'object') return slow(args);
      const key = fingerprint(context as UserAgentContext, request, byEndpointHost);
      const known = built.get(key);
      if (!known) {
        pending.set(request, key);
        return slow(args);
      }
      if (known.userAgent !== undefined) request.headers[USER_AGENT] = known.userAgent;
      if (known.amzUserAgent !== undefined) request.headers[X_AMZ_USER_AGENT] = known.amzUserAgent;
      return next(args);
    };
  };
  return {
    applyToStack: (stack) => stack.add(middleware, { ...getUserAgentMiddlewareOptions, override: true }),
  };
}

/** Everything of a call that the SDK's user-agent middleware reads, as one string. */
function fingerprint(context: UserAgentContext, request: RequestLike, byEndpointHost: boolean): string {
  const identity = context.__smithy_context?.selectedHttpAuthScheme?.identity;
  return JSON.stringify([
    request.headers[USER_AGENT],
    request.headers[X_AMZ_USER_AGENT],
    request.headers['smithy-protocol'],
    context.userAgent,
    context.__smithy_context?.features,
    context.__aws_sdk_context?.features,
    identity?.$source,
    identity?.accountId !== undefined,
    byEndpointHost ? context.endpointV2?.url?.hostname : undefined,
  ]);
}

/**
 * Removes the SDK's recursion-detection middleware, which reads two environment variables on every
 * call to forward a Lambda function's trace id (`X-Amzn-Trace-Id`), and does so only inside Lambda.
 * Outside Lambda (no `AWS_LAMBDA_FUNCTION_NAME` when the client is created) it never adds anything.
 */
export function withoutRecursionDetection(stack: { remove(name: string): boolean }): void {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) stack.remove('recursionDetectionMiddleware');
}
