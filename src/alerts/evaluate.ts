import { performance } from 'node:perf_hooks';
import type { Entity } from '../graph';
import { runQuery, QueryError, type GraphIndex, type QueryResult } from '../query';
import type { AlertLevel, DeliveryAction } from './config';
import type { AlertRule, RuleAction } from './rules';
import { evaluateCondition, renderTemplate, TemplateError, type Scope } from './template';

/** What an alert is about: an entity (list queries) or a row (queries that RETURN columns). */
export interface AlertEvidence {
  /** Identifies the evidence within its rule: the entity's `_key`, or the row's canonical JSON. */
  key: string;
  query: string;
  _key?: string;
  _type?: string;
  _accountId?: string;
  displayName?: string;
  row?: Record<string, unknown>;
}

export interface RuleEvaluation {
  rule: AlertRule;
  /** Whether a CREATE_ALERT action ran. */
  fired: boolean;
  alertLevel: AlertLevel;
  /** `total` of each query. */
  totals: Record<string, number>;
  evidence: AlertEvidence[];
  /** More matched than the evidence limit keeps. */
  evidenceTruncated: boolean;
  /** SNS and SQS actions of the operations whose condition held. */
  deliveries: DeliveryAction[];
  error?: string;
  durationMs: number;
}

export interface EvaluateOptions {
  /** The clock of `date.now` in queries (epoch ms): the snapshot's time, so evaluations repeat. */
  now: number;
  /** Evidence kept per query (default 5,000). */
  evidenceLimit?: number;
}

export const DEFAULT_EVIDENCE_LIMIT = 5000;

function canonical(row: Record<string, unknown>): string {
  return JSON.stringify(row, Object.keys(row).sort());
}

function evidenceOf(queryName: string, result: QueryResult, limit: number): AlertEvidence[] {
  if (result.type === 'list') {
    return (result.data as Entity[]).slice(0, limit).map((entity) => ({
      key: entity._key,
      query: queryName,
      _key: entity._key,
      _type: entity._type,
      ...(entity._accountId !== undefined ? { _accountId: entity._accountId } : {}),
      ...(typeof entity.displayName === 'string' ? { displayName: entity.displayName } : {}),
    }));
  }
  if (result.type === 'table' || result.type === 'aggregate') {
    return (result.data as Array<Record<string, unknown>>).slice(0, limit).map((row) => ({ key: canonical(row), query: queryName, row }));
  }
  // A tree: one piece of evidence for the whole answer.
  return [{ key: queryName, query: queryName }];
}

/**
 * Runs one rule as JupiterOne does: every query, then each operation whose `when` holds, in order
 * (`SET_PROPERTY` sets a value later templates and the alert see, `CREATE_ALERT` raises the alert).
 * A query or template that fails is the rule's `error`, not the end of the evaluation.
 */
export function evaluateRule(index: GraphIndex, rule: AlertRule, options: EvaluateOptions): RuleEvaluation {
  const started = performance.now();
  const limit = options.evidenceLimit ?? DEFAULT_EVIDENCE_LIMIT;
  const evaluation: RuleEvaluation = {
    rule,
    fired: false,
    alertLevel: rule.alertLevel,
    totals: {},
    evidence: [],
    evidenceTruncated: false,
    deliveries: [],
    durationMs: 0,
  };
  try {
    const queries: Record<string, { total: number; data: unknown[] }> = {};
    const evidence: AlertEvidence[] = [];
    rule.parsed.forEach((query, queryIndex) => {
      const name = rule.queries[queryIndex].name;
      const result = runQuery(index, query, { now: options.now, defaultLimit: limit, params: rule.params });
      queries[name] = { total: result.total, data: result.data as unknown[] };
      evaluation.totals[name] = result.total;
      if (result.total > 0) evidence.push(...evidenceOf(name, result, limit));
      if (result.type !== 'tree' && result.total > Math.min(limit, result.data.length)) evaluation.evidenceTruncated = true;
    });
    const scope: Scope = { queries };
    for (const operation of rule.operations) {
      const whens =
        Array.isArray(operation.when) && operation.when.every((item) => item && typeof item === 'object' && !Array.isArray(item))
          ? operation.when
          : [operation.when];
      const holds = whens.every((when) => when === undefined || evaluateCondition((when as { condition?: unknown }).condition, scope));
      if (!holds) continue;
      for (const action of operation.actions) apply(action, scope, evaluation);
    }
    const level = scope.alertLevel;
    if (typeof level === 'string' && ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(level)) evaluation.alertLevel = level as AlertLevel;
    if (evaluation.fired) evaluation.evidence = dedupe(evidence);
  } catch (error) {
    if (!(error instanceof QueryError || error instanceof TemplateError)) throw error;
    evaluation.error = error.message;
    evaluation.fired = false;
  }
  evaluation.durationMs = performance.now() - started;
  return evaluation;
}

function apply(action: RuleAction, scope: Scope, evaluation: RuleEvaluation): void {
  switch (action.type) {
    case 'SET_PROPERTY': {
      const value = typeof action.targetValue === 'string' ? renderTemplate(action.targetValue, scope) : action.targetValue;
      scope[action.targetProperty as string] = value;
      break;
    }
    case 'CREATE_ALERT':
      evaluation.fired = true;
      break;
    case 'SEND_SNS_NOTIFICATION':
    case 'SEND_SQS_MESSAGE':
      evaluation.deliveries.push(action as unknown as DeliveryAction);
      break;
    default:
      break;
  }
}

function dedupe(evidence: AlertEvidence[]): AlertEvidence[] {
  const seen = new Set<string>();
  const unique: AlertEvidence[] = [];
  for (const item of evidence) {
    // The same entity found by two queries of a rule is one alert.
    if (seen.has(item.key)) continue;
    seen.add(item.key);
    unique.push(item);
  }
  return unique;
}

/** Every rule, one after the other, on one index. */
export function evaluateRules(index: GraphIndex, rules: readonly AlertRule[], options: EvaluateOptions): RuleEvaluation[] {
  return rules.map((rule) => evaluateRule(index, rule, options));
}
