/**
 * The CPU one service's simulator spends per call (not a test): a generated organization of N
 * accounts x 4 regions is ingested with only that service's collectors, each call its handlers
 * answer is recorded, and the recorded calls are then answered again `rounds` times in a loop timed
 * with `process.cpuUsage` (CPU time, so a busy machine slows it less than wall time would). The
 * handlers only: the shared middleware (faults, buckets) is the same for every service.
 * Usage: node --import tsx scripts/simulator-cpu.ts s3 10 20
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingest } from '../src/ingest';
import { allSimulators } from '../src/services';
import { generateWorld } from '../src/sim/generate';
import type { SimCallContext, SimHandler } from '../src/sim/types';

async function main(): Promise<void> {
  const [service = 's3', accounts = '10', rounds = '20'] = process.argv.slice(2);
  const simulators = allSimulators();
  const targets = simulators.filter((simulator) => simulator.service === service);
  if (!targets.length) throw new Error(`no simulator ${service}`);
  const calls: Array<{ handler: SimHandler; input: unknown; context: SimCallContext }> = [];
  const originals = targets.map((simulator) => ({ ...simulator.handlers }));
  for (const simulator of targets) {
    for (const [name, handler] of Object.entries(simulator.handlers)) {
      simulator.handlers[name] = ((input: never, context: SimCallContext) => {
        calls.push({ handler, input, context });
        return handler(input, context);
      }) as SimHandler;
    }
  }
  const world = generateWorld({ accounts: Number(accounts), regions: 4, resourcesPerRegion: 10 }, simulators);
  const outputDir = mkdtempSync(path.join(tmpdir(), 'orggraph-simcpu-'));
  try {
    await ingest({ simulate: world, config: { outputDir, workers: 1, services: { include: [service] } } });
  } finally {
    targets.forEach((simulator, index) => Object.assign(simulator.handlers, originals[index]));
    rmSync(outputDir, { recursive: true, force: true });
  }
  const perCall: number[] = [];
  for (let round = 0; round <= Number(rounds); round++) {
    const started = process.cpuUsage();
    for (const call of calls) {
      try {
        await call.handler(call.input as never, call.context);
      } catch {
        // Not-found answers are part of the mix.
      }
    }
    const used = process.cpuUsage(started);
    // Round 0 warms up the JIT.
    if (round > 0) perCall.push((used.user + used.system) / calls.length);
  }
  perCall.sort((a, b) => a - b);
  const median = perCall[Math.floor(perCall.length / 2)];
  console.log(
    `${service}: ${accounts} accounts, ${calls.length} handler calls, ${median.toFixed(2)} µs CPU per call (median of ${perCall.length}; min ${perCall[0].toFixed(2)})`,
  );
}

void main();
