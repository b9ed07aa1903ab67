/**
 * The simulator's own CPU per call for one service's collectors, in process (not a test): a
 * generated organization of N accounts x 4 regions ingested with only that service, rounds times;
 * prints the median of `SimulatorStats.busyMs / calls` (the "simulator" column of
 * docs/benchmarks.md, for one service). Usage: node --import tsx scripts/simulator-cpu.ts s3 10 5
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingest } from '../src/ingest';
import { allSimulators } from '../src/services';
import { generateWorld } from '../src/sim/generate';
import { onSimulatedAwsCreated, type SimulatedAws } from '../src/sim/simulator';

async function main(): Promise<void> {
  const [service = 's3', accounts = '10', rounds = '5'] = process.argv.slice(2);
  const perCall: number[] = [];
  let calls = 0;
  for (let round = 0; round <= Number(rounds); round++) {
    const world = generateWorld({ accounts: Number(accounts), regions: 4, resourcesPerRegion: 10 }, allSimulators());
    let simulated: SimulatedAws | undefined;
    const stop = onSimulatedAwsCreated((created) => (simulated = created));
    const outputDir = mkdtempSync(path.join(tmpdir(), 'orggraph-simcpu-'));
    try {
      await ingest({ simulate: world, config: { outputDir, workers: 1, services: { include: [service] } } });
    } finally {
      stop();
      rmSync(outputDir, { recursive: true, force: true });
    }
    if (!simulated) throw new Error('no simulated AWS');
    calls = simulated.stats.calls;
    // Round 0 warms up the JIT.
    if (round > 0) perCall.push((simulated.stats.busyMs * 1000) / simulated.stats.calls);
  }
  perCall.sort((a, b) => a - b);
  const median = perCall[Math.floor(perCall.length / 2)];
  console.log(
    `${service}: ${accounts} accounts, ${calls} calls per run, simulator ${median.toFixed(1)} µs per call (median of ${perCall.length}; ${perCall.map((v) => v.toFixed(1)).join(' ')})`,
  );
}

void main();
