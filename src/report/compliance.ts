/**
 * The report's compliance section from the compliance engine: frameworks evaluated on the
 * snapshot being reported, unless the caller supplied results of its own (`--inputs`).
 */
import { complianceGraph, evaluateCompliance, requireFramework, type ComplianceReport, type ControlResult } from '../compliance';
import type { Snapshot } from '../snapshot/format';
import type { ComplianceInput } from './inputs';

/** Evidence keys kept per control: enough to open as a subgraph, bounded so the file stays small. */
export const REPORT_EVIDENCE_PER_CONTROL = 200;

function reasonOf(control: ControlResult): string | undefined {
  if (control.status === 'MANUAL') return control.guidance;
  return control.reasons.length ? control.reasons.join('; ') : undefined;
}

export function complianceInput(report: ComplianceReport): ComplianceInput {
  return {
    framework: report.framework.id,
    title: report.framework.title,
    controls: report.controls.map((control) => {
      const reason = reasonOf(control);
      return {
        id: control.id,
        title: control.title,
        section: control.section,
        status: control.status,
        ...(reason ? { reason } : {}),
        evidenceKeys: control.evidence.map((evidence) => evidence._key),
      };
    }),
  };
}

/** Evaluates each framework (ids as `orggraph compliance --framework` takes them) on the snapshot. */
export function evaluateForReport(snapshot: Pick<Snapshot, 'entities' | 'relationships' | 'metadata'>, frameworks: readonly string[]): ComplianceInput[] {
  if (!frameworks.length) return [];
  const graph = complianceGraph(snapshot.entities, snapshot.relationships, snapshot.metadata);
  const cache = new Map<string, ControlResult>();
  return frameworks.map((id) => complianceInput(evaluateCompliance(graph, requireFramework(id), { cache, maxEvidence: REPORT_EVIDENCE_PER_CONTROL })));
}
