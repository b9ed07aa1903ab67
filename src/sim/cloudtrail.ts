/**
 * CloudTrail as EventBridge delivers it, for the simulated organization: the `AWS API Call via
 * CloudTrail` event of a write call (the CloudTrail record in `detail`), and an in-memory SQS
 * queue with a dead-letter queue that `orggraph watch --simulate` and the tests read.
 */
import type { EventQueue, QueueMessage } from '../events/watch';

/** What a write call's CloudTrail record says, in the shapes CloudTrail gives (camelCase request and response). */
export interface SimulatedApiCall {
  account: string;
  region: string;
  /** `ec2.amazonaws.com`. */
  eventSource: string;
  eventName: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  /** Epoch milliseconds. */
  time: number;
  /** Unique per call (CloudTrail's `eventID`; EventBridge's event `id` derives from it). */
  id: string;
  /** The caller (an IAM role session of the account, by default). */
  principal?: string;
}

/** The EventBridge event of one CloudTrail management event (detail-type `AWS API Call via CloudTrail`). */
export function cloudTrailEvent(call: SimulatedApiCall): Record<string, unknown> {
  const time = new Date(call.time).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const service = call.eventSource.replace(/\.amazonaws\.com$/, '');
  const principal = call.principal ?? `arn:aws:sts::${call.account}:assumed-role/platform-deployer/session`;
  return {
    version: '0',
    id: call.id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${service}`,
    account: call.account,
    time,
    region: call.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLEDEPLOYER:session`,
        arn: principal,
        accountId: call.account,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${call.account}:role/platform-deployer`, accountId: call.account } },
      },
      eventTime: time,
      eventSource: call.eventSource,
      eventName: call.eventName,
      awsRegion: call.region,
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-cli/2.22.0',
      requestParameters: call.requestParameters,
      responseElements: call.responseElements,
      requestID: `req-${call.id}`,
      eventID: call.id,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: call.account,
      eventCategory: 'Management',
    },
  };
}

interface StoredMessage {
  id: string;
  body: string;
  receiveCount: number;
  inFlight: boolean;
  receiptHandle?: string;
}

/**
 * The event queue of the simulated organization: SQS's semantics as the watcher sees them (a
 * received message is in flight until deleted or released; after `maxReceiveCount` receives the
 * redrive policy moves it to the dead-letter queue), in memory and without timers.
 */
export class SimulatedEventQueue implements EventQueue {
  readonly deadLetters: Array<{ id: string; body: string; receiveCount: number }> = [];
  private readonly messages: StoredMessage[] = [];
  private sequence = 0;

  constructor(readonly maxReceiveCount = 5) {}

  /** Sends a message body (an event as EventBridge's SQS target delivers it); returns its message id. */
  send(body: string): string {
    const id = `m-${String(++this.sequence).padStart(8, '0')}`;
    this.messages.push({ id, body, receiveCount: 0, inFlight: false });
    return id;
  }

  /** Messages still in the queue, visible or in flight. */
  get depth(): number {
    return this.messages.length;
  }

  async receive(): Promise<QueueMessage[]> {
    const out: QueueMessage[] = [];
    for (const message of [...this.messages]) {
      if (out.length >= 10) break;
      if (message.inFlight) continue;
      if (message.receiveCount >= this.maxReceiveCount) {
        this.messages.splice(this.messages.indexOf(message), 1);
        this.deadLetters.push({ id: message.id, body: message.body, receiveCount: message.receiveCount });
        continue;
      }
      message.receiveCount++;
      message.inFlight = true;
      message.receiptHandle = `${message.id}#${message.receiveCount}`;
      out.push({ id: message.id, receiptHandle: message.receiptHandle, body: message.body, receiveCount: message.receiveCount });
    }
    return out;
  }

  async delete(messages: readonly QueueMessage[]): Promise<void> {
    for (const { receiptHandle } of messages) {
      const at = this.messages.findIndex((message) => message.receiptHandle === receiptHandle);
      if (at >= 0) this.messages.splice(at, 1);
    }
  }

  async release(messages: readonly QueueMessage[]): Promise<void> {
    for (const { receiptHandle } of messages) {
      const message = this.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
      if (message) message.inFlight = false;
    }
  }
}
