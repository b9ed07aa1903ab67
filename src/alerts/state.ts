import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../snapshot';
import type { DocumentStore } from '../store/types';
import type { AlertLevel, AlertStatus } from './config';
import type { AlertEvidence, RuleEvaluation } from './evaluate';

export const ALERT_STATE_FORMAT = 'aws-org-graph.alert-state/1';
export const ALERT_STATE_FILE = 'alert-state.json';

/** One alert: a rule and one piece of its evidence, with its status for a snapshot. */
export interface AlertRecord {
  rule: string;
  pack: string;
  alertLevel: AlertLevel;
  status: AlertStatus;
  /** `endedAt` of the snapshot that first raised it. */
  firstSeenOn: string;
  /** `endedAt` of the last snapshot that raised it (RESOLVED: the last one before it stopped). */
  lastSeenOn: string;
  /** RESOLVED: the snapshot that no longer raised it. */
  resolvedOn?: string;
  evidence: AlertEvidence;
}

export interface SnapshotRef {
  /** Snapshot file name (in `snapshots/`). */
  name: string;
  graphSha256: string;
  endedAt: string;
}

/**
 * What is kept beside the snapshots: the alerts of the last snapshot evaluated, and the open alerts
 * before it (so that evaluating the same snapshot again gives the same statuses).
 */
export interface AlertState {
  format: typeof ALERT_STATE_FORMAT;
  snapshot: SnapshotRef;
  alerts: AlertRecord[];
  baseline: AlertRecord[];
}

export function alertStateFile(directory: string): string {
  return path.join(directory, ALERT_STATE_FILE);
}

/**
 * Where the alert state is kept: a snapshot directory (the file beside the snapshots), or the
 * graph's store (a PostgreSQL store keeps it in its database).
 */
export type AlertStateLocation = string | DocumentStore;

/** The stored state, or undefined when there is none yet (or it is not ours: it is then replaced). */
export async function readAlertState(location: AlertStateLocation): Promise<AlertState | undefined> {
  let text: string | undefined;
  if (typeof location !== 'string') {
    text = await location.readDocument(ALERT_STATE_FILE);
    if (text === undefined) return undefined;
  } else {
    try {
      text = await fs.readFile(alertStateFile(location), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
  try {
    const state = JSON.parse(text) as AlertState;
    return state.format === ALERT_STATE_FORMAT && Array.isArray(state.alerts) ? state : undefined;
  } catch {
    return undefined;
  }
}

export async function writeAlertState(location: AlertStateLocation, state: AlertState): Promise<void> {
  const text = `${JSON.stringify(state)}\n`;
  if (typeof location !== 'string') await location.writeDocument(ALERT_STATE_FILE, text);
  else await writeFileAtomic(alertStateFile(location), text);
}

const identity = (rule: string, key: string) => `${rule}\u0000${key}`;

/** The alerts that were open before `snapshot`: the stored ones, or their baseline when the same snapshot is evaluated again. */
export function openBefore(state: AlertState | undefined, snapshot: SnapshotRef): AlertRecord[] {
  if (!state) return [];
  if (state.snapshot.name === snapshot.name && state.snapshot.graphSha256 === snapshot.graphSha256) return state.baseline;
  return state.alerts.filter((alert) => alert.status !== 'RESOLVED');
}

/**
 * Statuses of this snapshot's alerts against the open ones before it: raised and not open before is
 * NEW, raised and open is ONGOING (keeping when it was first seen), open and no longer raised is
 * RESOLVED. A rule that could not be evaluated keeps its open alerts as they were; alerts of rules
 * no longer evaluated at all are dropped.
 */
export function transition(baseline: readonly AlertRecord[], evaluations: readonly RuleEvaluation[], snapshot: SnapshotRef): AlertRecord[] {
  const open = new Map(baseline.map((alert) => [identity(alert.rule, alert.evidence.key), alert]));
  const evaluated = new Map(evaluations.map((evaluation) => [evaluation.rule.name, evaluation]));
  const alerts: AlertRecord[] = [];
  const raised = new Set<string>();
  for (const evaluation of evaluations) {
    if (evaluation.error) continue;
    if (!evaluation.fired) continue;
    for (const evidence of evaluation.evidence) {
      const id = identity(evaluation.rule.name, evidence.key);
      raised.add(id);
      const before = open.get(id);
      alerts.push({
        rule: evaluation.rule.name,
        pack: evaluation.rule.pack,
        alertLevel: evaluation.alertLevel,
        status: before ? 'ONGOING' : 'NEW',
        firstSeenOn: before ? before.firstSeenOn : snapshot.endedAt,
        lastSeenOn: snapshot.endedAt,
        evidence,
      });
    }
  }
  for (const [id, alert] of open) {
    if (raised.has(id)) continue;
    const evaluation = evaluated.get(alert.rule);
    if (!evaluation) continue;
    // Truncated evidence says nothing about what it left out: those alerts stay open.
    if (evaluation.error || (evaluation.fired && evaluation.evidenceTruncated)) alerts.push({ ...alert, status: 'ONGOING' });
    else alerts.push({ ...alert, status: 'RESOLVED', resolvedOn: snapshot.endedAt });
  }
  return alerts.sort((a, b) => (a.rule === b.rule ? (a.evidence.key < b.evidence.key ? -1 : 1) : a.rule < b.rule ? -1 : 1));
}
