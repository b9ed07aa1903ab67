import { GraphStore, type Entity, type Relationship } from '../graph';
import { scanSnapshotObjects } from '../snapshot/reader';
import type { SnapshotMetadata } from '../snapshot/format';
import type { IngestResult } from '../ingest/types';
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
 * their sum. Only the objects are read: the run holds the metadata, whose line is 150 MB at 1,000
 * accounts. Not verified against its `graphSha256`: this process wrote it a moment ago. `store` is
 * where it was written (by default, the file the result names).
 */
export async function graphInMemory(result: IngestResult, store?: GraphStorage): Promise<IngestResult> {
  if (result.graphKept === 'memory') return result;
  const graph = new GraphStore();
  const visitor = {
    entity: (entity: Entity) => void graph.addEntity(entity),
    relationship: (relationship: Relationship) => void graph.addRelationship(relationship),
  };
  const file = result.summary.snapshot.path;
  await (store ? store.scanObjects({ id: file }, visitor) : scanSnapshotObjects(file, visitor));
  return { ...result, graph, graphKept: 'memory' };
}
