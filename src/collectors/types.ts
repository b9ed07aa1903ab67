import type { CallScope, SdkClient, SdkClientClass } from '../aws/access';
import type { EventDeclaration } from '../events/declarations';
import type { Entity, EntitySchema, GraphStore, Relationship, RelationshipSchema } from '../graph';
import type { CollectionLimitName, CollectionLimits } from './limits';

/** An entity type a collector produces: a constant of the service's `schema.ts`. */
export type EntityDeclaration = EntitySchema;

/** A relationship type a collector produces: a constant of the service's `schema.ts`. */
export type RelationshipDeclaration = RelationshipSchema;

/**
 * What a collector produces and needs. This is the single source of truth from which the docs
 * coverage table, the onboarding IAM policy and the coverage tests are derived.
 */
export interface CollectorDeclaration {
  /** Unique id, `<service>-<what>`, e.g. `ec2-instances`. */
  id: string;
  /** Short AWS service name (IAM prefix style): `ec2`, `iam`, `s3`. */
  service: string;
  /** Global collectors run once per account; regional ones once per account and enabled region. */
  scope: 'global' | 'regional';
  entities: EntityDeclaration[];
  relationships: RelationshipDeclaration[];
  /** Every IAM action the collector calls, e.g. `ec2:DescribeInstances`. */
  permissions: string[];
  /**
   * Permissions of `permissions` that a run calls only in some state of an account, each with that
   * state (`iam:GenerateCredentialReport`: when no recent credential report exists). The permissions
   * check (test/policy/calls.test.ts) accepts these uncalled; every other declared permission must
   * be called by a run over the demo organization, and every call must be declared.
   */
  conditionalPermissions?: ConditionalPermission[];
  /** Collectors whose output this one reads (same account; same region, or their global run). */
  dependsOn: string[];
  /**
   * Reads other accounts' entities too (cross-account analysis): runs once every account's other
   * collectors have finished, so its output does not depend on which accounts happened to be done.
   */
  readsWholeGraph?: boolean;
  /**
   * Properties this collector sets on entities that another collector owns (facts about the account
   * on `aws_account`). When it fails, or records errors, carry-forward puts the previous snapshot's
   * values of those it did not set back on the refreshed entity and names them in its `_staleProperties`.
   */
  enriches?: EnrichmentDeclaration[];
  /**
   * Enriching calls, made through `context.optional`: when one fails the error is recorded and the
   * collector's entities are still produced, without what that call would have added. The docs'
   * permissions table is derived from these.
   */
  optionalCalls?: OptionalCallDeclaration[];
  /**
   * The CloudTrail events of write operations that change what this collector reads: the
   * onboarding's EventBridge patterns and `orggraph watch`'s refreshes derive from them.
   */
  events?: readonly EventDeclaration[];
}

export interface ConditionalPermission {
  action: string;
  /** The state in which the call is made, in a few words (docs). */
  when: string;
}

export interface OptionalCallDeclaration {
  /** The call, as `context.optional` names it and the run's errors report it: `kms:ListAliases`. */
  operation: string;
  /** The IAM actions the call needs, when they differ from the operation (S3's names; the credential report's two). */
  actions?: string[];
  /**
   * Properties the call sets, per entity type. When it fails, carry-forward puts the previous
   * snapshot's values back on the refreshed entities of the same scope and names them in
   * `_staleProperties`. A name ending in `*` stands for every property that starts with the rest
   * (`tag.*`).
   */
  properties?: Array<{ _type: string; properties: string[] }>;
  /**
   * `scope`: one call (or one list) for the whole scope, so a failure leaves every entity without
   * its properties. `resource` (default): a call per resource, which may fail for some only.
   */
  per?: 'scope' | 'resource';
  /** What is missing from the graph when the call is denied, in a few words (docs). */
  cost: string;
}

export interface EnrichmentDeclaration {
  _type: string;
  /** Property names; `name.*` stands for one property per region (`name.eu-west-1`). */
  properties: string[];
  /** Properties computed from the others (a summary over regions), recomputed after a carry-forward. */
  derived?: { properties: string[]; compute: (entity: Entity) => void };
}

export interface AccountInfo {
  accountId: string;
  /** Friendly name from Organizations or configuration. */
  name?: string;
  /** Set in organization mode. */
  organization?: {
    id?: string;
    managementAccountId: string;
    arn?: string;
    email?: string;
    status?: string;
    joinedMethod?: string;
    joinedTimestamp?: Date;
  };
}

export interface IngestionTags {
  /** Added to every entity as `tag.AccountName`. */
  accountName?: boolean | string;
  /** Added to every entity as `tag.Production`. */
  production?: boolean;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface CollectorContext {
  readonly account: AccountInfo;
  /** The region being collected, or the home region for a global collector. */
  readonly region: string;
  readonly scope: CallScope;
  /**
   * Ids of every account this run ingests, for cross-account references (a foreign VPC or role
   * that another account of the run will report, or a placeholder). Resolves once discovery has
   * found every account: collectors start while other accounts are still being discovered, so
   * make the API calls first and await this only for the conversion that needs it.
   */
  ingestedAccounts(): Promise<ReadonlySet<string>>;
  /** The client of a service for this account and region. */
  client<C extends SdkClient>(clientClass: SdkClientClass<C>, region?: string): C;
  /**
   * In organization mode, the client of a service in the organization's management account, with
   * the audit role the engine lists the organization's accounts with (whether or not that account
   * is ingested by this run); its calls count in the management account's scope of this collector.
   * Undefined in single-account mode.
   */
  managementClient?<C extends SdkClient>(clientClass: SdkClientClass<C>): C;
  /**
   * A value computed once per collection run and shared by this collector's tasks that ask for it by
   * the same key (an organization-wide read made once for every account). Once per run only in one
   * thread: a collector that needs that also reads the whole graph (its tasks run in the parent).
   */
  shared<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** Adds entities, stamped with this collector's provenance and the integration tags. */
  addEntity(entity: Entity): Entity;
  addEntities(entities: Iterable<Entity>): void;
  addRelationship(relationship: Relationship): Relationship;
  addRelationships(relationships: Iterable<Relationship>): void;
  /** The graph built so far (dependencies' entities are complete when this collector runs). */
  readonly graph: GraphStore;
  /**
   * Records an error in one part of the collection without failing the collector (for example one
   * bucket whose policy cannot be read). The collector's other results are kept.
   */
  recordError(operation: string, error: unknown): void;
  /**
   * Runs an enriching call (declared in `optionalCalls`): its result, or `undefined` when it failed,
   * the error recorded once per operation and error code. After an access denial the operation is
   * not tried again in this scope, so a missing permission costs one call and one error, not one
   * per resource.
   */
  optional<T>(operation: string, call: () => Promise<T>): Promise<T | undefined>;
  /** The run's collection limits (`collectionLimits(context.limits)` gives the defaults where a test's context has none). */
  readonly limits?: CollectionLimits;
  /** Says that a collection limit left `skipped` items of `_type` out under one parent: the run summary counts them. */
  noteLimited?(limit: CollectionLimitName, _type: string, skipped: number): void;
  readonly logger: Logger;
}

export interface Collector extends CollectorDeclaration {
  run(context: CollectorContext): Promise<void>;
}
