/**
 * `orggraph watch`: reads the event queue in batches and refreshes what the events name, so the
 * graph follows the organization between full runs (docs/event-streaming.md).
 *
 * Delivery is at least once, and refreshes re-read AWS's current state, so applying a batch twice
 * changes nothing: messages are deleted only after the refresh's snapshot is written. A message
 * that is not a CloudTrail event is released, not deleted: after the queue's `maxReceiveCount`
 * deliveries SQS moves it to the dead-letter queue.
 */
import { parseEvent, PoisonEventError, scopeOfEvents, type CloudTrailEvent, type RefreshScope, type RoutableCollector } from './route';

export interface QueueMessage {
  id: string;
  receiptHandle: string;
  body: string;
  /** SQS's ApproximateReceiveCount. */
  receiveCount: number;
}

/** The queue, as the watcher uses it (SQS in production, a loopback SQS in tests). */
export interface EventQueue {
  /** Up to 10 messages, waiting at most `waitSeconds` for the first. */
  receive(waitSeconds: number): Promise<QueueMessage[]>;
  delete(messages: readonly QueueMessage[]): Promise<void>;
  /** Makes messages visible again now (they are redelivered, and count toward the dead-letter queue). */
  release(messages: readonly QueueMessage[]): Promise<void>;
}

export interface WatchOptions {
  queue: EventQueue;
  collectors: readonly RoutableCollector[];
  /** Runs the narrowed ingestion; resolves once its snapshot is written. */
  refresh(scope: RefreshScope, events: readonly CloudTrailEvent[]): Promise<void>;
  /** How long a batch gathers events, in ms (default 10 s). */
  windowMs?: number;
  /** Most messages in one batch (default 1,000). */
  maxMessages?: number;
  /** Epoch ms (tests give a virtual clock). */
  now?: () => number;
  log?: (event: WatchLogEvent) => void;
}

export type WatchLogEvent =
  | { event: 'batch'; messages: number; events: number; unmatched: number; poison: number; scope?: RefreshScope }
  | { event: 'poison'; messageId: string; receiveCount: number; reason: string }
  | { event: 'refresh-failed'; messages: number; reason: string };

export interface BatchOutcome {
  messages: number;
  /** Events that asked for a refresh. */
  applied: number;
  unmatched: number;
  poison: number;
  /** Whether the refresh failed (its messages were released). */
  failed: boolean;
  scope?: RefreshScope;
}

export const DEFAULT_WINDOW_MS = 10_000;
const SQS_MAX_WAIT_SECONDS = 20;

/** One batch: gather for the window, refresh once, then delete (or release) what it read. */
export async function watchBatch(options: WatchOptions): Promise<BatchOutcome> {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const maxMessages = options.maxMessages ?? 1000;
  const log = options.log ?? (() => undefined);
  const started = now();
  const messages: QueueMessage[] = [];
  const seen = new Set<string>();
  for (;;) {
    const left = windowMs - (now() - started);
    if (left <= 0 || messages.length >= maxMessages) break;
    // The first receive may wait the whole window; later ones only what is left of it.
    const wait = Math.min(SQS_MAX_WAIT_SECONDS, Math.max(0, Math.ceil(left / 1000)));
    const received = await options.queue.receive(messages.length === 0 ? wait : 0);
    if (received.length === 0) {
      if (messages.length > 0) break;
      continue;
    }
    for (const message of received) {
      // A message received twice within a batch (visibility expired) is one message.
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      messages.push(message);
    }
  }
  const events: Array<{ message: QueueMessage; event: CloudTrailEvent }> = [];
  const poison: QueueMessage[] = [];
  for (const message of messages) {
    try {
      events.push({ message, event: parseEvent(message.body) });
    } catch (error) {
      if (!(error instanceof PoisonEventError)) throw error;
      poison.push(message);
      log({ event: 'poison', messageId: message.id, receiveCount: message.receiveCount, reason: error.message });
    }
  }
  // Duplicated deliveries of one event (EventBridge's id) are one event.
  const unique = [...new Map(events.map(({ event }) => [event.id, event])).values()];
  const { scope, unmatched } = scopeOfEvents(unique, options.collectors);
  log({ event: 'batch', messages: messages.length, events: unique.length, unmatched: unmatched.length, poison: poison.length, scope });
  const done = events.map(({ message }) => message);
  let failed = false;
  if (scope) {
    try {
      await options.refresh(scope, unique);
    } catch (error) {
      failed = true;
      log({ event: 'refresh-failed', messages: done.length, reason: (error as Error).message });
    }
  }
  if (poison.length) await options.queue.release(poison);
  if (failed) await options.queue.release(done);
  else if (done.length) await options.queue.delete(done);
  return { messages: messages.length, applied: unique.length - unmatched.length, unmatched: unmatched.length, poison: poison.length, failed, scope };
}
