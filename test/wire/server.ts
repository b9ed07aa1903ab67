import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { collectorOfUserAgent } from '../../src/aws/collector-user-agent';
import { Sha256 } from '../../src/aws/sha256';
import {
  encodeMarked,
  fillTemplate,
  getPath,
  loadFixtures,
  resolveAnswer,
  setPath,
  type FixtureError,
  type OperationFixture,
  type PaginationFields,
  type ServiceFixture,
} from './fixtures';
import { encodeError, encodeSuccess, parseCall, standardError, type ParsedCall, type RawRequest, type Reply, type StandardErrorKind } from './protocols';

/** A call refused for an account's role (an SCP, a trimmed policy): `kms:ListAliases`. */
export interface DenyRule {
  /** IAM-style action, `service:Operation` (the operation's name, as the server records it). */
  operation: string;
  /** Only in this account (default: every account). */
  account?: string;
  /** Only in this region (default: every region). */
  region?: string;
}

/**
 * A throttling storm: each distinct request (account, region, operation and input) is throttled on
 * its first `attempts` tries. It depends on no clock, so a run sees the same storm however fast the
 * machine is, and every call succeeds once retried enough.
 */
export interface ThrottleStorm {
  attempts: number;
  /** Only these operations (`ec2:DescribeVpcs`, `sts:AssumeRole`); default every operation. */
  operations?: string[];
}

export interface WireScenario {
  /** The ingester's own credentials (as in its environment), and the account they belong to. */
  baseCredentials: { accessKeyId: string; secretAccessKey: string; accountId: string; userName: string };
  /** The External ID that every audit role's trust policy requires. */
  externalId: string;
  /** Name of the audit role; AssumeRole of any other role is denied. */
  roleName: string;
  /** Accounts where the audit role exists. */
  accounts: string[];
  /** The Organizations management account: only it answers Organizations calls. */
  managementAccountId?: string;
  /** Lifetime of the credentials AssumeRole returns, in seconds (default 3600). */
  credentialLifetimeSeconds?: number;
  /**
   * How long after their Expiration credentials are still accepted, in ms (default 0: rejected as
   * AWS does). A scenario with very short credentials gives a margin so a call signed just before
   * expiry and delayed by a busy machine is not refused; whether credentials were refreshed is
   * then told by the AssumeRole count, not by timing.
   */
  expiryGraceMs?: number;
  /**
   * Each key AssumeRole issues is refused as expired after this many calls signed with it, whatever
   * its Expiration says (as when clocks differ, or a session is revoked): the ingester must notice
   * the refusal and assume the role again. Counts calls, so it is the same on any machine.
   */
  revokeAfterCalls?: number;
  /** Items per page of paginated operations (default 2, so that every paginated list has several pages). */
  pageSize?: number;
  deny?: DenyRule[];
  throttle?: ThrottleStorm;
  /** Check every request's SigV4 signature against the secret of its access key (default true). */
  verifySignatures?: boolean;
  /**
   * Answers held back before they are sent: a lower bound on how long part of a run takes, whatever
   * the machine's speed (credentials are sure to expire in the meantime, for instance).
   */
  delays?: DelayRule[];
  /** Values for the fixtures' `{{name}}` beyond the server's own (accountId, region, now, ...). */
  values?: Record<string, string>;
}

export interface DelayRule {
  /** `service:Operation`. */
  operation: string;
  account?: string;
  region?: string;
  ms: number;
  /** How many answers of the operation (per account) are held back; default 1, the first. */
  times?: number;
}

/** One request the server answered. */
export interface CallRecord {
  /** The calling account (from the access key), or `unknown`. */
  account: string;
  region: string;
  service: string;
  operation: string;
  /** `service:Operation`. */
  action: string;
  /** The IAM action that authorizes the call (S3's differ from its operation names). */
  iamAction: string;
  /** The collector the call's User-Agent names; undefined for calls outside a collector (AssumeRole). */
  collector?: string;
  /** The input's top-level scalar parameters (query parameters, JSON fields, S3's bucket); empty when unparsed. */
  input: Record<string, string>;
  status: number;
  /** The error code of a failed call. */
  error?: string;
  accessKeyId: string;
}

interface IssuedCredentials {
  accountId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** ms since the epoch; undefined for long-term keys. */
  expiresAt?: number;
  /** The ARN the key acts as (GetCallerIdentity, denial messages). */
  arn: string;
  userId: string;
  /** Calls signed with the key so far (see `revokeAfterCalls`). */
  calls: number;
}

interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string | undefined): SigV4Scope | undefined {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
    header ?? '',
  );
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/**
 * A loopback AWS for end-to-end tests: it answers the SDK's requests on 127.0.0.1 (through
 * `AWS_ENDPOINT_URL`) in each service's wire protocol, from the fixtures in `fixtures/*.yaml`.
 * Calls are routed by the SigV4 credential scope's service, and by `Action` or `X-Amz-Target` (or
 * the REST route); the caller's account is the one its access key was issued to. AssumeRole and
 * GetCallerIdentity are answered by the server itself (they issue and describe keys).
 */
export class WireServer {
  readonly fixtures: ServiceFixture[];
  /** Fixtures by SigV4 signing name: API Gateway's v1 and v2 APIs share one, told apart by their routes. */
  private readonly bySigningName = new Map<string, ServiceFixture[]>();
  private readonly keys = new Map<string, IssuedCredentials>();
  /** Attempts per distinct request (throttling storms). */
  private readonly attempts = new Map<string, number>();
  /** Answers of an operation held back so far, per account (delays). */
  private readonly delayed = new Map<string, number>();
  /** Requests the fixtures could not answer: a missing operation, case or template value. */
  private readonly problems: string[] = [];
  private readonly recorded: CallRecord[] = [];
  private readonly assumeRoles = new Map<string, number>();
  private server?: Server;
  private requestCounter = 0;
  private keyCounter = 0;
  url = '';

  constructor(
    private readonly scenario: WireScenario,
    fixtures: ServiceFixture[] = loadFixtures(),
  ) {
    this.fixtures = fixtures;
    for (const fixture of fixtures) {
      const name = fixture.signingName ?? fixture.service;
      this.bySigningName.set(name, [...(this.bySigningName.get(name) ?? []), fixture]);
    }
    const base = scenario.baseCredentials;
    this.keys.set(base.accessKeyId, {
      accountId: base.accountId,
      secretAccessKey: base.secretAccessKey,
      arn: `arn:aws:iam::${base.accountId}:user/${base.userName}`,
      userId: 'AIDACKCEVSQ6C2EXAMPLE',
      calls: 0,
    });
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => this.handle(request, response));
    // Idle keep-alive sockets of finished child processes must not hold the server open.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every request answered, in order. */
  calls(): readonly CallRecord[] {
    return this.recorded;
  }

  /**
   * Requests the server could not answer from its fixtures: an operation without a fixture or the
   * request of an unknown protocol shape, a value no `match` case covers. Empty in a good test.
   */
  unanswered(): string[] {
    // The server's own "no such operation" answers are problems; a fixture may answer one on purpose
    // (WAF Classic's retired API answers UnknownOperationException).
    return [...this.problems];
  }

  /** Successful AssumeRole calls per target account. */
  assumeRoleCount(accountId: string): number {
    return this.assumeRoles.get(accountId) ?? 0;
  }

