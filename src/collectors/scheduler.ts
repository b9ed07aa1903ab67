/**
 * The runner's scheduling policy: in which order ready tasks start (fair across accounts, regions
 * and services; tasks that others wait for first) and how many run at once (as many as keep the
 * event loop responsive, since the AWS buckets themselves are paced by the access layer).
 */

interface FairNode<T> {
  children?: Map<string, FairNode<T>>;
  /** Keys of the children that hold items, in round-robin order. */
  active: string[];
  cursor: number;
  items: T[];
  head: number;
  size: number;
}

function fairNode<T>(): FairNode<T> {
  return { active: [], cursor: 0, items: [], head: 0, size: 0 };
}

/**
 * A queue served round-robin at every level of a path: with paths `[account, region, service]`,
 * consecutive `shift()`s go to different accounts; within an account, to different regions; within
 * a region, to different services. Items of one path come out in insertion order. A path that
 * empties leaves the rotation; one that fills again joins at the end of it.
 */
export class FairQueue<T> {
  private readonly root = fairNode<T>();

  constructor(readonly depth: number) {}

  get size(): number {
    return this.root.size;
  }

  push(path: readonly string[], item: T): void {
    if (path.length !== this.depth) throw new Error(`FairQueue: expected a path of ${this.depth} keys, got ${path.length}`);
    let node = this.root;
    for (const key of path) {
      node.size++;
      node.children ??= new Map();
      let child = node.children.get(key);
      if (!child) node.children.set(key, (child = fairNode<T>()));
      if (child.size === 0) node.active.push(key);
      node = child;
    }
    node.size++;
    node.items.push(item);
  }

  /** The first key of the path the next `shift()` serves (its account). */
  peekKey(): string | undefined {
    const root = this.root;
    if (!root.size) return undefined;
    return root.active[root.cursor >= root.active.length ? 0 : root.cursor];
  }

  shift(): T | undefined {
    if (this.root.size === 0) return undefined;
    let node = this.root;
    while (node.children) {
      node.size--;
      if (node.cursor >= node.active.length) node.cursor = 0;
      const key = node.active[node.cursor];
      const child = node.children.get(key) as FairNode<T>;
      if (child.size === 1) {
        // The child empties: it leaves the rotation, and the cursor already points at the next one.
        node.active.splice(node.cursor, 1);
      } else {
        node.cursor++;
      }
      node = child;
    }
    node.size--;
    const item = node.items[node.head];
    node.items[node.head++] = undefined as T;
    if (node.head === node.items.length) {
      node.items.length = 0;
      node.head = 0;
    }
    return item;
  }
}

/**
 * Fair queues per class (one class per collector), served by priority: the class with the highest
 * priority that has work goes first. Among classes of equal priority, the one whose next task is in
 * the account served least recently goes next (so consecutive starts go to different accounts), then
 * the class served least recently (so collectors of equal priority take turns). Within a class,
 * round-robin over the path: accounts, then regions. Priorities may change while tasks wait (see
 * {@link CriticalPath}): they are read at every `shift()`.
 */
export class TaskQueue<T> {
  private readonly classes = new Map<string, { queue: FairQueue<T>; servedAt: number }>();
  /**
   * The classes with waiting tasks, in the order they first had one: a large run has hundreds of
   * classes and starts a task hundreds of thousands of times, so `shift` looks only at these.
   * (Ties between classes never served go to the first one; a class leaves this set only once
   * served, so the order among those is the classes' order.)
   */
  private readonly waiting = new Map<string, { queue: FairQueue<T>; servedAt: number }>();
  private readonly accountServedAt = new Map<string, number>();
  private count = 0;
  private served = 0;

  constructor(
    private readonly depth: number,
    private readonly priority: (taskClass: string) => number = () => 0,
  ) {}

  get size(): number {
    return this.count;
  }

  push(taskClass: string, path: readonly string[], item: T): void {
    let entry = this.classes.get(taskClass);
    if (!entry) this.classes.set(taskClass, (entry = { queue: new FairQueue<T>(this.depth), servedAt: -1 }));
    entry.queue.push(path, item);
    this.waiting.set(taskClass, entry);
    this.count++;
  }

  shift(): T | undefined {
    let best: { queue: FairQueue<T>; servedAt: number } | undefined;
    let bestClass = '';
    let bestPriority = -Infinity;
    let bestAccountAt = Infinity;
    for (const [taskClass, entry] of this.waiting) {
      const priority = this.priority(taskClass);
      if (best && priority < bestPriority) continue;
      const accountAt = this.accountServedAt.get(entry.queue.peekKey() as string) ?? -1;
      if (!best || priority > bestPriority || accountAt < bestAccountAt || (accountAt === bestAccountAt && entry.servedAt < best.servedAt)) {
        best = entry;
        bestClass = taskClass;
        bestPriority = priority;
        bestAccountAt = accountAt;
      }
    }
    if (!best) return undefined;
    this.accountServedAt.set(best.queue.peekKey() as string, this.served);
    best.servedAt = this.served++;
    this.count--;
    const item = best.queue.shift();
    if (!best.queue.size) this.waiting.delete(bestClass);
    return item;
  }
}

