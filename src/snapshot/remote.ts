import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import type { LatestPointer } from './store';

/**
 * A snapshot store in S3 with the same layout as a local {@link SnapshotStore} directory:
 * `<prefix>/snapshots/<time>-<sha>.json` and `<prefix>/latest.json` naming the newest. An
 * ingestion runs against a local staging directory: {@link S3SnapshotStore.pull} fetches the
 * previous snapshot into it (so carry-forward and change counts work as with a local store) and
 * {@link S3SnapshotStore.push} uploads the new snapshot, then moves the pointer. `aws s3 sync` of
 * the prefix into a directory gives a store the CLI reads as is.
 */

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slash; empty for the bucket's root. */
  prefix: string;
}

export interface SnapshotEncryption {
  /** `AES256` (SSE-S3) or `aws:kms` (SSE-KMS). */
  algorithm: 'AES256' | 'aws:kms';
  /** KMS key id, ARN or alias for `aws:kms`; the bucket's default `aws/s3` key when absent. */
  kmsKeyId?: string;
}

export class RemoteStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteStoreError';
  }
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isS3Uri(destination: string): boolean {
  return destination.startsWith('s3://');
}

/** Parses `s3://bucket[/prefix]`; the message says what is wrong. */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(uri);
  if (!match) throw new RemoteStoreError(`${uri}: not an s3:// URI (expected s3://bucket/prefix)`);
  const bucket = match[1];
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new RemoteStoreError(`${uri}: "${bucket}" is not a valid S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)`);
  }
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((part) => part === '..' || part === '.' || (prefix !== '' && part === ''))) {
    throw new RemoteStoreError(`${uri}: the prefix must not contain empty, "." or ".." segments`);
  }
  return { bucket, prefix };
}

function notFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
}

export class S3SnapshotStore {
  constructor(
    readonly location: S3Location,
    private readonly client: S3Client,
    private readonly encryption: SnapshotEncryption = { algorithm: 'AES256' },
  ) {}

  /** Object key of a path relative to the store (`latest.json`, `snapshots/x.json`). */
  key(relative: string): string {
    return this.location.prefix ? `${this.location.prefix}/${relative}` : relative;
  }

  uri(relative = ''): string {
    const key = relative ? this.key(relative) : this.location.prefix;
    return `s3://${this.location.bucket}${key ? `/${key}` : ''}`;
  }

