// Runs a benchmark case in its own Node process, so each case has its own heap and peak RSS.
import { spawn } from 'node:child_process';

const RESULT_PREFIX = 'BENCH_RESULT ';

/** Spawns `file --child ...args` and resolves to the measurement the child printed. */
export function measureInChild<T>(file: string, args: string[], nodeFlags: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    // Compiled benchmarks (`npm run bench` builds first) run as plain Node, like an installed CLI.
    const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...loader, ...nodeFlags, file, '--child', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').find((text) => text.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return reject(new Error(`benchmark child ${file} exited with ${code}:\n${output}`));
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

/**
 * The entry point of a benchmark module: in a child (`--child <args>`), measure and print the
 * result for the parent; run directly, the whole benchmark.
 */
export function benchMain<T>(measure: (args: string[]) => Promise<T>, run: () => Promise<unknown>): void {
  const at = process.argv.indexOf('--child');
  const work = at >= 0 ? measure(process.argv.slice(at + 1)).then((m) => console.log(`${RESULT_PREFIX}${JSON.stringify(m)}`)) : run();
  work.catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
