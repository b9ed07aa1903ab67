import type { Command } from 'commander';

/** Placeholder until the onboarding policy lands (issue 3). */
export function registerPolicyCommand(_program: Command): void {}
