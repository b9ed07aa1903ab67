import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { unknownConfigKeys } from '../../onboarding/config';
import { PROGRAM_CONFIG_KEYS } from '../../provider/program';

test('a misspelled aws-org-graph:* key is rejected, starting with its full key and suggesting the known one', (t) => {
  const problems = unknownConfigKeys(
    { 'aws-org-graph:roleNmae': 'Audit', 'aws-org-graph:roleName': 'JupiterOne', 'aws:region': 'us-east-1', 'aws-org-graph:colour': 'blue' },
    PROGRAM_CONFIG_KEYS,
  );
  t.is(problems.length, 2);
  t.regex(problems[0], /^aws-org-graph:colour: unknown configuration key \(known: /);
  t.regex(problems[1], /^aws-org-graph:roleNmae: unknown configuration key; did you mean "aws-org-graph:roleName"\?/);
});

test('Pulumi.yaml declares a typed schema for exactly the keys the program reads', (t) => {
  const project = parse(readFileSync(path.join(__dirname, '..', '..', 'Pulumi.yaml'), 'utf8')) as { config: Record<string, { type: string }> };
  t.deepEqual(Object.keys(project.config).sort(), [...PROGRAM_CONFIG_KEYS].sort());
  // Every key is typed but `accounts` (ids or objects); arrays name their item type, as Pulumi requires.
  for (const [key, declaration] of Object.entries(project.config)) {
    if (key !== 'accounts') t.true(['string', 'integer', 'boolean', 'array', 'object'].includes(declaration.type), key);
    if (declaration.type === 'array') t.truthy((declaration as { items?: unknown }).items, key);
  }
});
