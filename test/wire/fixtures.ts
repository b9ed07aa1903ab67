import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** The wire protocols of AWS services, as the SDK's models name them. */
export type Protocol = 'awsQuery' | 'ec2' | 'restXml' | 'json1.1' | 'json1.0' | 'restJson';

/** An error answer, as the service sends it. */
export interface FixtureError {
  code: string;
  /** HTTP status (default: the protocol's client-error status, 400, or 403 for restXml). */
  status?: number;
  message?: string;
}

/**
 * What the server answers to one call. Exactly one of `body`, `raw`, `error`; or a choice among
 * answers: `regions` by the call's region, `match` by one input parameter's value.
 */
export interface Answer {
  /** The response's content: the element tree of an XML protocol, or the JSON document. */
  body?: unknown;
  /** A body sent as it is (S3 GetBucketPolicy answers with the policy document itself). */
  raw?: string;
  contentType?: string;
  error?: FixtureError;
  /** Answers per region; `'*'` for the others. */
  regions?: Record<string, Answer>;
  /** Input parameter whose value picks the answer among `cases` (`'*'` for any other value). */
  match?: string;
  cases?: Record<string, Answer>;
}

export interface PaginationFields {
  /** The request parameter that carries the token. */
  input: string;
  /** The response field that carries the next token. */
  output: string;
  /** The response flag that says more pages follow (IAM `IsTruncated`, KMS `Truncated`), if any. */
  truncated?: string;
  /** The request parameter that limits the page size. */
  limit?: string;
}

export interface OperationFixture extends Answer {
  /**
   * Lists that AWS pages for this operation, as paths into the body (`vpcSet`,
   * `ListAllMyBucketsResult.Buckets/Bucket`); several lists are paged as one sequence, in order.
   */
  paginate?: string[];
  /** Overrides of the service's pagination fields. */
  pagination?: Partial<PaginationFields>;
  /**
   * Describe-by-ids calls (ECS DescribeTasks, ECR DescribeImages): only the items of the body's
   * `items` list whose `key` is among the values of the input list `input` (or of its objects'
   * `field`) are answered; all of them when the call sends no such list.
   */
  select?: { input: string; field?: string; items: string; key: string };
  /** Answered by the server's own code (STS: it issues and describes keys), not from this fixture. */
  builtIn?: boolean;
  /** The IAM action that authorizes the call, when it is not `<service>:<Operation>`. */
  iamAction?: string;
  /** REST protocols (restJson, and restXml services other than S3): the route, e.g. `{ method: GET, path: /2015-03-31/functions/{FunctionName} }`. */
  http?: { method: string; path: string };
}

export interface ServiceFixture {
  /** Service id as in IAM actions (`ec2`, `s3`, `organizations`). */
  service: string;
  /** Name in the SigV4 credential scope, when it differs from `service`. */
  signingName?: string;
  /** IAM prefix of its actions, when it differs from the signing name (CloudWatch signs as `monitoring`). */
  iamPrefix?: string;
  /** The API version (awsQuery `Version`), when several fixtures share a signing name. */
  apiVersion?: string;
  /**
   * Paths this service's requests start with, when another service signs with the same name (S3
   * Control's `/v20180820/` beside S3, both signed `s3`): requests under it are this fixture's.
   */
  pathPrefix?: string;
  protocol: Protocol;
  /** XML namespace of responses (awsQuery, ec2, restXml). */
  xmlns?: string;
  /** X-Amz-Target prefix (JSON protocols): `TrentService` for KMS. */
  targetPrefix?: string;
  /** Default pagination fields of the service's operations. */
  pagination?: PaginationFields;
  /** Throttling error of the service, when it is not its protocol's usual one. */
  throttleError?: FixtureError;
  /** Where the data came from: the API Reference pages the shapes follow. */
  source: string;
  operations: Record<string, OperationFixture>;
  /** The file it was read from. */
  file: string;
}

const FIXTURE_DIR = path.join(__dirname, 'fixtures');

/**
 * Values that AWS sends encoded, written plainly in the fixtures and encoded when served (after
 * `{{...}}` is filled in): `!urlencode` for IAM's policy documents (RFC 3986), `!base64` for
 * blobs (the IAM credential report).
 */
const ENCODING_TAGS = [
  { tag: '!urlencode', resolve: (text: string) => ({ $urlencode: text }) },
  { tag: '!base64', resolve: (text: string) => ({ $base64: text }) },
];

/** Replaces the `!urlencode` and `!base64` markers of a filled-in answer with the encoded text. */
export function encodeMarked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(encodeMarked);
  if (!value || typeof value !== 'object') return value;
  const marked = value as { $urlencode?: string; $base64?: string };
  if (typeof marked.$urlencode === 'string') return encodeURIComponent(marked.$urlencode);
  if (typeof marked.$base64 === 'string') return Buffer.from(marked.$base64, 'utf8').toString('base64');
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, encodeMarked(child)]));
}

/** Every service fixture in `test/wire/fixtures/*.yaml`. */
export function loadFixtures(dir = FIXTURE_DIR): ServiceFixture[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      const fixture = parse(readFileSync(file, 'utf8'), { customTags: ENCODING_TAGS }) as Omit<ServiceFixture, 'file'>;
      if (!fixture?.service || !fixture.protocol || !fixture.operations) throw new Error(`${file}: needs service, protocol and operations`);
      return { ...fixture, file };
    });
}

/** Values a fixture's strings may refer to as `{{name}}`. */
export type TemplateValues = Record<string, string>;

/** A copy of fixture data with `{{name}}` replaced in every string (keys included). */
export function fillTemplate<T>(value: T, values: TemplateValues): T {
  const fill = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
      if (!(name in values)) throw new Error(`fixture refers to {{${name}}}, which the server does not know`);
      return values[name];
    });
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return fill(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [fill(key), walk(child)]));
    return node;
  };
  return walk(value) as T;
}

/** The terminal answer for a call: regions and matches resolved. */
export function resolveAnswer(answer: Answer, region: string, param: (name: string) => string | undefined, where: string): Answer {
  if (answer.regions) {
    const chosen = answer.regions[region] ?? answer.regions['*'];
    if (!chosen) throw new Error(`${where}: no answer for region ${region}`);
    return resolveAnswer(chosen, region, param, `${where} (${region})`);
  }
  if (answer.match) {
    const value = param(answer.match);
    const chosen = (value !== undefined ? answer.cases?.[value] : undefined) ?? answer.cases?.['*'];
    if (!chosen) throw new Error(`${where}: no answer for ${answer.match}=${value ?? '(absent)'}`);
    return resolveAnswer(chosen, region, param, `${where} (${answer.match}=${value})`);
  }
  return answer;
}

/** The value at a dotted path of a body (`ListAllMyBucketsResult.Buckets/Bucket`). */
export function getPath(body: unknown, dotted: string): unknown {
  let node = body;
  for (const key of dotted.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function setPath(body: unknown, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = body as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
