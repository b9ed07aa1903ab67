/**
 * The `report` option of the GraphSnapshot resource: after each ingestion, the HTML report of the
 * new snapshot is written next to it (`snapshots/<name>.html` beside `snapshots/<name>.json`),
 * locally or in the S3 store. A report that cannot be written is a warning: the snapshot and the
 * update stand.
 */
import * as path from 'node:path';
import type { Logger } from '../src/collectors/types';
import { DEFAULT_FRAMEWORK } from '../src/compliance';
import { writeReport } from '../src/report';
import type { S3SnapshotStore } from '../src/snapshot/remote';
import { SnapshotStore } from '../src/snapshot/store';

/** Where the report of a snapshot goes: the same name, `.html`. */
export function reportPathOf(snapshotFile: string): string {
  return path.join(path.dirname(snapshotFile), `${path.basename(snapshotFile, '.json')}.html`);
}

/**
 * Writes the report of `snapshotFile` (in the local store `directory`; for an S3 store, the local
 * staging copy, which holds the previous snapshot too) and uploads it when `remote` is given.
 * Returns its location, or undefined when it could not be written (after a warning).
 */
export async function writeSnapshotReport(snapshotFile: string, directory: string, logger: Logger, remote?: S3SnapshotStore): Promise<string | undefined> {
  const file = reportPathOf(snapshotFile);
  try {
    await writeReport(file, {
      snapshotFile,
      retained: await new SnapshotStore(directory).list(),
      frameworks: [DEFAULT_FRAMEWORK],
      alertStateDirectory: directory,
    });
    if (!remote) return file;
    return (await remote.pushFile(file, `snapshots/${path.basename(file)}`, 'text/html; charset=utf-8')).uri;
  } catch (error) {
    logger.warn(`the report of ${path.basename(snapshotFile)} could not be written (${(error as Error).message}); the snapshot is stored`);
    return undefined;
  }
}
