import type { Command } from 'commander';

/** Placeholder until the query engine lands (issue 4). */
export function registerQueryCommand(_program: Command): void {}
