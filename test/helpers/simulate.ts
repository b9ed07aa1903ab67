import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { builtinWorldText } from '../../src/sim/world';
import { builtinFragments, loadSimulatedWorld } from '../../src/sim/load-world';
import { ingest, type IngestOptions, type IngestResult } from '../../src/ingest';
import type { World } from '../../src/sim/types';
import { validateEntity, validateRelationship, type ValidationIssue, type GraphStore } from '../../src/graph';

export function temporaryDirectory(prefix = 'orggraph-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A fresh, mutable copy of the built-in simulated organization. */
export function builtinWorld(): World {
  return loadSimulatedWorld(true);
}

/** The built-in world as plain data, before validation (to build bad variants). */
export function builtinWorldData(): World {
  return parse(builtinWorldText(builtinFragments())) as World;
}

/** Runs an ingestion against a world into a temporary (or given) snapshot directory. */
export async function simulate(world: World, options: Partial<IngestOptions> & { outputDir?: string } = {}): Promise<IngestResult> {
  const { outputDir, config, ...rest } = options;
  return ingest({ simulate: world, config: { outputDir: outputDir ?? temporaryDirectory(), ...config }, ...rest });
}

/** Data-model issues of every entity and relationship in a graph. */
export function graphIssues(graph: GraphStore): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const entity of graph.allEntities()) issues.push(...validateEntity(entity));
  for (const relationship of graph.allRelationships()) issues.push(...validateRelationship(relationship));
  return issues;
}
