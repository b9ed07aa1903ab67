/**
 * The report's alert section from the alert state kept beside the snapshots (`alert-state.json`,
 * written after each ingestion and by `orggraph alerts`): one row per rule and status.
 */
import * as path from 'node:path';
import { readAlertState, type AlertRecord, type AlertStateLocation } from '../alerts/state';
import type { AlertInput } from './inputs';

export function alertInputs(records: readonly AlertRecord[]): AlertInput[] {
  const rows = new Map<string, AlertInput>();
  for (const record of records) {
    const id = `${record.rule}\u0000${record.status}`;
    let row = rows.get(id);
    if (!row) {
      row = {
        rule: record.rule,
        title: record.pack ? `${record.rule} (${record.pack})` : record.rule,
        level: record.alertLevel,
        state: record.status,
        evidenceKeys: [],
      };
      rows.set(id, row);
    }
    if (record.evidence._key) row.evidenceKeys.push(record.evidence._key);
  }
  return [...rows.values()];
}

/**
 * The alerts of `snapshotFile` from its store's state, or undefined when the state was written for
 * another snapshot (or there is none): the report then says alerts were not evaluated.
 */
export async function storedAlertsFor(snapshotFile: string, directory: AlertStateLocation): Promise<AlertInput[] | undefined> {
  const state = await readAlertState(directory).catch(() => undefined);
  if (!state || state.snapshot.name !== path.basename(snapshotFile)) return undefined;
  return alertInputs(state.alerts);
}
