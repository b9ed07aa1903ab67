/**
 * A bucket at the HTTP level: nock intercepts the SDK's real HTTPS requests (signed, aws-chunked
 * bodies and all) to `<bucket>.s3.<region>.amazonaws.com` and answers GetObject, PutObject,
 * ListObjectsV2 and DeleteObjects from memory.
 */
import nock from 'nock';

export interface StoredObject {
  body: string;
  headers: Record<string, string>;
}

export interface SeenRequest {
  method: string;
  key: string;
  headers: Record<string, string>;
}

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=..]\r\n<data>\r\n` ... `0\r\n<trailers>`. */
export function decodeAwsChunked(body: string): string {
  let rest = Buffer.from(body, 'utf8');
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) throw new Error('aws-chunked body: missing chunk header');
    const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size)) throw new Error('aws-chunked body: bad chunk size');
    if (size === 0) break;
    parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
    rest = rest.subarray(lineEnd + 2 + size + 2);
  }
  return Buffer.concat(parts).toString('utf8');
}

function flatHeaders(headers: unknown): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>))
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : String(value);
  return flat;
}

export class FakeBucket {
  readonly objects = new Map<string, StoredObject>();
  readonly requests: SeenRequest[] = [];

  constructor(readonly name: string) {}

  private keyOf(uri: string): string {
    return decodeURIComponent(new URL(uri, 'https://x').pathname.slice(1));
  }

  install(): void {
    const host = new RegExp(`^https://${this.name.replace(/\./g, '\\.')}\\.s3[.-]`);
    const bucket = this;
    nock(host)
      .persist()
      .get(/.*/)
      .reply(function (uri) {
        const url = new URL(uri, 'https://x');
        const headers = flatHeaders(this.req.headers);
        if (url.searchParams.get('list-type') === '2') {
          const prefix = url.searchParams.get('prefix') ?? '';
          bucket.requests.push({ method: 'LIST', key: prefix, headers });
          const keys = [...bucket.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
          const contents = keys.map((key) => `<Contents><Key>${xmlEscape(key)}</Key><Size>${bucket.objects.get(key)!.body.length}</Size></Contents>`).join('');
          return [
            200,
            `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket.name}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
            { 'Content-Type': 'application/xml' },
          ];
        }
        const key = bucket.keyOf(uri);
        bucket.requests.push({ method: 'GET', key, headers });
        const object = bucket.objects.get(key);
        if (!object) {
          return [
            404,
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
            { 'Content-Type': 'application/xml' },
          ];
        }
        return [200, object.body, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(object.body)) }];
      })
      // PutObject: the body is recorded by the body matcher (nock's reply callbacks try to parse
      // JSON-typed bodies, which an aws-chunked body is not).
      .put(/.*/, function (this: { path: string; headers: unknown }, body: unknown) {
        const headers = flatHeaders(this.headers);
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        const key = bucket.keyOf(this.path);
        const decoded = /aws-chunked/.test(headers['content-encoding'] ?? '') ? decodeAwsChunked(text) : text;
        bucket.requests.push({ method: 'PUT', key, headers });
        bucket.objects.set(key, { body: decoded, headers });
        return true;
      })
      .reply(200, '', { ETag: '"0123456789abcdef"' })
      .post(/[?&]delete/)
      .reply(function (_uri, body) {
        const keys = [...String(body).matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) =>
          match[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
        );
        for (const key of keys) {
          bucket.requests.push({ method: 'DELETE', key, headers: flatHeaders(this.req.headers) });
          bucket.objects.delete(key);
        }
        const deleted = keys.map((key) => `<Deleted><Key>${xmlEscape(key)}</Key></Deleted>`).join('');
        return [
          200,
          `<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${deleted}</DeleteResult>`,
          { 'Content-Type': 'application/xml' },
        ];
      });
  }
}
