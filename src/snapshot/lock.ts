/**
 * One writer per snapshot directory: a full run and `orggraph watch` never write over each other.
 * The lock is a file created exclusively (`O_EXCL`) holding the owner's pid and host; a lock whose
 * process is gone (same host) is taken over, so a crash never leaves the directory locked.
 */
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE = '.orggraph.lock';
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'ENOSPC']);

export class StoreLockedError extends Error {
  constructor(
    readonly file: string,
    readonly owner: string,
  ) {
    super(`${file} is held by ${owner}: another ingestion or watch writes to this directory`);
    this.name = 'StoreLockedError';
  }
}

interface Owner {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `work` holding the directory's lock, waiting for it (polling every `pollMs`, at most
 * `waitMs`; `sleep` injected for tests) while another live process holds it.
 */
export async function withStoreLock<T>(
  directory: string,
  work: () => Promise<T>,
  options: { waitMs?: number; pollMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const file = path.join(directory, LOCK_FILE);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 1000;
  let waited = 0;
  for (;;) {
    const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    try {
      await fs.mkdir(directory, { recursive: true });
    } catch {
      // Not a directory, or not one we can create: the run's own checks say so, before any AWS call.
      return work();
    }
    try {
      await fs.writeFile(file, JSON.stringify(owner), { flag: 'wx' });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A directory that cannot be written is the run's own input problem: its checks report it
      // (file and reason) before any AWS call, and no other writer can use it either.
      if (code && UNWRITABLE.has(code)) return work();
      if (code !== 'EEXIST') throw error;
    }
    let holder: Owner | undefined;
    try {
      holder = JSON.parse(await fs.readFile(file, 'utf8')) as Owner;
    } catch {
      holder = undefined; // being written, or torn by a crash: look again
    }
    if (holder && holder.host === hostname() && !alive(holder.pid)) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (waited >= (options.waitMs ?? 0))
      throw new StoreLockedError(file, holder ? `pid ${holder.pid} on ${holder.host} since ${holder.since}` : 'another process');
    await sleep(pollMs);
    waited += pollMs;
  }
  try {
    return await work();
  } finally {
    await fs.rm(file, { force: true });
  }
}
