import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostname } from 'node:os';
import test from 'ava';
import { LOCK_FILE, StoreLockedError, withStoreLock } from '../../src/snapshot/lock';
import { temporaryDirectory } from '../helpers/simulate';

test('one writer at a time: a second waits for the first, then runs', async (t) => {
  const directory = temporaryDirectory();
  const order: string[] = [];
  let release!: () => void;
  const first = withStoreLock(directory, async () => {
    order.push('first starts');
    await new Promise<void>((resolve) => (release = resolve));
    order.push('first ends');
  });
  await new Promise((resolve) => setImmediate(resolve));
  const sleeps: number[] = [];
  const second = withStoreLock(directory, async () => void order.push('second'), {
    waitMs: 60_000,
    pollMs: 1000,
    // Virtual time: each poll lets the first writer finish after the third.
    sleep: async (ms) => {
      sleeps.push(ms);
      if (sleeps.length === 3) release();
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  await Promise.all([first, second]);
  t.deepEqual(order, ['first starts', 'first ends', 'second']);
  t.true(sleeps.length >= 3);
});

test('without waiting, a held lock is an error naming its holder; a dead holder’s lock is taken over', async (t) => {
  const directory = temporaryDirectory();
  await withStoreLock(directory, async () => {
    await t.throwsAsync(
      withStoreLock(directory, async () => undefined),
      { instanceOf: StoreLockedError, message: new RegExp(`held by pid ${process.pid} on `) },
    );
  });
  // A crashed writer's lock: a pid that is not running on this host.
  writeFileSync(path.join(directory, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2026-12-06T00:00:00Z' }));
  t.is(await withStoreLock(directory, async () => 'ran'), 'ran');
});
