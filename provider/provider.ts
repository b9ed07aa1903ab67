/**
 * The GraphSnapshot dynamic provider: the part Pulumi serializes into the state (`__provider`).
 *
 * Pulumi turns this object into text with its closure serializer and the dynamic-provider host
 * process (`@pulumi/pulumi/cmd/dynamic-provider`) rebuilds it with `require-from-string`, in the
 * program's directory. Anything a method captures is copied into that text, so the methods capture
 * only two things: the relative path of the implementation module (a string) and
 * {@link loadImplementation} (a self-contained function). No engine module, SDK client, config or
 * secret is captured; the implementation is `require`d at call time from the program directory.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { dynamic } from '@pulumi/pulumi';
import type * as Implementation from './implementation';
import type { GraphSnapshotInputs, GraphSnapshotOutputs } from './types';

/**
 * The implementation module relative to the package root, in the same form as `file` (this module):
 * `provider/implementation.ts` when the program runs from sources (ts-node, tsx),
 * `dist/provider/implementation.js` when it runs compiled.
 */
export function implementationModuleOf(file: string): string {
  let root = path.dirname(file);
  while (!existsSync(path.join(root, 'package.json'))) {
    const parent = path.dirname(root);
    if (parent === root) throw new Error(`aws-org-graph: package.json not found above ${file}`);
    root = parent;
  }
  const extension = path.extname(file) === '.ts' ? '.ts' : '.js';
  return path
    .relative(root, path.join(path.dirname(file), `implementation${extension}`))
    .split(path.sep)
    .join('/');
}

// Not exported: compiled to CommonJS, the methods would reference an exported const as
// `exports.IMPLEMENTATION_MODULE`, and the serializer would capture the whole module's exports.
const implementationModule = implementationModuleOf(__filename);
export const IMPLEMENTATION_MODULE = implementationModule;

/**
 * Loads the implementation in the provider host. Serialized into the provider text, so it is
 * self-contained: it requires what it needs itself and refers to no module-level value.
 *
 * 1. The package root: the nearest directory at or above `cwd` (the program directory) whose
 *    package.json is named `aws-org-graph` (this repository), else the `aws-org-graph` package
 *    installed in the program's node_modules.
 * 2. The module in the form recorded at serialization time; the other form when only that one is
 *    there (a state written from sources, later run compiled, or the reverse).
 * 3. For TypeScript sources, a loader: the host process has none. tsx, else the project's ts-node,
 *    else the ts-node Pulumi vendors; all transpile only.
 */
export function loadImplementation(relativeModule: string, cwd: string): typeof Implementation {
  const nodePath = require('node:path') as typeof import('node:path');
  const nodeFs = require('node:fs') as typeof import('node:fs');
  const packageName = 'aws-org-graph';

  let root: string | undefined;
  for (let directory = nodePath.resolve(cwd); !root;) {
    const manifest = nodePath.join(directory, 'package.json');
    if (nodeFs.existsSync(manifest)) {
      try {
        if ((JSON.parse(nodeFs.readFileSync(manifest, 'utf8')) as { name?: string }).name === packageName) root = directory;
      } catch {
        // Not JSON: not the package; keep looking above.
      }
    }
    const parent = nodePath.dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  if (!root) {
    try {
      root = nodePath.dirname(require.resolve(`${packageName}/package.json`, { paths: [cwd] }));
    } catch {
      throw new Error(
        `aws-org-graph: cannot find the ${packageName} package from ${cwd}: the ingestion provider loads its engine from the Pulumi ` +
          `program's directory; run pulumi in the ${packageName} checkout or install ${packageName} in the program's node_modules`,
      );
    }
  }

  const base = root;
  const source = relativeModule.replace(/^dist\//, '').replace(/\.js$/, '.ts');
  const compiled = `dist/${source.replace(/\.ts$/, '.js')}`;
  const candidates = [relativeModule, source, compiled].filter((c, i, all) => all.indexOf(c) === i).map((c) => nodePath.join(base, c));
  const file = candidates.find((candidate) => nodeFs.existsSync(candidate));
  if (!file) throw new Error(`aws-org-graph: the ingestion engine is not in ${base}: none of ${candidates.join(', ')} exists (run npm run build?)`);

  if (file.endsWith('.ts') && !require.extensions['.ts']) {
    const problems: string[] = [];
    const loaders: Array<[string, () => void]> = [
      ['tsx', () => (require(require.resolve('tsx/cjs/api', { paths: [base] })) as { register: () => unknown }).register()],
      ['ts-node', () => (require(require.resolve('ts-node', { paths: [base] })) as { register: (o: object) => unknown }).register({ transpileOnly: true })],
      [
        "Pulumi's vendored ts-node",
        () => {
          const pulumiRoot = nodePath.dirname(require.resolve('@pulumi/pulumi/package.json', { paths: [base] }));
          const tsNode = require(nodePath.join(pulumiRoot, 'vendor', 'ts-node@7.0.1')) as { register: (o: object) => unknown };
          tsNode.register({ transpileOnly: true, compiler: require.resolve('typescript', { paths: [base] }) });
        },
      ],
    ];
    for (const [name, register] of loaders) {
      try {
        register();
        break;
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    if (!require.extensions['.ts']) {
      throw new Error(
        `aws-org-graph: cannot load the TypeScript engine ${file}: no TypeScript loader (${problems.join('; ')}); install tsx or compile with npm run build`,
      );
    }
  }
  return require(file) as typeof Implementation;
}

/** The provider object whose text goes into the state. */
export const graphSnapshotProvider: dynamic.ResourceProvider<GraphSnapshotInputs, GraphSnapshotOutputs> = {
  check: async (olds, news) => loadImplementation(implementationModule, process.cwd()).check(olds as Record<string, unknown>, news as Record<string, unknown>),
  // Every `pulumi up` re-ingests: the inventory changes without any input changing.
  diff: async () => ({ changes: true }),
  create: async (inputs) => loadImplementation(implementationModule, process.cwd()).create(inputs),
  update: async (id, olds, news) => loadImplementation(implementationModule, process.cwd()).update(id, olds, news),
  read: async (id, props) => loadImplementation(implementationModule, process.cwd()).read(id, props),
  delete: async (id, props) => loadImplementation(implementationModule, process.cwd()).remove(id, props),
};
