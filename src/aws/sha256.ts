import * as crypto from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/**
 * SHA-256 and HMAC-SHA256 for the SDK's SigV4 signer (the clients' `sha256` setting), computing the
 * same digests as the SDK's own implementation with less work per call:
 *
 * - The signing key (four HMACs over the date, region, service and `aws4_request`, plus one HMAC of
 *   the access key id that names it in the SDK's cache) is derived once per credentials, day, region
 *   and service. The SDK caches only 50 signing keys process-wide, and an ingestion signs for
 *   thousands of account x region x service at once, so its cache misses on nearly every call.
 *   HMACs of short messages (at most {@link MEMO_MAX_MESSAGE} bytes: dates, regions, service names,
 *   access key ids; never a request, whose string to sign is longer) are remembered per key, and the
 *   memoized digest is handed out as the same array, so that the next step of the derivation, keyed
 *   by it, is found by identity.
 * - A digest of a single chunk (a payload, a canonical request) is computed in one native call
 *   (`crypto.hash`) instead of through a Hash object and a copy of it.
 */
export class Sha256 implements Checksum {
  readonly digestLength = 32;
  /** The data while it is a single chunk (the common case). */
  private pending?: Buffer;
  /** The incremental hash, once there is more than one chunk. */
  private stream?: crypto.Hash | crypto.Hmac;
  private finished = false;

  constructor(private readonly secret?: SourceData) {}

  update(chunk: Uint8Array | string): void {
    if (this.finished) throw new Error('Attempted to update an already finished hash.');
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : asBuffer(chunk);
    if (this.stream) this.stream.update(data);
    else if (this.pending === undefined) this.pending = data;
    else {
      this.stream = this.secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', keyOf(this.secret));
      this.stream.update(this.pending);
      this.stream.update(data);
      this.pending = undefined;
    }
  }

  async digest(): Promise<Uint8Array> {
    if (this.secret === undefined) {
      // Like the SDK's: a plain hash can be digested again, and updated after a digest.
      return asUint8Array(this.stream ? (this.stream as crypto.Hash).copy().digest() : oneShotSha256(this.pending ?? EMPTY));
    }
    this.finished = true;
    return this.stream ? asUint8Array(this.stream.digest()) : hmac(this.secret, this.pending ?? EMPTY);
  }

  reset(): void {
    this.pending = undefined;
    this.stream = undefined;
    this.finished = false;
  }
}

const EMPTY = Buffer.alloc(0);

/** Longest message whose HMAC is remembered: key-derivation inputs are a few dozen bytes at most. */
const MEMO_MAX_MESSAGE = 64;
/**
 * Secrets (secret access keys, `AWS4` + secret access key: two per credentials) whose HMACs are
 * remembered; beyond that the oldest is forgotten. An account's are forgotten when it is released
 * ({@link forgetSigningSecret}); this bound is for credentials replaced on the way (refreshed every
 * hour or so, never used again). Each secret's memo holds a key per region and service it signed
 * for: kept for the run, those of the accounts already collected made a worker's heap grow by
 * about 160 KB per account at 2 regions, and past its 512 MB limit at 1,000 accounts x 16 regions
 * (docs/benchmarks.md, "The signing memo, and V8's heap growth").
 */
export const MEMO_MAX_SECRETS = 256;

/** HMACs of short messages by string secret, then by message (latin1: byte for byte). */
const memoByStringKey = new Map<string, Map<string, Uint8Array>>();
/** The same by derived key: only the arrays this memo handed out, found by identity. */
const memoByDerivedKey = new WeakMap<object, Map<string, Uint8Array>>();

function hmac(secret: SourceData, message: Buffer): Uint8Array {
  const memo = message.length <= MEMO_MAX_MESSAGE ? memoFor(secret) : undefined;
  const text = memo ? message.toString('latin1') : '';
  const known = memo?.get(text);
  if (known) return known;
  const digest = asUint8Array(crypto.createHmac('sha256', keyOf(secret)).update(message).digest());
  if (memo) {
    memo.set(text, digest);
    memoByDerivedKey.set(digest, new Map());
  }
  return digest;
}

function memoFor(secret: SourceData): Map<string, Uint8Array> | undefined {
  if (typeof secret !== 'string') return memoByDerivedKey.get(secret);
  let memo = memoByStringKey.get(secret);
  if (!memo) {
    // The derived keys of a forgotten secret are held by nothing else: the weak map lets them go.
    if (memoByStringKey.size >= MEMO_MAX_SECRETS) memoByStringKey.delete(memoByStringKey.keys().next().value!);
    memoByStringKey.set(secret, (memo = new Map()));
  }
  return memo;
}

/**
 * Forgets what was derived from a secret access key (its HMACs and every signing key derived from
 * them): its account is collected, and a run of many accounts must not keep them all.
 */
export function forgetSigningSecret(secretAccessKey: string): void {
  memoByStringKey.delete(secretAccessKey);
  memoByStringKey.delete(`AWS4${secretAccessKey}`);
}

/** Secrets whose derived keys are remembered in this thread (tests, diagnostics). */
export function rememberedSigningSecrets(): number {
  return memoByStringKey.size;
}

function keyOf(secret: SourceData): crypto.BinaryLike {
  if (typeof secret === 'string') return secret;
  if (ArrayBuffer.isView(secret)) return Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
  return Buffer.from(secret);
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function asUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** `crypto.hash` (Node 20.12 and later) or a Hash object. */
const oneShotSha256: (data: Buffer) => Buffer =
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data, 'buffer') : (data) => crypto.createHash('sha256').update(data).digest();
