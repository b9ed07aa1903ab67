/**
 * Incremental equals full over a long sequence: the simulated organization goes through mixed
 * changes (creates, modifications and deletes of security groups, instances, KMS keys, S3
 * buckets and IAM roles), their CloudTrail events reach the queue out of order, some twice, with
 * a poison message among them, and `watch` applies them batch by batch. The last snapshot has the
 * graph sha256 of one full run over the changed organization. The suite runs 150 changes; the
 * benchmark (`npm run bench`, bench/events.ts) runs 1,000.
 */
import { cpSync } from 'node:fs';
import test from 'ava';
import { runSimulatedWatch } from '../../src/events/simulated-watch';
import { parseEvent } from '../../src/events/route';
import { allCollectors } from '../../src/services';
import { cloudTrailEvent } from '../../src/sim/cloudtrail';
import { MUTATION_KINDS, WorldMutator } from '../../src/sim/mutations';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';

const at = (iso: string) => () => new Date(iso);

test('150 mixed changes, delivered out of order, twice and with a poison message: the graph of a full run', async (t) => {
  const world = builtinWorld();
  const directory = temporaryDirectory();
  await simulate(world, { outputDir: directory, clock: at('2026-12-06T11:00:00Z') });
  const before = temporaryDirectory();
  cpSync(directory, before, { recursive: true });

  const config = { outputDir: directory, organization: { managementAccountId: world.organization.managementAccountId } };
  const result = await runSimulatedWatch({ world, config, mutations: 150, perBatch: 5, seed: 24, duplicates: 0.1, delayed: 0.1, poison: true });
  t.is(result.changes, 150);
  t.true(result.messages > result.events, 'duplicates were sent');
  t.is(result.deadLetters, 1, 'the poison message, and only it, reached the dead-letter queue');
  t.true(result.refreshes.resource > 0 && result.refreshes.collector > 0, `both kinds of refresh: ${JSON.stringify(result.refreshes)}`);
  t.is(result.refreshes.narrowed, 0, 'no batch needed a narrowed run');

  const full = await simulate(world, { outputDir: before, clock: at('2026-12-06T13:00:00Z') });
  t.is(result.graphSha256, full.summary.snapshot.sha256, 'incremental equals full');
  t.log(`${result.changes} changes, ${result.events} events, ${result.messages} messages, ${result.batches} batches, ${result.apiCalls} API calls`);
});

test('every kind of change applies to the demo organization and emits CloudTrail events of operations the collectors declare', (t) => {
  const declared = new Set(allCollectors().flatMap((collector) => (collector.events ?? []).flatMap((d) => d.names.map((name) => `${d.source} ${name}`))));
  const mutator = new WorldMutator(builtinWorld(), { seed: 5 });
  const seen = new Set<string>();
  for (let index = 0; index < 400; index++) {
    const applied = mutator.mutate();
    if (!applied) continue;
    seen.add(applied.kind);
    for (const call of applied.calls) {
      t.true(declared.has(`${call.eventSource} ${call.eventName}`), `${applied.kind}: ${call.eventName} is declared`);
      const event = parseEvent(JSON.stringify(cloudTrailEvent(call)));
      t.is(event.account, call.account);
    }
  }
  t.deepEqual([...seen].sort(), [...MUTATION_KINDS].sort());
});