  /** The pointer to the newest snapshot, or undefined when the store is empty. */
  async latest(): Promise<LatestPointer | undefined> {
    let text: string;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key('latest.json') }));
      text = (await response.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (notFound(error)) return undefined;
      throw new RemoteStoreError(`cannot read ${this.uri('latest.json')}: ${describe(error)}`);
    }
    let pointer: LatestPointer;
    try {
      pointer = JSON.parse(text) as LatestPointer;
    } catch {
      throw new RemoteStoreError(`${this.uri('latest.json')}: not valid JSON; remove it or point it at an object under ${this.uri('snapshots/')}`);
    }
    if (typeof pointer.path !== 'string' || !/^snapshots\/[^/]+\.json$/.test(pointer.path)) {
      throw new RemoteStoreError(`${this.uri('latest.json')}: "path" must name an object under snapshots/ (it is ${JSON.stringify(pointer.path)})`);
    }
    return pointer;
  }

  /**
   * Copies the newest snapshot and its pointer into a local directory laid out as a
   * {@link SnapshotStore}; the snapshot is streamed to disk, never held in memory.
   */
  async pull(directory: string): Promise<LatestPointer | undefined> {
    const pointer = await this.latest();
    if (!pointer) return undefined;
    const target = path.join(directory, pointer.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(pointer.path) }));
      if (!response.Body) throw new Error('empty response body');
      await pipeline(response.Body as Readable, createWriteStream(target, { mode: 0o600 }));
    } catch (error) {
      await fs.rm(target, { force: true });
      throw new RemoteStoreError(
        `${this.uri('latest.json')} names ${this.uri(pointer.path)}, which cannot be read (${describe(error)}); ` +
          'restore that object or remove latest.json to start from an empty store',
      );
    }
    await fs.writeFile(path.join(directory, 'latest.json'), `${JSON.stringify(pointer, null, 2)}\n`, { mode: 0o600 });
    return pointer;
  }

  private encryptionParameters(): { ServerSideEncryption: ServerSideEncryption; SSEKMSKeyId?: string } {
    return this.encryption.algorithm === 'aws:kms'
      ? { ServerSideEncryption: 'aws:kms', ...(this.encryption.kmsKeyId ? { SSEKMSKeyId: this.encryption.kmsKeyId } : {}) }
      : { ServerSideEncryption: 'AES256' };
  }

  /**
   * Uploads a snapshot written locally (a file under `<directory>/snapshots/`), then the pointer:
   * readers never see a pointer to an object that is not completely stored.
   */
  async push(snapshotFile: string, pointer: LatestPointer): Promise<{ uri: string; key: string }> {
    const relative = `snapshots/${path.basename(snapshotFile)}`;
    const key = this.key(relative);
    const { size } = await fs.stat(snapshotFile);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: createReadStream(snapshotFile),
          ContentLength: size,
          ContentType: 'application/json',
          ...this.encryptionParameters(),
        }),
      );
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.key('latest.json'),
          Body: `${JSON.stringify({ path: relative, graphSha256: pointer.graphSha256, endedAt: pointer.endedAt } satisfies LatestPointer, null, 2)}\n`,
          ContentType: 'application/json',
          ...this.encryptionParameters(),
        }),
      );
    } catch (error) {
      throw new RemoteStoreError(`cannot upload the snapshot to ${this.uri(relative)}: ${describe(error)}`);
    }
    return { uri: this.uri(relative), key };
  }

  /** Uploads a file that accompanies the snapshots (e.g. a report), encrypted as they are. */
  async pushFile(file: string, relative: string, contentType: string): Promise<{ uri: string; key: string }> {
    const key = this.key(relative);
    const { size } = await fs.stat(file);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: contentType,
          ...this.encryptionParameters(),
        }),
      );
    } catch (error) {
      throw new RemoteStoreError(`cannot upload ${path.basename(file)} to ${this.uri(relative)}: ${describe(error)}`);
    }
    return { uri: this.uri(relative), key };
  }

  /**
   * A small file kept beside the snapshots (the alert state, `alert-state.json`), fetched into the
   * staging directory when there is one. Missing is not an error: false.
   */
  async pullSidecar(directory: string, name: string): Promise<boolean> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(name) }));
      const text = (await response.Body?.transformToString('utf8')) ?? '';
      await fs.writeFile(path.join(directory, name), text, { mode: 0o600 });
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw new RemoteStoreError(`cannot read ${this.uri(name)}: ${describe(error)}`);
    }
  }

  /** Uploads a sidecar file written in the staging directory (after the snapshot and its pointer). */
  async pushSidecar(directory: string, name: string): Promise<void> {
    const body = await fs.readFile(path.join(directory, name), 'utf8').catch(() => undefined);
    if (body === undefined) return;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.key(name),
          Body: body,
          ContentType: 'application/json',
          ...this.encryptionParameters(),
        }),
      );
    } catch (error) {
      throw new RemoteStoreError(`cannot upload ${this.uri(name)}: ${describe(error)}`);
    }
  }

  /** Deletes every snapshot, the pointer and the alert state; other objects under the prefix are left alone. */
  async remove(): Promise<number> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.key('snapshots/'), ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    keys.push(this.key('latest.json'));
    // The alert state, when the store has one (`pullSidecar`).
    const state = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.key('alert-state.json') }));
    if (state.Contents?.some((object) => object.Key === this.key('alert-state.json'))) keys.push(this.key('alert-state.json'));
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.location.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length) {
        throw new RemoteStoreError(
          `cannot delete ${failed.length} object(s) under ${this.uri()}: ${failed
            .slice(0, 3)
            .map((e) => `${e.Key} ${e.Code}`)
            .join(', ')}`,
        );
      }
    }
    return keys.length;
  }
}

/** An S3 client for a snapshot store; credentials come from the default chain unless given. */
export function createS3Client(options: S3ClientConfig = {}): S3Client {
  return new S3Client({
    followRegionRedirects: true,
    ...options,
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  });
}
