import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Refresh credentials this long before they expire (at most half their lifetime: see {@link refreshMarginMs}). */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Calls that AWS rejected because their credentials had expired, retried with fresh ones. */
export const EXPIRED_CREDENTIALS_RETRIES = 4;

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
  /** The secret access keys of every identity it obtained (its account is released: what was derived from them can go). */
  issuedSecrets(): Iterable<string>;
}

/**
 * One provider per account shared by all of that account's clients, so a role is assumed once and
 * refreshed once, shortly before it expires, rather than once per client. Concurrent callers during
 * a refresh share it.
 */
export function sharedRefreshing(provider: AwsCredentialIdentityProvider, clock: CredentialsClock): RefreshingCredentials {
  let current: { identity: AwsCredentialIdentity; obtainedAt: number; refreshAt: number } | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const issued = new Set<string>();
  const get = async (): Promise<AwsCredentialIdentity> => {
    if (current && clock.now() < current.refreshAt) return current.identity;
    pending ??= provider().then(
      (identity) => {
        const obtainedAt = clock.now();
        issued.add(identity.secretAccessKey);
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
    issuedSecrets: () => issued.values(),
  });
}
