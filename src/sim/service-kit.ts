import { ServiceException } from '@smithy/smithy-client';
import { pageOf } from './paginate';
import { seededRandom } from './random';
import type { GenerateInput, ServiceSimulator, SimCallContext, SimHandler, TokenBucketSpec } from './types';

/**
 * The simulated-service toolkit: a service's simulator is its world data (records in the SDK's own
 * output shapes) plus a declaration of its collections and operations. The kit serves list,
 * describe/get and list-tags calls from the records, with AWS's pagination, not-found errors,
 * derived fields (ARNs) and dates; faults, throttling and buckets come from the shared simulator.
 * See docs/adding-a-service.md, "The simulator".
 */

/** A record of the world: an object in the SDK's output shape (or a service's own short format). */
export type WorldRecord = Record<string, unknown>;
export type TagMap = Record<string, string>;

/** An SDK output type as the world file writes it: its `Date` fields as ISO strings (see `dates`). */
export type InWorld<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Array<InWorld<U>>
    : T extends object
      ? { [K in keyof T]: InWorld<T[K]> }
      : T;

/** A JSON schema fragment (the world loader checks sections with Ajv). */
export type JsonSchema = Record<string, unknown>;

export interface CollectionSpec<R extends object = WorldRecord> {
  /** Field holding the record's id, required in the world (e.g. `FunctionName`). */
  id: keyof R & string;
  /**
   * Other fields that define a resource id (EC2 `KeyPairId` beside the `KeyName` id): the world's
   * check that every `vpc-`/`subnet-`/... id it names is defined somewhere counts them as definitions.
   */
  idFields?: Array<keyof R & string>;
  /** JSON schema of the fields the world file is checked against; others stay open unless `closed`. */
  fields?: { [K in keyof R & string]?: JsonSchema };
  /** Fields required besides the id. */
  required?: Array<keyof R & string>;
  /** Rejects fields not listed in `fields` (for a service's own short format). */
  closed?: boolean;
  /**
   * Fields the SDK returns as `Date`, written in the world as ISO strings. A dotted path goes into
   * nested objects and arrays (`DomainValidationOptions.ValidationDate`).
   */
  dates?: string[];
  /** ARN of a record, from its id and the call's account and region; accepted wherever the id is. */
  arn?: (record: R, context: SimCallContext) => string;
  /** Output field the ARN is served in when the record lacks it (e.g. `FunctionArn`). */
  arnField?: string;
  /** Further fields AWS fills in (defaults, computed values), merged over the record. */
  derive?: (record: R, context: SimCallContext) => WorldRecord;
  /** The record's full SDK view, replacing the default one (record + ARN + derived + dates). */
  view?: (record: R, context: SimCallContext) => object;
  /** Fields kept in the world but never served by describe/list (e.g. tags only ListTags returns). */
  worldOnly?: Array<keyof R & string>;
  /** A record's tags; default its `Tags` field, as `[{Key, Value}]`, `[{TagKey, TagValue}]` or a map. */
  tags?: (record: R, context: SimCallContext) => TagMap | undefined;
  /** AWS's error for a missing record. */
  notFound: { error: string; message: (id: string, context: SimCallContext) => string };
}

/** A collection with its record type erased, as the kit stores it. */
export type Collection = CollectionSpec<WorldRecord> & { readonly erased: true };

/** Declares a collection with a typed record (e.g. `collection<FunctionConfiguration>({...})`). */
export function collection<R extends object>(spec: CollectionSpec<R>): Collection {
  return spec as unknown as Collection;
}

type Members<T> = keyof T & string;
type Loose = Record<string, unknown>;

export interface ListSpec<I = Loose, O = Loose, R = WorldRecord> {
  /** Output member holding the page's items, e.g. `Functions`. */
  items: Members<O>;
  /**
   * Token members: one name for both sides (default `NextToken`), the input and output names, or
   * `false` for an operation AWS answers in one response (EC2 `DescribeKeyPairs`).
   */
  token?: (Members<I> & Members<O>) | { input: Members<I>; output: Members<O> } | false;
  /** Input member of the page size (e.g. `MaxItems`) and AWS's maximum for it. */
  maxResults?: Members<I>;
  awsMax?: number;
  /** Output boolean that says more pages follow (KMS `Truncated`). */
  truncated?: Members<O>;
  /** Input member listing ids to describe (EC2 `InstanceIds`); an unknown id is the not-found error. */
  ids?: Members<I>;
  /** Keeps the records the input selects (status filters and the like). */
  filter?: (record: R, input: I, context: SimCallContext) => boolean;
  /** Shapes each item from the record's view: fields to keep (a summary) or a function. */
  item?: string[] | ((view: WorldRecord, record: R, context: SimCallContext) => unknown);
  /** Items that are not one per record (e.g. KMS aliases flattened from keys); replaces the collection. */
  source?: (records: R[], input: I, context: SimCallContext) => unknown[];
}

