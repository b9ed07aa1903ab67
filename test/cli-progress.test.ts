import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import test from 'ava';
import { BarReporter, JsonLineReporter, LineReporter, type Ticker } from '../src/cli/progress';
import type { CollectorRunRecord } from '../src/snapshot';
import { temporaryDirectory } from './helpers/simulate';

const run = promisify(execFile);
const bin = path.join(__dirname, '..', 'bin', 'orggraph.js');

/** Virtual time: `advance` runs what a real clock would have run by then. */
function virtualTicker(): Ticker & { advance(milliseconds: number): void } {
  let now = 0;
  const timers: Array<{ every: number; next: number; callback: () => void; cancelled: boolean }> = [];
  return {
    every(milliseconds, callback) {
      const timer = { every: milliseconds, next: now + milliseconds, callback, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
    advance(milliseconds) {
      const end = now + milliseconds;
      for (;;) {
        const due = timers.filter((timer) => !timer.cancelled && timer.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.every;
        due.callback();
      }
      now = end;
    },
  };
}

const record = (status: CollectorRunRecord['status'], apiCalls: number, throttled = 0): CollectorRunRecord => ({
  accountId: '111111111111',
  region: 'us-east-1',
  collector: 'ec2-instances',
  service: 'ec2',
  status,
  durationMs: 5,
  apiCalls,
  throttled,
  entities: 1,
  relationships: 0,
});

test('without a terminal, a plain progress line every 10 seconds of the run, and one at its end', (t) => {
  const ticker = virtualTicker();
  const lines: string[] = [];
  const reporter = new LineReporter((text) => lines.push(text), { quiet: false, progress: true, ticker });
  reporter.onProgress({ phase: 'regions', done: 2, total: 3 });
  ticker.advance(9_999);
  t.deepEqual(lines, [], 'nothing before ten seconds');
  reporter.onProgress({ phase: 'collect', done: 1, total: 40, record: record('succeeded', 12, 1) });
  reporter.onProgress({ phase: 'collect', done: 2, total: 40, record: record('failed', 3) });
  ticker.advance(1);
  t.deepEqual(lines, ['progress: collect, 2 accounts, collectors 2/40, 15 calls, 1 throttled, 1 with errors\n']);
  reporter.message('warn', 'account 222222222222 cannot be reached');
  ticker.advance(20_000);
  t.is(lines.length, 4);
  t.is(lines[1], 'warning: account 222222222222 cannot be reached\n');
  reporter.stop();
  t.is(lines.length, 5, 'a last line when the run ends');
  ticker.advance(60_000);
  t.is(lines.length, 5, 'nothing after the end');
});

test('--log-format json: one event per line with its time, progress every 10 seconds', (t) => {
  const ticker = virtualTicker();
  const lines: string[] = [];
  const reporter = new JsonLineReporter((text) => lines.push(text), { ticker, now: () => new Date('2026-01-01T00:00:00Z') });
  reporter.onEvent({ event: 'account-discovered', accountId: '111111111111', regions: 3 });
  reporter.onProgress({ phase: 'collect', done: 5, total: 10, record: record('succeeded', 7) });
  ticker.advance(10_000);
  reporter.message('warn', 'careful');
  const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  t.deepEqual(events[0], { time: '2026-01-01T00:00:00.000Z', event: 'account-discovered', accountId: '111111111111', regions: 3 });
  t.like(events[1], { event: 'progress', collectors: { done: 5, total: 10 }, calls: 7 });
  t.like(events[2], { event: 'warning', message: 'careful' });
  reporter.stop();
});

test('on a terminal, a warning is printed on its own line above the bar, never into it', (t) => {
  let output = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns: 100, rows: 40, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
  );
  const reporter = new BarReporter(stream as unknown as NodeJS.WriteStream, false);
  reporter.onProgress({ phase: 'collect', done: 1, total: 4, record: record('succeeded', 1) });
  reporter.message('warn', 'account 222222222222 cannot be reached');
  reporter.onProgress({ phase: 'collect', done: 2, total: 4, record: record('succeeded', 1) });
  reporter.stop();
  const lines = output.split('\n');
  const warning = lines.find((line) => line.includes('warning: account 222222222222'));
  t.truthy(warning, output);
  // The warning's line holds nothing of the bar.
  // What stays visible of its line is what follows the last carriage return.
  const visible =
    (warning ?? '')
      .split('\r')
      .pop()
      ?.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') ?? '';
  t.is(visible, 'warning: account 222222222222 cannot be reached', JSON.stringify(warning));
  t.true(lines.indexOf(warning ?? '') < lines.length - 1, 'the bar comes back below it');
});

test('through the CLI, without a terminal: a progress line at the end, and --log-format json writes only JSON lines', async (t) => {
  const out = temporaryDirectory();
  const plain = await run(process.execPath, [bin, 'ingest', '--simulate', '--out', out]);
  t.regex(plain.stderr, /^progress: write, 3 accounts, collectors (\d+)\/\1, \d+ calls, \d+ throttled, 0 with errors$/m);

  const json = await run(process.execPath, [bin, 'ingest', '--simulate', '--out', out, '--log-format', 'json']);
  const events = json.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; accountId?: string; time: string });
  t.is(events[0].event, 'start');
  t.deepEqual(
    events
      .filter((event) => event.event === 'account-discovered')
      .map((event) => event.accountId)
      .sort(),
    ['111111111111', '222222222222', '333333333333'],
  );
  t.true(events.some((event) => event.event === 'account-skipped' && event.accountId === '444444444444'));
  const written = events.findIndex((event) => event.event === 'snapshot-written');
  t.true(written > 0);
  t.is(events[events.length - 1].event, 'progress');
  for (const event of events) t.false(Number.isNaN(Date.parse(event.time)));
});
