import type { Entity, Relationship } from '../graph/types';
import { GraphIndex } from '../query';
import { complianceGraph, evaluateCompliance, type ComplianceGraph } from './evaluate';
import { complianceLine } from './format';
import { DEFAULT_FRAMEWORK, requireFramework } from './load';
import type { ControlResult, Framework } from './types';

/** What run summaries (CLI ingest, Pulumi outputs) show per framework. */
export interface ComplianceSummary {
  framework: string;
  /** PASS / (PASS + FAIL) in percent; null when no control could be evaluated. */
  score: number | null;
  coverage: number | null;
  pass: number;
  fail: number;
  notEvaluated: number;
  /** Ids of the failing controls. */
  failing: string[];
  /** One line of text, as the CLI prints it. */
  line: string;
}

/**
 * Evaluates frameworks (default: the newest CIS) on a run's graph and keeps the summary. Mapping
 * frameworks share the checks' results, so asking for CIS v7, v6 and v5 runs each check once.
 */
export function complianceSummary(
  graph: ComplianceGraph | { entities: readonly Entity[]; relationships: readonly Relationship[]; metadata: ComplianceGraph['metadata'] },
  frameworks: ReadonlyArray<string | Framework> = [DEFAULT_FRAMEWORK],
): ComplianceSummary[] {
  const indexed = 'index' in graph ? graph : complianceGraph(graph.entities, graph.relationships, graph.metadata);
  const cache = new Map<string, ControlResult>();
  return frameworks.map((framework) => {
    const report = evaluateCompliance(indexed, typeof framework === 'string' ? requireFramework(framework) : framework, { cache, maxEvidence: 0 });
    return {
      framework: report.framework.id,
      score: report.overall.score,
      coverage: report.overall.coverage,
      pass: report.overall.pass,
      fail: report.overall.fail,
      notEvaluated: report.overall.notEvaluated,
      failing: report.failing,
      line: complianceLine(report),
    };
  });
}

/**
 * Compliance of an ingestion's result (`ingest()`'s graph and metadata), for the CLI summary and
 * the Pulumi outputs. A framework that cannot be evaluated is reported, never fatal to the run.
 */
export function runCompliance(
  result: { graph: { allEntities(): Iterable<Entity>; allRelationships(): Iterable<Relationship> }; metadata: ComplianceGraph['metadata'] },
  frameworks: ReadonlyArray<string | Framework> = [DEFAULT_FRAMEWORK],
): ComplianceSummary[] | { error: string } {
  try {
    return complianceSummary({ index: GraphIndex.ofGraph(result.graph), metadata: result.metadata }, frameworks);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** `Compliance` lines of the CLI's run summary. */
export function formatComplianceLines(compliance: ComplianceSummary[] | { error: string }): string {
  if (!Array.isArray(compliance)) return `Compliance not evaluated: ${compliance.error}\n`;
  return compliance.map((summary) => `Compliance ${summary.line}\n`).join('');
}
