// Regenerates the README's coverage table and docs/permissions.md's table from the collector declarations.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { withCoverage } from '../src/docs/coverage-table';
import { withPermissionsTable } from '../src/collectors/optional';
import { allCollectors } from '../src/services';

const readmePath = path.join(__dirname, '..', 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withCoverage(before);
if (after !== before) {
  writeFileSync(readmePath, after);
  process.stdout.write('README.md coverage table updated\n');
} else {
  process.stdout.write('README.md coverage table already up to date\n');
}

const permissionsPath = path.join(__dirname, '..', 'docs', 'permissions.md');
const permissionsBefore = readFileSync(permissionsPath, 'utf8');
const permissionsAfter = withPermissionsTable(permissionsBefore, allCollectors());
if (permissionsAfter !== permissionsBefore) {
  writeFileSync(permissionsPath, permissionsAfter);
  process.stdout.write('docs/permissions.md table updated\n');
} else {
  process.stdout.write('docs/permissions.md table already up to date\n');
}
