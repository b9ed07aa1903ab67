import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the loopback server received it. */
export interface ReceivedRequest {
  service: 'sns' | 'sqs';
  action: string;
  headers: IncomingMessage['headers'];
  /** SNS: the form fields; SQS: the JSON body. */
  body: Record<string, unknown>;
}

export type Reply = { status: number; body: string; contentType: string } | undefined;

/**
 * SNS (query protocol: form-encoded POST, XML answers) and SQS (AWS JSON 1.0: `X-Amz-Target`,
 * JSON answers) on one local port, answering as the API references document, so that the real SDK
 * clients can be pointed at it. `override` may answer a request differently (throttling, failures).
 */
export class AwsLoopback {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;
  private nextId = 1;
  override: (request: ReceivedRequest, index: number) => Reply = () => undefined;
  /** SQS entries (by Id) to report failed, per request index. */
  failEntries: (request: ReceivedRequest, index: number) => Array<{ Id: string; SenderFault: boolean; Code: string; Message: string }> = () => [];

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  queueUrl(name: string, account = '123456789012'): string {
    return `${this.url}/${account}/${name}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const target = request.headers['x-amz-target'];
        let received: ReceivedRequest;
        if (typeof target === 'string' && target.startsWith('AmazonSQS.')) {
          received = { service: 'sqs', action: target.slice('AmazonSQS.'.length), headers: request.headers, body: JSON.parse(text) as Record<string, unknown> };
        } else {
          const form = Object.fromEntries(new URLSearchParams(text));
          received = { service: 'sns', action: String(form.Action), headers: request.headers, body: form };
        }
        const index = this.requests.push(received) - 1;
        const reply = this.override(received, index) ?? this.answer(received, index);
        response.writeHead(reply.status, { 'content-type': reply.contentType, 'x-amzn-requestid': `req-${index}` });
        response.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(request: ReceivedRequest, index: number): NonNullable<Reply> {
    if (request.service === 'sns' && request.action === 'Publish') {
      const id = `msg-${this.nextId++}`;
      return {
        status: 200,
        contentType: 'text/xml',
        body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${index}</RequestId></ResponseMetadata></PublishResponse>`,
      };
    }
    if (request.service === 'sqs' && request.action === 'SendMessageBatch') {
      const entries = request.body.Entries as Array<{ Id: string; MessageBody: string }>;
      const failed = this.failEntries(request, index);
      const failedIds = new Set(failed.map((entry) => entry.Id));
      const successful = entries
        .filter((entry) => !failedIds.has(entry.Id))
        // The SDK checks each body's MD5 against what the service computed.
        .map((entry) => ({ Id: entry.Id, MessageId: `msg-${this.nextId++}`, MD5OfMessageBody: createHash('md5').update(entry.MessageBody).digest('hex') }));
      return { status: 200, contentType: 'application/x-amz-json-1.0', body: JSON.stringify({ Successful: successful, Failed: failed }) };
    }
    return { status: 400, contentType: 'text/plain', body: `unexpected ${request.service} ${request.action}` };
  }
}

export const snsThrottling: NonNullable<Reply> = {
  status: 400,
  contentType: 'text/xml',
  body: '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>throttled</RequestId></ErrorResponse>',
};

export const sqsThrottling: NonNullable<Reply> = {
  status: 400,
  contentType: 'application/x-amz-json-1.0',
  body: JSON.stringify({ __type: 'com.amazonaws.sqs#ThrottlingException', message: 'Rate exceeded' }),
};

export const snsNotFound: NonNullable<Reply> = {
  status: 404,
  contentType: 'text/xml',
  body: '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>missing</RequestId></ErrorResponse>',
};

export const internalError: NonNullable<Reply> = { status: 500, contentType: 'text/plain', body: 'internal error' };
