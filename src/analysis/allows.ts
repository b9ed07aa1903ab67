import { createHash } from 'node:crypto';
import { accountEntityKey, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../graph';
import { parsePolicyDocument, principalEntries, type ActionSpec, type Effect, type Statement } from '../policy/document';
import { ACCESS_LEVELS, sharedActionCatalog, type AccessLevel, type ActionCatalog, type ServiceActions } from './actions';
import { compileArnPattern, hasWildcard, isAccountId, parseArn, type Matcher } from './arn';
import { mappedAccount, mappedResource, type AnalysisOutput, type GraphView } from './mapped-entities';
import type { ResourceIndex } from './resource-index';

export interface EntityRef {
  _key: string;
  _type: string;
}

export interface AllowsInput {
  accountId: string;
  /** AccessPolicy entities of the account; those with a `document` (policy JSON text) are analyzed. */
  policies: Iterable<Entity>;
  /** The account's resources. */
  index: ResourceIndex;
  /** The account's `aws_account` entity (target of full access). */
  account: EntityRef;
  /** The account's `aws_<service>` entities by service id (targets of service-wide grants). */
  serviceEntities: ReadonlyMap<string, EntityRef>;
  /** The graph, to find resources of other accounts. */
  graph: GraphView;
  /** Accounts of this run: mapped entities in them are `validated`. */
  ingestedAccounts: ReadonlySet<string>;
  catalog?: ActionCatalog;
}

export interface AllowsOutput extends AnalysisOutput {
  /** Keys of policies whose document is not a readable policy. */
  unreadable: string[];
}

type TargetKind = 'account' | 'service' | 'resource' | 'foreign-account';

/** What one policy grants (or denies) to one target, under one set of conditions. */
interface Grant {
  target: EntityRef;
  /** The target's ARN (resource targets; the key of some entities is not exactly their ARN). */
  arn?: string;
  kind: TargetKind;
  effect: Effect;
  conditions?: string;
  /** Full access: `*` on `*`. */
  everything: boolean;
  perService: Map<string, ServiceActions>;
  resources: Set<string>;
  notResources: Set<string>;
  principals: Set<string>;
}

const ALL_ACTIONS: ActionSpec = { kind: 'include', patterns: ['*'] };

/** Longest stretch of analysis without returning to the event loop. */
const YIELD_EVERY_MS = 20;

function isAllAsterisks(text: string): boolean {
  return /^\*+$/.test(text);
}

function grantsEverything(spec: ActionSpec): boolean {
  return spec.kind === 'include' && spec.patterns.some((pattern) => isAllAsterisks(pattern) || /^\*+:\*+$/.test(pattern));
}

function coversEveryResource(statement: Statement): boolean {
  return statement.resources.kind === 'include' && statement.resources.patterns.some(isAllAsterisks);
}

const matchers = new Map<string, Matcher>();
function matcherFor(pattern: string): Matcher {
  let matcher = matchers.get(pattern);
  if (!matcher) matchers.set(pattern, (matcher = compileArnPattern(pattern)));
  return matcher;
}

/** Principal values of a resource policy statement, as written. */
function principalValues(principal: unknown): string[] {
  return principalEntries(principal).map((entry) => entry.value);
}

function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}

/**
 * Derives `AccessPolicy ALLOWS <target>` edges from the policies of one account.
 *
 * - Actions: `Action` and `NotAction` with wildcards, expanded from the IAM reference; within a
 *   target only the actions of the target's service count.
 * - Targets: `*` (or `NotResource`) on a service's actions -> the account's `aws_<service>` entity
 *   when it exists; `*` on `*` -> the account (`admin: true`); ARN patterns -> the matching resources
 *   of the account (found through the index); ARNs of other accounts -> the resource, or a mapped
 *   entity (a wildcard ARN in another account -> that account).
 * - Allow and Deny both give edges (`effect`). An explicit Deny without conditions removes what an
 *   Allow of the same document grants on a target it covers; conditional statements are kept on
 *   their own edge with `conditions` as written and never evaluated.
 */
