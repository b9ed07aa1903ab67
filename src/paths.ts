import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The package's root directory (holds package.json), from sources or compiled output alike. */
export function packageRoot(): string {
  let directory = __dirname;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`package.json not found above ${__dirname}`);
    directory = parent;
  }
  return directory;
}
