/**
 * A loopback SQS queue speaking the JSON 1.0 protocol the SDK uses (`X-Amz-Target:
 * AmazonSQS.<Operation>`), with what the watcher relies on: long-poll receives (answered at once
 * when empty), receipt handles, ApproximateReceiveCount, batched deletes and visibility changes,
 * and a redrive policy that moves a message to the dead-letter queue after `maxReceiveCount`
 * receives. A received message stays invisible until it is deleted or released (no timer: tests
 * stay deterministic).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface StoredMessage {
  id: string;
  body: string;
  receiveCount: number;
  visible: boolean;
  receiptHandle?: string;
}

export class LoopbackSqs {
  readonly calls: string[] = [];
  readonly deadLetters: StoredMessage[] = [];
  private readonly messages: StoredMessage[] = [];
  private server?: Server;
  endpoint = '';

  constructor(
    readonly accountId = '111111111111',
    readonly maxReceiveCount = 3,
  ) {}

  get queueUrl(): string {
    return `${this.endpoint}/${this.accountId}/aws-org-graph-events`;
  }

  send(body: string): string {
    const id = randomUUID();
    this.messages.push({ id, body, receiveCount: 0, visible: true });
    return id;
  }

  /** Messages still in the queue (visible or in flight). */
  get depth(): number {
    return this.messages.length;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = target.replace(/^AmazonSQS\./, '');
        this.calls.push(operation);
        const reply = (status: number, payload: unknown) => {
          response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
          response.end(JSON.stringify(payload));
        };
        const input = JSON.parse(body || '{}') as Record<string, unknown>;
        try {
          reply(200, this.answer(operation, input));
        } catch (error) {
          reply(400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: (error as Error).message });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(operation: string, input: Record<string, unknown>): unknown {
    if (input.QueueUrl !== this.queueUrl) throw new Error(`unknown queue ${String(input.QueueUrl)}`);
    switch (operation) {
      case 'ReceiveMessage': {
        const max = Number(input.MaxNumberOfMessages ?? 1);
        const out: unknown[] = [];
        for (const message of [...this.messages]) {
          if (out.length >= max) break;
          if (!message.visible) continue;
          if (message.receiveCount >= this.maxReceiveCount) {
            // The redrive policy: this delivery would exceed maxReceiveCount.
            this.messages.splice(this.messages.indexOf(message), 1);
            this.deadLetters.push(message);
            continue;
          }
          message.receiveCount++;
          message.visible = false;
          message.receiptHandle = randomUUID();
          out.push({
            MessageId: message.id,
            ReceiptHandle: message.receiptHandle,
            MD5OfBody: createHash('md5').update(message.body).digest('hex'),
            Body: message.body,
            Attributes: { ApproximateReceiveCount: String(message.receiveCount) },
          });
        }
        return out.length ? { Messages: out } : {};
      }
      case 'DeleteMessageBatch':
      case 'ChangeMessageVisibilityBatch': {
        const entries = (input.Entries ?? []) as Array<{ Id: string; ReceiptHandle: string; VisibilityTimeout?: number }>;
        const successful: unknown[] = [];
        const failed: unknown[] = [];
        for (const entry of entries) {
          const message = this.messages.find((m) => m.receiptHandle === entry.ReceiptHandle);
          if (!message) {
            failed.push({ Id: entry.Id, Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'The receipt handle is not valid.' });
            continue;
          }
          if (operation === 'DeleteMessageBatch') this.messages.splice(this.messages.indexOf(message), 1);
          else if (entry.VisibilityTimeout === 0) message.visible = true;
          successful.push({ Id: entry.Id });
        }
        return { Successful: successful, Failed: failed };
      }
      default:
        throw new Error(`operation ${operation} is not served`);
    }
  }
}
