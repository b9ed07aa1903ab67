/**
 * One page of a simulated list call. Tokens are opaque to callers, as AWS's are, and a token that
 * was not issued by the simulator is rejected the way AWS rejects it.
 */
export function pageOf<T>(items: readonly T[], token: string | undefined, pageSize: number): { items: T[]; nextToken?: string } {
  let start = 0;
  if (token) {
    const match = /^sim:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
    if (!match) {
      const error = new Error(`The token '${token}' is invalid.`);
      error.name = 'InvalidNextToken';
      throw error;
    }
    start = Number(match[1]);
  }
  const end = Math.min(items.length, start + Math.max(1, pageSize));
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(`sim:${end}`).toString('base64') : undefined,
  };
}