/**
 * Critical-path priorities of collectors: a collector's priority is the time from its start to the
 * end of the longest chain of collectors that wait for it (its own duration plus that of its
 * longest-running dependents, the "bottom level" of list scheduling). Durations are learned while
 * the run goes (the mean of the collector's finished tasks); before any task of a collector has
 * finished, its duration is guessed from how many API actions it declares and its scope. Tasks on
 * the longest chains start first, so the run does not end with a long chain that started late.
 */
export class CriticalPath {
  private readonly dependents = new Map<string, string[]>();
  private readonly dependencies = new Map<string, readonly string[]>();
  /** Declarations with a cycle (reported by checkDeclarations): every change recomputes all levels. */
  private cyclic = false;
  private readonly estimates = new Map<string, { total: number; count: number; prior: number }>();
  private levels = new Map<string, number>();
  /** Per collector, the highest level of its dependents (its level less its own duration). */
  private longest = new Map<string, number>();
  /** {@link level} of each collector, computed with the levels (read at every task start, for every class). */
  private classes = new Map<string, number>();

  constructor(collectors: ReadonlyArray<{ id: string; dependsOn: readonly string[]; permissions?: readonly string[]; scope?: 'global' | 'regional' }>) {
    for (const collector of collectors) {
      // The guess: 50 ms per declared action (one call each at least) plus 50; four times that for a
      // global collector, whose one task covers the whole account's resources of its kind.
      const prior = 50 * (1 + (collector.permissions?.length ?? 0)) * (collector.scope === 'global' ? 4 : 1);
      this.estimates.set(collector.id, { total: 0, count: 0, prior });
      this.dependencies.set(collector.id, collector.dependsOn);
      for (const dependency of collector.dependsOn) this.dependents.set(dependency, [...(this.dependents.get(dependency) ?? []), collector.id]);
    }
    this.recompute();
  }

  /** The collector's priority: estimated ms from its start to the end of its longest chain of dependents. */
  of(collectorId: string): number {
    return this.levels.get(collectorId) ?? 0;
  }

  /**
   * The priority class: critical paths within a factor of 1.5 of each other share one, and those
   * under 100 ms (a couple of calls) all share the lowest, so that small differences between
   * collectors never outweigh the fairness between accounts.
   */
  level(collectorId: string): number {
    return this.classes.get(collectorId) ?? 0;
  }

  /** Learns from a finished task of the collector. */
  record(collectorId: string, durationMs: number): void {
    const estimate = this.estimates.get(collectorId);
    if (!estimate) return;
    estimate.total += durationMs;
    estimate.count++;
    if (this.cyclic) this.recompute();
    else this.propagate(collectorId);
  }

  /**
   * A collector's duration changed: its level and those of what it depends on (transitively) are
   * computed again, and nothing else (a full recompute at every finished task was 2% of a large
   * run's CPU). The same levels as {@link recompute}: on an acyclic graph each is its duration plus
   * its dependents' highest, and a level that changes passes the change on.
   */
  private propagate(collectorId: string): void {
    const changed = [collectorId];
    for (let id = changed.pop(); id !== undefined; id = changed.pop()) {
      let longest = 0;
      for (const dependent of this.dependents.get(id) ?? []) longest = Math.max(longest, this.levels.get(dependent) ?? 0);
      this.longest.set(id, longest);
      const before = this.levels.get(id) ?? 0;
      const value = this.duration(id) + longest;
      if (value === before) continue;
      this.levels.set(id, value);
      this.classes.set(id, levelClass(value));
      for (const dependency of this.dependencies.get(id) ?? []) {
        const through = this.longest.get(dependency);
        // Its longest chain changes only if this one now exceeds it, or was it and got shorter: the
        // collectors most depend on (the account's) have hundreds of dependents, not read again each time.
        if (through !== undefined && (value > through || before >= through)) changed.push(dependency);
      }
    }
  }

  private duration(collectorId: string): number {
    const estimate = this.estimates.get(collectorId);
    if (!estimate) return 0;
    return estimate.count ? estimate.total / estimate.count : estimate.prior;
  }

  private recompute(): void {
    const levels = new Map<string, number>();
    const longestOf = new Map<string, number>();
    const visiting = new Set<string>();
    const level = (id: string): number => {
      const known = levels.get(id);
      if (known !== undefined) return known;
      if (visiting.has(id)) {
        this.cyclic = true; // reported by checkDeclarations
        return 0;
      }
      visiting.add(id);
      let longest = 0;
      for (const dependent of this.dependents.get(id) ?? []) longest = Math.max(longest, level(dependent));
      visiting.delete(id);
      const value = this.duration(id) + longest;
      longestOf.set(id, longest);
      levels.set(id, value);
      return value;
    };
    for (const id of this.estimates.keys()) level(id);
    this.levels = levels;
    this.longest = longestOf;
    const classes = new Map<string, number>();
    for (const [id, ms] of levels) classes.set(id, levelClass(ms));
    this.classes = classes;
  }
}

