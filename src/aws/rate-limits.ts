/**
 * AWS's request buckets, as the access layer paces calls against them, and the pacing itself.
 *
 * AWS throttles with token buckets: a bucket starts full, refills continuously and every request
 * takes one token or is throttled. A bucket belongs to an account, a region (or the whole account
 * for global services) and an action or a class of actions. The table below is the single place
 * where the ingester's idea of those buckets lives; the simulated AWS uses it too for services
 * whose simulator does not declare its own buckets.
 */

export interface BucketLimit {
  /** Tokens when full: the burst a fresh bucket allows. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface RateLimitRule {
  /** Service id as in IAM actions and in the simulated organization: `ec2`, `kms`. */
  service: string;
  /** The class of actions, named as AWS documents it (EC2's `non-mutating`). */
  actionClass: string;
  /** Operations of the class, by name or by pattern; all of the service's operations when absent. */
  operations?: RegExp | readonly string[];
  limit: BucketLimit;
  /** `region`: a bucket per account and region. `account`: one per account (global services). */
  scope: 'region' | 'account';
  /** A bucket per operation (EC2 throttles per action), or one shared by every operation of the class. */
  perOperation: boolean;
  /** Where the numbers come from. */
  source: string;
}

/**
 * The buckets of the engine's own calls (references §5): Organizations and STS. Each service module
 * declares its own rows (`rateLimits` in `services/<svc>/rate-limits.ts`) beside its collectors;
 * `services/index.ts` registers them all here when it loads, so adding a service never touches this
 * file. Where AWS publishes no per-second figure, a row is a conservative pace that says so.
 */
export const ENGINE_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'organizations',
    actionClass: 'all',
    limit: { capacity: 20, refillPerSecond: 10 },
    scope: 'account',
    perOperation: true,
    source: 'Organizations API throttling (about 10 requests per second)',
  },
  {
    service: 'sts',
    actionClass: 'all',
    limit: { capacity: 100, refillPerSecond: 20 },
    scope: 'account',
    perOperation: true,
    source: 'STS publishes no per-second quota (paced like EC2 non-mutating)',
  },
];

/** Services without a row: paced like EC2's non-mutating actions, per operation and region. */
export const DEFAULT_RATE_LIMIT: RateLimitRule = {
  service: '*',
  actionClass: 'default',
  limit: { capacity: 100, refillPerSecond: 20 },
  scope: 'region',
  perOperation: true,
  source: 'default: EC2 non-mutating bucket',
};

function matches(rule: RateLimitRule, operation: string): boolean {
  if (!rule.operations) return true;
  return rule.operations instanceof RegExp ? rule.operations.test(operation) : rule.operations.includes(operation);
}

const rulesByService = new Map<string, RateLimitRule[]>();

/** Adds rows to the table (services/index.ts registers every service module's rows). */
export function registerRateLimits(rules: readonly RateLimitRule[]): void {
  for (const rule of rules) {
    const rows = rulesByService.get(rule.service) ?? [];
    // Registering the same row twice (a module loaded by two import paths) must not reorder it.
    if (!rows.includes(rule)) rows.push(rule);
    rulesByService.set(rule.service, rows);
  }
}
registerRateLimits(ENGINE_RATE_LIMITS);

/** Every registered row, engine first, then services in registration order. */
export function rateLimitRules(): RateLimitRule[] {
  return [...rulesByService.values()].flat();
}

/** The rule of a call: the first row of the service whose operations include it. */
export function rateLimitRule(service: string, operation: string): RateLimitRule {
  for (const rule of rulesByService.get(service) ?? []) if (matches(rule, operation)) return rule;
  return DEFAULT_RATE_LIMIT;
}

/** Key of the bucket a call draws from: account, region (or `global`), service and action or class. */
export function bucketKey(accountId: string, region: string, service: string, operation: string, rule = rateLimitRule(service, operation)): string {
  const where = rule.scope === 'account' ? 'global' : region;
  return `${accountId}|${where}|${service}|${rule.perOperation ? operation : rule.actionClass}`;
}

