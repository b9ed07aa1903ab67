/**
 * The compiled form: a program directory holding only JavaScript (the provider and engine compiled
 * as `npm run build` emits them, plus the YAML assets it copies), no TypeScript at all. The provider
 * is serialized by plain Node from the compiled module, and Pulumi's dynamic-provider host, started
 * in that directory, loads the compiled engine through the provider's run-time `require`.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import * as ts from 'typescript';
import type { GraphSnapshotOutputs } from '../../provider/types';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';
import { PROVIDER_KEY, ProviderHost, REPO_ROOT } from './helpers/host';

const run = promisify(execFile);

/** Compiles a module and its relative imports with the repository's compiler options, one file at a time. */
function compileClosure(entries: string[], outDir: string): number {
  const { config } = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, REPO_ROOT);
  const compilerOptions = { ...options, sourceMap: false, declaration: false };
  const pending = entries.map((entry) => path.join(REPO_ROOT, entry));
  const done = new Set<string>();
  while (pending.length) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const relative = path.relative(REPO_ROOT, file);
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.json')) {
      mkdirSync(path.dirname(path.join(outDir, relative)), { recursive: true });
      copyFileSync(file, path.join(outDir, relative));
      continue;
    }
    const output = ts.transpileModule(text, { compilerOptions, fileName: file }).outputText;
    const target = path.join(outDir, relative.replace(/\.ts$/, '.js'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, output);
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), imported.fileName);
      const found = [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => ts.sys.fileExists(candidate) && !ts.sys.directoryExists(candidate));
      if (found) pending.push(found);
    }
  }
  return done.size;
}

/** The YAML assets, where the build copies them (dist/src) and where the base world is read (src). */
function copyAssets(directory: string, into: string[]): void {
  for (const entry of readdirSync(path.join(REPO_ROOT, directory), { withFileTypes: true })) {
    const relative = path.join(directory, entry.name);
    if (entry.isDirectory()) copyAssets(relative, into);
    else if (entry.name.endsWith('.yaml')) {
      for (const root of into) {
        mkdirSync(path.join(root, path.dirname(relative)), { recursive: true });
        copyFileSync(path.join(REPO_ROOT, relative), path.join(root, relative));
      }
    }
  }
}

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    if (entry.name === 'node_modules') return [];
    if (entry.isDirectory()) return typeScriptFiles(file);
    return /\.[cm]?ts$/.test(entry.name) ? [file] : [];
  });
}

let program: string;
let host: ProviderHost | undefined;

test.before(async () => {
  program = temporaryDirectory('orggraph-compiled-');
  writeFileSync(path.join(program, 'package.json'), JSON.stringify({ name: 'aws-org-graph', private: true }));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(program, 'node_modules'), 'dir');
  compileClosure(['provider/provider.ts', 'provider/implementation.ts', 'src/sim/generate.ts'], path.join(program, 'dist'));
  copyAssets('src', [path.join(program, 'dist'), program]);
});

test.after.always(async () => {
  await host?.stop();
});

test('the compiled provider, serialized by plain Node, runs in the host against the compiled engine', async (t) => {
  t.deepEqual(typeScriptFiles(program), [], 'no TypeScript in the program directory');
  const serializer = [
    "const pulumi = require('@pulumi/pulumi');",
    "const { graphSnapshotProvider } = require('./dist/provider/provider.js');",
    'const provider = graphSnapshotProvider;',
    'pulumi.runtime.serializeFunction(() => provider).then((sf) => process.stdout.write(sf.text));',
  ].join('\n');
  const { stdout: providerText } = await run(process.execPath, ['-e', serializer], { cwd: program, env: { ...process.env, NODE_OPTIONS: '' } });
  t.true(providerText.includes('"dist/provider/implementation.js"'), 'the compiled form is recorded');
  t.false(providerText.includes(program), 'no absolute path');
  // Compiled CommonJS refers to exported names through `exports`: nothing may pull that object in.
  t.false(/\bexports\.(?!handler)/.test(providerText), 'no module exports object captured');
  t.true(providerText.length < 16_000, `small (${providerText.length} characters)`);

  host = await ProviderHost.start(program);
  const destination = temporaryDirectory('orggraph-compiled-out-');
  const checked = await host.check({}, { [PROVIDER_KEY]: providerText, simulate: true, destination });
  t.deepEqual(checked.failures, []);
  const [created, engine] = await Promise.all([host.create({ [PROVIDER_KEY]: providerText, simulate: true, destination }), simulate(builtinWorld())]);
  const outputs = created.properties as unknown as GraphSnapshotOutputs;
  t.deepEqual(outputs.entityCounts, engine.summary.counts.entities);
  t.deepEqual(outputs.relationshipCounts, engine.summary.counts.relationships);
  t.is(outputs.snapshot.sha256, engine.summary.snapshot.sha256);
});

test('the compiled engine collects with worker threads started from its compiled worker module, and builds the same graph', async (t) => {
  const outputDir = temporaryDirectory('orggraph-compiled-workers-');
  const generate = { accounts: 5, regions: 2, resourcesPerRegion: 2, mix: 'realistic', seed: 3 } as const;
  const script = [
    "const { ingest } = require('./dist/src/ingest/index.js');",
    "const { generateWorld } = require('./dist/src/sim/generate.js');",
    "const { allSimulators } = require('./dist/src/services/index.js');",
    `const world = generateWorld(${JSON.stringify(generate)}, allSimulators());`,
    'const workers = [];',
    `ingest({ simulate: world, config: { outputDir: ${JSON.stringify(outputDir)}, workers: 2 }, onWorkerDone: (d) => workers.push(d.accounts) })`,
    '  .then((result) => process.stdout.write(JSON.stringify({ sha256: result.summary.snapshot.sha256, workers, errors: result.summary.errors.length })));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: program, env: { ...process.env, NODE_OPTIONS: '' } });
  const compiled = JSON.parse(stdout) as { sha256: string; workers: number[]; errors: number };
  t.is(compiled.workers.length, 2, 'two compiled workers reported');
  t.true(compiled.workers.every((accounts) => accounts > 0));
  t.is(compiled.errors, 0);
  const { generateWorld } = await import('../../src/sim/generate');
  const { allSimulators } = await import('../../src/services');
  const reference = await simulate(generateWorld({ ...generate }, allSimulators()), { config: { workers: 1 } });
  t.is(compiled.sha256, reference.summary.snapshot.sha256);
});
