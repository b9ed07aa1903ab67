// Counts the API calls of a generated organization's ingestion per operation and per service, beside
// the entities each service produced (issue 22: fewer calls as well as cheaper ones). One thread, no
// latency, no throttling, so it takes seconds. Usage:
//   node --import tsx scripts/count-calls.ts [accounts=10] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingest } from '../src/ingest';
import { allSimulators, awsServices } from '../src/services';
import { generateWorld } from '../src/sim/generate';
import { onSimulatedAwsCreated, type SimulatedAws } from '../src/sim/simulator';

async function main(): Promise<void> {
  const accounts = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 10);
  const world = generateWorld({ accounts, regions: 16, resourcesPerRegion: 20, mix: 'realistic', latencyMs: 0, throttling: false, seed: 42 }, allSimulators());
  let simulated: SimulatedAws | undefined;
  const stop = onSimulatedAwsCreated((created) => (simulated = created));
  const outputDir = mkdtempSync(path.join(tmpdir(), 'orggraph-calls-'));
  try {
    const { summary } = await ingest({ simulate: world, config: { outputDir, workers: 1 } });
    if (!simulated) throw new Error('no simulated AWS');
    const byOperation = simulated.stats.byOperation;
    // Which service module an entity type and an operation belong to: its collectors' declarations.
    const serviceOfType = new Map<string, string>();
    const serviceOfAction = new Map<string, string>();
    for (const module of awsServices) {
      for (const collector of module.collectors) {
        for (const entity of collector.entities) serviceOfType.set(entity._type, serviceOfType.get(entity._type) ?? module.service);
        for (const action of collector.permissions) serviceOfAction.set(action.toLowerCase(), serviceOfAction.get(action.toLowerCase()) ?? module.service);
      }
    }
    // Operations whose IAM action is named otherwise (`s3:GetBucketEncryption` is `s3:GetEncryptionConfiguration`): by prefix.
    const serviceOfPrefix = new Map<string, string>();
    for (const module of awsServices) for (const simulator of module.simulators) serviceOfPrefix.set(simulator.service.toLowerCase(), module.service);
    for (const [action, service] of serviceOfAction) if (!serviceOfPrefix.has(action.split(':')[0])) serviceOfPrefix.set(action.split(':')[0], service);
    const serviceOf = (action: string) =>
      serviceOfPrefix.get(action.toLowerCase().split(':')[0]) ?? serviceOfAction.get(action.toLowerCase()) ?? `(${action.split(':')[0]})`;
    const services = new Map<string, { calls: number; entities: number }>();
    const row = (service: string) => services.get(service) ?? services.set(service, { calls: 0, entities: 0 }).get(service)!;
    for (const [action, calls] of Object.entries(byOperation)) row(serviceOf(action)).calls += calls;
    for (const [type, entities] of Object.entries(summary.counts.entities)) row(serviceOfType.get(type) ?? '(other)').entities += entities;
    const total = Object.values(byOperation).reduce((sum, n) => sum + n, 0);
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify({ accounts, total, entities: summary.totals.entities, byOperation, services: Object.fromEntries(services) }, null, 2));
      return;
    }
    console.log(`${accounts} accounts x 16 regions: ${total} calls (summary: ${summary.apiCalls}), ${summary.totals.entities} entities\n`);
    console.log('calls  operation');
    for (const [action, calls] of Object.entries(byOperation).sort((a, b) => b[1] - a[1])) console.log(`${String(calls).padStart(6)}  ${action}`);
    console.log('\n calls  entities  calls/entity  service');
    for (const [service, { calls, entities }] of [...services].sort((a, b) => b[1].calls - a[1].calls)) {
      const per = entities ? (calls / entities).toFixed(2) : '-';
      console.log(`${String(calls).padStart(6)}  ${String(entities).padStart(8)}  ${per.padStart(12)}  ${service}`);
    }
  } finally {
    stop();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

void main();