export async function analyzeAllows(input: AllowsInput): Promise<AllowsOutput> {
  const catalog = input.catalog ?? sharedActionCatalog;
  const parsed: Array<{ policy: Entity; statements: Statement[] }> = [];
  const unreadable: string[] = [];
  const services = new Set<string>([...input.serviceEntities.keys(), ...input.index.services()]);
  for (const policy of input.policies) {
    if (policy.document === undefined || policy.document === null) continue;
    const document = typeof policy.document === 'string' ? parsePolicyDocument(policy.document) : undefined;
    if (!document) {
      unreadable.push(policy._key);
      continue;
    }
    parsed.push({ policy, statements: document.statements });
    for (const statement of document.statements) {
      if (statement.resources.kind !== 'include') continue;
      for (const pattern of statement.resources.patterns) {
        const parts = parseArn(pattern);
        if (parts && parts.service && !hasWildcard(parts.service)) services.add(parts.service);
      }
    }
  }
  await catalog.prepare(
    parsed.flatMap((entry) => entry.statements.map((statement) => statement.actions)),
    services,
  );
  const analyzer = new PolicyAnalyzer(input, catalog);
  // Large accounts take seconds: give the event loop back now and then, so that the other
  // collectors' calls (and the runner's admission, which watches the loop's lag) are not held up.
  let slice = performance.now();
  for (const { policy, statements } of parsed) {
    analyzer.analyze(policy, statements);
    if (performance.now() - slice > YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
  return { ...analyzer.output(), unreadable };
}

class PolicyAnalyzer {
  private readonly relationships: Relationship[] = [];
  private readonly mapped = new Map<string, Entity>();

  constructor(
    private readonly input: AllowsInput,
    private readonly catalog: ActionCatalog,
  ) {}

  output(): AnalysisOutput {
    return { entities: [...this.mapped.values()], relationships: this.relationships };
  }

  analyze(policy: Entity, statements: readonly Statement[]): void {
    const grants = new Map<string, Grant>();
    for (const statement of statements) this.collect(statement, grants);
    const denies = statements.filter((statement) => statement.effect === 'Deny' && !statement.condition);
    if (denies.length) this.applyDenies(grants, denies);
    this.emit(policy, grants);
  }

  private grant(grants: Map<string, Grant>, target: EntityRef, kind: TargetKind, statement: Statement, arn?: string): Grant {
    const id = `${target._key}\u0000${statement.effect}\u0000${statement.conditions ?? ''}`;
    let grant = grants.get(id);
    if (!grant) {
      grant = {
        target,
        arn,
        kind,
        effect: statement.effect,
        conditions: statement.conditions,
        everything: false,
        perService: new Map(),
        resources: new Set(),
        notResources: new Set(),
        principals: new Set(),
      };
      grants.set(id, grant);
    }
    for (const principal of principalValues(statement.principal)) grant.principals.add(principal);
    return grant;
  }

  private add(grant: Grant, actions: ServiceActions): void {
    const existing = grant.perService.get(actions.service);
    grant.perService.set(actions.service, existing ? this.catalog.union(existing, actions) : actions);
  }

  private collect(statement: Statement, grants: Map<string, Grant>): void {
    const everyResource = coversEveryResource(statement);
    const notResource = statement.resources.kind === 'exclude';
    if (everyResource || notResource) {
      if (everyResource && grantsEverything(statement.actions)) {
        const grant = this.grant(grants, this.input.account, 'account', statement);
        grant.everything = true;
        grant.resources.add('*');
      } else {
        for (const [service, ref] of this.input.serviceEntities) {
          const actions = this.catalog.resolve(statement.actions, service);
          if (this.catalog.isEmpty(actions)) continue;
          const grant = this.grant(grants, ref, 'service', statement);
          this.add(grant, actions);
          if (everyResource) grant.resources.add('*');
          else for (const pattern of statement.resources.patterns) grant.notResources.add(pattern);
        }
      }
    }
    // With `*` among the resources, named resources add nothing: the service-wide edge covers them.
    if (everyResource || notResource) return;
    for (const pattern of statement.resources.patterns) this.collectPattern(statement, pattern, grants);
  }

  private collectPattern(statement: Statement, pattern: string, grants: Map<string, Grant>): void {
    const parts = parseArn(pattern);
    if (!parts) return;
    const { accountId, index, graph } = this.input;
    if (isAccountId(parts.account) && parts.account !== accountId) {
      if (hasWildcard(parts.service)) return;
      const actions = this.catalog.resolveForResource(statement.actions, parts.service);
      if (!actions.length) return;
      const target = hasWildcard(pattern) ? this.foreignAccount(parts.account) : this.foreignResource(pattern, parts.account);
      const grant = hasWildcard(pattern)
        ? this.grant(grants, target, 'foreign-account', statement)
        : this.grant(grants, target, 'resource', statement, pattern);
      for (const serviceActions of actions) this.add(grant, serviceActions);
      grant.resources.add(pattern);
      return;
    }
    if (parts.service === 's3' && !parts.account && !parts.region) {
      // Bucket ARNs carry no account: a named bucket that is not this account's may be another's.
      const bucket = parts.resource.split('/')[0];
      const bucketArn = `arn:${parts.partition}:s3:::${bucket}`;
      if (bucket && !hasWildcard(bucket) && !hasWildcard(parts.partition) && !index.get(bucketArn)) {
        const actions = this.catalog.resolveForResource(statement.actions, 's3');
        if (!actions.length) return;
        const existing = graph.getEntity(bucketArn);
        const target = existing && existing._source !== 'system-mapper' ? existing : this.remember(mappedResource(bucketArn, false));
        const grant = this.grant(grants, target, 'resource', statement, bucketArn);
        for (const serviceActions of actions) this.add(grant, serviceActions);
        grant.resources.add(pattern);
        return;
      }
    }
    for (const resource of index.match(pattern)) {
      const actions = this.catalog.resolveForResource(statement.actions, resource.service);
      if (!actions.length) continue;
      const grant = this.grant(grants, resource.entity, 'resource', statement, resource.arn);
      for (const serviceActions of actions) this.add(grant, serviceActions);
      grant.resources.add(pattern);
    }
  }

  private remember(entity: Entity): Entity {
    const existing = this.mapped.get(entity._key);
    if (existing) return existing;
    this.mapped.set(entity._key, entity);
    return entity;
  }

  private foreignAccount(accountId: string): EntityRef {
    const existing = this.input.graph.getEntity(accountEntityKey(accountId));
    if (existing && existing._source !== 'system-mapper') return existing;
    return this.remember(mappedAccount(accountId, this.input.ingestedAccounts.has(accountId)));
  }

  private foreignResource(arn: string, accountId: string): EntityRef {
    const existing = this.input.graph.getEntity(arn);
    if (existing && existing._source !== 'system-mapper') return existing;
    return this.remember(mappedResource(arn, this.input.ingestedAccounts.has(accountId)));
  }

  /** Whether an unconditional Deny statement applies to everything a grant's target stands for. */
  private covers(deny: Statement, grant: Grant): boolean {
    if (coversEveryResource(deny)) return true;
    if (grant.kind !== 'resource') return false;
    const arn = grant.arn ?? grant.target._key;
    const patterns = deny.resources.patterns;
    if (deny.resources.kind === 'exclude') return !patterns.some((pattern) => matcherFor(pattern)(arn));
    if (patterns.some((pattern) => matcherFor(pattern)(arn))) return true;
    // A grant on `bucket/*` is covered by a Deny on `bucket/*` (or `*/*`): compare the patterns.
    return [...grant.resources].every((resource) => patterns.some((pattern) => matcherFor(pattern)(resource)));
  }

  private applyDenies(grants: Map<string, Grant>, denies: readonly Statement[]): void {
    // Full access minus a Deny on `*` is no longer full access: it becomes service-wide grants.
    const denyEverywhere = denies.some(coversEveryResource);
    if (denyEverywhere) {
      for (const [id, grant] of [...grants]) {
        if (grant.effect !== 'Allow' || !grant.everything) continue;
        grants.delete(id);
        const statement = { effect: 'Allow', conditions: grant.conditions } as Statement;
        for (const [service, ref] of this.input.serviceEntities) {
          const serviceGrant = this.grant(grants, ref, 'service', statement);
          for (const principal of grant.principals) serviceGrant.principals.add(principal);
          this.add(serviceGrant, this.catalog.resolve(ALL_ACTIONS, service));
          serviceGrant.resources.add('*');
        }
      }
    }
    for (const [id, grant] of grants) {
      if (grant.effect !== 'Allow' || grant.everything) continue;
      const covering = denies.filter((deny) => this.covers(deny, grant));
      if (!covering.length) continue;
      for (const [service, actions] of grant.perService) {
        let remaining = actions;
        for (const deny of covering) remaining = this.catalog.subtract(remaining, this.catalog.resolve(deny.actions, service));
        if (this.catalog.isEmpty(remaining)) grant.perService.delete(service);
        else grant.perService.set(service, remaining);
      }
      if (!grant.perService.size) grants.delete(id);
    }
  }

  private emit(policy: Entity, grants: Map<string, Grant>): void {
    const byTarget = new Map<string, Grant[]>();
    for (const grant of grants.values()) {
      const list = byTarget.get(grant.target._key);
      if (list) list.push(grant);
      else byTarget.set(grant.target._key, [grant]);
    }
    for (const list of byTarget.values()) {
      for (const grant of list) {
        const actions: string[] = [];
        const levels = new Set<AccessLevel>();
        if (grant.everything) {
          actions.push('*');
          for (const level of ACCESS_LEVELS) levels.add(level);
        } else {
          for (const service of [...grant.perService.keys()].sort()) {
            const serviceActions = grant.perService.get(service) as ServiceActions;
            actions.push(...this.catalog.names(serviceActions));
            for (const level of this.catalog.levels(serviceActions)) levels.add(level);
          }
        }
        this.relationships.push(
          createRelationship({
            from: policy,
            verb: RelationshipVerb.ALLOWS,
            to: grant.target,
            // Several edges between the same two entities (Allow and Deny, or other conditions).
            keySuffix: list.length > 1 ? `${grant.effect.toLowerCase()}${grant.conditions ? `-${shortHash(grant.conditions)}` : ''}` : undefined,
            properties: {
              effect: grant.effect,
              actions,
              normalizedActions: actions.map((action) => action.toLowerCase()),
              resources: [...grant.resources].sort(),
              notResources: grant.notResources.size ? [...grant.notResources].sort() : undefined,
              accessLevels: ACCESS_LEVELS.filter((level) => levels.has(level)),
              conditions: grant.conditions,
              admin: grant.effect === 'Allow' && grant.everything,
              principals: grant.principals.size ? [...grant.principals].sort() : undefined,
            },
          }),
        );
      }
    }
  }
}
