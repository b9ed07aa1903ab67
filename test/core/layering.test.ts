import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';

/**
 * The layering of issue 15: a service's internals (converters, collectors, keys, simulator) are its
 * own. Other folders, and other services, import from a service only its `schema.ts` (the types it
 * spells) and its `index.ts` (the module the registry lists). Simulator code may use another
 * service's simulator (the EC2 world names KMS keys), as the simulated AWS is one world.
 */

const SRC = path.join(__dirname, '..', '..', 'src');
const SERVICES = path.join(SRC, 'services');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative module specifiers of static and dynamic imports and re-exports. */
export function relativeImports(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g)) specifiers.push(match[1]);
  return specifiers;
}

/** Simulator code: the generic toolkit (`src/sim/`) and a service's simulator files. */
function isSimulatorCode(file: string): boolean {
  const relative = path.relative(SRC, file).split(path.sep).join('/');
  return /^sim\//.test(relative) || /^services\/[^/]+\/(sim\/|simulator\.ts$|sim-[\w-]+\.ts$)/.test(relative);
}

/** The service folder a path is in (`ec2` for src/services/ec2/...), if any. */
function serviceOf(file: string): string | undefined {
  const relative = path.relative(SERVICES, file).split(path.sep);
  return relative.length > 1 && relative[0] !== '..' ? relative[0] : undefined;
}

/** Imports that reach into another service's internals, as `importer -> target` (paths from src/). */
export function layeringViolations(files: ReadonlyArray<{ file: string; source: string }>): string[] {
  const violations: string[] = [];
  for (const { file, source } of files) {
    for (const specifier of relativeImports(source)) {
      const target = path.resolve(path.dirname(file), specifier);
      const service = serviceOf(target);
      if (!service || serviceOf(file) === service) continue;
      const inside = path.relative(path.join(SERVICES, service), target).split(path.sep).join('/').replace(/\.ts$/, '');
      if (inside === 'schema' || inside === 'index' || inside === '') continue;
      if (isSimulatorCode(file) && isSimulatorCode(`${target}.ts`)) continue;
      violations.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
    }
  }
  return violations;
}

test('no file outside a service imports its internals (only schema.ts and index.ts)', (t) => {
  const files = sourceFiles(SRC).map((file) => ({ file, source: readFileSync(file, 'utf8') }));
  t.true(files.length > 50, 'the source tree was read');
  t.deepEqual(layeringViolations(files), []);
});

test('the layering check finds an import of another service’s converters', (t) => {
  const analysis = path.join(SRC, 'analysis', 'example.ts');
  const simulator = path.join(SERVICES, 'ec2', 'simulator.ts');
  const files = [
    { file: analysis, source: "import { convertKmsKey } from '../services/kms/converters';\nimport { KmsEntities } from '../services/kms/schema';" },
    { file: path.join(SERVICES, 's3', 'converters.ts'), source: "export { kmsKeyKey } from '../kms/converters';\nimport { kmsService } from '../kms';" },
    { file: simulator, source: "import type { WorldKms } from '../kms/simulator';" },
    { file: path.join(SERVICES, 'ec2', 'collectors.ts'), source: "import type { WorldKms } from '../kms/simulator';\nimport { x } from './converters';" },
  ];
  t.deepEqual(layeringViolations(files), [
    'analysis/example.ts -> services/kms/converters',
    'services/s3/converters.ts -> services/kms/converters',
    'services/ec2/collectors.ts -> services/kms/simulator',
  ]);
});
