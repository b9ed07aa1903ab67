import { ServiceException } from '@smithy/smithy-client';
import type { ClientPlugin } from '../aws/access';
import { collectorOfUserAgent } from '../aws/collector-user-agent';
import { rateLimitRule, serviceOfClient } from '../aws/rate-limits';
import { callerAccount, sessionTokenExpiry } from './identity';
import { seededRandom } from './random';
import { TokenBucket } from './token-bucket';
import type { Fault, FaultError, ServiceSimulator, SimCallContext, TokenBucketSpec, World, WorldAccount } from './types';

export { SIMULATED_BASE_CREDENTIALS } from './identity';

export interface SimulatorStats {
  calls: number;
  throttled: number;
  faults: number;
  /** Calls refused because their credentials had expired. */
  expired: number;
  byOperation: Record<string, number>;
  /**
   * Milliseconds spent in the simulator's own code (the middleware, faults, buckets and handlers;
   * not the latency it waits): benchmarks subtract it, since a real run never pays it.
   */
  busyMs: number;
}

/** The part of the SDK's HttpRequest the simulator reads. */
interface SignedRequest {
  headers?: Record<string, string>;
}

interface MiddlewareContext {
  clientName?: string;
  commandName?: string;
}

/** One simulated bucket and what it served (for benchmarks' lower bound). */
export interface BucketUsage {
  /** `account|region or global|service:Operation`. */
  key: string;
  capacity: number;
  refillPerSecond: number;
  /** Tokens taken: calls the bucket let through. */
  taken: number;
  /** Calls it throttled. */
  throttled: number;
}

interface SimBucket {
  bucket: TokenBucket;
  spec: TokenBucketSpec;
  taken: number;
  throttled: number;
}

interface Route {
  simulator: ServiceSimulator;
  operation: string;
  action: string;
  handler: (input: unknown, context: SimCallContext) => unknown;
}

function usageOf(key: string, usage: SimBucket): BucketUsage {
  return { key, capacity: usage.spec.capacity, refillPerSecond: usage.spec.refillPerSecond, taken: usage.taken, throttled: usage.throttled };
}

const createdListeners = new Set<(simulated: SimulatedAws) => void>();

/**
 * Calls `listener` with every simulated AWS created from now on, until the returned function is
 * called (benchmarks read the buckets' usage of the simulation an ingestion creates).
 */
export function onSimulatedAwsCreated(listener: (simulated: SimulatedAws) => void): () => void {
  createdListeners.add(listener);
  return () => createdListeners.delete(listener);
}

const ENABLED_OPT_IN = new Set(['opt-in-not-required', 'opted-in']);

/**
 * The simulated AWS: answers the real SDK clients at the SDK boundary (a `finalizeRequest`
 * middleware, inside the SDK's retry loop), so paginators, retries and error handling run for real.
 */
export class SimulatedAws {
  readonly stats: SimulatorStats = { calls: 0, throttled: 0, faults: 0, expired: 0, byOperation: {}, busyMs: 0 };
  private readonly buckets = new Map<string, SimBucket>();
  /** Each client plugin's buckets by account (see {@link plugin}), so a released account's can go. */
  private readonly pluginBuckets: Array<Map<string, Map<Route, SimBucket>>> = [];
  /** Keys of each account's buckets. */
  private readonly bucketKeys = new Map<string, string[]>();
  /** Usage of the released accounts' buckets that were ever emptied (the others bound nothing). */
  private readonly releasedUsage: BucketUsage[] = [];
  private readonly random: () => number;
  private readonly accounts = new Map<string, WorldAccount>();
  private readonly simulatorsByClient = new Map<string, ServiceSimulator[]>();
  private readonly routes = new Map<string, Route | null>();
  private readonly declaredRegions = new Map<string, string>();
  /** Operations called per collector, once {@link recordOperations} was called. */
  private operationsByCollector?: Map<string, Set<string>>;

  /** The organization's wall clock (epoch ms): credentials' expiry is checked against it. */
  readonly now: () => number;
  /** Monotonic milliseconds that the token buckets refill with. */
  private readonly bucketClock?: () => number;

