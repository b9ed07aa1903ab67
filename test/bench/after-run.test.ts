import test from 'ava';
import { measure, type IngestBenchCase } from '../../bench/ingest.bench';

// The ingestion benchmark measures what `orggraph ingest` runs after `ingest()` too (issue 22): the
// graph read back from the snapshot, compliance and the default alert packs, as a phase of its own.
const benchCase: IngestBenchCase = { accounts: 16, regions: 2, resources: 2, latencyMs: 0, mix: 'realistic', seed: 7, floor: false, workers: 2 };

test('the benchmark runs compliance and alerts on the graph it read back, as orggraph ingest does, and measures them apart', async (t) => {
  const measured = await measure(benchCase);
  t.is(measured.graphKept, 'disk');
  t.is(measured.errors, 0);
  const after = measured.afterRun;
  if (!after) return t.fail('no after-run measurement');
  t.true(after.readMs > 0 && after.readMs <= after.wallMs);
  t.true(after.cpuMs > 0);
  t.regex(after.compliance[0] ?? '', /^cis-aws-7\.0: [\d.]+% \(coverage \d+%\), \d+ PASS, \d+ FAIL/);
  t.true((after.alertRules ?? 0) >= 50, `${after.alertRules} rules`);
  t.is(after.alertErrors, 0);
  t.true(Object.keys(measured.memory?.rssByPhaseMb ?? {}).includes('compliance and alerts'));

  const ingestOnly = await measure({ ...benchCase, ingestOnly: true });
  t.is(ingestOnly.afterRun, undefined);
  t.is(ingestOnly.entities, measured.entities);
});
