// Regenerates the README's coverage table from the collector declarations.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { withCoverage } from '../src/coverage';

const readmePath = path.join(__dirname, '..', 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withCoverage(before);
if (after !== before) {
  writeFileSync(readmePath, after);
  process.stdout.write('README.md coverage table updated\n');
} else {
  process.stdout.write('README.md coverage table already up to date\n');
}
