import type { Entity } from '../graph';
import { compileArnPattern, compileGlob, hasWildcard, literalPrefix, parseArn, type Matcher } from './arn';

/** An indexed resource: the entity, its ARN and the service in its ARN. */
export interface IndexedResource {
  entity: Entity;
  arn: string;
  service: string;
}

interface ServiceShelf {
  /** ARNs, sorted. */
  arns: string[];
  /** `[resource part, ARN]`, sorted by resource part: for patterns whose region or account is a wildcard. */
  byResource: Array<[string, string]>;
}

/** First index whose value is >= `prefix` (values sorted by code unit, as `Array#sort` does). */
function lowerBound<T>(items: readonly T[], prefix: string, value: (item: T) => string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value(items[middle]) < prefix) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The ARN of a resource entity: its `arn` property, else its key when the key is an ARN. Policies
 * without an `arn` (inline and bucket policies, keyed `<owner ARN>:inline-policy/...` or
 * `<bucket ARN>|policy`) are parts of another resource, not resources a policy can name.
 */
export function entityArn(entity: Entity): string | undefined {
  if (typeof entity.arn === 'string' && entity.arn.startsWith('arn:')) return entity.arn;
  if (entity._class.includes('AccessPolicy') || entity._key.includes('|')) return undefined;
  return entity._key.startsWith('arn:') ? entity._key : undefined;
}

/**
 * The resources of one account, indexed so that a policy's resource pattern finds its matches
 * without testing every resource: ARNs are sorted per service, a pattern's literal prefix (up to
 * the first wildcard) is found by binary search, and only the ARNs that share the prefix are tested
 * with the compiled pattern. Patterns whose region or account field is a wildcard
 * (`arn:aws:ec2:*:*:instance/*`) search a second list sorted by the resource part instead.
 * Results are cached per pattern.
 */
export class ResourceIndex {
  private readonly shelves = new Map<string, ServiceShelf>();
  private readonly byArn = new Map<string, IndexedResource>();
  private readonly cache = new Map<string, readonly IndexedResource[]>();

  constructor(entities: Iterable<Entity>) {
    const lists = new Map<string, string[]>();
    for (const entity of entities) {
      const arn = entityArn(entity);
      const parts = arn ? parseArn(arn) : undefined;
      if (!arn || !parts || this.byArn.has(arn)) continue;
      this.byArn.set(arn, { entity, arn, service: parts.service });
      let list = lists.get(parts.service);
      if (!list) lists.set(parts.service, (list = []));
      list.push(arn);
    }
    for (const [service, arns] of lists) {
      arns.sort();
      const byResource = arns.map((arn) => [(parseArn(arn) as { resource: string }).resource, arn] as [string, string]);
      byResource.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.shelves.set(service, { arns, byResource });
    }
  }

  get size(): number {
    return this.byArn.size;
  }

  /** Services that have at least one resource. */
  services(): string[] {
    return [...this.shelves.keys()];
  }

  get(arn: string): IndexedResource | undefined {
    return this.byArn.get(arn);
  }

  /**
   * Resources matching an ARN pattern. S3 object patterns (`arn:aws:s3:::bucket/*`) match their
   * bucket: a grant on a bucket's objects is an edge to the bucket.
   */
  match(pattern: string): readonly IndexedResource[] {
    const cached = this.cache.get(pattern);
    if (cached) return cached;
    const found = this.search(pattern);
    this.cache.set(pattern, found);
    return found;
  }

  private search(pattern: string): IndexedResource[] {
    const parts = parseArn(pattern);
    if (!parts) return [];
    if (parts.service === 's3' && parts.region === '' && parts.account === '') {
      const slash = parts.resource.indexOf('/');
      if (slash >= 0) pattern = `arn:${parts.partition}:s3:::${parts.resource.slice(0, slash)}`;
    }
    if (!hasWildcard(pattern)) {
      const resource = this.byArn.get(pattern);
      return resource ? [resource] : [];
    }
    const matcher = compileArnPattern(pattern);
    const services = hasWildcard(parts.service) ? [...this.shelves.keys()].filter(compileGlob(parts.service)) : [parts.service];
    const found: IndexedResource[] = [];
    const fieldsLiteral = !hasWildcard(`${parts.partition}:${parts.service}:${parts.region}:${parts.account}`);
    for (const service of services) {
      const shelf = this.shelves.get(service);
      if (!shelf) continue;
      if (fieldsLiteral) this.scanArns(shelf, literalPrefix(pattern), matcher, found);
      else this.scanResources(shelf, literalPrefix(parts.resource), matcher, found);
    }
    return found;
  }

  private scanArns(shelf: ServiceShelf, prefix: string, matcher: Matcher, found: IndexedResource[]): void {
    for (let i = lowerBound(shelf.arns, prefix, (arn) => arn); i < shelf.arns.length; i++) {
      const arn = shelf.arns[i];
      if (!arn.startsWith(prefix)) break;
      if (matcher(arn)) found.push(this.byArn.get(arn) as IndexedResource);
    }
  }

  private scanResources(shelf: ServiceShelf, prefix: string, matcher: Matcher, found: IndexedResource[]): void {
    const list = shelf.byResource;
    for (let i = lowerBound(list, prefix, (entry) => entry[0]); i < list.length; i++) {
      const [resource, arn] = list[i];
      if (!resource.startsWith(prefix)) break;
      if (matcher(arn)) found.push(this.byArn.get(arn) as IndexedResource);
    }
  }
}
