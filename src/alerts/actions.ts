import { createHash } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { ALERT_LEVELS, type AlertStatus, type DeliveryAction } from './config';
import type { AlertRecord, SnapshotRef } from './state';

/** The JSON body of every SNS message and SQS message (documented in docs/alerts.md). */
export interface AlertMessage {
  format: 'aws-org-graph.alert/1';
  rule: { name: string; description?: string; pack: string; alertLevel: string };
  status: AlertStatus;
  snapshot: SnapshotRef;
  /** Alerts too many for one message are split: part 1 to parts. */
  part: number;
  parts: number;
  alerts: Array<Pick<AlertRecord, 'status' | 'firstSeenOn' | 'lastSeenOn' | 'resolvedOn' | 'evidence'>>;
}

export interface DeliveryFailure {
  type: DeliveryAction['type'];
  /** Topic ARN or queue URL. */
  target: string;
  rule: string;
  status: AlertStatus;
  attempts: number;
  error: string;
}

export interface DeliveryReport {
  /** Messages to send, sent, and not sent after retries. */
  messages: number;
  delivered: number;
  failed: number;
  failures: DeliveryFailure[];
}

export interface DeliveryOptions {
  /** Clients by region. Default: the SDK's clients with the default credential chain (the ingesting account's credentials). */
  snsClient?: (region: string) => SNSClient;
  sqsClient?: (region: string) => SQSClient;
  /** Attempts per message or batch entry beyond the SDK's own retries of a call (default 3). */
  attempts?: number;
  /** Waits between attempts (tests: no wait). */
  sleep?: (ms: number) => Promise<void>;
}

/** SNS and SQS both take at most 256 KiB per message; an SQS batch at most that in all, and 10 entries. */
export const MAX_MESSAGE_BYTES = 262_144;
export const SQS_BATCH_ENTRIES = 10;
const MAX_EVIDENCE_BYTES = 16_384;

const levelRank = (level: string) => ALERT_LEVELS.indexOf(level as (typeof ALERT_LEVELS)[number]);

/** Whether an action delivers an alert: its status (default NEW) and level. */
function wants(action: DeliveryAction, alert: AlertRecord): boolean {
  const statuses = action.on ?? ['NEW'];
  return statuses.includes(alert.status) && levelRank(alert.alertLevel) >= levelRank(action.minLevel ?? 'INFO');
}

/** An alert as a message holds it; evidence rows larger than 16 KiB are cut (their key stays). */
function messageAlert(alert: AlertRecord): AlertMessage['alerts'][number] {
  const { status, firstSeenOn, lastSeenOn, resolvedOn } = alert;
  let evidence = alert.evidence;
  if (Buffer.byteLength(JSON.stringify(evidence)) > MAX_EVIDENCE_BYTES) {
    evidence = { key: evidence.key.slice(0, 4096), query: evidence.query, ...(evidence._key ? { _key: evidence._key } : {}), row: { truncated: true } };
  }
  return { status, firstSeenOn, lastSeenOn, ...(resolvedOn ? { resolvedOn } : {}), evidence };
}

/** Messages of one rule and status, each within {@link MAX_MESSAGE_BYTES}. */
export function buildMessages(
  rule: AlertMessage['rule'],
  status: AlertStatus,
  snapshot: SnapshotRef,
  alerts: readonly AlertRecord[],
  maxBytes = MAX_MESSAGE_BYTES,
): string[] {
  const envelope = (part: number, parts: number, items: AlertMessage['alerts']): AlertMessage => ({
    format: 'aws-org-graph.alert/1',
    rule,
    status,
    snapshot,
    part,
    parts,
    alerts: items,
  });
  // Room for the envelope with large part numbers.
  const overhead = Buffer.byteLength(JSON.stringify(envelope(999_999, 999_999, []))) + 2;
  const groups: Array<AlertMessage['alerts']> = [[]];
  let size = overhead;
  for (const alert of alerts) {
    const item = messageAlert(alert);
    const bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (size + bytes > maxBytes && groups[groups.length - 1].length) {
      groups.push([]);
      size = overhead;
    }
    groups[groups.length - 1].push(item);
    size += bytes;
  }
  return groups.map((items, index) => JSON.stringify(envelope(index + 1, groups.length, items)));
}

interface Outgoing {
  action: DeliveryAction;
  rule: string;
  status: AlertStatus;
  body: string;
  subject: string;
}

const regionOfTopic = (arn: string) => arn.split(':')[3];
/** `https://sqs.<region>.amazonaws.com/<account>/<queue>` (or the legacy `<region>.queue.amazonaws.com`). */
function regionOfQueue(url: string): string | undefined {
  const host = new URL(url).hostname;
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com/.exec(host)?.[1];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown) => {
  const named = error as { name?: string; message?: string };
  return `${named.name ?? 'Error'}: ${named.message ?? String(error)}`;
};

/**
 * Sends the alerts to the actions that want them: for each action, rule and status, one JSON
 * message per 256 KiB of alerts; SNS by Publish, SQS by SendMessageBatch (10 messages and 256 KiB
 * per batch). The SDK retries throttled and failed calls; entries a batch reports failed are sent
 * again, up to `attempts`. What still fails is reported, never thrown.
 */
