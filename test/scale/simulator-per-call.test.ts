import test from 'ava';
import { ingest } from '../../src/ingest';
import { allSimulators } from '../../src/services';
import { accountOf } from '../../src/sim/accounts';
import { generateWorld } from '../../src/sim/generate';
import type { SimCallContext, SimHandler, World, WorldAccount } from '../../src/sim/types';
import { temporaryDirectory } from '../helpers/simulate';

/**
 * A simulated call concerns one account and region, so the simulator's work per call must not grow
 * with the organization (issue 22: at 1,000 accounts it cost 5x what it did at 50, from EC2's scans
 * of every account in every call). Counted, not timed: the world's accounts array is wrapped so every
 * element read during a simulator handler is counted. Indexes built once per world read each account
 * a few times in all; a scan per call reads it once per call, so its reads per account grow with the
 * number of calls, i.e. with the organization.
 */
interface Reads {
  calls: number;
  /** Accounts of the world read by the simulators' handlers, by operation. */
  byOperation: Map<string, number>;
  total: number;
}

function countingAccounts(accounts: WorldAccount[], onRead: () => void): WorldAccount[] {
  return new Proxy(accounts, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) onRead();
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

async function readsOfAnIngestion(accounts: number): Promise<Reads> {
  const simulators = allSimulators();
  const world: World = generateWorld({ accounts, regions: 2, resourcesPerRegion: 3, mix: 'uniform' }, simulators);
  const reads: Reads = { calls: 0, byOperation: new Map(), total: 0 };
  let current: string | undefined;
  world.accounts = countingAccounts(world.accounts, () => {
    if (current === undefined) return;
    reads.total++;
    reads.byOperation.set(current, (reads.byOperation.get(current) ?? 0) + 1);
  });
  const originals = simulators.map((simulator) => ({ ...simulator.handlers }));
  for (const simulator of simulators) {
    for (const [name, handler] of Object.entries(simulator.handlers)) {
      const operation = `${simulator.service}:${name.replace(/Command$/, '')}`;
      simulator.handlers[name] = ((input: never, context: SimCallContext) => {
        reads.calls++;
        const outer = current;
        current = operation;
        try {
          return handler(input, context);
        } finally {
          current = outer;
        }
      }) as SimHandler;
    }
  }
  try {
    // In this thread (one worker), so the counting world is the one served.
    const result = await ingest({ simulate: world, config: { outputDir: temporaryDirectory(), workers: 1 }, access: { pacing: false } });
    if (result.summary.errors.length) throw new Error(`the ingestion of ${accounts} accounts had errors: ${JSON.stringify(result.summary.errors.slice(0, 3))}`);
  } finally {
    simulators.forEach((simulator, index) => Object.assign(simulator.handlers, originals[index]));
  }
  return reads;
}

test("the simulators' reads of the organization's accounts grow with the accounts, not with accounts x calls", async (t) => {
  const small = await readsOfAnIngestion(4);
  const large = await readsOfAnIngestion(16);
  // Both runs made calls in every account (about the same number each), or the comparison says nothing.
  t.true(small.calls > 4 * 100, `${small.calls} calls`);
  t.true(large.calls > 3.5 * small.calls, `${large.calls} calls against ${small.calls}`);
  const perAccount = (reads: Reads, accounts: number, operation?: string) => (operation ? (reads.byOperation.get(operation) ?? 0) : reads.total) / accounts;
  t.log(`reads per account: ${perAccount(small, 4)} at 4 accounts (${small.calls} calls), ${perAccount(large, 16)} at 16 (${large.calls} calls)`);
  const grown = [...large.byOperation.keys()]
    .map((operation) => ({ operation, small: perAccount(small, 4, operation), large: perAccount(large, 16, operation) }))
    .filter((reads) => reads.large > 2 * Math.max(1, reads.small))
    .map((reads) => `${reads.operation}: ${reads.small} reads per account at 4 accounts, ${reads.large} at 16`);
  t.deepEqual(grown, [], 'operations whose calls scan the organization');
  // A scan per call would read each account once per call in the organization: thousands of times.
  t.true(perAccount(large, 16) <= 2 * perAccount(small, 4), `${perAccount(small, 4)} reads per account at 4 accounts, ${perAccount(large, 16)} at 16`);
});

test('accountOf finds accounts by id, the first of a repeated id as a scan would, and sees accounts added to the array', (t) => {
  const world = generateWorld({ accounts: 3, regions: 1, resourcesPerRegion: 0 }, []);
  const [first, second] = world.accounts;
  t.is(accountOf(world, second.id), second);
  t.is(accountOf(world, '999999999999'), undefined);
  t.is(accountOf(world, undefined), undefined);
  world.accounts.push({ ...first, name: 'repeated id' }, { id: '999999999999', name: 'added', email: 'added@example.com' });
  t.is(accountOf(world, first.id), first);
  t.is(accountOf(world, '999999999999')?.name, 'added');
});
