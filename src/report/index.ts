/**
 * `orggraph report`: one self-contained HTML file about a snapshot (overview, health, changes,
 * compliance, alerts, and a graph explorer).
 *
 * ```ts
 * const { html } = await buildReport({ snapshotFile, retained: await store.list(), inputs });
 * ```
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AlertStateLocation } from '../alerts/state';
import type { SnapshotMetadata } from '../snapshot/format';
import { readSnapshot } from '../snapshot/reader';
import { writeFileAtomic } from '../snapshot/writer';
import { storedAlertsFor } from './alerts';
import { evaluateForReport } from './compliance';
import { encodeGraph } from './graph-data';
import { renderReport } from './html';
import type { ReportInputs } from './inputs';
import { buildModel, type ReportModel } from './model';
import { DEFAULT_SAVED_QUERIES, type SavedQuery } from './saved-queries';

export * from './inputs';
export type { ReportModel } from './model';
export { DEFAULT_SAVED_QUERIES, type SavedQuery } from './saved-queries';

export interface BuildReportOptions {
  snapshotFile: string;
  /** Retained snapshots of the same store (for the trend and the previous snapshot); default: none. */
  retained?: string[];
  inputs?: ReportInputs;
  savedQueries?: readonly SavedQuery[];
  title?: string;
  now?: () => Date;
  /** Frameworks to evaluate on the snapshot for the compliance section, unless `inputs` has one. */
  frameworks?: readonly string[];
  /** The store (directory, or database store) whose alert state feeds the alerts section, unless `inputs` has alerts. */
  alertStateDirectory?: AlertStateLocation;
  /** Metadata of retained snapshots that are not files (a database store's), for the trend only. */
  retainedMetadata?: ReadonlyArray<{ name: string; metadata: SnapshotMetadata }>;
}

export interface BuiltReport {
  html: string;
  model: ReportModel;
  stats: { entities: number; relationships: number; bytes: number; indexBytes: number; propertyBytes: number };
}

export async function buildReport(options: BuildReportOptions): Promise<BuiltReport> {
  const snapshot = await readSnapshot(options.snapshotFile);
  let inputs: ReportInputs | undefined = options.inputs;
  if (!inputs?.compliance && options.frameworks?.length) inputs = { ...inputs, compliance: evaluateForReport(snapshot, options.frameworks) };
  if (!inputs?.alerts && options.alertStateDirectory) {
    const alerts = await storedAlertsFor(options.snapshotFile, options.alertStateDirectory);
    if (alerts) inputs = { ...inputs, alerts };
  }
  const model = await buildModel({
    snapshot,
    snapshotFile: options.snapshotFile,
    retained: options.retained ?? [],
    retainedMetadata: options.retainedMetadata,
    inputs,
    savedQueries: options.savedQueries ?? DEFAULT_SAVED_QUERIES,
    now: options.now,
  });
  const graph = encodeGraph(snapshot.entities, snapshot.relationships);
  const html = renderReport(model, graph, { title: options.title });
  return { html, model, stats: { ...graph.stats, bytes: Buffer.byteLength(html) } };
}

/** Builds the report and writes it atomically (a reader never sees half a report). */
export async function writeReport(out: string, options: BuildReportOptions): Promise<BuiltReport> {
  const built = await buildReport(options);
  await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFileAtomic(out, built.html);
  return built;
}
