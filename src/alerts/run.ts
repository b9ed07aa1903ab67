import { performance } from 'node:perf_hooks';
import type { GraphIndex } from '../query';
import type { SnapshotMetadata } from '../snapshot';
import { deliverAlerts, type DeliveryOptions, type DeliveryReport } from './actions';
import { ALERT_LEVELS, type AlertLevel, type AlertsConfig, type AlertStatus, type DeliveryAction } from './config';
import { evaluateRules } from './evaluate';
import type { AlertRule } from './rules';
import { snapshotName } from '../store/types';
import { openBefore, readAlertState, transition, writeAlertState, type AlertRecord, type AlertStateLocation, type SnapshotRef } from './state';

/** How many new alerts a summary names (all are in the state file and `orggraph alerts --json`). */
export const NEW_ALERTS_LISTED = 20;

export interface AlertRunSummary {
  snapshot: SnapshotRef;
  rules: number;
  /** Rules that raised alerts. */
  firing: number;
  /** Rules that could not be evaluated (bad query for this graph, template error). */
  errors: Array<{ rule: string; message: string }>;
  counts: Record<AlertStatus, number>;
  /** Open alerts (NEW and ONGOING) by level. */
  openByLevel: Record<AlertLevel, number>;
  /** NEW alerts by level. */
  newByLevel: Record<AlertLevel, number>;
  /** The first new alerts, highest level first. */
  new: Array<{ rule: string; alertLevel: AlertLevel; key: string; displayName?: string }>;
  /** Every alert of this snapshot, with its status. */
  alerts: AlertRecord[];
  delivery?: DeliveryReport;
  evaluateMs: number;
}

export interface AlertRunOptions {
  /** Where the state is kept: the snapshot directory (beside the snapshots), or the graph's store. */
  directory: AlertStateLocation;
  snapshotPath: string;
  metadata: SnapshotMetadata;
  index: GraphIndex;
  rules: readonly AlertRule[];
  config?: AlertsConfig;
  /** Send to the actions (default true). */
  deliver?: boolean;
  delivery?: DeliveryOptions;
}

const byLevel = (): Record<AlertLevel, number> => ({ INFO: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 });

/**
 * Evaluates the rules on a snapshot, moves the alert state on (NEW, ONGOING, RESOLVED against the
 * state stored for the snapshot before), stores it atomically beside the snapshots, then delivers
 * to the actions. Runs after the snapshot is written: nothing here can fail or delay that write.
 */
export async function runAlerts(options: AlertRunOptions): Promise<AlertRunSummary> {
  const { metadata } = options;
  const snapshot: SnapshotRef = { name: snapshotName(options.snapshotPath), graphSha256: metadata.graphSha256, endedAt: metadata.endedAt };
  const started = performance.now();
  // `date.now` in the queries is the snapshot's time: evaluating a snapshot again gives the same answer.
  const evaluations = evaluateRules(options.index, options.rules, { now: Date.parse(metadata.endedAt), evidenceLimit: options.config?.evidenceLimit });
  const evaluateMs = performance.now() - started;
  const state = await readAlertState(options.directory);
  const baseline = openBefore(state, snapshot);
  const alerts = transition(baseline, evaluations, snapshot);
  await writeAlertState(options.directory, { format: 'aws-org-graph.alert-state/1', snapshot, alerts, baseline });

  const counts: Record<AlertStatus, number> = { NEW: 0, ONGOING: 0, RESOLVED: 0 };
  const openByLevel = byLevel();
  const newByLevel = byLevel();
  for (const alert of alerts) {
    counts[alert.status]++;
    if (alert.status !== 'RESOLVED') openByLevel[alert.alertLevel]++;
    if (alert.status === 'NEW') newByLevel[alert.alertLevel]++;
  }
  const rank = (level: AlertLevel) => ALERT_LEVELS.indexOf(level);
  const fresh = alerts
    .filter((alert) => alert.status === 'NEW')
    .sort((a, b) => rank(b.alertLevel) - rank(a.alertLevel) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.evidence.key < b.evidence.key ? -1 : 1))
    .slice(0, NEW_ALERTS_LISTED)
    .map((alert) => ({
      rule: alert.rule,
      alertLevel: alert.alertLevel,
      key: alert.evidence.key,
      ...(alert.evidence.displayName ? { displayName: alert.evidence.displayName } : {}),
    }));
  const summary: AlertRunSummary = {
    snapshot,
    rules: evaluations.length,
    firing: evaluations.filter((evaluation) => evaluation.fired).length,
    errors: evaluations.filter((evaluation) => evaluation.error).map((evaluation) => ({ rule: evaluation.rule.name, message: evaluation.error as string })),
    counts,
    openByLevel,
    newByLevel,
    new: fresh,
    alerts,
    evaluateMs: Math.round(evaluateMs),
  };

  const global = options.config?.actions ?? [];
  const ruleActions = new Map<string, DeliveryAction[]>(options.rules.map((rule) => [rule.name, rule.deliveries]));
  const actionsOf = (rule: string) => [...global, ...(ruleActions.get(rule) ?? [])];
  if (options.deliver !== false && options.rules.some((rule) => actionsOf(rule.name).length > 0)) {
    const info = new Map(options.rules.map((rule) => [rule.name, { description: rule.description, pack: rule.pack }]));
    summary.delivery = await deliverAlerts(alerts, actionsOf, info, snapshot, options.delivery);
  }
  return summary;
}

/** The one-line form the CLI prints. */
export function formatAlertCounts(summary: AlertRunSummary): string {
  const levels = [...ALERT_LEVELS]
    .reverse()
    .filter((level) => summary.openByLevel[level] > 0)
    .map((level) => `${summary.openByLevel[level]} ${level}`);
  const delivery = summary.delivery
    ? `; sent ${summary.delivery.delivered}/${summary.delivery.messages} message(s)${summary.delivery.failed ? `, ${summary.delivery.failed} FAILED` : ''}`
    : '';
  const errors = summary.errors.length ? `; ${summary.errors.length} rule(s) could not be evaluated` : '';
  return `${summary.counts.NEW} new, ${summary.counts.ONGOING} ongoing, ${summary.counts.RESOLVED} resolved (open: ${levels.join(', ') || 'none'}) from ${summary.rules} rules${errors}${delivery}`;
}
