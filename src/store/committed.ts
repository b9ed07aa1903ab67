import { GraphStore } from '../graph';
import type { SnapshotMetadata } from '../snapshot/format';
import type { IngestResult } from '../ingest/types';
import { scanSnapshot } from '../snapshot/reader';
import type { GraphStorage } from './types';

/**
 * The whole graph of the snapshot a sharded run just committed, with its merged metadata, read
 * back from the store: the run itself saw only its shard's accounts, and compliance, alerts and
 * saved questions answer for the whole graph.
 */
export async function committedGraph(store: GraphStorage): Promise<{ graph: GraphStore; metadata: SnapshotMetadata }> {
  const latest = await store.latest();
  if (!latest) throw new Error(`the committed snapshot cannot be found in ${store.description}`);
  const snapshot = await store.read(latest);
  const graph = new GraphStore();
  for (const entity of snapshot.entities) graph.addEntity(entity);
  for (const relationship of snapshot.relationships) graph.addRelationship(relationship);
  return { graph, metadata: snapshot.metadata };
}

/**
 * The run's graph in memory, for what reads it after the write (compliance, alerts): a run that
 * kept its graph on disk (`spill`) reads it back from the snapshot it just wrote. The workers and
 * the run's own state are gone by then, so a large run's peak is the larger of the two phases, not
 * their sum. Not verified against its `graphSha256`: this process wrote it a moment ago. `store`
 * is where it was written (needed when that is not a directory of files).
 */
export async function graphInMemory(result: IngestResult, store?: GraphStorage): Promise<IngestResult> {
  if (result.graphKept === 'memory') return result;
  const graph = new GraphStore();
  if (store && store.kind !== 'files') {
    // Not a file: the store reads its snapshot back (a PostgreSQL store's rows of it).
    const snapshot = await store.read({ id: result.summary.snapshot.path });
    for (const entity of snapshot.entities) graph.addEntity(entity);
    for (const relationship of snapshot.relationships) graph.addRelationship(relationship);
    return { ...result, graph, graphKept: 'memory' };
  }
  await scanSnapshot(
    result.summary.snapshot.path,
    {
      entity: (entity) => {
        graph.addEntity(entity);
      },
      relationship: (relationship) => {
        graph.addRelationship(relationship);
      },
    },
    { verify: false },
  );
  return { ...result, graph, graphKept: 'memory' };
}
