/**
 * Runs the benchmarks: every `bench/<name>.bench.ts` module's exported `run()`, one after the other,
 * or only those named on the command line. Options after the names are left in `process.argv` for
 * the benchmarks to read.
 *
 *   npm run bench                                  # all of them
 *   npm run bench -- ingest --sizes 10,50          # the ingestion benchmark at 10 and 50 accounts
 *   npm run bench -- snapshot query                # two of them
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

interface BenchModule {
  run?: () => unknown;
}

/** `.bench.ts` from source, `.bench.js` once compiled (`npm run bench` runs the compiled ones). */
const SUFFIX = __filename.endsWith('.ts') ? '.bench.ts' : '.bench.js';

async function main(): Promise<void> {
  const available = readdirSync(__dirname)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort();
  const args = process.argv.slice(2);
  const firstOption = args.findIndex((arg) => arg.startsWith('-'));
  const names = (firstOption === -1 ? args : args.slice(0, firstOption)).map((name) => path.basename(name).replace(/\.bench(\.[tj]s)?$/, ''));
  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length) {
    console.error(`unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (available: ${available.join(', ')})`);
    process.exitCode = 2;
    return;
  }
  const selected = names.length ? names : available;
  for (const name of selected) {
    const module = (await import(path.join(__dirname, `${name}${SUFFIX}`))) as BenchModule;
    if (typeof module.run !== 'function') {
      console.error(`bench/${name}${SUFFIX} exports no run()`);
      process.exitCode = 1;
      continue;
    }
    console.log(`\n## ${name}\n`);
    const started = performance.now();
    await module.run();
    console.log(`\n(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
