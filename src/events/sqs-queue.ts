import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventQueue, QueueMessage } from './watch';

/** SQS's limit of entries per batch call. */
const BATCH = 10;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** The event queue on SQS: long-polled receives, batched deletes and releases. */
export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async receive(waitSeconds: number): Promise<QueueMessage[]> {
    const output = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: BATCH,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    return (output.Messages ?? []).flatMap((message) =>
      message.MessageId && message.ReceiptHandle
        ? [
            {
              id: message.MessageId,
              receiptHandle: message.ReceiptHandle,
              body: message.Body ?? '',
              receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
            },
          ]
        : [],
    );
  }

  async delete(messages: readonly QueueMessage[]): Promise<void> {
    for (const batch of chunks(messages, BATCH)) {
      const output = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.receiptHandle })),
        }),
      );
      // A failed delete means the message comes back: the refresh is idempotent, so that is safe, but say so.
      if (output.Failed?.length) throw new Error(`SQS did not delete ${output.Failed.length} message(s): ${output.Failed.map((f) => f.Code).join(', ')}`);
    }
  }

  async release(messages: readonly QueueMessage[]): Promise<void> {
    for (const batch of chunks(messages, BATCH)) {
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.receiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }
}
