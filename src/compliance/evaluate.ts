import type { CollectorDeclaration } from '../collectors/types';
import type { Entity, Relationship } from '../graph/types';
import { GraphIndex, parseQuery, runQuery, type ListResult, type Query } from '../query';
import { allCollectors } from '../services';
import { MAPPINGS_SERVICE } from '../analysis/mappings/collectors';
import type { CollectorRunRecord, SnapshotMetadata } from '../snapshot/format';
import type { AccountResult, ComplianceReport, Control, ControlInput, ControlResult, ControlStatus, EvidenceEntity, Framework, SectionScore } from './types';

/** What an evaluation reads: the graph (indexed once) and the run's metadata (collectors that ran). */
export interface ComplianceGraph {
  index: GraphIndex;
  metadata: Pick<SnapshotMetadata, 'accounts' | 'collectors' | 'endedAt'>;
}

export interface EvaluateOptions {
  /** Only these accounts (default: every account of the run). */
  accounts?: readonly string[];
  /** Evidence entities kept per control (default 50; counts are always complete). */
  maxEvidence?: number;
  /** Collector declarations that say which collector produces which type (default: this build's). */
  collectors?: readonly CollectorDeclaration[];
  /**
   * Results shared between evaluations of the same graph: mapping frameworks (CIS v6, v5) run
   * the checks of the framework they map onto once.
   */
  cache?: Map<string, ControlResult>;
}

/** Builds what {@link evaluateCompliance} reads from entities, relationships and metadata. */
export function complianceGraph(entities: readonly Entity[], relationships: readonly Relationship[], metadata: ComplianceGraph['metadata']): ComplianceGraph {
  return { index: new GraphIndex(entities, relationships), metadata };
}

const UNLIMITED = Number.MAX_SAFE_INTEGER;

function accountOf(entity: Entity): string | undefined {
  if (entity._accountId) return entity._accountId;
  return typeof entity.accountId === 'string' ? entity.accountId : undefined;
}

function evidenceOf(entity: Entity): EvidenceEntity {
  const region = entity._region && entity._region !== 'global' ? entity._region : typeof entity.region === 'string' ? entity.region : undefined;
  return {
    _key: entity._key,
    _type: entity._type,
    displayName: entity.displayName,
    accountId: accountOf(entity),
    ...(region ? { region } : {}),
    ...(entity._stale ? { stale: true as const } : {}),
  };
}

/** One control's problems with its input in one account. */
type InputProblems = Map<string, string[]>;

