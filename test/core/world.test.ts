import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { stringify } from 'yaml';
import { allSimulators } from '../../src/services';
import { loadWorldFile, parseWorld, WorldError } from '../../src/sim/world';
import { builtinWorldData, temporaryDirectory } from '../helpers/simulate';

function worldFile(content: string): string {
  const file = path.join(temporaryDirectory(), 'world.yaml');
  writeFileSync(file, content);
  return file;
}

test('the built-in world is valid', (t) => {
  const world = parseWorld(stringify(builtinWorldData()), 'builtin.yaml', allSimulators());
  t.true(world.accounts.length >= 5);
});

test('a bad value gets an error naming the file, the line, the path and the problem', (t) => {
  const data = builtinWorldData();
  const file = worldFile(stringify(data).replace('status: SUSPENDED', 'status: ASLEEP'));
  const error = t.throws(() => loadWorldFile(file, allSimulators()), { instanceOf: WorldError });
  t.regex(
    error?.message ?? '',
    new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: accounts\\[4\\]\\.status: must be one of "ACTIVE", "SUSPENDED", "PENDING_CLOSURE"`),
  );
});

test("a service section is validated by that service's schema", (t) => {
  const data = builtinWorldData();
  const account = data.accounts.find((a) => a.id === '222222222222');
  const kms = account?.regions?.['us-east-1']?.kms as { keys: Array<Record<string, unknown>> };
  kms.keys[0].rotation = 'yes';
  kms.keys[1].colour = 'blue';
  const error = t.throws(() => parseWorld(stringify(data), 'w.yaml', allSimulators()), { instanceOf: WorldError });
  t.regex(error?.message ?? '', /accounts\[1\]\.regions\.us-east-1\.kms\.keys\[0\]\.rotation: must be boolean/);
  t.regex(error?.message ?? '', /accounts\[1\]\.regions\.us-east-1\.kms\.keys\[1\]: unknown property "colour"/);
});

test('YAML syntax errors, unknown regions and unknown management accounts are named', (t) => {
  t.throws(() => parseWorld('organization: [unclosed', 'broken.yaml', allSimulators()), { message: /^broken\.yaml:1:\d+: YAML syntax error/ });
  const data = builtinWorldData();
  (data.accounts[1].regions ??= {})['us-mars-1'] = {};
  t.throws(() => parseWorld(stringify(data), 'w.yaml', allSimulators()), { message: /accounts\[1\]\.regions\.us-mars-1: region is not declared/ });
  const other = builtinWorldData();
  other.organization.managementAccountId = '999999999999';
  t.throws(() => parseWorld(stringify(other), 'w.yaml', allSimulators()), { message: /managementAccountId: 999999999999 is not one of the accounts/ });
  t.throws(() => loadWorldFile('/nonexistent/world.yaml', allSimulators()), { message: /\/nonexistent\/world\.yaml: cannot read the world file \(ENOENT\)/ });
});
