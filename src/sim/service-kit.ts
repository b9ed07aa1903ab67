import { ServiceException } from '@smithy/smithy-client';
import { pageOf } from './paginate';
import { seededRandom } from './random';
import type { GenerateInput, ServiceSimulator, SimCallContext, SimHandler, TokenBucketSpec } from './types';
import { WORLD_DATE_SCHEMA, worldDate } from './world-date';

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
   * Fields the SDK returns as `Date`, written in the world as ISO strings or relative dates
   * (`"30 days ago"`, see src/sim/world-date.ts). A dotted path goes into
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
  /**
   * Finds a record named by id outside the call's own section (S3 buckets: by name in any account
   * and region, answering AccessDenied or a redirect); replaces the id and ARN lookup.
   */
  find?: (id: string, context: SimCallContext) => R;
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
  /**
   * Input members listing ids of the served items, each matched against an item field (EC2
   * `GroupIds` on `GroupId`, `GroupNames` on `GroupName`); items come in the ids' order.
   */
  lookups?: Array<ItemLookup<I>>;
  /** Keeps the records the input selects (status filters and the like). */
  filter?: (record: R, input: I, context: SimCallContext) => boolean;
  /** EC2-style `Filters` on the served items (see {@link FiltersSpec}). */
  filters?: FiltersSpec<I>;
  /**
   * EC2's paging: without the max-results member the whole list is one page, and a max-results
   * value outside `minResults`..`awsMax` is refused (`errors.invalidParameter`).
   */
  onePageByDefault?: boolean;
  minResults?: number;
  /** Shapes each item from the record's view: fields to keep (a summary) or a function. */
  item?: string[] | ((view: WorldRecord, record: R, context: SimCallContext) => unknown);
  /** Items that are not one per record (e.g. KMS aliases flattened from keys); replaces the collection. */
  source?: (records: R[], input: I, context: SimCallContext) => unknown[];
  /** Further output members beside the items (S3 ListBuckets `Owner`). */
  output?: (input: I, context: SimCallContext) => Loose;
}

export interface ItemLookup<I = Loose> {
  /** Input member listing the ids (`GroupIds`). */
  input: Members<I>;
  /** Item field they name (`GroupId`), or how to read it from an item. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- items are the SDK shapes of each operation
  field: string | ((item: any) => unknown);
  /**
   * AWS's error for an id no item has (HTTP 400; default the collection's `notFound`), or `'skip'`
   * to ignore it (EC2 `FlowLogIds`).
   */
  notFound?: CollectionSpec['notFound'] | 'skip';
  /** AWS refuses these ids together with the max-results member (`InvalidParameterCombination`). */
  withoutMaxResults?: boolean;
}

/**
 * EC2-style filters: `[{ Name, Values }]`, an item must match every filter and a filter matches
 * when any of its values (`*` and `?` wildcards) matches any value the name reads. `tag:<key>` and
 * `tag-key` work on every item; an unknown name is refused (`errors.invalidParameter`).
 */
export interface FiltersSpec<I = Loose> {
  /** Input member of the filters (default `Filters`; some EC2 calls say `Filter`). */
  input?: Members<I>;
  /** What each filter name reads from an item (a value, an array of values, or undefined). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- items are the SDK shapes of each operation
  names: Record<string, (item: any) => unknown>;
  /** The item's tags as `[{Key, Value}]` (default its `Tags`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  tags?: (item: any) => Array<{ Key?: string; Value?: string }> | undefined;
}

export interface GetSpec<I = Loose, O = Loose, R = WorldRecord> {
  /** Input member naming the record, by id or ARN. */
  id: Members<I>;
  /** Output member the view is served in (`Certificate`); without it the item is the whole output. */
  output?: Members<O>;
  /** Shapes the answer from the record's view (default the view); `undefined` is the `absent` error. */
  item?: (view: WorldRecord, record: R, context: SimCallContext) => unknown;
  /** AWS's not-found error (HTTP 404) for a record without the part asked for (S3 `NoSuchBucketPolicy`). */
  absent?: { error: string; message: string };
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
  /** A declared collection. */
  collection(name: string): Collection;
  /** The service's error name for a bad parameter. */
  readonly invalidParameter: string;
}

type Operation = { build: (kit: Kit) => SimHandler };

/**
 * A list (or describe-many) operation over a collection. `R` is the record type the callbacks see
 * (the collection's, e.g. `FunctionConfiguration`).
 */
