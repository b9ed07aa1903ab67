import { SingleBar } from 'cli-progress';
import type { IngestEvent, IngestProgress } from '../ingest';
import { skippedAccountLine } from '../ingest/messages';

/** Repeats a callback; injected so tests step time instead of waiting for it. */
export interface Ticker {
  every(milliseconds: number, callback: () => void): () => void;
}

export const systemTicker: Ticker = {
  every(milliseconds, callback) {
    const handle = setInterval(callback, milliseconds);
    handle.unref();
    return () => clearInterval(handle);
  },
};

/** How often a terminal-less run says where it is. */
export const PROGRESS_INTERVAL_MS = 10_000;

/** The run's counts so far, from its progress reports. */
export class ProgressTally {
  accounts = 0;
  collectorsDone = 0;
  collectorsTotal = 0;
  calls = 0;
  throttled = 0;
  errors = 0;
  phase: IngestProgress['phase'] = 'accounts';

  update(progress: IngestProgress): void {
    this.phase = progress.phase;
    if (progress.phase === 'regions') this.accounts = progress.done;
    if (progress.phase === 'collect') {
      this.collectorsDone = progress.done;
      this.collectorsTotal = progress.total;
      const record = progress.record;
      if (record) {
        this.calls += record.apiCalls;
        this.throttled += record.throttled;
        if (record.status === 'failed' || record.status === 'partial') this.errors++;
      }
    }
  }

  snapshot(): { phase: string; accounts: number; collectors: { done: number; total: number }; calls: number; throttled: number; errors: number } {
    return {
      phase: this.phase,
      accounts: this.accounts,
      collectors: { done: this.collectorsDone, total: this.collectorsTotal },
      calls: this.calls,
      throttled: this.throttled,
      errors: this.errors,
    };
  }

  line(): string {
    return `progress: ${this.phase}, ${this.accounts} accounts, collectors ${this.collectorsDone}/${this.collectorsTotal}, ${this.calls} calls, ${this.throttled} throttled, ${this.errors} with errors`;
  }
}

/** Where a run's progress, messages and events go: a bar, plain lines, or JSON lines. */
export interface RunReporter {
  onProgress(progress: IngestProgress): void;
  onEvent(event: IngestEvent | ({ event: string } & Record<string, unknown>)): void;
  message(level: 'info' | 'warn' | 'debug', text: string): void;
  stop(): void;
}

type Write = (text: string) => void;

/**
 * A terminal: a progress bar, with messages printed above it (never into its line): a message
 * clears the bar's line, takes it, and the bar is drawn again on the next.
 */
export class BarReporter implements RunReporter {
  private readonly bar: SingleBar;
  private started = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly quiet: boolean,
  ) {
    this.bar = new SingleBar({ format: ' {phase} [{bar}] {value}/{total} {detail}', stream, hideCursor: true, clearOnComplete: true });
  }

  onProgress(progress: IngestProgress): void {
    const detail = progress.record ? `${progress.record.accountId} ${progress.record.region} ${progress.record.collector}` : '';
    const payload = { phase: progress.phase.padEnd(7), detail };
    if (!this.started) {
      this.bar.start(progress.total, progress.done, payload);
      this.started = true;
    }
    this.bar.setTotal(progress.total);
    this.bar.update(progress.done, payload);
  }

  onEvent(event: IngestEvent | ({ event: string } & Record<string, unknown>)): void {
    if (event.event === 'account-skipped') this.message('info', skippedAccountLine(event as Extract<IngestEvent, { event: 'account-skipped' }>));
  }

  message(level: 'info' | 'warn' | 'debug', text: string): void {
    if (level === 'info' && this.quiet) return;
    const line = `${level === 'info' ? '' : `${level === 'warn' ? 'warning' : 'debug'}: `}${text}\n`;
    if (!this.started) {
      this.stream.write(line);
      return;
    }
    this.stream.write('\r\u001b[2K');
    this.stream.write(line);
    this.bar.render();
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}

/** No terminal (CI, a pipe, a log file): plain lines, and where the run is every ten seconds and at its end. */
export class LineReporter implements RunReporter {
  private readonly tally = new ProgressTally();
  private readonly cancel: () => void;

  constructor(
    private readonly write: Write,
    private readonly options: { quiet: boolean; progress: boolean; ticker?: Ticker; intervalMs?: number },
  ) {
    this.cancel = options.progress
      ? (options.ticker ?? systemTicker).every(options.intervalMs ?? PROGRESS_INTERVAL_MS, () => this.write(`${this.tally.line()}\n`))
      : () => undefined;
  }

  onProgress(progress: IngestProgress): void {
    this.tally.update(progress);
  }

  onEvent(event: IngestEvent | ({ event: string } & Record<string, unknown>)): void {
    if (event.event === 'account-skipped') this.message('info', skippedAccountLine(event as Extract<IngestEvent, { event: 'account-skipped' }>));
  }

  message(level: 'info' | 'warn' | 'debug', text: string): void {
    if (level === 'info' && this.options.quiet) return;
    this.write(`${level === 'info' ? '' : `${level === 'warn' ? 'warning' : 'debug'}: `}${text}\n`);
  }

  stop(): void {
    this.cancel();
    if (this.options.progress) this.write(`${this.tally.line()}\n`);
  }
}

/**
 * `--log-format json`: one JSON object per line (`time`, `event`, and the event's fields): run
 * steps, messages, and progress every ten seconds, for logs that machines read.
 */
export class JsonLineReporter implements RunReporter {
  private readonly tally = new ProgressTally();
  private readonly cancel: () => void;

  constructor(
    private readonly write: Write,
    private readonly options: { ticker?: Ticker; intervalMs?: number; now?: () => Date } = {},
  ) {
    this.cancel = (options.ticker ?? systemTicker).every(options.intervalMs ?? PROGRESS_INTERVAL_MS, () =>
      this.emit({ event: 'progress', ...this.tally.snapshot() }),
    );
  }

  private emit(fields: { event: string } & Record<string, unknown>): void {
    this.write(`${JSON.stringify({ time: (this.options.now?.() ?? new Date()).toISOString(), ...fields })}\n`);
  }

  onProgress(progress: IngestProgress): void {
    this.tally.update(progress);
  }

  onEvent(event: IngestEvent | ({ event: string } & Record<string, unknown>)): void {
    this.emit(event);
  }

  message(level: 'info' | 'warn' | 'debug', text: string): void {
    this.emit({ event: level === 'warn' ? 'warning' : level, message: text });
  }

  stop(): void {
    this.cancel();
    this.emit({ event: 'progress', ...this.tally.snapshot() });
  }
}