  constructor(
    readonly world: World,
    simulators: readonly ServiceSimulator[],
    options: { now?: () => number; bucketClock?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.bucketClock = options.bucketClock;
    this.random = seededRandom(world.behaviour?.seed ?? 1);
    for (const account of world.accounts) this.accounts.set(account.id, account);
    for (const simulator of simulators) {
      const list = this.simulatorsByClient.get(simulator.clientName) ?? [];
      list.push(simulator);
      this.simulatorsByClient.set(simulator.clientName, list);
    }
    for (const region of world.regions) this.declaredRegions.set(region.name, region.optInStatus ?? 'opt-in-not-required');
    for (const listener of createdListeners) listener(this);
  }

  /** Every bucket used so far, with its size and what it let through. */
  bucketUsage(): BucketUsage[] {
    return [...this.releasedUsage, ...[...this.buckets].map(([key, usage]) => usageOf(key, usage))];
  }

  /**
   * Forgets an account's buckets once no more calls come for it (a collector worker, after the
   * account's last task): a bucket that never let more than its capacity through bounds nothing
   * and is dropped; the others' usage is kept for {@link bucketUsage}. A later call starts from a
   * full bucket.
   */
  releaseAccount(accountId: string): void {
    for (const buckets of this.pluginBuckets) buckets.delete(accountId);
    for (const key of this.bucketKeys.get(accountId) ?? []) {
      const usage = this.buckets.get(key);
      if (usage && (usage.taken > usage.spec.capacity || usage.throttled > 0)) this.releasedUsage.push(usageOf(key, usage));
      this.buckets.delete(key);
    }
    this.bucketKeys.delete(accountId);
  }

  /** Buckets held (released accounts' are not). */
  get heldBuckets(): number {
    return this.buckets.size;
  }

  /**
   * Middleware for a client in `region`. Like AWS, it knows the calling account by the access key
   * the request is signed with (role credentials it issued, or the base credentials).
   */
  plugin(region: string): ClientPlugin {
    // Buckets by account, then by route, so a call finds its bucket without building its key.
    const buckets = new Map<string, Map<Route, SimBucket>>();
    this.pluginBuckets.push(buckets);
    const managementAccountId = this.world.organization.managementAccountId;
    return {
      applyToStack: (stack) => {
        stack.add(
          (_next: unknown, context: MiddlewareContext) => (args: { input: unknown; request?: unknown }) => {
            const started = performance.now();
            try {
              return this.intercept(region, buckets, managementAccountId, context, args);
            } finally {
              this.stats.busyMs += performance.now() - started;
            }
          },
          { step: 'finalizeRequest', name: 'orggraphSimulatedAws', priority: 'low' },
        );
      },
    };
  }

  private intercept(
    region: string,
    buckets: Map<string, Map<Route, SimBucket>>,
    managementAccountId: string,
    context: MiddlewareContext,
    args: { input: unknown; request?: unknown },
  ): Promise<{ output: unknown; response: object }> {
    const headers = (args.request as SignedRequest | undefined)?.headers;
    const accountId = callerAccount(headers?.authorization, managementAccountId);
    if (accountId === undefined) {
      return Promise.reject(this.error('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'));
    }
    const expiresAt = sessionTokenExpiry(headers?.['x-amz-security-token']);
    if (expiresAt !== undefined && this.now() >= expiresAt) {
      this.stats.expired++;
      return Promise.reject(this.error('ExpiredToken', 400, 'The security token included in the request is expired'));
    }
    let accountBuckets = buckets.get(accountId);
    if (!accountBuckets) buckets.set(accountId, (accountBuckets = new Map()));
    if (this.operationsByCollector) this.record(collectorOfUserAgent(headers?.['user-agent']) ?? '', context);
    return this.answer(accountId, region, accountBuckets, context, args.input).then(toHandlerOutput);
  }

  /**
   * From now on, records every operation called (`service:Operation`, answered or refused) under the
   * collector its `User-Agent` names (`''` for calls outside a collector: AssumeRole); the same map
   * is returned on every call and filled as calls come.
   */
  recordOperations(): ReadonlyMap<string, ReadonlySet<string>> {
    return (this.operationsByCollector ??= new Map());
  }

  /** Middleware for the STS client that assumes roles with the ingester's base credentials. */
  stsPlugin(): ClientPlugin {
    return this.plugin('us-east-1');
  }

  isRegionEnabled(account: WorldAccount, region: string): boolean {
    const status = this.declaredRegions.get(region);
    if (status === undefined) return false;
    return ENABLED_OPT_IN.has(status) || (account.optedInRegions ?? []).includes(region);
  }

  private record(collector: string, context: MiddlewareContext): void {
    const route = this.route(context.clientName ?? 'UnknownClient', context.commandName ?? 'UnknownCommand');
    if (!route || !this.operationsByCollector) return;
    let operations = this.operationsByCollector.get(collector);
    if (!operations) this.operationsByCollector.set(collector, (operations = new Set()));
    operations.add(route.action);
  }

  /** The simulator and handler of a command, looked up once per client and command name. */
  private route(clientName: string, commandName: string): Route | undefined {
    const key = `${clientName}.${commandName}`;
    let route = this.routes.get(key);
    if (route === undefined) {
      const simulator = (this.simulatorsByClient.get(clientName) ?? []).find((s) => commandName in s.handlers);
      const operation = commandName.replace(/Command$/, '');
      route = simulator
        ? {
            simulator,
            operation,
            action: `${simulator.service}:${operation}`,
            handler: simulator.handlers[commandName] as (input: unknown, context: SimCallContext) => unknown,
          }
        : null;
      this.routes.set(key, route);
    }
    return route ?? undefined;
  }

  private answer(accountId: string, region: string, buckets: Map<Route, SimBucket>, context: MiddlewareContext, input: unknown): Promise<unknown> {
    const clientName = context.clientName ?? 'UnknownClient';
    const commandName = context.commandName ?? 'UnknownCommand';
    const route = this.route(clientName, commandName);
    if (!route) {
      return Promise.reject(new Error(`the simulated organization does not implement ${clientName}.${commandName}`));
    }
    this.stats.calls++;
    this.stats.byOperation[route.action] = (this.stats.byOperation[route.action] ?? 0) + 1;
    const latency = this.world.behaviour?.latencyMs ?? 0;
    if (latency <= 0) return this.respond(accountId, region, buckets, route, input);
    return new Promise<void>((resolve) => setTimeout(resolve, latency)).then(() => {
      const started = performance.now();
      try {
        return this.respond(accountId, region, buckets, route, input);
      } finally {
        this.stats.busyMs += performance.now() - started;
      }
    });
  }

  /** The answer of a call once its latency has passed: an error, or the handler's output. */
  private async respond(accountId: string, region: string, buckets: Map<Route, SimBucket>, route: Route, input: unknown): Promise<unknown> {
    const { simulator, operation, action } = route;
    const account = this.accounts.get(accountId);
    if (!account) throw this.error('InvalidClientTokenId', 403, `The security token included in the request is invalid (no account ${accountId}).`);
    const globalService = simulator.scope === 'global' || simulator.service === 'sts';
    if (!globalService && !this.isRegionEnabled(account, region)) {
      throw this.error('OptInRequired', 403, `You are not subscribed to this service in ${region}. The region is not enabled for account ${accountId}.`);
    }
    const fault = this.world.faults?.length ? this.matchingFault(simulator.service, accountId, region, operation) : undefined;
    if (fault) {
      this.stats.faults++;
      throw this.faultError(simulator, fault.error, action, accountId);
    }
    if (this.isThrottled(route, accountId, region, buckets)) {
      this.stats.throttled++;
      throw this.error(simulator.throttlingName ?? 'Throttling', simulator.throttlingName === 'SlowDown' ? 503 : 400, 'Rate exceeded');
    }
    const output = (await route.handler(input ?? {}, new CallContext(this, simulator, account, region))) as Record<string, unknown>;
    return {
      ...output,
      $metadata: { httpStatusCode: 200, requestId: `sim-${this.stats.calls}`, attempts: 1, totalRetryDelay: 0 },
    };
  }

  private matchingFault(service: string, accountId: string, region: string, operation: string): Fault | undefined {
    for (const fault of this.world.faults ?? []) {
      if (fault.account && fault.account !== accountId) continue;
      if (fault.region && fault.region !== region) continue;
      if (fault.service && fault.service !== service) continue;
      if (fault.operation && fault.operation !== operation) continue;
      if (fault.probability !== undefined && this.random() >= fault.probability) continue;
      return fault;
    }
    return undefined;
  }

  private isThrottled(route: Route, accountId: string, region: string, buckets: Map<Route, SimBucket>): boolean {
    const behaviour = this.world.behaviour ?? {};
    if (behaviour.throttleRate && this.random() < behaviour.throttleRate) return true;
    if (!behaviour.throttling) return false;
    let usage = buckets.get(route);
    if (!usage) {
      const { simulator, operation } = route;
      // A simulator that declares no buckets gets the rows the access layer paces by, found as the
      // pacer finds them: by the client's service id (OpenSearch's is `opensearch`, its IAM prefix `es`).
      // A row shared by its operations (Route 53's, Lambda's control plane) is one bucket for all of them.
      const rule = simulator.bucket ? undefined : rateLimitRule(serviceOfClient(simulator.clientName), operation);
      const name = rule && !rule.perOperation ? rule.actionClass : operation;
      const key = `${accountId}|${simulator.scope === 'global' ? 'global' : region}|${simulator.service}:${name}`;
      usage = this.buckets.get(key);
      if (!usage) {
        const spec = simulator.bucket?.(operation) ?? (rule ?? rateLimitRule(serviceOfClient(simulator.clientName), operation)).limit;
        this.buckets.set(key, (usage = { bucket: new TokenBucket(spec, this.bucketClock), spec, taken: 0, throttled: 0 }));
        const keys = this.bucketKeys.get(accountId);
        if (keys) keys.push(key);
        else this.bucketKeys.set(accountId, [key]);
      }
      buckets.set(route, usage);
    }
    if (usage.bucket.tryTake()) {
      usage.taken++;
      return false;
    }
    usage.throttled++;
    return true;
  }

  private faultError(simulator: ServiceSimulator, fault: FaultError, action: string, accountId: string): ServiceException {
    const principal = `arn:aws:sts::${accountId}:assumed-role/${this.world.organization.roleName}/aws-org-graph-ingestion`;
    switch (fault) {
      case 'AccessDenied':
        return this.error(simulator.accessDeniedName ?? 'AccessDenied', 403, `User: ${principal} is not authorized to perform: ${action}`);
      case 'ScpDenied':
        return this.error(
          simulator.accessDeniedName ?? 'AccessDenied',
          403,
          `User: ${principal} is not authorized to perform: ${action} with an explicit deny in a service control policy`,
        );
      case 'OptInRequired':
        return this.error('OptInRequired', 403, 'You are not subscribed to this service.');
      case 'Throttling':
        return this.error(simulator.throttlingName ?? 'Throttling', 400, 'Rate exceeded');
      case 'InternalError':
        return this.error('InternalError', 500, 'We encountered an internal error. Please try again.');
    }
  }

  /** An AWS error as the SDK's deserializer would throw it. */
  error(name: string, status: number, message: string): ServiceException {
    return new ServiceException({
      name,
      message,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status, requestId: `sim-error-${this.stats.calls}`, attempts: 1, totalRetryDelay: 0 },
    });
  }
}