/** Client service id from the SDK's client name (`EC2Client` -> `ec2`), as the accounting does. */
export function serviceOfClient(clientName: string | undefined): string {
  return (clientName ?? '').replace(/Client$/, '').toLowerCase();
}

/** Time and timers, injectable so that tests drive the pacer with a fake clock. */
export interface PacerClock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface PacerOptions {
  clock?: PacerClock;
  /**
   * Seconds of refill kept in reserve from the burst. A call reaches AWS a latency after it leaves
   * the pacer, and that latency varies; the reserve absorbs the variation (default 0.1 s, plus one
   * token).
   */
  reserveSeconds?: number;
  /** Lowest fraction of the bucket's refill that throttling can push the pace down to (default 0.1). */
  minimumFactor?: number;
  /** Fraction of the pace kept after a throttle (default 0.7): multiplicative decrease. */
  decrease?: number;
  /** Pace regained per successful call, as a fraction of the full refill (default 0.01): additive increase. */
  increase?: number;
}

export interface PacerStats {
  /** Tokens handed out. */
  granted: number;
  /** Calls that had to wait for a token. */
  waited: number;
  /** Throttles reported back by AWS. */
  throttled: number;
}

/**
 * One AWS bucket as the client sees it: the same capacity (less a small reserve) and refill, so
 * calls leave no faster than AWS refills. When AWS throttles anyway (another tool shares the bucket,
 * or the table is off), the pace drops multiplicatively and recovers additively with each success.
 * Waiting calls are served first come, first served.
 */
export class PacedBucket {
  readonly stats: PacerStats = { granted: 0, waited: 0, throttled: 0 };
  private readonly clock: PacerClock;
  private readonly capacity: number;
  private readonly minimumFactor: number;
  private readonly decrease: number;
  private readonly increase: number;
  private tokens: number;
  private updatedAt: number;
  private factor = 1;
  private lastDecreaseAt = -Infinity;
  private readonly waiters: Array<() => void> = [];
  private head = 0;
  private timer: unknown;

  constructor(
    readonly limit: BucketLimit,
    options: PacerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    const reserve = Math.min(Math.floor(limit.capacity / 2), Math.ceil(limit.refillPerSecond * (options.reserveSeconds ?? 0.1)) + 1);
    this.capacity = Math.max(1, limit.capacity - reserve);
    this.minimumFactor = options.minimumFactor ?? 0.1;
    this.decrease = options.decrease ?? 0.7;
    this.increase = options.increase ?? 0.01;
    this.tokens = this.capacity;
    this.updatedAt = this.clock.now();
  }

  /** Tokens per second the pacer hands out now. */
  get rate(): number {
    return this.limit.refillPerSecond * this.factor;
  }

  /** The burst the pacer allows when idle (the bucket's capacity less the reserve). */
  get burst(): number {
    return this.capacity;
  }

  /** Calls waiting for a token. */
  get queued(): number {
    return this.waiters.length - this.head;
  }

  /**
   * Takes a token: `undefined` when one was free and nobody was waiting (no promise, no tick), else
   * a promise that resolves when the caller's turn comes.
   */
  acquire(): Promise<void> | undefined {
    if (this.queued === 0) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        this.stats.granted++;
        return undefined;
      }
    }
    this.stats.waited++;
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  /** AWS throttled a call that this bucket let through: empty the bucket and slow down. */
  onThrottled(): void {
    this.stats.throttled++;
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
    const now = this.clock.now();
    // One decrease per refill period of the burst at most: several calls in flight are usually
    // throttled together, and that is one signal, not several.
    const period = Math.max(250, (1000 * this.capacity) / this.limit.refillPerSecond / 4);
    if (now - this.lastDecreaseAt >= period) {
      this.factor = Math.max(this.minimumFactor, this.factor * this.decrease);
      this.lastDecreaseAt = now;
    }
  }

  /** AWS answered a call: regain some pace. */
  onSuccess(): void {
    if (this.factor < 1) {
      this.refill();
      this.factor = Math.min(1, this.factor + this.increase);
    }
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
      this.updatedAt = now;
    }
  }

  private schedule(): void {
    if (this.timer !== undefined || this.queued === 0) return;
    this.refill();
    const delayMs = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.release();
    }, delayMs);
  }

  private release(): void {
    this.refill();
    while (this.tokens >= 1 && this.queued > 0) {
      this.tokens -= 1;
      this.stats.granted++;
      const resolve = this.waiters[this.head];
      this.waiters[this.head++] = noop;
      resolve();
    }
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
    this.schedule();
  }
}

