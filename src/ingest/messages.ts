/** Text lines of run events, shared by the engine's logger and the CLI's text output (no imports: the CLI loads it at start). */

/** How a skipped account reads in a text log. */
export function skippedAccountLine(skipped: { accountId: string; name?: string; reason: string }): string {
  return `skipping account ${skipped.accountId}${skipped.name ? ` (${skipped.name})` : ''}: ${skipped.reason}`;
}