function toHandlerOutput(output: unknown): { output: unknown; response: object } {
  return { output, response: {} };
}

/** What a handler sees of its call (one object per call, its methods shared). */
class CallContext implements SimCallContext {
  readonly world: World;

  now(): number {
    return this.simulated.now();
  }

  constructor(
    private readonly simulated: SimulatedAws,
    private readonly simulator: ServiceSimulator,
    readonly account: WorldAccount,
    readonly region: string,
  ) {
    this.world = simulated.world;
  }

  section<T>(): T | undefined {
    const { account, simulator } = this;
    return (simulator.scope === 'global' ? account.global?.[simulator.service] : account.regions?.[this.region]?.[simulator.service]) as T | undefined;
  }

  sectionOf<T>(service: string, otherRegion?: string): T | undefined {
    const account = this.account;
    return (otherRegion === 'global' ? account.global?.[service] : (account.regions?.[otherRegion ?? this.region]?.[service] ?? account.global?.[service])) as
      T | undefined;
  }

  pageSize(requestedMax?: number, awsMax?: number): number {
    return Math.max(1, Math.min(this.world.behaviour?.pageSize ?? 100, requestedMax ?? Infinity, awsMax ?? Infinity));
  }

  notFound(errorName: string, message: string): never {
    throw this.simulated.error(errorName, 404, message);
  }
}
