import { createHash } from 'node:crypto';
import type { ShardSpec } from './types';

/**
 * The shard an account belongs to among `count`: the first 32 bits of the sha256 of its id, modulo
 * `count`. Stable across runs, machines and organization changes (an account never moves because
 * another joined), and even enough for a share per shard.
 */
export function shardOf(accountId: string, count: number): number {
  if (count <= 1) return 0;
  return createHash('sha256').update(accountId).digest().readUInt32BE(0) % count;
}

export function inShard(accountId: string, shard: ShardSpec): boolean {
  return shardOf(accountId, shard.count) === shard.index;
}

/** Parses `i/n` (0-based, `0 <= i < n`); undefined when it is not that. */
export function parseShard(text: string): ShardSpec | undefined {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && count <= 1024 && index < count ? { index, count } : undefined;
}
