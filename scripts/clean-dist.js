// Empties dist/ before a build. tsc never deletes what it emitted before: a module moved from
// `x.ts` to `x/index.ts` leaves `dist/x.js`, which Node resolves before `dist/x/index.js`, so the
// build would run the old module beside the new ones (it did: the benchmark ran the ingestion of
// before its split into phases for a day).
const fs = require('node:fs');
const path = require('node:path');
fs.rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });
