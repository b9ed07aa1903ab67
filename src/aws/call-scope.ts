import type { SdkClient } from './clients';
import type { RefreshingCredentials } from './credentials';
import type { RequestSigner } from './signing';

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

export interface MiddlewareContext {
  clientName?: string;
  commandName?: string;
}

/** Bucket owner of the calls made with the ingester's own credentials (AssumeRole). */
export const INGESTER = 'ingester';

export function scopeKey(scope: CallScope): string {
  return `${scope.accountId}|${scope.region}|${scope.collector}`;
}

/** What the accounting keeps per scope: its key (call chains) and its counters. */
export interface ScopeRecord {
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
export const CALL_SCOPE = Symbol('orggraph.callScope');

/** Own property of a command sent through an account's client view: the account (see {@link AccountState}). */
export const CALL_ACCOUNT = Symbol('orggraph.callAccount');

export type ScopedArgs = { [CALL_SCOPE]?: ScopeRecord; [CALL_ACCOUNT]?: AccountState };

/** What the access layer keeps per account: its credentials, the signers made with them, its client views. */
export interface AccountState {
  readonly accountId: string;
  readonly credentials: RefreshingCredentials;
  /** Signers with the account's credentials, per client class x signing region x signing name. */
  readonly signers: Map<string, RequestSigner>;
  /** Its views of the shared clients, per client and scope (none: unscoped). */
  readonly views: Map<SdkClient, Map<ScopeRecord | undefined, SdkClient>>;
}
