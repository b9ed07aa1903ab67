import type { IncomingHttpHeaders } from 'node:http';
import type { FixtureError, OperationFixture, Protocol, ServiceFixture } from './fixtures';
import { escapeXml, xmlContent } from './xml';

/** One request as the server understood it. */
export interface ParsedCall {
  operation: string;
  /** An input parameter's value (top-level, as a string), for `match` and pagination. */
  param(name: string): string | undefined;
  /** The input's top-level scalar parameters (the server records them). */
  input: Record<string, string>;
  /** S3: the bucket, from the path (path-style) or the host name (virtual-hosted style). */
  bucket?: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the request's bytes say, before the service's protocol reads them. */
export interface RawRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The member element of a wrapped XML list, per protocol (restXml names every list's member itself). */
export function defaultListMember(protocol: Protocol): string | undefined {
  if (protocol === 'awsQuery') return 'member';
  if (protocol === 'ec2') return 'item';
  return undefined;
}

/** S3's bucket sub-resources, as the query string of a `GET /bucket?<name>` names them. */
const S3_SUBRESOURCES: Record<string, string> = {
  location: 'GetBucketLocation',
  encryption: 'GetBucketEncryption',
  versioning: 'GetBucketVersioning',
  logging: 'GetBucketLogging',
  replication: 'GetBucketReplication',
  publicAccessBlock: 'GetPublicAccessBlock',
  policy: 'GetBucketPolicy',
  policyStatus: 'GetBucketPolicyStatus',
  acl: 'GetBucketAcl',
  'object-lock': 'GetObjectLockConfiguration',
  lifecycle: 'GetBucketLifecycleConfiguration',
  tagging: 'GetBucketTagging',
  ownershipControls: 'GetBucketOwnershipControls',
};

/** The bucket of an S3 request: `bucket.host` (virtual-hosted style) or the path's first segment. */
function s3Bucket(request: RawRequest): { bucket?: string; key: string } {
  const host = String(request.headers.host ?? '').replace(/:\d+$/, '');
  const segments = request.url.pathname.split('/').slice(1);
  // Virtual-hosted style: a name in front of the endpoint's host (never for an IP address).
  if (!/^[\d.]+$/.test(host) && host.split('.').length > 1 && !host.startsWith('s3.')) {
    const bucket = host.slice(0, host.indexOf('.'));
    if (bucket !== 'localhost') return { bucket, key: decodeURIComponent(segments.join('/')) };
  }
  const bucket = segments[0] ? decodeURIComponent(segments[0]) : undefined;
  return { bucket, key: decodeURIComponent(segments.slice(1).join('/')) };
}

/** Matches a REST route (`/2015-03-31/functions/{FunctionName}`) against a path, giving its labels. */
function matchRoute(route: string, pathname: string): Record<string, string> | undefined {
  const routeParts = route.split('?')[0].split('/');
  const parts = pathname.split('/');
  if (routeParts.length !== parts.length) return undefined;
  const labels: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const label = /^\{(\w+)\+?\}$/.exec(routeParts[i]);
    if (label) labels[label[1]] = decodeURIComponent(parts[i]);
    else if (routeParts[i] !== parts[i]) return undefined;
  }
  return labels;
}

function jsonParams(body: string): Record<string, unknown> {
  if (!body) return {};
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const scalar = (value: unknown): string | undefined => (value === undefined || value === null || typeof value === 'object' ? undefined : String(value));

function scalars(input: Record<string, unknown>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const text = scalar(value);
    if (text !== undefined) found[name] = text;
  }
  return found;
}

/** Which operation a request calls, and its input, by the service's protocol. */
export function parseCall(fixture: ServiceFixture, request: RawRequest): ParsedCall | undefined {
  switch (fixture.protocol) {
    case 'awsQuery':
    case 'ec2': {
      const form = new URLSearchParams(request.method === 'GET' ? request.url.search : request.body);
      const action = form.get('Action');
      const input = Object.fromEntries([...form].filter(([name]) => name !== 'Action' && name !== 'Version'));
      return action ? { operation: action, param: (name) => form.get(name) ?? undefined, input } : undefined;
    }
    case 'json1.0':
    case 'json1.1': {
      const target = String(request.headers['x-amz-target'] ?? '');
      const dot = target.lastIndexOf('.');
      if (dot < 0) return undefined;
      const input = jsonParams(request.body);
      return { operation: target.slice(dot + 1), param: (name) => scalar(input[name]), input: scalars(input) };
    }
    case 'restXml': {
      const { bucket } = s3Bucket(request);
      const query = request.url.searchParams;
      let operation: string | undefined;
      if (request.method === 'GET' && !bucket) operation = 'ListBuckets';
      else if (request.method === 'GET') operation = Object.entries(S3_SUBRESOURCES).find(([name]) => query.has(name))?.[1];
      operation ??= query.get('x-id') ?? undefined;
      if (!operation) return undefined;
      const input = { ...Object.fromEntries(query), ...(bucket ? { Bucket: bucket } : {}) };
      return { operation, bucket, param: (name) => (name === 'Bucket' ? bucket : (query.get(name) ?? undefined)), input };
    }
    case 'restJson': {
      const input = jsonParams(request.body);
      for (const [operation, op] of Object.entries(fixture.operations)) {
        if (!op.http || op.http.method !== request.method) continue;
        const labels = matchRoute(op.http.path, request.url.pathname);
        if (!labels) continue;
        return {
          operation,
          param: (name) => labels[name] ?? request.url.searchParams.get(name) ?? scalar(input[name]),
          input: { ...scalars(input), ...Object.fromEntries(request.url.searchParams), ...labels },
        };
      }
      return undefined;
    }
  }
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** A successful answer's bytes. */
export function encodeSuccess(
  fixture: ServiceFixture,
  operation: string,
  op: OperationFixture,
  body: unknown,
  raw: string | undefined,
  requestId: string,
): Reply {
  const member = defaultListMember(fixture.protocol);
  const xmlns = fixture.xmlns ? ` xmlns="${fixture.xmlns}"` : '';
  switch (fixture.protocol) {
    case 'awsQuery':
      return {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `${XML_DECLARATION}<${operation}Response${xmlns}><${operation}Result>${xmlContent(body, member)}</${operation}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
      };
    case 'ec2':
      return {
        status: 200,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: `${XML_DECLARATION}<${operation}Response${xmlns}><requestId>${requestId}</requestId>${xmlContent(body, member)}</${operation}Response>`,
      };
    case 'restXml':
      return {
        status: 200,
        headers: { 'content-type': raw !== undefined ? (op.contentType ?? 'application/json') : 'application/xml', 'x-amz-request-id': requestId },
        body: raw ?? `${XML_DECLARATION}${xmlContent(body, member)}`,
      };
    case 'json1.0':
    case 'json1.1':
      return {
        status: 200,
        headers: { 'content-type': `application/x-amz-json-${fixture.protocol.slice(4)}`, 'x-amzn-requestid': requestId },
        body: JSON.stringify(body ?? {}),
      };
    case 'restJson':
      return { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, body: JSON.stringify(body ?? {}) };
  }
}

/** An error answer's bytes, as each protocol's API Reference shows them. */
export function encodeError(fixture: Pick<ServiceFixture, 'protocol' | 'xmlns'>, error: Required<FixtureError>, requestId: string): Reply {
  const message = escapeXml(error.message);
  switch (fixture.protocol) {
    case 'awsQuery':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `${XML_DECLARATION}<ErrorResponse${fixture.xmlns ? ` xmlns="${fixture.xmlns}"` : ''}><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${error.code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'ec2':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: `${XML_DECLARATION}<Response><Errors><Error><Code>${error.code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'restXml':
      return {
        status: error.status,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body: `${XML_DECLARATION}<Error><Code>${error.code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString('base64')}</HostId></Error>`,
      };
    case 'json1.0':
    case 'json1.1':
      return {
        status: error.status,
        headers: { 'content-type': `application/x-amz-json-${fixture.protocol.slice(4)}`, 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    case 'restJson':
      return {
        status: error.status,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
        body: JSON.stringify({ message: error.message }),
      };
  }
}

export type StandardErrorKind = 'unknownKey' | 'expiredToken' | 'accessDenied' | 'throttled' | 'unknownOperation';

/**
 * The errors every service sends for the same situations, per protocol (each service's API
 * Reference, "Common Errors"; S3's "Error responses"). A service with its own throttling code
 * declares it (`throttleError`).
 */
export function standardError(fixture: Pick<ServiceFixture, 'protocol' | 'throttleError'>, kind: StandardErrorKind, detail = ''): Required<FixtureError> {
  const protocol = fixture.protocol;
  const json = protocol === 'json1.0' || protocol === 'json1.1';
  switch (kind) {
    case 'unknownKey':
      if (protocol === 'ec2') return { code: 'AuthFailure', status: 401, message: 'AWS was not able to validate the provided access credentials' };
      if (protocol === 'restXml')
        return { code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' };
      if (protocol === 'awsQuery') return { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' };
      return { code: 'UnrecognizedClientException', status: json ? 400 : 403, message: 'The security token included in the request is invalid.' };
    case 'expiredToken':
      if (protocol === 'ec2') return { code: 'RequestExpired', status: 400, message: 'Request has expired.' };
      if (protocol === 'restXml') return { code: 'ExpiredToken', status: 400, message: 'The provided token has expired.' };
      if (protocol === 'awsQuery') return { code: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' };
      return { code: 'ExpiredTokenException', status: json ? 400 : 403, message: 'The security token included in the request is expired' };
    case 'accessDenied':
      if (protocol === 'ec2')
        return { code: 'UnauthorizedOperation', status: 403, message: `You are not authorized to perform this operation. ${detail}`.trim() };
      if (protocol === 'restXml') return { code: 'AccessDenied', status: 403, message: 'Access Denied' };
      if (protocol === 'awsQuery') return { code: 'AccessDenied', status: 403, message: detail };
      return { code: 'AccessDeniedException', status: json ? 400 : 403, message: detail };
    case 'throttled': {
      const own = fixture.throttleError;
      if (own) return { code: own.code, status: own.status ?? 400, message: own.message ?? 'Rate exceeded' };
      if (protocol === 'ec2') return { code: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.' };
      if (protocol === 'restXml') return { code: 'SlowDown', status: 503, message: 'Please reduce your request rate.' };
      if (protocol === 'awsQuery') return { code: 'Throttling', status: 400, message: 'Rate exceeded' };
      if (protocol === 'restJson') return { code: 'TooManyRequestsException', status: 429, message: 'Rate exceeded' };
      return { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' };
    }
    case 'unknownOperation':
      if (protocol === 'ec2') return { code: 'InvalidAction', status: 400, message: `The action ${detail} is not valid for this web service.` };
      if (protocol === 'awsQuery') return { code: 'InvalidAction', status: 400, message: `Could not find operation ${detail}` };
      if (protocol === 'restXml')
        return { code: 'NotImplemented', status: 501, message: `A header or query you provided implies functionality that is not implemented (${detail}).` };
      return { code: 'UnknownOperationException', status: 404, message: `no fixture for ${detail}` };
  }
}