function noop(): void {}

/** One account's buckets, and the pacer's lookup of them per client and command. */
interface AccountBuckets {
  readonly byKey: Map<string, PacedBucket>;
  /** Per client (the pacing plugin of one service and region), per command name. */
  readonly byCommand: Map<object, Map<string, PacedBucket>>;
}

/** Every bucket of one ingestion, created on first use from the table. */
export class RateLimiter {
  /** Buckets by account, so that an account's are dropped at once when its collection is over. */
  private readonly buckets = new Map<string, AccountBuckets>();
  /** Counters of the buckets released so far (the run's totals include them). */
  private readonly released = { granted: 0, waited: 0, throttled: 0, buckets: 0 };

  constructor(private readonly options: PacerOptions & { rules?: (service: string, operation: string) => RateLimitRule } = {}) {}

  /** The bucket a call of `operation` on `service` in this account and region draws from. */
  bucketFor(accountId: string, region: string, service: string, operation: string): PacedBucket {
    return this.bucketIn(this.accountBuckets(accountId), accountId, region, service, operation);
  }

  /**
   * The bucket of a command sent through one client (`client` is the caller's key: one service in
   * one region). The lookup is cached with the account's buckets, so that releasing the account
   * drops it too: a cache held by the client instead kept every account's buckets that the client
   * ever served (at 400 accounts, about 150 accounts' per worker).
   */
  bucketForCommand(accountId: string, client: object, region: string, clientName: string | undefined, commandName: string): PacedBucket {
    const account = this.accountBuckets(accountId);
    let commands = account.byCommand.get(client);
    if (!commands) account.byCommand.set(client, (commands = new Map()));
    let bucket = commands.get(commandName);
    if (!bucket) {
      bucket = this.bucketIn(account, accountId, region, serviceOfClient(clientName), commandName.replace(/Command$/, ''));
      commands.set(commandName, bucket);
    }
    return bucket;
  }

  private accountBuckets(accountId: string): AccountBuckets {
    let account = this.buckets.get(accountId);
    if (!account) this.buckets.set(accountId, (account = { byKey: new Map(), byCommand: new Map() }));
    return account;
  }

  private bucketIn(account: AccountBuckets, accountId: string, region: string, service: string, operation: string): PacedBucket {
    const rule = (this.options.rules ?? rateLimitRule)(service, operation);
    const key = bucketKey(accountId, region, service, operation, rule);
    let bucket = account.byKey.get(key);
    if (!bucket) account.byKey.set(key, (bucket = new PacedBucket(rule.limit, this.options)));
    return bucket;
  }

  /**
   * Drops an account's buckets once nothing more is called for it (hundreds per account: at 1,000
   * accounts they were a few hundred MB). A later call would start from a full bucket, as AWS's
   * would after the same pause.
   */
  release(accountId: string): void {
    const account = this.buckets.get(accountId);
    if (!account) return;
    for (const bucket of account.byKey.values()) {
      this.released.granted += bucket.stats.granted;
      this.released.waited += bucket.stats.waited;
      this.released.throttled += bucket.stats.throttled;
      this.released.buckets++;
    }
    this.buckets.delete(accountId);
  }

  /** Accounts whose buckets are held (diagnostics: released accounts are not). */
  heldAccounts(): string[] {
    return [...this.buckets.keys()];
  }

  /** Totals over every bucket. */
  stats(): PacerStats & { buckets: number } {
    const total = { ...this.released };
    for (const account of this.buckets.values()) {
      for (const bucket of account.byKey.values()) {
        total.granted += bucket.stats.granted;
        total.waited += bucket.stats.waited;
        total.throttled += bucket.stats.throttled;
        total.buckets++;
      }
    }
    return total;
  }
}
