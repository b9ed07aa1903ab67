/**
 * How `orggraph watch` applies a batch: over the latest snapshot, the resources its events name
 * read one by one where their collectors can, else those collectors (and the ones that read their
 * output) run again in the events' accounts and regions; when that cannot be done (the account
 * collector, no intact snapshot, a failed read), a narrowed run of the collectors' services. Each
 * writes a snapshot with a full run's graph.
 */
import { ingest, type IngestOptions, type IngestResult } from '../ingest';
import { narrowedConfig } from './refresh';
import { refreshableByResource, refreshableOverSnapshot, refreshOverSnapshot, ResourceRefreshUnavailable } from './resource-refresh';
import type { RefreshScope } from './route';

export interface AppliedRefresh {
  result: IngestResult;
  /**
   * `resource`: only the named resources were read; `collector`: some collectors were run again in
   * the events' scopes; `narrowed`: a narrowed run of their services.
   */
  mode: 'resource' | 'collector' | 'narrowed';
  /** Why a batch that could be refreshed over the snapshot was not (a failed read, no previous snapshot). */
  fallback?: string;
}

/** Refreshes what a batch's scope names and writes the snapshot (the caller holds the store lock). */
export async function applyRefresh(options: IngestOptions, scope: RefreshScope): Promise<AppliedRefresh> {
  let fallback: string | undefined;
  if (refreshableOverSnapshot(scope)) {
    try {
      const result = await refreshOverSnapshot(options, scope);
      return { result, mode: refreshableByResource(scope) ? 'resource' : 'collector' };
    } catch (error) {
      if (!(error instanceof ResourceRefreshUnavailable)) throw error;
      fallback = error.message;
    }
  }
  const result = await ingest({ ...options, config: narrowedConfig(options.config, scope) });
  return { result, mode: 'narrowed', ...(fallback ? { fallback } : {}) };
}