function addProblem(problems: InputProblems, accountId: string, reason: string): void {
  const list = problems.get(accountId) ?? [];
  if (!list.includes(reason)) list.push(reason);
  problems.set(accountId, list);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Evaluates controls against one graph; queries shared by controls run once. */
class Evaluation {
  private readonly now: number;
  private readonly inScope: Set<string>;
  private readonly collectors: readonly CollectorDeclaration[];
  private readonly runsByCollector = new Map<string, CollectorRunRecord[]>();
  private readonly queryCache = new Map<string, Entity[]>();
  private readonly maxEvidence: number;

  constructor(
    private readonly graph: ComplianceGraph,
    options: EvaluateOptions,
  ) {
    this.now = Date.parse(graph.metadata.endedAt) || Date.now();
    const all = graph.metadata.accounts.map((account) => account.accountId);
    this.inScope = new Set(options.accounts?.length ? all.filter((id) => options.accounts?.includes(id)) : all);
    this.maxEvidence = options.maxEvidence ?? 50;
    // Mapped stand-ins (foreign accounts, trusted principals) are not inputs: only the collectors that read a type from AWS produce it.
    this.collectors = (options.collectors ?? allCollectors()).filter((collector) => collector.service !== MAPPINGS_SERVICE);
    for (const run of graph.metadata.collectors) {
      const runs = this.runsByCollector.get(run.collector);
      if (runs) runs.push(run);
      else this.runsByCollector.set(run.collector, [run]);
    }
  }

  get accounts(): string[] {
    return [...this.inScope].sort();
  }

  /** Entities a query finds, ingested ones only, in the accounts evaluated. */
  private find(query: string): Entity[] {
    const cached = this.queryCache.get(query);
    if (cached) return cached;
    const parsed: Query = parseQuery(query);
    const result = runQuery(this.graph.index, parsed, { now: this.now, defaultLimit: UNLIMITED }) as ListResult;
    const found = result.data.filter((entity) => entity._source !== 'system-mapper' && this.inScope.has(accountOf(entity) ?? ''));
    this.queryCache.set(query, found);
    return found;
  }

  /**
   * Collectors an input depends on: those that declare its type, and those that set one of its
   * properties on another collector's entities (`enriches`: root-user facts on `aws_account`).
   */
  private producersOf(input: ControlInput): { declaring: string[]; enriching: string[] } {
    const declaring = this.collectors.filter((collector) => collector.entities.some((entity) => entity._type === input.type)).map((collector) => collector.id);
    const wanted = (input.properties ?? []).map((name) => name.replace('{region}', '*'));
    const enriching = this.collectors
      .filter((collector) =>
        (collector.enriches ?? []).some((enrichment) => enrichment._type === input.type && enrichment.properties.some((name) => wanted.includes(name))),
      )
      .map((collector) => collector.id);
    return { declaring, enriching };
  }

  /** Per account, why this control's input cannot be trusted (not collected, stale, incomplete). */
  private inputProblems(control: Control, global: string[]): InputProblems {
    const problems: InputProblems = new Map();
    for (const input of control.inputs) {
      const { declaring, enriching } = this.producersOf(input);
      const producers = [...new Set([...declaring, ...enriching])];
      const source = input.source ? ` (${input.source})` : '';
      if (declaring.length === 0) {
        global.push(`input not collected: ${input.type}${source}: no collector produces it`);
        continue;
      }
      const runs = producers.flatMap((id) => this.runsByCollector.get(id) ?? []);
      // Each group (declaring, enriching) must have run: an entity without the facts another collector adds is not the input.
      const groups = [declaring, enriching].filter((group) => group.length > 0);
      const notRun = groups.find((group) => group.every((id) => !this.runsByCollector.has(id)));
      if (notRun) {
        global.push(
          `input not collected: ${input.type}${(input.properties ?? []).length ? ` (${(input.properties ?? []).join(', ')})` : ''}: collector ${notRun.join(', ')} did not run`,
        );
        continue;
      }
      for (const accountId of this.inScope) {
        const here = runs.filter((run) => run.accountId === accountId);
        const missingGroup = groups.find((group) => !here.some((run) => group.includes(run.collector)));
        if (missingGroup) {
          addProblem(problems, accountId, `input not collected: ${input.type}: collector ${missingGroup.join(', ')} did not run in ${accountId}`);
          continue;
        }
        for (const run of here) {
          if (run.status === 'failed' || run.status === 'skipped') {
            addProblem(problems, accountId, `input stale: ${input.type}: collector ${run.collector} ${run.status} in ${accountId}/${run.region}`);
          }
        }
      }
      this.checkEntities(input, enriching.length ? runs.filter((run) => enriching.includes(run.collector)) : runs, problems);
    }
    return problems;
  }

  /** Stale entities of an input type, and entities missing a property the control needs. */
  private checkEntities(input: ControlInput, runs: CollectorRunRecord[], problems: InputProblems): void {
    const entities = this.find(input.where ? `FIND ${input.type} WITH ${input.where}` : `FIND ${input.type}`);
    const properties = input.properties ?? [];
    const stale = new Map<string, number>();
    const missing = new Map<string, Map<string, number>>();
    const regionsByAccount = new Map<string, string[]>();
    for (const run of runs) {
      if (run.region === 'global' || run.region === '*') continue;
      if (run.status !== 'succeeded' && run.status !== 'partial') continue;
      const regions = regionsByAccount.get(run.accountId);
      if (regions) regions.push(run.region);
      else regionsByAccount.set(run.accountId, [run.region]);
    }
    for (const entity of entities) {
      const accountId = accountOf(entity) ?? '';
      if (entity._stale) stale.set(accountId, (stale.get(accountId) ?? 0) + 1);
      const staleProperties = entity._staleProperties;
      for (const template of properties) {
        const names = template.includes('{region}')
          ? (regionsByAccount.get(accountId) ?? []).map((region) => template.replace('{region}', region))
          : [template];
        for (const name of names) {
          const value = entity[name];
          const absent = value === undefined || value === null;
          if (absent || staleProperties?.includes(name)) {
            const label = absent ? `lack ${name}` : `carry a stale ${name}`;
            const counts = missing.get(accountId) ?? new Map<string, number>();
            counts.set(label, (counts.get(label) ?? 0) + 1);
            missing.set(accountId, counts);
          }
        }
      }
    }
    for (const [accountId, count] of stale) {
      addProblem(problems, accountId, `input stale: ${plural(count, input.type)} in ${accountId} carried from the previous snapshot (their collector failed)`);
    }
    for (const [accountId, counts] of missing) {
      for (const [label, count] of counts) addProblem(problems, accountId, `input incomplete: ${plural(count, input.type)} in ${accountId} ${label}`);
    }
  }

  /** Failing evidence of a control per the rule, and reasons for count failures per account. */
  private failing(control: Control): { evidence: Entity[]; countFailures: Map<string, string> } {
    const countFailures = new Map<string, string>();
    const found = new Map<string, Entity>();
    for (const query of control.queries) {
      const excluded = query.except ? new Set(this.find(query.except).map((entity) => entity._key)) : undefined;
      for (const entity of this.find(query.query)) if (!excluded?.has(entity._key)) found.set(entity._key, entity);
    }
    const rule = control.rule;
    if (rule.kind === 'no-rows') return { evidence: [...found.values()], countFailures };
    if (rule.kind === 'every') {
      const keyOf = (entity: Entity) => JSON.stringify(rule.match.map((name) => entity[name] ?? null));
      const satisfied = new Set([...found.values()].map(keyOf));
      return { evidence: this.find(rule.every).filter((entity) => !satisfied.has(keyOf(entity))), countFailures };
    }
    const perAccount = new Map<string, Entity[]>();
    for (const entity of found.values()) {
      const accountId = accountOf(entity) ?? '';
      const list = perAccount.get(accountId);
      if (list) list.push(entity);
      else perAccount.set(accountId, [entity]);
    }
    const evidence: Entity[] = [];
    for (const accountId of this.inScope) {
      const entities = perAccount.get(accountId) ?? [];
      if (rule.min !== undefined && entities.length < rule.min)
        countFailures.set(accountId, `${accountId}: found ${entities.length}, at least ${rule.min} required`);
      if (rule.max !== undefined && entities.length > rule.max) {
        countFailures.set(accountId, `${accountId}: found ${entities.length}, at most ${rule.max} allowed`);
        evidence.push(...entities);
      }
    }
    return { evidence, countFailures };
  }

  evaluate(control: Control): ControlResult {
    const base = {
      id: control.id,
      section: control.section,
      title: control.title,
      mode: control.mode,
      ...(control.level !== undefined ? { level: control.level } : {}),
      ...(control.guidance ? { guidance: control.guidance } : {}),
      ...(control.checkedBy ? { checkedBy: control.checkedBy } : {}),
    };
    if (control.mode === 'manual' && control.queries.length === 0) {
      return { ...base, status: 'MANUAL', reasons: [], evidence: [], evidenceTotal: 0, accounts: [] };
    }
    const global: string[] = [];
    const problems = this.inputProblems(control, global);
    const { evidence, countFailures } = global.length ? { evidence: [], countFailures: new Map<string, string>() } : this.failing(control);
    const failingByAccount = new Map<string, number>();
    for (const entity of evidence) if (!entity._stale) failingByAccount.set(accountOf(entity) ?? '', (failingByAccount.get(accountOf(entity) ?? '') ?? 0) + 1);

    const accounts: AccountResult[] = this.accounts.map((accountId) => {
      const failing = failingByAccount.get(accountId) ?? 0;
      const countFailure = countFailures.get(accountId);
      if (global.length) return { accountId, status: 'NOT_EVALUATED', failing: 0, reasons: global };
      if (failing > 0 || countFailure) return { accountId, status: 'FAIL', failing, ...(countFailure ? { reasons: [countFailure] } : {}) };
      const reasons = problems.get(accountId);
      if (reasons?.length) return { accountId, status: 'NOT_EVALUATED', failing: 0, reasons };
      return { accountId, status: 'PASS', failing: 0 };
    });

    let status: ControlStatus;
    if (control.mode === 'manual') status = 'MANUAL';
    else if (accounts.length === 0) status = 'NOT_EVALUATED';
    else if (accounts.some((account) => account.status === 'FAIL')) status = 'FAIL';
    else if (accounts.some((account) => account.status === 'NOT_EVALUATED')) status = 'NOT_EVALUATED';
    else status = 'PASS';

    const reasons =
      accounts.length === 0
        ? ['no account in scope']
        : global.length
          ? global
          : [...new Set(accounts.flatMap((account) => (account.status === status || control.mode === 'manual' ? (account.reasons ?? []) : [])))];
    // By account, then key (code-unit order: localeCompare is too slow for 100,000s of entities).
    const sorted = evidence
      .map((entity) => ({ order: `${accountOf(entity) ?? ''}\u0000${entity._key}`, entity }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
      .map(({ entity }) => entity);
    return {
      ...base,
      status,
      reasons,
      evidence: sorted.slice(0, this.maxEvidence).map(evidenceOf),
      evidenceTotal: evidence.length,
      accounts,
    };
  }
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

function score(results: readonly ControlResult[]): Omit<SectionScore, 'id' | 'title'> {
  const count = (status: ControlStatus) => results.filter((result) => result.status === status).length;
  const pass = count('PASS');
  const fail = count('FAIL');
  const notEvaluated = count('NOT_EVALUATED');
  return { pass, fail, notEvaluated, manual: count('MANUAL'), score: percent(pass, pass + fail), coverage: percent(pass + fail, pass + fail + notEvaluated) };
}

function cacheKey(framework: Framework, control: Control, accounts: readonly string[]): string {
  const owner = control.checkedBy ?? { framework: framework.id, control: control.id };
  return `${owner.framework}\u0000${owner.control}\u0000${accounts.join(',')}`;
}

/**
 * Evaluates a framework on a graph: per control PASS, FAIL, NOT_EVALUATED (with the reason) or
 * MANUAL, with evidence and per-account results, then scores per section and overall.
 */
export function evaluateCompliance(graph: ComplianceGraph, framework: Framework, options: EvaluateOptions = {}): ComplianceReport {
  const evaluation = new Evaluation(graph, options);
  const accounts = evaluation.accounts;
  const controls = framework.controls.map((control) => {
    const key = cacheKey(framework, control, accounts);
    const cached = options.cache?.get(key);
    const result = cached ?? evaluation.evaluate(control);
    if (!cached) options.cache?.set(key, result);
    // A mapped control reports under its own id, title and section.
    if (!cached) return result;
    const { checkedBy: _owner, level: _level, ...shared } = result;
    return {
      ...shared,
      id: control.id,
      section: control.section,
      title: control.title,
      ...(control.level !== undefined ? { level: control.level } : {}),
      ...(control.checkedBy ? { checkedBy: control.checkedBy } : {}),
    };
  });
  const sections = framework.sections.map((section) => ({
    id: section.id,
    title: section.title,
    ...score(controls.filter((result) => result.section === section.id)),
  }));
  return {
    framework: { id: framework.id, title: framework.title, ...(framework.version ? { version: framework.version } : {}) },
    evaluatedAt: new Date(Date.parse(graph.metadata.endedAt) || Date.now()).toISOString(),
    accounts,
    controls,
    sections,
    overall: score(controls),
    failing: controls.filter((result) => result.status === 'FAIL').map((result) => result.id),
  };
}
