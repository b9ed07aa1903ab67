/**
 * ARNs and IAM wildcard patterns (`*` any run of characters, `?` one character).
 *
 * An ARN has six colon-separated fields: `arn:partition:service:region:account:resource`; the
 * resource field may itself contain colons. In a pattern, a wildcard in one of the first five
 * fields stays inside that field; in the resource field it may cross `/` and `:`.
 */

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon (`bucket/key`, `role/path/name`, `instance/i-0abc`). */
  resource: string;
}

/** The fields of an ARN (or ARN pattern); undefined when the text is not shaped like an ARN. */
export function parseArn(arn: string): ArnParts | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const fields: string[] = [];
  let start = 4;
  for (let i = 0; i < 4; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return undefined;
    fields.push(arn.slice(start, colon));
    start = colon + 1;
  }
  return { partition: fields[0], service: fields[1], region: fields[2], account: fields[3], resource: arn.slice(start) };
}

export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/** The characters before the first wildcard. */
export function literalPrefix(pattern: string): string {
  const star = pattern.indexOf('*');
  const question = pattern.indexOf('?');
  const first = star < 0 ? question : question < 0 ? star : Math.min(star, question);
  return first < 0 ? pattern : pattern.slice(0, first);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** A glob as a regular expression source; `anyChar` is what `*` and `?` may match. */
function globSource(glob: string, anyChar: string): string {
  let source = '';
  for (const part of glob.split(/([*?])/)) {
    if (part === '*') source += `${anyChar}*`;
    else if (part === '?') source += anyChar;
    else source += escapeRegExp(part);
  }
  return source;
}

/** A compiled matcher: a plain comparison for literal patterns, a regular expression otherwise. */
export type Matcher = (value: string) => boolean;

/**
 * Compiles an ARN pattern into a matcher (case-sensitive, as IAM compares resource ARNs). A pattern
 * that is not shaped like an ARN (`*`, `arn:aws:*`) is matched as a plain glob.
 */
export function compileArnPattern(pattern: string): Matcher {
  if (!hasWildcard(pattern)) return (value) => value === pattern;
  const parts = parseArn(pattern);
  let source: string;
  if (parts) {
    const field = (text: string) => globSource(text, '[^:]');
    source = `arn:${field(parts.partition)}:${field(parts.service)}:${field(parts.region)}:${field(parts.account)}:${globSource(parts.resource, '.')}`;
  } else {
    source = globSource(pattern, '.');
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}

/** A case-insensitive glob matcher (action names, service names). */
export function compileGlob(pattern: string): Matcher {
  if (!hasWildcard(pattern)) {
    const lower = pattern.toLowerCase();
    return (value) => value.toLowerCase() === lower;
  }
  const regex = new RegExp(`^${globSource(pattern, '.')}$`, 'is');
  return (value) => regex.test(value);
}

const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}
