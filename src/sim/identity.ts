/**
 * Who is calling the simulated organization: as AWS does, the simulator knows the caller by the
 * access key in the request's signature. Role credentials it issues carry their account.
 */

/** Fake base credentials of the ingester in the simulated organization (the management account's). */
export const SIMULATED_BASE_CREDENTIALS = {
  accessKeyId: 'AKIASIMULATEDINGEST0',
  secretAccessKey: 'simulated-secret-access-key-not-real',
};

const ROLE_KEY_PREFIX = 'ASIASIM';

/** The access key id of the role credentials the simulated STS issues in `accountId`. */
export function roleAccessKeyId(accountId: string): string {
  return `${ROLE_KEY_PREFIX}${accountId}`;
}

/**
 * The account of a signed request (its SigV4 `Authorization` header's `Credential=`): the account
 * of role credentials the simulator issued, `managementAccountId` for the base credentials, else
 * undefined (AWS answers InvalidClientTokenId).
 */
export function callerAccount(authorization: string | undefined, managementAccountId: string): string | undefined {
  if (!authorization) return undefined;
  const start = authorization.indexOf('Credential=');
  if (start < 0) return undefined;
  const keyStart = start + 'Credential='.length;
  const keyEnd = authorization.indexOf('/', keyStart);
  const accessKeyId = authorization.slice(keyStart, keyEnd < 0 ? undefined : keyEnd);
  if (accessKeyId === SIMULATED_BASE_CREDENTIALS.accessKeyId) return managementAccountId;
  if (accessKeyId.startsWith(ROLE_KEY_PREFIX)) return accessKeyId.slice(ROLE_KEY_PREFIX.length);
  return undefined;
}

const SESSION_TOKEN = /^simulated-session-(\d{12})-expires-(\d+)$/;

/**
 * The session token of role credentials the simulated STS issues. It carries its expiry, so any
 * simulated AWS (a worker thread's too) can refuse a call signed with expired credentials.
 */
export function roleSessionToken(accountId: string, expiration: Date): string {
  return `simulated-session-${accountId}-expires-${expiration.getTime()}`;
}

/** When the credentials of a session token expire (epoch ms), or undefined for a token the simulator did not issue. */
export function sessionTokenExpiry(token: string | undefined): number | undefined {
  const match = SESSION_TOKEN.exec(token ?? '');
  return match ? Number(match[2]) : undefined;
}
