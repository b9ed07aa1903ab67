// Copies the non-TypeScript assets next to the compiled code: YAML (built-in world, service demo
// fragments) and whatever is in an `assets` directory (the report page's script and styles).
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
function copy(directory, everything = false) {
  for (const entry of fs.readdirSync(path.join(root, directory), { withFileTypes: true })) {
    const relative = path.join(directory, entry.name);
    if (entry.isDirectory()) copy(relative, everything || entry.name === 'assets');
    else if (everything || entry.name.endsWith('.yaml')) {
      fs.mkdirSync(path.join(root, 'dist', directory), { recursive: true });
      fs.copyFileSync(path.join(root, relative), path.join(root, 'dist', relative));
    }
  }
}
copy('src');
// The loopback AWS's answers, which the ingestion benchmark's SDK floor replays (bench/sdk-floor.ts).
copy('test/wire');
// The CLI runs this build only while no source under src/ is newer than this stamp (bin/orggraph.js).
fs.writeFileSync(path.join(root, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
