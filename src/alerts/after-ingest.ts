import * as path from 'node:path';
import type { IngestResult } from '../ingest';
import { GraphIndex } from '../query';
import type { DeliveryOptions } from './actions';
import type { AlertsConfig } from './config';
import type { AlertRule } from './rules';
import type { AlertStateLocation } from './state';
import { runAlerts, type AlertRunSummary } from './run';

/** What a run's summary says of the alerts: the run summary without the list of every alert. */
export type AlertsOutcome = Omit<AlertRunSummary, 'alerts'> | { error: string };

/**
 * The alert rules on the graph a run just wrote (its snapshot is already on disk: this can neither
 * fail nor delay it). The state goes beside the snapshots. A failure here is reported, never thrown.
 */
export async function alertsAfterIngest(
  result: IngestResult,
  rules: readonly AlertRule[],
  config: AlertsConfig = {},
  delivery?: DeliveryOptions,
  /** Where the alert state is kept (default: beside the run's snapshot file). */
  stateLocation?: AlertStateLocation,
): Promise<AlertsOutcome | undefined> {
  if (config.enabled === false || rules.length === 0) return undefined;
  try {
    const snapshotPath = result.summary.snapshot.path;
    const index = GraphIndex.ofGraph(result.graph);
    const summary = await runAlerts({
      directory: stateLocation ?? path.dirname(path.dirname(snapshotPath)),
      snapshotPath,
      metadata: result.metadata,
      index,
      rules,
      config,
      delivery,
    });
    const { alerts: _all, ...outcome } = summary;
    return outcome;
  } catch (error) {
    return { error: `alert rules could not be evaluated: ${(error as Error).message}` };
  }
}
