#!/usr/bin/env node
'use strict';
// The SDK warns about Node 20 on every run; the project's engines field documents the supported Node versions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// In a checkout the TypeScript sources run through tsx, so the CLI never runs stale compiled code;
// an installed package (no sources, no tsx) runs the compiled output.
const path = require('node:path');
const fs = require('node:fs');
const source = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
let entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (fs.existsSync(source)) {
  try {
    require('tsx/cjs');
    entry = source;
  } catch {
    // tsx is a dev dependency: fall back to the compiled CLI.
  }
}
require(entry)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
