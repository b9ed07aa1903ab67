import type { FinalizeHandler, FinalizeHandlerArguments, FinalizeRequestMiddleware, InitializeMiddleware } from '@smithy/types';
import type { CallChains } from './call-chains';
import { CALL_ACCOUNT, CALL_SCOPE, INGESTER, type MiddlewareContext, type ScopedArgs, type ScopeRecord } from './call-scope';
import type { ClientPlugin } from './clients';
import { EXPIRED_CREDENTIALS_RETRIES, type CredentialsClock } from './credentials';
import { isExpiredCredentialsError, isThrottlingError } from './errors';
import { serviceOfClient, type PacedBucket, type RateLimiter } from './rate-limits';
import { markSigningAccount } from './signing';

/** What the access layer's middleware needs of it: where to record a call, and the chains, pacer and clock it uses. */
export interface CallAccounting {
  readonly chains?: CallChains;
  readonly limiter?: RateLimiter;
  readonly credentialsClock: CredentialsClock;
  /** The scope of a call: the view's it was sent with, else its account's `withScope` in progress. */
  callRecord(args: ScopedArgs, accountId: string | undefined): ScopeRecord;
}

export function accountingPlugin(calls: CallAccounting, region: string): ClientPlugin {
  const chains = calls.chains;
  const pacing = pacingPlugin(calls, region);
  const counter: InitializeMiddleware<object, object> = (next, context: MiddlewareContext) => (args) => {
    const account = (args as ScopedArgs)[CALL_ACCOUNT];
    if (!account) {
      return Promise.reject(new Error(`${context.commandName ?? 'a command'} was sent without an account: send it with a client from AwsAccess.client()`));
    }
    let record = (args as ScopedArgs)[CALL_SCOPE];
    if (!record) {
      // Marked here for the pacer when the call was made without a scope.
      record = calls.callRecord(args as ScopedArgs, account.accountId);
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
      const attemptedAt = calls.credentialsClock.now();
      return next(args).catch((error: unknown) => {
        if (retriesLeft <= 0 || !isExpiredCredentialsError(error)) throw error;
        account.credentials.expire(attemptedAt);
        return account.credentials().then(() => send(retriesLeft - 1));
      });
    };
    return account
      .credentials()
      .then(() => send(EXPIRED_CREDENTIALS_RETRIES))
      .then(
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
export function pacingPlugin(calls: CallAccounting, region: string, bucketOwner?: string): ClientPlugin {
  const limiter = calls.limiter;
  // The key of this client's lookups in the limiter (which drops them with the account's buckets).
  const client = {};
  const bucketOf = (context: MiddlewareContext, owner: string): PacedBucket | undefined =>
    limiter?.bucketForCommand(owner, client, region, context.clientName, context.commandName ?? '');
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
          calls.callRecord(args as ScopedArgs, owner).counters.throttled++;
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