  /** Every secret the server handed out or knows (secret keys, session tokens): none may appear in the ingester's output. */
  secrets(): string[] {
    const values: string[] = [this.scenario.externalId];
    for (const issued of this.keys.values()) {
      values.push(issued.secretAccessKey);
      if (issued.sessionToken) values.push(issued.sessionToken);
    }
    return values;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw: RawRequest = {
        method: request.method ?? 'GET',
        url: new URL(request.url ?? '/', 'http://127.0.0.1'),
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.answer(raw).then(
        (reply) => {
          response.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
          response.end(reply.body);
        },
        (error: unknown) => {
          // A fixture that cannot answer (no case for a value, an unknown template name): a test failure, not AWS's.
          this.problems.push(`${raw.method} ${raw.url.pathname}${raw.url.search}: ${(error as Error).message}`);
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`wire server: ${(error as Error).message}`);
        },
      );
    });
  }

  /**
   * The fixtures of a request's signing name. Two APIs may share one: Elastic Load Balancing's
   * classic and v2 APIs both sign as `elasticloadbalancing`, and the awsQuery `Version` parameter
   * picks the fixture of that API version; S3 Control's requests start with its `pathPrefix`; API
   * Gateway's v1 and v2 are told apart by their routes.
   */
  private candidatesOf(signingName: string, request: RawRequest): ServiceFixture[] {
    let candidates = this.bySigningName.get(signingName) ?? [];
    // S3 Control signs as `s3`: its requests are those under its path prefix.
    if (candidates.some((fixture) => fixture.pathPrefix)) {
      const own = candidates.filter((fixture) => fixture.pathPrefix && request.url.pathname.startsWith(fixture.pathPrefix));
      candidates = own.length > 0 ? own : candidates.filter((fixture) => !fixture.pathPrefix);
    }
    const versioned = candidates.filter((fixture) => fixture.apiVersion !== undefined);
    if (versioned.length === 0) return candidates;
    const version = new URLSearchParams(request.body).get('Version') ?? request.url.searchParams.get('Version');
    return versioned.filter((fixture) => fixture.apiVersion === version);
  }

  private async answer(request: RawRequest): Promise<Reply> {
    const requestId = `${(++this.requestCounter).toString(16).padStart(8, '0')}-a1b2-4c3d-9e8f-0123456789ab`;
    const scope = parseAuthorization(request.headers.authorization as string | undefined);
    // Latest first: a later fixture of a name replaces an earlier one (tests add their own).
    const candidates = scope ? this.candidatesOf(scope.service, request).reverse() : [];
    // The fixture whose protocol understands the request (the latest one when none does).
    const parsed = candidates.map((candidate) => ({ fixture: candidate, call: parseCall(candidate, request) })).find((found) => found.call) ?? {
      fixture: candidates[0],
      call: undefined,
    };
    const fixture = parsed.fixture;
    if (!scope || !fixture) {
      const problem = `wire server: no SigV4 scope or no fixture for ${scope?.service ?? 'the request'}`;
      this.problems.push(`${request.method} ${request.url.pathname}: ${problem}`);
      return { status: 400, headers: { 'content-type': 'text/plain' }, body: problem };
    }
    const call = parsed.call;
    const operation = call?.operation ?? '(unknown)';
    // IAM authorizes most calls under the prefix their service signs with (EFS signs as elasticfilesystem).
    const iamAction = fixture.operations[operation]?.iamAction ?? `${fixture.iamPrefix ?? fixture.signingName ?? fixture.service}:${operation}`;
    const record = (account: string, status: number, error?: string): void => {
      this.recorded.push({
        account,
        region: scope.region,
        service: fixture.service,
        operation,
        action: `${fixture.service}:${operation}`,
        iamAction,
        collector: collectorOfUserAgent(request.headers['user-agent'] as string | undefined),
        input: call?.input ?? {},
        status,
        error,
        accessKeyId: scope.accessKeyId,
      });
    };
    const refuse = (account: string, error: Required<FixtureError>): Reply => {
      record(account, error.status, error.code);
      return encodeError(fixture, error, requestId);
    };
    const fail = (account: string, kind: StandardErrorKind, detail?: string): Reply => refuse(account, standardError(fixture, kind, detail));

    // Who is calling: the key must be known, unexpired, carry its session token, and sign correctly.
    const key = this.keys.get(scope.accessKeyId);
    if (!key || (key.sessionToken !== undefined && request.headers['x-amz-security-token'] !== key.sessionToken)) return fail('unknown', 'unknownKey');
    if (key.expiresAt !== undefined && Date.now() > key.expiresAt + (this.scenario.expiryGraceMs ?? 0)) return fail(key.accountId, 'expiredToken');
    if (key.sessionToken !== undefined && this.scenario.revokeAfterCalls !== undefined && ++key.calls > this.scenario.revokeAfterCalls) {
      return fail(key.accountId, 'expiredToken');
    }
    if (this.scenario.verifySignatures !== false && !(await this.signatureMatches(request, scope, key))) {
      return refuse(key.accountId, {
        code: 'SignatureDoesNotMatch',
        status: 403,
        message: 'The request signature we calculated does not match the signature you provided.',
      });
    }
    if (!call) {
      this.problems.push(`${request.method} ${request.url.pathname}: ${fixture.file}: no operation of the fixture matches`);
      return fail(key.accountId, 'unknownOperation', request.url.pathname);
    }
    const action = `${fixture.service}:${operation}`;

    if (this.throttled(action, key.accountId, scope.region, request)) return fail(key.accountId, 'throttled');
    const denial = this.deniedMessage(action, key, scope.region);
    if (denial) return fail(key.accountId, 'accessDenied', denial);

    if (fixture.service === 'sts' && operation === 'AssumeRole') return this.assumeRole(call, key, requestId, record, fail);
    if (fixture.service === 'sts' && operation === 'GetCallerIdentity') {
      record(key.accountId, 200);
      return encodeSuccess(fixture, operation, {}, { Arn: key.arn, UserId: key.userId, Account: key.accountId }, undefined, requestId);
    }
    if (fixture.service === 'organizations' && key.accountId !== this.scenario.managementAccountId) {
      return refuse(key.accountId, { code: 'AWSOrganizationsNotInUseException', status: 400, message: 'Your account is not a member of an organization.' });
    }

    const op = fixture.operations[operation];
    if (!op) {
      this.problems.push(`${request.method} ${request.url.pathname}: ${path.basename(fixture.file)} has no ${operation}`);
      return fail(key.accountId, 'unknownOperation', operation);
    }
    await this.delay(action, key.accountId, scope.region);
    const values = {
      // An hour old: recent enough that IAM would not generate a new one.
      credentialReportTime: new Date(Date.now() - 3600_000).toISOString(),
      ...this.scenario.values,
      accountId: key.accountId,
      // For ids that AWS makes unique but keys do not scope by account (API Gateway's API ids).
      accountTail: key.accountId.slice(-4),
      region: scope.region,
      now: new Date().toISOString(),
      // Trust policies name the ingesting account and the External ID, as real ones do.
      ingesterAccountId: this.scenario.baseCredentials.accountId,
      externalId: this.scenario.externalId,
    };
    // Filled in first: `match` cases may name templated values (`{{accountId}}-app-data`).
    const answer = resolveAnswer(fillTemplate(op, values), scope.region, call.param, `${path.basename(fixture.file)} ${operation}`);
    if (answer.error) return refuse(key.accountId, { status: fixture.protocol === 'restXml' ? 404 : 400, message: '', ...answer.error });
    let body: unknown = encodeMarked(answer.body ?? {});
    const wanted = op.select && call.values?.(op.select.input, op.select.field);
    if (op.select && wanted) {
      const { items, key } = op.select;
      const listed = getPath(body, items);
      if (Array.isArray(listed))
        setPath(
          body,
          items,
          listed.filter((item) => wanted.includes(String((item as Record<string, unknown>)[key]))),
        );
    }
    if (op.paginate) {
      const page = this.page(fixture, op, body, call, key.accountId, scope.region, operation);
      if ('error' in page) return refuse(key.accountId, { status: 400, message: '', ...page.error });
      body = page.body;
    }
    record(key.accountId, 200);
    return encodeSuccess(fixture, operation, op, body, answer.raw, requestId);
  }

  private async delay(action: string, accountId: string, region: string): Promise<void> {
    const rule = this.scenario.delays?.find((r) => r.operation === action && (!r.account || r.account === accountId) && (!r.region || r.region === region));
    if (!rule) return;
    const counter = `${accountId}|${rule.region ?? '*'}|${action}`;
    const seen = (this.delayed.get(counter) ?? 0) + 1;
    this.delayed.set(counter, seen);
    if (seen <= (rule.times ?? 1)) await new Promise((resolve) => setTimeout(resolve, rule.ms));
  }

  /** Recomputes the request's SigV4 signature with the secret the server issued for its key. */
  private async signatureMatches(request: RawRequest, scope: SigV4Scope, key: IssuedCredentials): Promise<boolean> {
    const headers: Record<string, string> = {};
    for (const name of scope.signedHeaders) headers[name] = String(request.headers[name] ?? '');
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of request.url.searchParams) {
      const existing = query[name];
      query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const signer = new SignatureV4({
      credentials: { accessKeyId: scope.accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken },
      region: scope.region,
      service: scope.service,
      sha256: Sha256,
      // S3 signs the path as sent; the other services escape it once more.
      uriEscapePath: scope.service !== 's3',
    });
    const [hostname, port] = String(request.headers.host ?? '').split(':');
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname,
        port: port ? Number(port) : undefined,
        path: request.url.pathname,
        query,
        headers,
        body: request.body,
      },
      { signingDate, signableHeaders: new Set(scope.signedHeaders), signingRegion: scope.region, signingService: scope.service },
    );
    const signature = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization ?? ''))?.[1];
    return signature === scope.signature;
  }

  private throttled(action: string, accountId: string, region: string, request: RawRequest): boolean {
    const storm = this.scenario.throttle;
    if (!storm || (storm.operations && !storm.operations.includes(action))) return false;
    const identity = createHash('sha256')
      .update(`${accountId}|${region}|${action}|${request.method}|${request.url.pathname}${request.url.search}|${request.body}`)
      .digest('hex');
    const seen = (this.attempts.get(identity) ?? 0) + 1;
    this.attempts.set(identity, seen);
    return seen <= storm.attempts;
  }

  private deniedMessage(action: string, key: IssuedCredentials, region: string): string | undefined {
    const rule = this.scenario.deny?.find((r) => r.operation === action && (!r.account || r.account === key.accountId) && (!r.region || r.region === region));
    if (!rule) return undefined;
    return `User: ${key.arn} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`;
  }

  private assumeRole(
    call: ParsedCall,
    caller: IssuedCredentials,
    requestId: string,
    record: (account: string, status: number, error?: string) => void,
    fail: (account: string, kind: StandardErrorKind, detail?: string) => Reply,
  ): Reply {
    const sts = this.bySigningName.get('sts')?.[0] as ServiceFixture;
    const roleArn = call.param('RoleArn') ?? '';
    const target = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
    const notAuthorized = `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
    // AWS says the same whether the role is missing, does not trust the caller, or wants another External ID.
    if (
      !target ||
      !this.scenario.accounts.includes(target[1]) ||
      target[2] !== this.scenario.roleName ||
      call.param('ExternalId') !== this.scenario.externalId
    ) {
      return fail(caller.accountId, 'accessDenied', notAuthorized);
    }
    const accountId = target[1];
    const sessionName = call.param('RoleSessionName') ?? 'session';
    const lifetimeMs = (this.scenario.credentialLifetimeSeconds ?? 3600) * 1000;
    const expiresAt = Date.now() + lifetimeMs;
    const accessKeyId = `ASIA${accountId.slice(-4)}${(++this.keyCounter).toString(36).toUpperCase().padStart(12, '0')}`;
    const roleId = `AROA${createHash('sha256').update(roleArn).digest('hex').slice(0, 17).toUpperCase()}`;
    const issued: IssuedCredentials = {
      accountId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
      expiresAt,
      arn: `arn:aws:sts::${accountId}:assumed-role/${target[2]}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      calls: 0,
    };
    this.keys.set(accessKeyId, issued);
    this.assumeRoles.set(accountId, (this.assumeRoles.get(accountId) ?? 0) + 1);
    record(caller.accountId, 200);
    return encodeSuccess(
      sts,
      'AssumeRole',
      {},
      {
        Credentials: {
          AccessKeyId: accessKeyId,
          SecretAccessKey: issued.secretAccessKey,
          SessionToken: issued.sessionToken,
          Expiration: new Date(expiresAt).toISOString(),
        },
        AssumedRoleUser: { AssumedRoleId: issued.userId, Arn: issued.arn },
        PackedPolicySize: 6,
      },
      undefined,
      requestId,
    );
  }

  /** One page of a paginated operation's lists, with the next token when more follow. */
  private page(
    fixture: ServiceFixture,
    op: OperationFixture,
    body: unknown,
    call: ParsedCall,
    accountId: string,
    region: string,
    operation: string,
  ): { body: unknown } | { error: FixtureError } {
    const fields = { ...fixture.pagination, ...op.pagination } as PaginationFields;
    if (!fields.input || !fields.output) throw new Error(`${fixture.file} ${operation}: paginated, but no pagination fields`);
    const lists = (op.paginate ?? []).map((listPath) => ({ listPath, items: (getPath(body, listPath) as unknown[] | undefined) ?? [] }));
    const sequence = lists.flatMap(({ listPath, items }) => items.map((item) => ({ listPath, item })));
    const context = `${accountId}|${region}|${operation}`;
    let offset = 0;
    const token = call.param(fields.input);
    if (token) {
      try {
        const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { c: string; o: number };
        if (decoded.c !== context) throw new Error('token of another call');
        offset = decoded.o;
      } catch {
        return {
          error: { code: fixture.protocol === 'ec2' ? 'InvalidPaginationToken' : 'InvalidNextTokenException', message: 'The pagination token is invalid.' },
        };
      }
    }
    const requested = fields.limit ? Number(call.param(fields.limit)) : NaN;
    const size = Math.min(this.scenario.pageSize ?? 2, Number.isFinite(requested) && requested > 0 ? requested : Infinity);
    const slice = sequence.slice(offset, offset + size);
    for (const { listPath } of lists)
      setPath(
        body,
        listPath,
        slice.filter((entry) => entry.listPath === listPath).map((entry) => entry.item),
      );
    const more = offset + size < sequence.length;
    if (more) setPath(body, fields.output, Buffer.from(JSON.stringify({ c: context, o: offset + size })).toString('base64url'));
    if (fields.truncated) setPath(body, fields.truncated, more);
    return { body };
  }
}
