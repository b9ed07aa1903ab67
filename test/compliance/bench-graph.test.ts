import test from 'ava';
import { generateCisGraph } from '../../bench/compliance.bench';
import { complianceGraph, evaluateCompliance, requireFramework } from '../../src/compliance';

/** The benchmark's generated organization stays meaningful: every collected CIS check finds something to judge. */
test('the compliance benchmark graph (small) is evaluated with failures in every section the graph holds', (t) => {
  const graph = generateCisGraph(20_000);
  const report = evaluateCompliance(complianceGraph(graph.entities, graph.relationships, graph.metadata), requireFramework('cis-aws-7.0'));
  t.is(report.overall.notEvaluated, 9, 'only the controls whose types no collector produces');
  t.true(report.overall.fail >= 18, JSON.stringify(report.failing));
  for (const section of ['2', '3', '4', '6'])
    t.true(
      report.failing.some((id) => id.startsWith(`${section}.`)),
      section,
    );
});
