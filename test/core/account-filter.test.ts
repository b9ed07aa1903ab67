import test from 'ava';
import { onSimulatedAwsCreated, type SimulatedAws } from '../../src/sim/simulator';
import { builtinWorld, simulate } from '../helpers/simulate';

// Issue 14: an organization run narrowed to some accounts asks Organizations about those accounts
// only. An account left out by the configuration costs no tag call, so a denied or throttled
// ListTagsForResource on it cannot touch the run.
test('organization mode with configured accounts reads only their tags', async (t) => {
  const world = builtinWorld();
  const active = world.accounts.filter((account) => (account.status ?? 'ACTIVE') === 'ACTIVE').map((account) => account.id);
  t.true(active.length >= 3, 'the demo organization has several active accounts');
  let simulated: SimulatedAws | undefined;
  const stop = onSimulatedAwsCreated((created) => (simulated = created));
  try {
    const run = await simulate(world, { config: { accounts: [{ id: active[1] }] } });
    const tagCalls = Object.entries(simulated?.stats.byOperation ?? {}).filter(([action]) => action === 'organizations:ListTagsForResource');
    t.deepEqual(
      tagCalls.map(([, count]) => count),
      [1],
      'one tag read, for the configured account',
    );
    t.deepEqual(
      run.summary.accounts.map((account) => account.accountId),
      [active[1]],
    );
    const notConfigured = run.summary.skippedAccounts.filter((skipped) => skipped.reason === 'not in the configured accounts').map((s) => s.accountId);
    t.deepEqual(notConfigured.sort(), active.filter((id) => id !== active[1]).sort());
  } finally {
    stop();
  }
});
