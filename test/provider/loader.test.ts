/**
 * How the serialized provider finds its implementation: from the program directory (the host's
 * working directory) or one above it, or from the package installed in the program's node_modules;
 * in the recorded form (source or compiled), else the other one.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { implementationModuleOf, IMPLEMENTATION_MODULE, loadImplementation } from '../../provider/provider';
import * as implementation from '../../provider/implementation';
import { temporaryDirectory } from '../helpers/simulate';
import { REPO_ROOT } from './helpers/host';

function fakePackage(files: Record<string, string>, name = 'aws-org-graph'): string {
  const root = temporaryDirectory('orggraph-pkg-');
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

test('the implementation is recorded relative to the package root, in the form of the running code', (t) => {
  t.is(IMPLEMENTATION_MODULE, 'provider/implementation.ts');
  t.is(implementationModuleOf(path.join(REPO_ROOT, 'provider', 'provider.ts')), 'provider/implementation.ts');
  const compiled = fakePackage({ 'dist/provider/provider.js': '' });
  t.is(implementationModuleOf(path.join(compiled, 'dist', 'provider', 'provider.js')), 'dist/provider/implementation.js');
});

test('found from the program directory and from directories below it', (t) => {
  // The same module instance as this test's own import (compared through one of its functions).
  t.is(loadImplementation(IMPLEMENTATION_MODULE, REPO_ROOT).check, implementation.check);
  t.is(loadImplementation(IMPLEMENTATION_MODULE, path.join(REPO_ROOT, 'examples', 'simulated-stack')).check, implementation.check);
});

test('found in the node_modules of a program outside the repository', (t) => {
  const program = fakePackage({}, 'some-other-program');
  mkdirSync(path.join(program, 'node_modules'));
  symlinkSync(REPO_ROOT, path.join(program, 'node_modules', 'aws-org-graph'), 'dir');
  t.is(loadImplementation(IMPLEMENTATION_MODULE, program).check, implementation.check);
});

test('a program directory without the package fails with a message saying where it looked', (t) => {
  const elsewhere = fakePackage({}, 'unrelated');
  t.throws(() => loadImplementation(IMPLEMENTATION_MODULE, elsewhere), {
    message: new RegExp(
      `cannot find the aws-org-graph package from ${elsewhere.replace(/[/\\]/g, '.')}: the ingestion provider loads its engine from the Pulumi program's directory`,
    ),
  });
});

test('the other form is used when only that one is there', (t) => {
  const sourceOnly = fakePackage({ 'provider/implementation.ts': "export const form: string = 'source';\n" });
  t.is((loadImplementation('dist/provider/implementation.js', sourceOnly) as unknown as { form: string }).form, 'source');
  const compiledOnly = fakePackage({ 'dist/provider/implementation.js': "exports.form = 'compiled';\n" });
  t.is((loadImplementation('provider/implementation.ts', compiledOnly) as unknown as { form: string }).form, 'compiled');
  const neither = fakePackage({});
  t.throws(() => loadImplementation('provider/implementation.ts', neither), {
    message: /the ingestion engine is not in .*: none of .*provider\/implementation\.ts, .*dist\/provider\/implementation\.js exists/,
  });
});