export interface GetSpec<I = Loose, O = Loose, R = WorldRecord> {
  /** Input member naming the record, by id or ARN. */
  id: Members<I>;
  /** Output member the view is served in (`Certificate`); without it the item is the whole output. */
  output?: Members<O>;
  /** Shapes the answer from the record's view (default the view). */
  item?: (view: WorldRecord, record: R, context: SimCallContext) => unknown;
}

export interface TagsSpec<I = Loose, O = Loose> {
  /** Input member naming the record, by id or ARN (`ResourceArn`, `CertificateArn`, `KeyId`). */
  id: Members<I>;
  /** Output member of the tags (default `Tags`). */
  output?: Members<O>;
  /** Shape of the tags in the output: `[{Key, Value}]` (default), `[{TagKey, TagValue}]` or a map. */
  shape?: 'KeyValue' | 'TagKeyTagValue' | 'map';
  /** Output boolean some services add (KMS `Truncated`: false). */
  truncated?: Members<O>;
}

/** Helpers a service's own handlers get, so specific behaviour reuses the kit's lookups. */
export interface Kit {
  records(collection: string, context: SimCallContext): WorldRecord[];
  /** The record named by an id or ARN, or AWS's not-found error. */
  find(collection: string, id: unknown, context: SimCallContext): WorldRecord;
  view(collection: string, record: WorldRecord, context: SimCallContext): WorldRecord;
  tagsOf(collection: string, record: WorldRecord, context: SimCallContext): TagMap;
  /** One page of items with the service's tokens. */
  page<T>(items: readonly T[], token: unknown, pageSize: number): { items: T[]; nextToken?: string };
  error(name: string, message: string, status?: number): ServiceException;
}

type Operation = { build: (kit: Kit) => SimHandler };

/**
 * A list (or describe-many) operation over a collection. `R` is the record type the callbacks see
 * (the collection's, e.g. `FunctionConfiguration`).
 */
export function list<I = Loose, O = Loose, R = WorldRecord>(collectionName: string, typedSpec: ListSpec<I, O, R>): Operation {
  const spec = typedSpec as unknown as ListSpec<I, O>;
  const tokenIn = typeof spec.token === 'object' ? spec.token.input : spec.token || 'NextToken';
  const tokenOut = typeof spec.token === 'object' ? spec.token.output : spec.token || 'NextToken';
  return {
    build: (kit) => (rawInput: never, context: SimCallContext) => {
      const input = (rawInput ?? {}) as I & Loose;
      let records = kit.records(collectionName, context);
      const ids = spec.ids ? (input[spec.ids] as unknown[] | undefined) : undefined;
      if (ids?.length) records = ids.map((id) => kit.find(collectionName, id, context));
      if (spec.filter) records = records.filter((record) => spec.filter?.(record, input, context));
      const items: unknown[] = spec.source
        ? spec.source(records, input, context)
        : records.map((record) => shapeItem(spec.item, kit.view(collectionName, record, context), record, context));
      if (spec.token === false) return { [spec.items]: items };
      const requested = spec.maxResults ? (input[spec.maxResults] as number | undefined) : undefined;
      const page = kit.page(items, input[tokenIn], context.pageSize(requested, spec.awsMax));
      const output: Loose = { [spec.items]: page.items, [tokenOut]: page.nextToken };
      if (spec.truncated) output[spec.truncated] = page.nextToken !== undefined;
      return output;
    },
  };
}

/** A describe/get operation of one record, named by id or ARN; AWS's not-found error otherwise. */
export function get<I = Loose, O = Loose, R = WorldRecord>(collectionName: string, typedSpec: GetSpec<I, O, R>): Operation {
  const spec = typedSpec as unknown as GetSpec<I, O>;
  return {
    build: (kit) => (rawInput: never, context: SimCallContext) => {
      const input = (rawInput ?? {}) as Loose;
      const record = kit.find(collectionName, input[spec.id], context);
      const view = kit.view(collectionName, record, context);
      const item = spec.item ? spec.item(view, record, context) : view;
      return spec.output ? { [spec.output]: item } : item;
    },
  };
}

