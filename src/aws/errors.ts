/**
 * Error classification for AWS calls. Gaps (no permission, service or region not enabled) are
 * recorded and the run goes on; retryable errors are handled by the SDK's retry strategy and only
 * reach us once it gives up; anything else is unexpected and recorded with the call that failed.
 */
export type ErrorKind = 'gap' | 'retryable' | 'unexpected';

export type ErrorCode = 'AccessDenied' | 'ScpDenied' | 'NotEnabled' | 'NotOfferedInRegion' | 'Throttled' | 'Transient' | 'InvalidResponse' | 'Unexpected';

export interface ClassifiedError {
  kind: ErrorKind;
  code: ErrorCode;
  /** The AWS error name (e.g. `UnauthorizedOperation`) or Node error code. */
  awsCode: string;
  message: string;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'Forbidden',
  'ForbiddenException',
  'AllAccessDisabled',
]);
const NOT_ENABLED = new Set([
  'OptInRequired',
  'SubscriptionRequiredException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AWSOrganizationsNotInUseException',
  'AuthFailure',
]);
const NOT_OFFERED = new Set(['UnknownEndpoint', 'InvalidAction', 'UnsupportedOperation', 'ENOTFOUND', 'EAI_AGAIN']);
export const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const TRANSIENT = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function errorCodeOf(error: unknown): { awsCode: string; message: string; status?: number } {
  if (error && typeof error === 'object') {
    const e = error as ErrorLike;
    const awsCode = (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'Error';
    return { awsCode, message: e.message ?? String(error), status: e.$metadata?.httpStatusCode };
  }
  return { awsCode: 'Error', message: String(error) };
}

/**
 * AWS's answers to a call signed with credentials that have expired. EC2 answers `RequestExpired`
 * (its error list: "this error can also occur if the credentials have expired").
 */
const EXPIRED_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired']);

export function isExpiredCredentialsError(error: unknown): boolean {
  return EXPIRED_CREDENTIALS.has(errorCodeOf(error).awsCode);
}

export function isThrottlingError(error: unknown): boolean {
  const { awsCode, status } = errorCodeOf(error);
  return THROTTLING_CODES.has(awsCode) || status === 429;
}

export function classifyError(error: unknown): ClassifiedError {
  const { awsCode, message, status } = errorCodeOf(error);
  const nodeCode = error && typeof error === 'object' ? (error as ErrorLike).code : undefined;
  const classified = (kind: ErrorKind, code: ErrorCode): ClassifiedError => ({ kind, code, awsCode, message });
  if (/service control policy/i.test(message)) return classified('gap', 'ScpDenied');
  if (ACCESS_DENIED.has(awsCode) || (status === 403 && !NOT_ENABLED.has(awsCode))) return classified('gap', 'AccessDenied');
  if (NOT_ENABLED.has(awsCode)) return classified('gap', 'NotEnabled');
  if (NOT_OFFERED.has(awsCode) || (nodeCode !== undefined && NOT_OFFERED.has(nodeCode))) {
    return classified('gap', 'NotOfferedInRegion');
  }
  if (THROTTLING_CODES.has(awsCode) || status === 429) return classified('retryable', 'Throttled');
  if (TRANSIENT.has(awsCode) || (nodeCode !== undefined && TRANSIENT.has(nodeCode)) || (status !== undefined && status >= 500)) {
    return classified('retryable', 'Transient');
  }
  return classified('unexpected', 'Unexpected');
}