export function list<I = Loose, O = Loose, R = WorldRecord>(collectionName: string, typedSpec: ListSpec<I, O, R>): Operation {
  const spec = typedSpec as unknown as ListSpec;
  const tokenIn = typeof spec.token === 'object' ? spec.token.input : spec.token || 'NextToken';
  const tokenOut = typeof spec.token === 'object' ? spec.token.output : spec.token || 'NextToken';
  return {
    build: (kit) => (rawInput: never, context: SimCallContext) => {
      const input = (rawInput ?? {}) as I & Loose;
      let records = kit.records(collectionName, context);
      const ids = spec.ids ? (input[spec.ids] as unknown[] | undefined) : undefined;
      if (ids?.length) records = ids.map((id) => kit.find(collectionName, id, context));
      if (spec.filter) records = records.filter((record) => spec.filter?.(record, input, context));
      let items: unknown[] = spec.source
        ? spec.source(records, input, context)
        : records.map((record) => shapeItem(spec.item, kit.view(collectionName, record, context), record, context));
      const requested = spec.maxResults ? (input[spec.maxResults] as number | undefined) : undefined;
      for (const lookup of spec.lookups ?? []) {
        items = lookUp(kit, items, lookup, input[lookup.input], lookup.notFound ?? kit.collection(collectionName).notFound, context);
      }
      if (spec.filters) items = filtered(kit, items, spec.filters, input[spec.filters.input ?? 'Filters']);
      if (spec.token === false) return { [spec.items]: items, ...spec.output?.(input, context) };
      if (requested !== undefined && spec.minResults !== undefined && (requested < spec.minResults || requested > (spec.awsMax ?? Infinity))) {
        const parameter = String(spec.maxResults).replace(/^./, (first) => first.toLowerCase());
        throw kit.error(
          kit.invalidParameter,
          `Value (${requested}) for parameter ${parameter} is invalid. Expecting a value between ${spec.minResults} and ${spec.awsMax}.`,
        );
      }
      if (requested !== undefined && spec.lookups?.some((lookup) => lookup.withoutMaxResults && (input[lookup.input] as unknown[] | undefined)?.length)) {
        throw kit.error('InvalidParameterCombination', 'The parameter maxResults cannot be used with a list of resource ids');
      }
      const pageSize = requested === undefined && spec.onePageByDefault ? Math.max(1, items.length) : context.pageSize(requested, spec.awsMax);
      const page = kit.page(items, input[tokenIn], pageSize);
      const output: Loose = { [spec.items]: page.items, [tokenOut]: page.nextToken, ...spec.output?.(input, context) };
      if (spec.truncated) output[spec.truncated] = page.nextToken !== undefined;
      return output;
    },
  };
}

function lookUp(kit: Kit, items: unknown[], lookup: ItemLookup, ids: unknown, notFound: ItemLookup['notFound'], context: SimCallContext): unknown[] {
  if (!Array.isArray(ids) || ids.length === 0) return items;
  const field = lookup.field;
  const idOf = typeof field === 'function' ? field : (item: unknown) => (item as Loose)[field];
  if (notFound === 'skip' || !notFound) return items.filter((item) => ids.includes(idOf(item)));
  return ids.map((id) => {
    const found = items.find((item) => idOf(item) === id);
    if (found === undefined) throw kit.error(notFound.error, notFound.message(String(id), context));
    return found;
  });
}

function valuesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(valuesOf);
  return [String(value)];
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

function filtered(kit: Kit, items: unknown[], spec: FiltersSpec, filters: unknown): unknown[] {
  if (!Array.isArray(filters) || filters.length === 0) return items;
  const tagsOf: (item: unknown) => Array<{ Key?: string; Value?: string }> | undefined =
    spec.tags ?? ((item) => (item as Loose).Tags as Array<{ Key?: string; Value?: string }> | undefined);
  const tests = (filters as Array<{ Name?: string; Values?: string[] }>).map((filter) => {
    const name = filter.Name ?? '';
    const patterns = (filter.Values ?? []).map(wildcard);
    let read: (item: unknown) => unknown;
    if (name.startsWith('tag:')) read = (item) => (tagsOf(item) ?? []).filter((tag) => tag.Key === name.slice(4)).map((tag) => tag.Value);
    else if (name === 'tag-key') read = (item) => (tagsOf(item) ?? []).map((tag) => tag.Key);
    else if (spec.names[name]) read = spec.names[name];
    else throw kit.error(kit.invalidParameter, `The filter '${name}' is invalid`);
    return (item: unknown) => valuesOf(read(item)).some((value) => patterns.some((pattern) => pattern.test(value)));
  });
  return items.filter((item) => tests.every((matches) => matches(item)));
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
      if (item === undefined && spec.absent) return context.notFound(spec.absent.error, spec.absent.message);
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
    /** A bad filter or max-results value (default `InvalidParameterValue`). */
    invalidParameter?: string;
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
    for (const date of spec.dates ?? []) if (!date.includes('.')) fields[date] = WORLD_DATE_SCHEMA;
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

/** A copy of `value` with the world date at `path` turned into a Date (arrays are walked). */
function withDate(value: unknown, path: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((element) => withDate(element, path));
  if (path.length === 0) return typeof value === 'string' ? worldDate(value) : value;
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
      if (declared.find) return declared.find(String(id ?? ''), context);
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
    invalidParameter: spec.errors?.invalidParameter ?? 'InvalidParameterValue',
    collection: collectionOf,
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