export async function deliverAlerts(
  alerts: readonly AlertRecord[],
  actionsOf: (rule: string) => readonly DeliveryAction[],
  rules: ReadonlyMap<string, { description?: string; pack: string }>,
  snapshot: SnapshotRef,
  options: DeliveryOptions = {},
): Promise<DeliveryReport> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const outgoing: Outgoing[] = [];
  const byRule = new Map<string, AlertRecord[]>();
  for (const alert of alerts) byRule.set(alert.rule, [...(byRule.get(alert.rule) ?? []), alert]);
  for (const [ruleName, ruleAlerts] of byRule) {
    const actions = actionsOf(ruleName);
    for (const action of actions) {
      for (const status of ['NEW', 'ONGOING', 'RESOLVED'] as const) {
        const wanted = ruleAlerts.filter((alert) => alert.status === status && wants(action, alert));
        if (!wanted.length) continue;
        const level = wanted.reduce((highest, alert) => (levelRank(alert.alertLevel) > levelRank(highest) ? alert.alertLevel : highest), wanted[0].alertLevel);
        const info = rules.get(ruleName);
        const rule = { name: ruleName, ...(info?.description ? { description: info.description } : {}), pack: info?.pack ?? '', alertLevel: level };
        const subject = `[${level}] ${status} ${wanted.length} alert${wanted.length === 1 ? '' : 's'}: ${ruleName}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
        for (const body of buildMessages(rule, status, snapshot, wanted)) outgoing.push({ action, rule: ruleName, status, body, subject });
      }
    }
  }
  const report: DeliveryReport = { messages: outgoing.length, delivered: 0, failed: 0, failures: [] };
  const fail = (message: Outgoing, tries: number, error: string) => {
    report.failed++;
    const target = message.action.type === 'SEND_SNS_NOTIFICATION' ? message.action.topicArn : message.action.queueUrl;
    report.failures.push({ type: message.action.type, target, rule: message.rule, status: message.status, attempts: tries, error });
  };

  const snsClients = new Map<string, SNSClient>();
  const sqsClients = new Map<string, SQSClient>();
  const sns = (region: string) => {
    let client = snsClients.get(region);
    if (!client) snsClients.set(region, (client = options.snsClient?.(region) ?? new SNSClient({ region })));
    return client;
  };
  const sqs = (region: string) => {
    let client = sqsClients.get(region);
    if (!client) sqsClients.set(region, (client = options.sqsClient?.(region) ?? new SQSClient({ region })));
    return client;
  };
  try {
    // SNS: one Publish per message.
    for (const message of outgoing) {
      if (message.action.type !== 'SEND_SNS_NOTIFICATION') continue;
      const { topicArn } = message.action;
      const client = sns(message.action.region ?? regionOfTopic(topicArn));
      let lastError = '';
      let tries = 0;
      for (; tries < attempts; tries++) {
        if (tries) await sleep(200 * 2 ** (tries - 1));
        try {
          await client.send(new PublishCommand({ TopicArn: topicArn, Message: message.body, Subject: message.subject }));
          lastError = '';
          break;
        } catch (error) {
          lastError = messageOf(error);
          // A request the service refuses as such (bad topic, no permission) does not get better.
          if ((error as { $fault?: string }).$fault === 'client' && !/Throttl/i.test(lastError)) {
            tries++;
            break;
          }
        }
      }
      if (lastError) fail(message, Math.min(tries, attempts), lastError);
      else report.delivered++;
    }
    // SQS: per queue, batches of up to 10 entries and 256 KiB.
    const byQueue = new Map<string, Outgoing[]>();
    for (const message of outgoing) {
      if (message.action.type !== 'SEND_SQS_MESSAGE') continue;
      byQueue.set(message.action.queueUrl, [...(byQueue.get(message.action.queueUrl) ?? []), message]);
    }
    for (const [queueUrl, messages] of byQueue) {
      const action = messages[0].action;
      const region = action.region ?? regionOfQueue(queueUrl) ?? 'us-east-1';
      const client = sqs(region);
      const fifo = queueUrl.endsWith('.fifo');
      for (const batch of batches(messages)) {
        let pending = batch.map((message, index) => ({ message, id: `m${index}`, tries: 0, error: '' }));
        while (pending.length) {
          const round = pending;
          const tries = round[0].tries;
          if (tries) await sleep(200 * 2 ** (tries - 1));
          for (const entry of round) entry.tries++;
          const entries: SendMessageBatchRequestEntry[] = round.map(({ message, id }) => ({
            Id: id,
            MessageBody: message.body,
            ...(fifo ? { MessageGroupId: message.rule, MessageDeduplicationId: createHash('sha256').update(message.body).digest('hex') } : {}),
          }));
          let failed: Array<{ id: string; error: string; retry: boolean }>;
          try {
            const response = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
            failed = (response.Failed ?? []).map((entry) => ({
              id: entry.Id ?? '',
              error: `${entry.Code ?? 'Failed'}: ${entry.Message ?? ''}`.trim(),
              retry: !entry.SenderFault,
            }));
          } catch (error) {
            const text = messageOf(error);
            const retry = !((error as { $fault?: string }).$fault === 'client' && !/Throttl/i.test(text));
            failed = round.map((entry) => ({ id: entry.id, error: text, retry }));
          }
          const failedIds = new Map(failed.map((entry) => [entry.id, entry]));
          pending = [];
          for (const entry of round) {
            const failure = failedIds.get(entry.id);
            if (!failure) report.delivered++;
            else if (failure.retry && entry.tries < attempts) pending.push({ ...entry, error: failure.error });
            else fail(entry.message, entry.tries, failure.error);
          }
        }
      }
    }
  } finally {
    for (const client of snsClients.values()) client.destroy();
    for (const client of sqsClients.values()) client.destroy();
  }
  return report;
}

/** Groups messages into SQS batches: at most 10 entries and 256 KiB of bodies each. */
export function batches<T extends { body: string }>(messages: readonly T[]): T[][] {
  const result: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.body);
    if (current.length && (current.length === SQS_BATCH_ENTRIES || bytes + size > MAX_MESSAGE_BYTES)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length) result.push(current);
  return result;
}
