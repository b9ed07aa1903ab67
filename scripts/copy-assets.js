// Copies the YAML assets (built-in world, service demo fragments) next to the compiled code.
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
function copy(directory) {
  for (const entry of fs.readdirSync(path.join(root, directory), { withFileTypes: true })) {
    const relative = path.join(directory, entry.name);
    if (entry.isDirectory()) copy(relative);
    else if (entry.name.endsWith('.yaml')) {
      fs.mkdirSync(path.join(root, 'dist', directory), { recursive: true });
      fs.copyFileSync(path.join(root, relative), path.join(root, 'dist', relative));
    }
  }
}
copy('src');
// The CLI runs this build only while no source under src/ is newer than this stamp (bin/orggraph.js).
fs.writeFileSync(path.join(root, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
