/**
 * How `orggraph watch` applies a batch: the resources its events name read one by one when every
 * event allows it, else a narrowed run of the collectors' services in the events' accounts and
 * regions. Both write a snapshot with a full run's graph.
 */
import { ingest, type IngestOptions, type IngestResult } from '../ingest';
import { narrowedConfig } from './refresh';
import { refreshableByResource, refreshResources, ResourceRefreshUnavailable } from './resource-refresh';
import type { RefreshScope } from './route';

export interface AppliedRefresh {
  result: IngestResult;
  /** `resource`: the named resources were read alone; `collector`: a narrowed run. */
  mode: 'resource' | 'collector';
  /** Why a batch whose resources could be read alone was not (a failed read, no previous snapshot). */
  fallback?: string;
}

/** Refreshes what a batch's scope names and writes the snapshot (the caller holds the store lock). */
export async function applyRefresh(options: IngestOptions, scope: RefreshScope): Promise<AppliedRefresh> {
  let fallback: string | undefined;
  if (refreshableByResource(scope)) {
    try {
      return { result: await refreshResources(options, scope), mode: 'resource' };
    } catch (error) {
      if (!(error instanceof ResourceRefreshUnavailable)) throw error;
      fallback = error.message;
    }
  }
  const result = await ingest({ ...options, config: narrowedConfig(options.config, scope) });
  return { result, mode: 'collector', ...(fallback ? { fallback } : {}) };
}
