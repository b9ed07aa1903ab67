#!/usr/bin/env node
'use strict';
// The SDK warns about Node 20 on every run; the project's engines field documents the supported Node versions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The compiled CLI starts in a fraction of a second; compiling TypeScript at start takes seconds.
// It runs whenever it is current: an installed package (no sources), or a checkout built
// (`npm run build`, run by `npm ci` through `prepare`) after its last source change. In a checkout
// whose sources changed since, the sources run through tsx, so the CLI never runs stale code.
const path = require('node:path');
const fs = require('node:fs');
const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
const sources = path.join(root, 'src');

/** The newest modification time of the files under a directory (about 200 stats: a few milliseconds). */
function newestChange(directory) {
  let newest = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  if (!fs.existsSync(sources)) return fs.existsSync(compiled);
  try {
    return fs.existsSync(compiled) && fs.statSync(path.join(root, 'dist', '.build-stamp')).mtimeMs >= newestChange(sources);
  } catch {
    return false;
  }
}

let entry = compiled;
if (!compiledIsCurrent()) {
  try {
    require('tsx/cjs');
    entry = path.join(sources, 'cli', 'main.ts');
  } catch {
    // tsx is a dev dependency: without it, the compiled CLI is all there is.
  }
}
require(entry)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