/** A list-tags operation of one record, named by id or ARN. */
export function tags<I = Loose, O = Loose>(collectionName: string, spec: TagsSpec<I, O>): Operation {
  return {
    build: (kit) => (rawInput: never, context: SimCallContext) => {
      const input = (rawInput ?? {}) as Loose;
      const tagMap = kit.tagsOf(collectionName, kit.find(collectionName, input[spec.id], context), context);
      const entries = Object.entries(tagMap);
      const shape = spec.shape ?? 'KeyValue';
      const served =
        shape === 'map'
          ? tagMap
          : shape === 'TagKeyTagValue'
            ? entries.map(([TagKey, TagValue]) => ({ TagKey, TagValue }))
            : entries.map(([Key, Value]) => ({ Key, Value }));
      const output: Loose = { [spec.output ?? 'Tags']: served };
      if (spec.truncated) output[spec.truncated] = false;
      return output;
    },
  };
}

/** An operation only this service has, written against the kit's helpers. */
export function custom<I = Loose, O = Loose>(handler: (input: I, context: SimCallContext, kit: Kit) => Omit<O, '$metadata'>): Operation {
  return { build: (kit) => ((input: never, context: SimCallContext) => handler((input ?? {}) as I, context, kit)) as SimHandler };
}

export interface SimulatedServiceSpec {
  /** World section key and fault `service` id, e.g. `lambda`. */
  service: string;
  /** SDK client name, e.g. `LambdaClient`. */
  clientName: string;
  scope: 'global' | 'regional';
  /** Record arrays of the section, by section key (e.g. `functions`). */
  collections: Record<string, Collection>;
  /** Operations by name without `Command` (e.g. `ListFunctions`). */
  operations: Record<string, Operation>;
  /** Further section-level properties (JSON schema), for data that is not a collection. */
  sectionFields?: Record<string, JsonSchema>;
  errors?: {
    /** Access denied (`AccessDeniedException`); the shared simulator's default is `AccessDenied`. */
    accessDenied?: string;
    /** Throttling (`ThrottlingException`, `TooManyRequestsException`); default `Throttling`. */
    throttling?: string;
    /** A pagination token the service did not issue (default `InvalidNextTokenException`). */
    invalidToken?: string;
  };
  /** Token bucket of every operation, or per operation (default: src/aws/rate-limits.ts's table). */
  bucket?: TokenBucketSpec | ((operation: string) => TokenBucketSpec);
  /** Builds the section for generated benchmark worlds. */
  generate?: (input: GenerateInput) => unknown;
}

const TAGS_SCHEMA: JsonSchema = {
  anyOf: [
    { type: 'array', items: { type: 'object', required: ['Key'], properties: { Key: { type: 'string' }, Value: { type: 'string' } } } },
    { type: 'array', items: { type: 'object', required: ['TagKey'], properties: { TagKey: { type: 'string' }, TagValue: { type: 'string' } } } },
    { type: 'object', additionalProperties: { type: 'string' } },
  ],
};

/** JSON schema of a section: one array per collection, each record with its id and known fields checked. */
export function sectionSchema(collections: Record<string, Collection>, sectionFields: Record<string, JsonSchema> = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...sectionFields };
  for (const [name, spec] of Object.entries(collections)) {
    const fields: Record<string, JsonSchema> = {};
    if (!spec.closed && !spec.tags) fields.Tags = TAGS_SCHEMA;
    for (const date of spec.dates ?? []) if (!date.includes('.')) fields[date] = { type: 'string', format: 'date-time' };
    Object.assign(fields, spec.fields);
    fields[spec.id] ??= { type: 'string', minLength: 1 };
    properties[name] = {
      type: 'array',
      items: { type: 'object', required: [spec.id, ...(spec.required ?? [])], properties: fields, additionalProperties: !spec.closed },
    };
  }
  return { type: 'object', additionalProperties: false, properties };
}

/** Tags from a record's `Tags` in any of the SDK's shapes. */
export function tagMapOf(value: unknown): TagMap {
  if (Array.isArray(value)) {
    const map: TagMap = {};
    for (const tag of value as Array<{ Key?: string; Value?: string; TagKey?: string; TagValue?: string }>) {
      const key = tag.Key ?? tag.TagKey;
      if (key !== undefined) map[key] = tag.Value ?? tag.TagValue ?? '';
    }
    return map;
  }
  return value && typeof value === 'object' ? { ...(value as TagMap) } : {};
}

