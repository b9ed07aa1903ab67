/**
 * Compliance as data: frameworks (YAML files) of controls with J1QL checks, evaluated on a graph.
 *
 * ```ts
 * const framework = requireFramework('cis-aws-7.0');              // or loadFrameworkFile(path)
 * const report = evaluateCompliance(complianceGraph(entities, relationships, metadata), framework);
 * report.controls.filter((control) => control.status === 'FAIL');
 * ```
 */
export * from './types';
export { complianceGraph, evaluateCompliance, type ComplianceGraph, type EvaluateOptions } from './evaluate';
export { builtinFramework, builtinFrameworkIds, DEFAULT_FRAMEWORK, FrameworkError, loadFrameworkFile, parseFramework, requireFramework } from './load';
export { complianceLine, formatComplianceReport, formatComplianceTable } from './format';
export { complianceSummary, formatComplianceLines, runCompliance, type ComplianceSummary } from './summary';
