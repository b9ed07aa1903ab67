import { GraphStore } from '../graph';
import type { SnapshotMetadata } from '../snapshot/format';
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
