import { tmpdir } from 'node:os';
import { GraphStore, SpilledGraph } from '../graph';
import { FileStorage } from '../store/files';
import { boundHeapGrowth } from '../parallel/memory';
import { selectCollectors } from '../services';
import type { CollectorRunRecord, RunError } from '../snapshot';
import { carryForwardPrevious } from './carry-forward';
import { collectionFactory, finishCollection, PendingCollection } from './collect';
import { discoverAccounts } from './discovery';
import { setUpRun } from './preflight';
import type { CollectorScope, IngestOptions, IngestResult } from './types';
import { writeSnapshot } from './write';

// One ingestion run, in its phases: preflight (inputs checked, access set up), discovery (accounts
// and regions), collect, carry-forward (what could not be refreshed) and write.
export { TOOL } from '../version';
export { fastRetryStrategy } from '../sim/retry';
export { carryForward } from './carry-forward';
export { WITHHELD, workerCount } from './collect';
export { preflight } from './preflight';
export { runScope, type RunScope } from './scope';
export type { CollectorScope, IngestEvent, IngestOptions, IngestProgress, IngestResult, IngestSummary } from './types';
export { IngestError } from './types';
export { summarize } from './write';

/**
 * One ingestion run: accounts, regions, collectors, carry-forward of what could not be refreshed,
 * snapshot, changes since the previous snapshot. The snapshot store is only written when at least
 * one collector succeeded, so a run that reached nothing never replaces a good snapshot.
 */
export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const run = await setUpRun(options);
  const { config, access, logger } = run;
  const errors: RunError[] = [];
  const failedScopes: CollectorScope[] = [];
  const records: CollectorRunRecord[] = [];
  let collection: PendingCollection | undefined;
  let spilled: SpilledGraph | undefined;

  try {
    const collectors = options.collectors ?? selectCollectors(config.services, { people: run.people });
    let graph = new GraphStore();
    // A store that takes objects in key order can be written from a graph kept on disk, when worker
    // threads collect: the parent then adds only finished objects. Collectors in this thread may
    // change an entity after adding it, so a run in one thread (a small organization, or
    // `workers: 1`) keeps its graph in memory.
    const graphFor = (workers: number): GraphStore => {
      if (workers > 1 && options.spill && run.store.writeOrdered && !spilled) {
        graph = spilled = new SpilledGraph(run.store instanceof FileStorage ? run.store.directory : tmpdir());
        // A run whose memory matters: no heap of this process grows to several times what it holds live.
        boundHeapGrowth();
        logger.info("keeping the organization's graph on disk while the run builds it");
      }
      return graph;
    };
    collection = new PendingCollection(collectionFactory(run, options, graphFor, collectors));
    const discovery = await discoverAccounts({ config, access, logger, options, errors, failedScopes, collection });
    const { collected, unfinishedScopes } = await finishCollection(discovery.running, { records, errors, failedScopes });
    const { read, notRefreshed, scope } = await carryForwardPrevious({
      config,
      graph,
      collectors,
      collected,
      failedScopes,
      unfinishedScopes,
      reachable: discovery.reachable,
      previousSnapshots: run.previousSnapshots,
      store: run.store,
      errors,
      logger,
    });
    return await writeSnapshot({ ...run, ...discovery, options, graph, read, collected, records, errors, notRefreshed, scope });
  } catch (error) {
    // Nothing of this run is in the store (the write is its last step that can fail): a database
    // store carries this shard's accounts forward.
    await run.store.fail?.((error as Error).message).catch((failure: Error) => logger.warn(`the store could not record the failed run: ${failure.message}`));
    throw error;
  } finally {
    // After a failure, no worker thread may outlive the run.
    collection?.current?.abandon();
    access.destroy();
    // The temporary files of a graph on disk go, written or not.
    spilled?.close();
  }
}