/** A copy of `value` with the ISO string at `path` turned into a Date (arrays are walked). */
function withDate(value: unknown, path: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((element) => withDate(element, path));
  if (path.length === 0) return typeof value === 'string' ? new Date(value) : value;
  if (!value || typeof value !== 'object') return value;
  const record = value as WorldRecord;
  if (!(path[0] in record)) return value;
  return { ...record, [path[0]]: withDate(record[path[0]], path.slice(1)) };
}

function shapeItem(item: ListSpec['item'], view: WorldRecord, record: WorldRecord, context: SimCallContext): unknown {
  if (!item) return view;
  if (typeof item === 'function') return item(view, record, context);
  const picked: WorldRecord = {};
  for (const field of item) if (view[field] !== undefined) picked[field] = view[field];
  return picked;
}

interface RecordIndex {
  records: WorldRecord[];
  length: number;
  byKey: Map<string, WorldRecord>;
}

/**
 * A generator's own random stream, seeded by service, account and region. Generators that use it
 * instead of `input.random` leave the other services' generated data unchanged when they are added
 * (the shared stream is consumed in service order).
 */
export function ownRandom(input: Pick<GenerateInput, 'accountId' | 'region'>, service: string): () => number {
  let hash = 0x811c9dc5; // FNV-1a
  for (const char of `${service}|${input.accountId}|${input.region}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(hash);
}

/** Builds a `ServiceSimulator` that serves the declared operations from the world's records. */
export function defineSimulatedService(spec: SimulatedServiceSpec): ServiceSimulator {
  const invalidToken = spec.errors?.invalidToken ?? 'InvalidNextTokenException';
  // Id and ARN lookups, per record array (the world's arrays are read-only while a run serves them).
  const indexes = new WeakMap<WorldRecord[], RecordIndex>();

  const collectionOf = (name: string): Collection => {
    const found = spec.collections[name];
    if (!found) throw new Error(`${spec.service} simulator: no collection ${name}`);
    return found;
  };

  const kit: Kit = {
    records(name, context) {
      collectionOf(name);
      return (context.section<Record<string, WorldRecord[] | undefined>>()?.[name] ?? []) as WorldRecord[];
    },
    find(name, id, context) {
      const declared = collectionOf(name);
      const records = kit.records(name, context);
      let index = indexes.get(records);
      if (!index || index.length !== records.length) {
        index = { records, length: records.length, byKey: new Map() };
        for (const record of records) {
          index.byKey.set(String(record[declared.id]), record);
          if (declared.arn) index.byKey.set(declared.arn(record, context), record);
        }
        indexes.set(records, index);
      }
      const record = typeof id === 'string' ? index.byKey.get(id) : undefined;
      if (!record) return context.notFound(declared.notFound.error, declared.notFound.message(String(id ?? ''), context));
      return record;
    },
    view(name, record, context) {
      const declared = collectionOf(name);
      if (declared.view) return declared.view(record, context) as WorldRecord;
      let view: WorldRecord = { ...record };
      for (const field of declared.worldOnly ?? []) delete view[field];
      if (declared.arn && declared.arnField && view[declared.arnField] === undefined) view[declared.arnField] = declared.arn(record, context);
      if (declared.derive) view = { ...view, ...declared.derive(record, context) };
      for (const date of declared.dates ?? []) view = withDate(view, date.split('.')) as WorldRecord;
      return view;
    },
    tagsOf(name, record, context) {
      const declared = collectionOf(name);
      return declared.tags ? (declared.tags(record, context) ?? {}) : tagMapOf(record.Tags);
    },
    page(items, token, pageSize) {
      try {
        return pageOf(items, typeof token === 'string' ? token : undefined, pageSize);
      } catch (error) {
        throw kit.error(invalidToken, (error as Error).message);
      }
    },
    error(name, message, status = 400) {
      return new ServiceException({ name, message, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
    },
  };

  const handlers: Record<string, SimHandler> = {};
  for (const [operation, declared] of Object.entries(spec.operations)) handlers[`${operation}Command`] = declared.build(kit);
  const bucket = spec.bucket;
  return {
    service: spec.service,
    clientName: spec.clientName,
    scope: spec.scope,
    schema: sectionSchema(spec.collections, spec.sectionFields),
    handlers,
    accessDeniedName: spec.errors?.accessDenied,
    throttlingName: spec.errors?.throttling,
    bucket: bucket === undefined ? undefined : typeof bucket === 'function' ? bucket : () => bucket,
    generate: spec.generate,
    idFields: [...new Set(Object.values(spec.collections).flatMap((declared) => [declared.id, ...(declared.idFields ?? [])]))],
  };
}
