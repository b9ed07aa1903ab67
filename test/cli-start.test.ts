import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { DEFAULT_EXTRA_POLICY_NAME } from '../src/policy';
import { temporaryDirectory } from './helpers/simulate';

const run = promisify(execFile);
const repository = path.join(__dirname, '..');

/** A checkout in miniature: the real bin, a source CLI and a compiled CLI that say which one ran. */
function miniatureCheckout(): { root: string; source: string; stamp: string } {
  const root = temporaryDirectory();
  mkdirSync(path.join(root, 'bin'));
  copyFileSync(path.join(repository, 'bin', 'orggraph.js'), path.join(root, 'bin', 'orggraph.js'));
  symlinkSync(path.join(repository, 'node_modules'), path.join(root, 'node_modules'));
  const source = path.join(root, 'src', 'cli', 'main.ts');
  mkdirSync(path.dirname(source), { recursive: true });
  writeFileSync(source, "export async function main(): Promise<number> { process.stdout.write('source'); return 0; }\n");
  const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
  mkdirSync(path.dirname(compiled), { recursive: true });
  writeFileSync(compiled, "exports.main = async () => { process.stdout.write('compiled'); return 0; };\n");
  const stamp = path.join(root, 'dist', '.build-stamp');
  writeFileSync(stamp, 'built\n');
  return { root, source, stamp };
}

test('the bin runs the compiled CLI while it is current, and the sources once one changed since the build', async (t) => {
  const { root, source, stamp } = miniatureCheckout();
  const cli = path.join(root, 'bin', 'orggraph.js');
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  at(source, 1_000_000);
  at(stamp, 2_000_000);
  t.is((await run(process.execPath, [cli])).stdout, 'compiled');

  at(source, 3_000_000); // edited after the build
  t.is((await run(process.execPath, [cli])).stdout, 'source');
});

test('--version prints the version; bare orggraph prints the help and exits 0', async (t) => {
  const cli = path.join(repository, 'bin', 'orggraph.js');
  const version = await run(process.execPath, [cli, '--version']);
  t.is(version.stdout.trim(), (require('../package.json') as { version: string }).version);
  const bare = await run(process.execPath, [cli]);
  t.regex(bare.stdout, /^Usage: orggraph \[options\] \[command\]/);
  t.regex(bare.stdout, /ingest/);
});

test('the policy command, which loads the policy module lazily, defaults to the same policy name', async (t) => {
  const help = await run(process.execPath, [path.join(repository, 'bin', 'orggraph.js'), 'policy', '--help']);
  t.true(help.stdout.includes(`(default: "${DEFAULT_EXTRA_POLICY_NAME}")`), help.stdout);
});