/** The priority class of a critical path (see {@link CriticalPath.level}). */
function levelClass(ms: number): number {
  return ms <= 100 ? 0 : 1 + Math.floor(Math.log(ms / 100) / Math.log(1.5));
}

/** How many tasks may run at once. */
export interface Admission {
  /** The current limit. */
  readonly limit: number;
  /**
   * Starts adapting. `onChange` is called when the limit may have grown; `load` tells how many
   * tasks run and how many wait to start.
   */
  start(onChange: () => void, load: () => { running: number; waiting: number }): void;
  stop(): void;
}

/** A fixed number of tasks at once (the `concurrency` setting). */
export function fixedAdmission(limit: number): Admission {
  const value = Math.max(1, Math.floor(limit));
  return { limit: value, start: () => undefined, stop: () => undefined };
}

export interface LoopLagAdmissionOptions {
  /** Tasks admitted at first (default 128). */
  initial?: number;
  /** Never fewer (default 16). */
  min?: number;
  /** Never more, whatever the event loop says (default 4096): a bound on memory. */
  max?: number;
  /** Sampling period, ms (default 100). */
  periodMs?: number;
  /** Utilization under which the limit grows when it holds tasks back (default 0.9). */
  growBelow?: number;
  /** Utilization over which the limit eases off (default 0.98). */
  easeAbove?: number;
  /** Smoothed lag over which the limit shrinks whatever the utilization, ms (default 500). */
  shrinkAboveMs?: number;
}

/** What the controller sees at each sample. */
export interface LoopSample {
  /** Delay of the sampling timer beyond its period, ms. */
  lagMs: number;
  /** Fraction of the period the event loop was busy (0..1). */
  utilization: number;
}

/**
 * Admits tasks while the process has CPU to spare. The access layer paces every AWS bucket, so tasks
 * that wait for their buckets cost nothing and more of them can start. The process itself is the
 * other bottleneck: once its event loop is saturated, more tasks in flight only make every call wait
 * longer for the CPU (and long chains of calls, pagination and per-resource calls, slow down for
 * nothing). So the limit grows while the loop has idle time and the limit is what holds tasks back,
 * eases off slowly while the loop is saturated (probing for the point where it just stays busy), and
 * shrinks fast only when the loop lags badly. Utilization, not lag, is the main signal: with many
 * calls completing at once, one turn of the loop can take long without anything being wrong.
 */
export class LoopLagAdmission implements Admission {
  private value: number;
  private readonly min: number;
  private readonly max: number;
  private readonly periodMs: number;
  private readonly growBelow: number;
  private readonly easeAbove: number;
  private readonly shrinkAboveMs: number;
  private smoothedLag = 0;
  private timer?: NodeJS.Timeout;
  /** Largest lag seen, ms (for reports). */
  maxLagMs = 0;
  /** Highest limit reached. */
  peak = 0;

  constructor(options: LoopLagAdmissionOptions = {}) {
    this.min = Math.max(1, options.min ?? 16);
    this.max = Math.max(this.min, options.max ?? 4096);
    this.value = Math.min(this.max, Math.max(this.min, options.initial ?? 128));
    this.peak = this.value;
    this.periodMs = options.periodMs ?? 100;
    this.growBelow = options.growBelow ?? 0.9;
    this.easeAbove = options.easeAbove ?? 0.98;
    this.shrinkAboveMs = options.shrinkAboveMs ?? 500;
  }

  get limit(): number {
    return this.value;
  }

  start(onChange: () => void, load: () => { running: number; waiting: number }): void {
    let last = performance.now();
    let utilization = performance.eventLoopUtilization();
    this.timer = setInterval(() => {
      const now = performance.now();
      const lagMs = Math.max(0, now - last - this.periodMs);
      last = now;
      const current = performance.eventLoopUtilization();
      const sample = { lagMs, utilization: performance.eventLoopUtilization(current, utilization).utilization };
      utilization = current;
      this.adjust(sample, load());
      onChange();
    }, this.periodMs);
    this.timer.unref();
  }

  /** One step of the controller (exposed for tests). */
  adjust(sample: LoopSample, load: { running: number; waiting: number }): void {
    this.maxLagMs = Math.max(this.maxLagMs, sample.lagMs);
    this.smoothedLag = 0.7 * this.smoothedLag + 0.3 * sample.lagMs;
    const heldBack = load.waiting > 0 && load.running >= this.value;
    if (this.smoothedLag > this.shrinkAboveMs) {
      this.value = Math.max(this.min, Math.floor(this.value * 0.8));
    } else if (sample.utilization < this.growBelow) {
      if (heldBack) this.value = Math.min(this.max, Math.ceil(this.value * (sample.utilization < 0.5 ? 1.5 : 1.2)) + 1);
    } else if (sample.utilization > this.easeAbove && load.running <= this.value) {
      this.value = Math.max(this.min, Math.floor(this.value * 0.95));
    }
    this.peak = Math.max(this.peak, this.value);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
